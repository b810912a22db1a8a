"""Streaming reader for the registration workbooks communes fill (XLSX) and for CSV files.

One pass, one row in memory at a time: the header row is found among the first rows (a title
above it is allowed), headers are matched after NFC, case and space folding or as ASCII keys,
and what a clerk can get wrong in a spreadsheet is seen rather than silently read: unknown or
repeated columns, formulas, merged cells. Every location names the file, the sheet (XLSX), the
row and the column.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter, range_boundaries

from ocop.errors import InputError
from ocop.inputs import Column
from ocop.text import ascii_key, fold

DATA_SHEET = "Đăng ký"  # the sheet read from a workbook that has it; otherwise the first sheet
IGNORED = {"stt", "ghi chú", "ghi_chu", "lỗi", "loi"}  # row numbers, notes, the error column
HEADER_SEARCH = 10  # rows searched for the header row
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class Table:
    """An open table: where its columns are, and the problems found in its header."""

    path: Path
    sheet: str | None  # None for CSV
    header_row: int = 1
    header: list[str] = field(default_factory=list)  # header cells as written
    positions: dict[str, int] = field(default_factory=dict)  # column key -> 0-based index
    columns: dict[str, Column] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing: bool = False  # a required column is missing
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # rows/cols 1-based
    rows: Iterator[tuple[int, Sequence[Any]]] = field(default_factory=lambda: iter(()))

    @property
    def where_file(self) -> str:
        return self.path.name if self.sheet is None else f"{self.path.name}, sheet '{self.sheet}'"

    def where(self, row: int, key: str, last_row: int | None = None) -> str:
        """'file[, sheet 'S'], dòng N, cột 'Header'' — the prefix of every cell problem."""
        rows = f"{row}–{last_row}" if last_row and last_row != row else f"{row}"
        col = self.columns[key].header if key in self.columns else key
        return f"{self.where_file}, dòng {rows}, cột '{col}'"

    def column_name(self, index: int) -> str:
        """The key of the column at a 0-based index, or its letter when it is not one of ours."""
        for key, i in self.positions.items():
            if i == index:
                return key
        return get_column_letter(index + 1)


def is_formula(value: Any) -> bool:
    """A formula cell as openpyxl returns it without cached values ('=…' or an array formula)."""
    if isinstance(value, str):
        return value.startswith("=") and len(value) > 1
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _empty(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _match(columns: Sequence[Column]) -> dict[str, Column]:
    by_name: dict[str, Column] = {}
    for col in columns:
        by_name[fold(col.header)] = col
        by_name[col.key] = col
    return by_name


def _find_header(first: list[tuple[int, Sequence[Any]]], by_name: dict[str, Column]) -> int:
    """Index in ``first`` of the header row: the first row naming two known columns, else the
    first non-empty row."""
    for i, (_, row) in enumerate(first):
        hits = sum(1 for v in row if v is not None and (fold(str(v)) in by_name or ascii_key(str(v)) in by_name))
        if hits >= 2:
            return i
    return next((i for i, (_, row) in enumerate(first) if not _empty(row)), 0)


def _read_header(table: Table, header: Sequence[Any], columns: Sequence[Column]) -> None:
    by_name = _match(columns)
    table.columns = {c.key: c for c in columns}
    where = f"{table.where_file}, dòng {table.header_row} (tiêu đề)"
    for i, raw in enumerate(header):
        name = "" if raw is None else str(raw).strip()
        table.header.append(name)
        if not name:
            continue
        col = by_name.get(fold(name)) or by_name.get(ascii_key(name))
        letter = get_column_letter(i + 1)
        if col is None:
            if fold(name) not in IGNORED and ascii_key(name) not in IGNORED:
                table.problems.append(f"{where}: cột {letter} '{name}' không có trong mẫu, cần đổi tên cột "
                                      "theo mẫu (xem sheet 'Hướng dẫn') hoặc xoá cột.")
        elif col.key in table.positions:
            first = get_column_letter(table.positions[col.key] + 1)
            table.problems.append(f"{where}: cột {letter} '{name}' trùng với cột {first} '{col.header}', "
                                  "cần xoá một trong hai cột.")
        else:
            table.positions[col.key] = i
    for col in columns:
        if col.required and col.key not in table.positions:
            table.problems.append(f"{where}: thiếu cột '{col.header}' (hoặc '{col.key}').")
            table.missing = True


def _sheet_part(zf: zipfile.ZipFile, index: int) -> str:
    """The zip member of the workbook's ``index``-th sheet."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rel_id = book.findall("m:sheets/m:sheet", _NS)[index].get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.findall("p:Relationship", _NS) if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def merged_ranges(path: Path, index: int) -> list[tuple[int, int, int, int, str]]:
    """Merged ranges of a sheet as (min_row, min_col, max_row, max_col, 'A1:B2'), read by scanning
    the sheet's XML (read-only workbooks do not expose them)."""
    found: list[tuple[int, int, int, int, str]] = []
    with zipfile.ZipFile(path) as zf, zf.open(_sheet_part(zf, index)) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            last = 0
            for m in _MERGE.finditer(data):
                ref = m.group(1).decode()
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                found.append((min_row, min_col, max_row, max_col, ref))
                last = m.end()
            tail = data[max(last, len(data) - 200):]
    return found


def _csv_rows(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from enumerate(csv.reader(fh), start=1)


def _open(path: Path) -> tuple[str | None, Iterator[tuple[int, Sequence[Any]]], Any, int]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return None, _csv_rows(path), None, -1
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"{path.name}: chỉ nhận tệp .csv hoặc .xlsx (tệp này là '{suffix}').")
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    titles = [fold(t) for t in wb.sheetnames]
    index = titles.index(fold(DATA_SHEET)) if fold(DATA_SHEET) in titles else 0
    ws = wb.worksheets[index]
    ws.reset_dimensions()  # some writers record a wrong size; read what is there
    return ws.title, enumerate(ws.iter_rows(values_only=True), start=1), wb, index


def open_table(path: Path, columns: Sequence[Column]) -> tuple[Table, Any]:
    """Open ``path``, read its header against ``columns``; returns the table (its ``rows`` go on
    from the row after the header) and a handle to pass to :func:`close`."""
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp '{path}'.")
    handle = None
    try:
        sheet, rows, handle, index = _open(path)
        table = Table(path, sheet)
        first: list[tuple[int, Sequence[Any]]] = []
        for item in rows:
            first.append(item)
            if len(first) >= HEADER_SEARCH:
                break
        if all(_empty(r) for _, r in first):
            raise InputError(f"{table.where_file}: tệp trống, cần một dòng tiêu đề.")
        at = _find_header(first, _match(columns))
        table.header_row = first[at][0]
        _read_header(table, first[at][1], columns)
        if index >= 0:
            table.merged = [m for m in merged_ranges(path, index) if m[2] >= table.header_row]
            for r1, _, _, _, ref in table.merged:
                if r1 <= table.header_row:
                    table.problems.append(f"{table.where_file}, dòng {table.header_row} (tiêu đề): các ô {ref} "
                                          "được gộp, cần mỗi cột một ô tiêu đề.")
        rest = first[at + 1:]
        table.rows = _chain(rest, rows)
        return table, handle
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        close(handle)
        raise InputError(f"{path.name}: không đọc được tệp ({exc}).") from exc
    except InputError:
        close(handle)
        raise


def _chain(first: list[tuple[int, Sequence[Any]]], rest: Iterator[tuple[int, Sequence[Any]]]):  # noqa: ANN202
    yield from first
    yield from rest


def close(handle: Any) -> None:
    if handle is not None:
        handle.close()
