"""Collect stage: import registrations from one file or a folder of commune workbooks.

Each file is read in one streaming pass; every problem in it is reported at once. By default a
file with any problem stores nothing; with ``partial`` its valid rows are stored and the others
are written to ``<stem>.loi.xlsx`` beside it, with the reason in a last column. A product is
matched by its code, or by producer and name after normalisation, so re-importing a file
changes nothing and a corrected file updates the rows it matches; the same product registered
twice, within a file, across the files of a folder or across communes, is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from ocop import progress
from ocop.batches import many_rows
from ocop.errors import InputError
from ocop.inputs import TABLE_SUFFIXES, Table, check_file, open_table
from ocop.persistence.models import Campaign
from ocop.services.registrations.corrections import Change
from ocop.services.registrations.form import (
    CODE,
    NAME,
    FormContext,
    ParsedRegistration,
    RowReader,
    form_context,
)
from ocop.services.registrations.store import Entry, Store
from ocop.services.registrations.workbooks import DATA_SHEET, error_path, write_errors
from ocop.text import fold

SUFFIXES = (*TABLE_SUFFIXES, ".xls", ".xlsb", ".ods")  # old formats are listed, to be refused by name


@dataclass(frozen=True)
class FileResult:
    file: str
    rows: int  # non-empty data rows read
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows not stored
    refused: bool = False  # nothing from the file was stored
    problems: list[str] = field(default_factory=list)
    error_file: str = ""
    message: str = ""  # why the file was refused
    changes: list[Change] = field(default_factory=list)  # fields of registered products corrected


@dataclass(frozen=True)
class ImportSummary:
    file: str
    rows: int
    new: int
    updated: int
    unchanged: int
    rejected: int = 0
    partial: bool = False
    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error_files: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass(slots=True)
class _Seen:
    file: str
    row: int
    code_key: str | None
    commune: str


def registration_files(path: Path) -> list[Path]:
    """The file itself, or the workbooks and CSV files of a folder (not error workbooks or the
    lock files office programs leave)."""
    if path.is_dir():
        try:
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not p.name.startswith(("~$", ".")) and not p.name.lower().endswith(".loi.xlsx"))
        except OSError:
            raise InputError(f"Thư mục '{path}' không đọc được: không có quyền đọc thư mục.") from None
        if not files:
            raise InputError(f"Thư mục '{path}' không có tệp .xlsx hoặc .csv nào.")
        return files
    return [check_file(path)]


class _Run:
    """One import: the store, and the products seen so far in this run (all files)."""

    def __init__(self, session: Session, campaign: Campaign, partial: bool, reason: str = "") -> None:
        self.context: FormContext = form_context(campaign)
        self.store = Store(session, campaign, reason)
        self.partial = partial
        self.by_code: dict[str, _Seen] = {}
        self.by_pn: dict[tuple[str, str], list[_Seen]] = {}

    def _duplicate(self, table: Table, item: ParsedRegistration) -> str | None:
        prior = self.by_code.get(item.code_key) if item.code_key else None
        key = CODE.key if prior else NAME.key
        if prior is None:  # different codes tell apart same-named products of different communes
            prior = next((s for s in self.by_pn.get(item.pn_key, []) if not (
                item.code_key and s.code_key and s.code_key != item.code_key
                and fold(s.commune) != fold(item.commune))), None)
        if prior is None:
            return None
        where = f"{table.where(item.row, key)}: sản phẩm '{item.name}' của '{item.producer}' đã có ở "
        other = f" (xã {prior.commune})" if fold(prior.commune) != fold(item.commune) else ""
        place = f"dòng {prior.row}{other}" if prior.file == table.path.name else (
            f"tệp {prior.file}, dòng {prior.row} (xã {prior.commune})")
        return f"{where}{place} (đăng ký trùng)."

    def _remember(self, file: str, item: ParsedRegistration) -> None:
        seen = _Seen(file, item.row, item.code_key, item.commune)
        if item.code_key:
            self.by_code[item.code_key] = seen
        self.by_pn.setdefault(item.pn_key, []).append(seen)

    def _forget(self, file: str) -> None:
        self.by_code = {k: s for k, s in self.by_code.items() if s.file != file}
        self.by_pn = {k: kept for k, seen in self.by_pn.items() if (kept := [s for s in seen if s.file != file])}

    def _stored_duplicate(self, table: Table, item: ParsedRegistration, other: Entry) -> str:
        file, _, line = other.source.rpartition(":")
        if item.code_key and other.code_key == item.code_key and other.pn_key != item.pn_key:
            return (f"{table.where(item.row, CODE.key)}: mã '{item.code}' đã dùng cho một sản phẩm khác "
                    f"(xã {other.commune}, tệp {file}, dòng {line}), cần mã khác hoặc để trống.")
        return (f"{table.where(item.row, NAME.key)}: sản phẩm '{item.name}' của '{item.producer}' đã đăng ký ở "
                f"xã {other.commune} (tệp {file}, dòng {line}) (đăng ký trùng).")

    def file(self, path: Path) -> FileResult:
        table = open_table(path, self.context.columns, sheet=DATA_SHEET, strict=True, formulas=True)
        reader = RowReader(table, self.context)
        problems: list[str] = []
        bad: dict[int, list[str]] = {}
        items: list[tuple[ParsedRegistration, Entry | None]] = []
        merges: dict[int, list[tuple[int, int, int, int, str]]] = {}
        for m in table.merged:
            if m[0] > table.header_row:
                merges.setdefault(m[0], []).append(m)
        covered: dict[int, str] = {}
        rows = 0
        try:
            for number, raw in table.rows:
                if number in covered:
                    rows += 1
                    bad[number] = [covered[number]]
                    continue
                cells = reader.values(raw)
                stray = table.stray(number, raw)
                if cells is None and not stray:
                    continue
                rows += 1
                if number in merges:
                    bad[number] = []
                    for r1, c1, r2, _, ref in merges[number]:
                        message = (f"{table.where(r1, table.column_name(c1 - 1), r2)}: các ô {ref} được gộp, "
                                   "cần bỏ gộp ô và ghi giá trị ở từng dòng.")
                        problems.append(message)
                        bad[number].append(message)
                        covered.update((r, message) for r in range(r1 + 1, r2 + 1))
                    continue
                item, row_problems = reader.read(number, cells) if cells is not None else (None, [])
                if stray:  # a value outside the columns: the row is not stored without it
                    item, row_problems = None, stray + row_problems
                if item is not None and not table.problems:  # a broken header: check cells only
                    duplicate = self._duplicate(table, item)
                    matched, other = (None, None) if duplicate else self.store.match(item, path.name)
                    if duplicate:
                        row_problems = [duplicate]
                    elif other is not None:
                        row_problems = [self._stored_duplicate(table, item, other)]
                    else:
                        self._remember(path.name, item)
                        items.append((item, matched))
                if row_problems:
                    problems += row_problems
                    bad[number] = row_problems
        except InputError:  # the file broke off mid-way: its rows are not seen by the folder's others
            self._forget(path.name)
            raise
        finally:
            table.close()
        return self._finish(path, table, rows, items, problems, bad)

    def _finish(self, path: Path, table: Table, rows: int, items: list[tuple[ParsedRegistration, Entry | None]],
                problems: list[str], bad: dict[int, list[str]]) -> FileResult:
        if table.problems:
            what = "tệp thiếu cột bắt buộc." if table.missing else "tiêu đề không đúng mẫu."
            return FileResult(path.name, rows, rejected=rows, refused=True, problems=table.problems + problems,
                              message=f"{table.where_file}, dòng {table.header_row} (tiêu đề): {what}")
        if not rows:
            return FileResult(path.name, 0, refused=True, message=f"{table.where_file}: tệp không có dòng đăng ký nào.")
        if problems and not self.partial:
            return FileResult(path.name, rows, rejected=rows, refused=True, problems=problems,
                              message=f"{table.where_file}: {len(problems)} lỗi, không lưu dòng nào.")
        counts = self.store.apply(items, path.name)
        error_file = ""
        if bad:
            error_file = str(write_errors(path, table, bad, error_path(path)))
        return FileResult(path.name, rows, counts.new, counts.updated, counts.unchanged, rejected=len(bad),
                          refused=not items and bool(bad), problems=problems, error_file=error_file,
                          changes=counts.changes,
                          message="" if items else
                          f"{table.where_file}: {len(problems)} lỗi, không có dòng nào hợp lệ.")


def collect(session: Session, campaign: Campaign, path: Path, partial: bool = False,
            reason: str = "") -> ImportSummary:
    """Import one file or every workbook of a folder (one per commune).

    One file without ``partial``: all rows or none, an InputError listing every problem. With
    ``partial``, or for a folder, each file is stored or refused on its own and the summary
    lists what was refused; a file whose header is wrong is always refused as a whole. Rows that
    correct registered products are logged with ``reason``, which a correction needs once
    documents about the product are issued (``corrections``).
    """
    files = registration_files(path)
    folder = path.is_dir()
    results = []
    with many_rows():
        run = _Run(session, campaign, partial, reason)
        for done, f in enumerate(files, 1):  # a province imports a folder of hundreds of communes' files
            try:
                results.append(run.file(f))
            except InputError as exc:  # a file that cannot be read: refused, the folder's others go on
                if not folder:
                    raise
                results.append(FileResult(f.name, 0, refused=True, problems=exc.problems,
                                          message=str(exc).splitlines()[0]))
            progress.report("Tệp phiếu đăng ký", done, len(files))
        session.flush()
    if not folder and results[0].refused and (not partial or not results[0].error_file):
        raise InputError(results[0].message, results[0].problems)
    return ImportSummary(
        file=path.name, rows=sum(r.rows for r in results), new=sum(r.new for r in results),
        updated=sum(r.updated for r in results), unchanged=sum(r.unchanged for r in results),
        rejected=sum(r.rejected for r in results), partial=partial, files=results,
        problems=[p for r in results for p in r.problems], error_files=[r.error_file for r in results if r.error_file],
        changes=[c for r in results for c in r.changes])
