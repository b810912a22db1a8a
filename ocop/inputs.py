"""Reading the files clerks supply: CSV and XLSX tables, and the campaign's TOML text.

One way in. :func:`check_file` refuses a path before anything is read (missing, a folder, a kind
of file the project does not read); :func:`open_table` opens a CSV file or a workbook's sheet for
one pass (python-calamine, which reads the sheet whole, a few tens of bytes a cell; openpyxl
read-only, one row in memory, for a sheet with formulas, error values or Excel's escapes of
characters, which only it reads as written), finds the header row among the first
rows (a title above it is allowed) and matches headers after NFC, case and space folding or as
ASCII keys ("Mã sản phẩm" or "ma_san_pham"). What a clerk can get wrong in a spreadsheet is seen
rather than silently read: unknown or repeated columns, formulas, merged cells. A file that
cannot be read at all — a corrupt workbook, a PDF or a Word document renamed .xlsx, an .xls, a
CSV that is not UTF-8 text — is an :class:`InputError` naming the file, never a traceback.

Every problem names the file, the sheet (XLSX), the row and the column (:func:`locate`), and for
a wrong value the value and what was expected (:func:`bad_value`), in Vietnamese. The parsers
(:func:`parse_int`, :func:`parse_date`, :func:`parse_yes_no`) are shared by every importer.

One rule for what a cell may hold (:func:`cell_problem`), applied by every reader: no control
characters (C0 other than tab and line breaks, DEL, C1), lone surrogates or noncharacters
(``ocop.text.forbidden_character``); no longer than its column's limit (``ocop.rules.limits``);
no formula — an XLSX cell Excel computes is refused, its value is to be pasted instead. Text that
merely looks like a formula (``=``, ``+``, ``-``, ``@`` first, in a CSV file or a text cell) is text:
stored as written, never evaluated, and written back to any workbook as text (:func:`text_cell`).
A value outside the header's columns (a CSV row with more fields than the header, a cell under no
header) is refused too, never silently dropped (:meth:`Table.stray`).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ocop import present
from ocop.errors import InputError
from ocop.text import ascii_key, fold, forbidden_character, nfc

# openpyxl's cell helpers, imported on first use: importing openpyxl takes ~0.1 s that read-only
# commands (ocop documents list) should not pay.


def get_column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter as letter

    return letter(index)


def range_boundaries(ref: str) -> tuple[int | None, int | None, int | None, int | None]:
    from openpyxl.utils import range_boundaries as boundaries

    return boundaries(ref)


CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = XLSX_SUFFIXES + CSV_SUFFIXES
IGNORED = {"stt", "ghi chú", "ghi_chu", "lỗi", "loi"}  # row numbers, notes, the error column
HEADER_SEARCH = 10  # rows searched for the header row
HEADER_LIMIT = 100  # characters of a header cell
_STRAY_NULS = 8  # NUL bytes in a CSV file's first 4 KiB beyond which it is binary, not text with a bad cell
YES = {"có", "co", "x", "1", "yes", "true", "đã xác nhận", "da xac nhan"}
NO = {"không", "khong", "0", "no", "false", "chưa", "chua"}
_SUFFIX_NAMES = {".csv": ".csv", ".xlsx": ".xlsx", ".xlsm": ".xlsx", ".toml": ".toml", ".docx": "Word (.docx)"}
_OLD_OFFICE = {".xls": "tệp Excel 97–2003 (.xls)", ".xlsb": "tệp Excel nhị phân (.xlsb)",
               ".ods": "tệp OpenDocument (.ods)"}
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# in a sheet's XML (after its root element's namespace prefix): a merged range (its reference), a
# formula; a cell's error value; the root element and its prefix
_MERGE_OR_FORMULA = rb'(?:mergeCell\s[^>]*ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"|f[\s>/])'
_ERROR_VALUE = re.compile(rb't=["\']e["\']')  # t="e": a cell's attribute (also any other "…t" attribute's)
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # Excel's escape of a character in a text (xstring)
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*:))?worksheet[\s>]")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


# --- where a problem is, and what was expected -------------------------------------------------


def locate(file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
           last_row: int | None = None) -> str:
    """"file[, sheet 'S'][, dòng N[–M]][, cột 'C']": the prefix of every problem."""
    text = f"{file}, sheet '{sheet}'" if sheet else file
    if row is not None:
        text += f", dòng {row}–{last_row}" if last_row and last_row != row else f", dòng {row}"
    if column is not None:
        text += f", cột '{column}'"
    return text


def bad_value(where: str, value: Any, expected: str) -> str:
    """A wrong value: "<where>: giá trị '<value>' <expected>." (the value escaped and cut as
    :func:`ocop.present.quoted` shows it)."""
    return f"{where}: giá trị '{present.quoted(cell_text(value))}' {expected}."


def unreadable(path: Path, why: str) -> InputError:
    """The error for a file that cannot be read at all."""
    return InputError(f"Tệp '{path.name}' không đọc được: {why}.")


# --- columns and rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An expected column: its ASCII key and the Vietnamese header printed in templates."""

    key: str
    header: str
    required: bool = True
    limit: int | None = None  # the longest text it takes, in characters (ocop.rules.limits)


@dataclass(frozen=True)
class Row:
    """One data row: its row number in the file and its values by key."""

    number: int
    values: dict[str, Any]
    sheet: str | None = None  # the worksheet it came from (XLSX), for error messages

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))


def where(path: Path, row: int, column: Column, sheet: str | None = None) -> str:
    """The location of a cell problem: file, sheet (XLSX), row and column."""
    return locate(path.name, sheet, row, column.header)


# --- parsers -----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as clean text: NFC, trimmed; whole numbers without '.0'; dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return present.date_short(value)
    return nfc(str(value))


def parse_int(value: Any) -> int | None:
    """A whole number, also typed as text ('5', '5,0'); None for anything else (blank included)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def parse_date(value: Any) -> date | None:
    """An Excel date, or text dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    m, iso = _DATE.match(text), _ISO.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


def parse_yes_no(value: Any) -> bool | None:
    """'Có' / 'Không' (also x/1/0, yes/no, 'đã xác nhận'/'chưa'); None for blank or anything else."""
    key = fold(cell_text(value))
    if key in YES:
        return True
    if key in NO:
        return False
    return None


# --- files -------------------------------------------------------------------------------------


def _names(suffixes: Sequence[str]) -> str:
    return " hoặc ".join(dict.fromkeys(_SUFFIX_NAMES.get(s, s) for s in suffixes))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "không có quyền đọc tệp"
    if isinstance(exc, IsADirectoryError):
        return "đây là một thư mục, cần một tệp"
    return f"lỗi hệ thống khi đọc tệp ({exc.strerror or exc})"


def check_file(path: Path, suffixes: Sequence[str] = TABLE_SUFFIXES) -> Path:
    """``path`` when it is a file with one of ``suffixes``; an InputError naming it otherwise:
    missing, a folder, an old or another kind of file."""
    try:
        if not path.exists():
            raise InputError(f"Không tìm thấy tệp '{path}'.")
        if path.is_dir():
            raise InputError(f"'{path}' là một thư mục, cần một tệp {_names(suffixes)}.")
    except OSError as exc:
        raise unreadable(path, _os_reason(exc)) from None
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        if suffix in _OLD_OFFICE and any(s in XLSX_SUFFIXES for s in suffixes):
            raise unreadable(path, f"{_OLD_OFFICE[suffix]} không được hỗ trợ, cần mở bằng Excel và lưu lại "
                                   "dạng .xlsx")
        raise unreadable(path, f"chỉ nhận tệp {_names(suffixes)} (tệp này là '{suffix or 'không có đuôi'}')")
    return path


def _content(path: Path) -> str | None:
    """What a file is from its first bytes, when that can be told (for messages)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
        if not head:
            return "tệp rỗng (0 byte)"
        if head.startswith(b"%PDF"):
            return "tệp PDF"
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return "tệp Excel 97–2003 (.xls) hoặc Office cũ"
        if head.startswith(b"PK"):
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
            if "word/document.xml" in names:
                return "tệp Word (.docx)"
            if any(n.startswith("ppt/") for n in names):
                return "tệp PowerPoint (.pptx)"
            if "content.xml" in names:
                return "tệp OpenDocument (.ods, .odt)"
            if "xl/workbook.xml" in names:
                return "tệp Excel (.xlsx)"
            return "tệp nén ZIP"
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    return None


def _not_xlsx(path: Path) -> InputError:
    what = _content(path)
    if what == "tệp rỗng (0 byte)":
        return unreadable(path, "tệp rỗng (0 byte), không phải tệp Excel (.xlsx) hợp lệ")
    if what and what != "tệp Excel (.xlsx)":
        advice = ", cần mở bằng Excel và lưu lại dạng .xlsx" if "97–2003" in what else ""
        return unreadable(path, f"đây là {what} được đặt đuôi '{path.suffix}', không phải tệp Excel (.xlsx){advice}")
    return unreadable(path, "không phải tệp Excel (.xlsx) hợp lệ (tệp hỏng hoặc chưa chép hết)")


def open_workbook(path: Path, *, formulas: bool = True) -> Any:
    """A read-only openpyxl workbook (formulas as written, which :func:`sheet_rows` marks; their
    cached values with ``formulas=False``);
    an InputError naming the file when it is missing or not a valid .xlsx. Close it when done."""
    from openpyxl import load_workbook

    check_file(path, XLSX_SUFFIXES)
    try:
        return load_workbook(path, read_only=True, data_only=not formulas)
    except PermissionError as exc:
        raise unreadable(path, _os_reason(exc)) from None
    except Exception as exc:  # whatever a corrupt zip or XML makes openpyxl raise
        raise _not_xlsx(path) from exc


def open_docx(path: Path) -> Any:
    """A python-docx document; an InputError naming the file when it is missing or not a valid .docx."""
    from docx import Document

    check_file(path, (".docx",))
    try:
        return Document(str(path))
    except PermissionError as exc:
        raise unreadable(path, _os_reason(exc)) from None
    except Exception as exc:  # whatever a corrupt zip or XML makes python-docx raise
        what = _content(path)
        if what == "tệp rỗng (0 byte)":
            why = "tệp rỗng (0 byte), không phải tệp Word (.docx) hợp lệ"
        elif what and what != "tệp Word (.docx)":
            why = f"đây là {what} được đặt đuôi '{path.suffix}', không phải tệp Word (.docx)"
        else:
            why = "không phải tệp Word (.docx) hợp lệ (tệp hỏng hoặc chưa chép hết)"
        raise unreadable(path, why) from exc


def read_text(path: Path, suffixes: Sequence[str]) -> str:
    """The whole UTF-8 text of a small file (the campaign TOML); InputError naming it otherwise."""
    check_file(path, suffixes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(path, _os_reason(exc)) from None
    what = _content(path) if data[:2] in (b"PK", b"%P", b"\xd0\xcf") else None
    if what or b"\x00" in data[:4096]:
        raise unreadable(path, f"đây là {what}, không phải tệp văn bản" if what else
                         "không phải tệp văn bản (có ký tự nhị phân)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable(path, "không phải văn bản mã UTF-8, cần lưu lại với mã UTF-8") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    number = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):  # number is reported
                yield number, row
    except UnicodeDecodeError:
        raise unreadable(path, "không phải văn bản CSV mã UTF-8, cần lưu lại dạng 'CSV UTF-8'") from None
    except csv.Error:
        raise unreadable(path, f"không phải tệp CSV hợp lệ (sau dòng {number})") from None
    except OSError as exc:
        raise unreadable(path, _os_reason(exc)) from None


def _check_csv(path: Path) -> None:
    """Refuse a binary file named .csv before reading it as text."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise unreadable(path, _os_reason(exc)) from None
    what = _content(path) if head[:2] in (b"PK", b"%P", b"\xd0\xcf") else None
    if what:
        raise unreadable(path, f"đây là {what} được đặt đuôi '.csv', không phải tệp CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise unreadable(path, "văn bản mã UTF-16 (Unicode Text), cần lưu lại dạng 'CSV UTF-8'")
    if head.count(b"\x00") > _STRAY_NULS:  # a NUL or two in a cell of a text file: that cell is reported
        raise unreadable(path, "không phải tệp văn bản CSV (có ký tự nhị phân)")


def _value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, str):
        return Formula(value) if cell.data_type == "f" else xstring(value)
    return value


def sheet_rows(path: Path, ws: Any) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows of an open worksheet of ``path``, numbered from 1, formula cells as
    :class:`Formula` (a workbook opened with ``formulas``), Excel's escapes of characters in text
    decoded (:func:`xstring`); InputError if it is corrupt."""
    try:
        for number, cells in enumerate(ws.iter_rows(), start=1):
            yield number, tuple(_value(c) for c in cells)
    except Exception as exc:  # a corrupt sheet part fails while it is streamed
        raise _not_xlsx(path) from exc


def _sheet_part(zf: zipfile.ZipFile, index: int) -> str:
    """The zip member of the workbook's ``index``-th sheet."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rel_id = book.findall("m:sheets/m:sheet", _NS)[index].get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(str(r.get("Target")) for r in rels.findall("p:Relationship", _NS) if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def merged_ranges(path: Path, index: int) -> list[tuple[int, int, int, int, str]]:
    """Merged ranges of a sheet as (min_row, min_col, max_row, max_col, 'A1:B2'), read by scanning
    the sheet's XML (read-only workbooks do not expose them)."""
    try:
        return _scan_sheet(path, index).merged
    except Exception as exc:  # a corrupt zip or XML
        raise _not_xlsx(path) from exc


@dataclass(frozen=True)
class _SheetScan:
    merged: list[tuple[int, int, int, int, str]]
    as_written: bool  # what only openpyxl reads as written: a formula, an error value (#N/A…), an escape (_x0007_)


def _scan_sheet(path: Path, index: int) -> _SheetScan:
    """One streaming pass over a sheet's XML: its merged ranges, and whether any cell holds a
    formula, an error value or a text with Excel's escapes (:func:`xstring`), which only openpyxl
    reports as written; the shared strings are looked at for escapes too. The patterns name the
    elements with the prefix the sheet gives its own namespace (none, usually), so the formulas of
    other namespaces (Excel's extensions' <xm:f>: data validations, conditional formats) are not
    taken for cells'."""
    found: list[tuple[int, int, int, int, str]] = []
    as_written = False
    pattern: re.Pattern[bytes] | None = None
    with zipfile.ZipFile(path) as zf:
        with zf.open(_sheet_part(zf, index)) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                data = tail + chunk
                if pattern is None:
                    root = _ROOT.search(data)
                    if root is None:  # not a worksheet as the patterns know it: openpyxl reads it
                        return _SheetScan([], True)
                    pattern = re.compile(b"<" + re.escape(root.group(1) or b"") + _MERGE_OR_FORMULA)
                last = 0
                for m in pattern.finditer(data):
                    if m.group(1) is None:
                        as_written = True
                        continue
                    ref = m.group(1).decode()
                    min_col, min_row, max_col, max_row = range_boundaries(ref)  # all set: the pattern has rows
                    found.append((min_row or 0, min_col or 0, max_row or 0, max_col or 0, ref))
                    last = m.end()
                as_written = as_written or bool(_ERROR_VALUE.search(data) or _ESCAPE.search(data))
                tail = data[max(last, len(data) - 200):]
        as_written = as_written or _escaped_strings(zf)
    return _SheetScan(found, as_written)


def _escaped_strings(zf: zipfile.ZipFile) -> bool:
    """Whether the workbook's shared strings hold an escape ('_x0007_')."""
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall("p:Relationship", _NS):
        if str(rel.get("Type")).endswith("/sharedStrings"):
            target = str(rel.get("Target"))
            with zf.open(target.lstrip("/") if target.startswith("/") else f"xl/{target}") as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    if _ESCAPE.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


# --- tables ------------------------------------------------------------------------------------


@dataclass
class Table:
    """An open table: where its columns are, the problems found in its header, and its rows.

    A context manager: leaving it closes the workbook."""

    path: Path
    sheet: str | None  # None for CSV
    header_row: int = 1
    header: list[str] = field(default_factory=list)  # header cells as written
    positions: dict[str, int] = field(default_factory=dict)  # column key -> 0-based index
    columns: dict[str, Column] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing: bool = False  # a required column is missing
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # rows/cols 1-based
    rows: Iterator[tuple[int, Sequence[Any]]] = field(default_factory=lambda: iter(()))  # after the header
    book: Any = field(default=None, repr=False)  # the open workbook (XLSX)

    @property
    def where_file(self) -> str:
        return locate(self.path.name, self.sheet)

    @property
    def where_header(self) -> str:
        return f"{locate(self.path.name, self.sheet, self.header_row)} (tiêu đề)"

    def where(self, row: int, key: str, last_row: int | None = None) -> str:
        """"file[, sheet 'S'], dòng N, cột 'Header'": the prefix of every cell problem."""
        col = self.columns[key].header if key in self.columns else key
        return locate(self.path.name, self.sheet, row, col, last_row)

    def stray(self, number: int, raw: Sequence[Any]) -> list[str]:
        """Values of a row outside the header's columns (a CSV row with more fields than the
        header, a cell under a blank header): each a problem, never silently dropped."""
        width = len(self.header)
        found: list[str] = []
        if len(raw) <= width and all(self.header):  # the usual row: no cell outside the columns
            return found
        for i, value in enumerate(raw):
            if (i >= width or not self.header[i]) and value is not None and (
                    not isinstance(value, str) or value.strip()):
                letter = get_column_letter(i + 1)
                what = (f"ô thứ {i + 1}, nhiều hơn {width} cột của dòng tiêu đề" if i >= width else
                        "ô dưới một tiêu đề trống")
                found.append(bad_value(f"{locate(self.path.name, self.sheet, number, letter)} ({what})",
                                       value, "không thuộc cột nào, cần xoá giá trị hoặc đặt tiêu đề cho cột"))
        return found

    def column_name(self, index: int) -> str:
        """The key of the column at a 0-based index, or its letter when it is not one of ours."""
        for key, i in self.positions.items():
            if i == index:
                return key
        return get_column_letter(index + 1)

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Formula(str):
    """A cell of an XLSX file that holds a formula, as written ('=B2&" sấy"'): :func:`sheet_rows`
    marks them, so a text cell that merely starts with '=' stays text."""

    __slots__ = ()


def is_formula(value: Any) -> bool:
    """A formula cell as :func:`sheet_rows` returns it (or an array or data-table formula)."""
    return isinstance(value, Formula) or type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def cell_problem(where: str, value: Any, limit: int | None = None) -> str | None:
    """What is wrong with a cell whatever its column expects, or None: a formula, a character no
    input may hold (shown escaped), a text longer than ``limit`` characters."""
    fault = checked_text(value, limit)[1]
    return None if fault is None else f"{where}: {fault}"


def checked_text(value: Any, limit: int | None = None) -> tuple[str, str | None]:
    """A cell's text (:func:`cell_text`) and what :func:`cell_problem` finds wrong with it after
    the cell's location, or None; a text is normalised once for both."""
    if type(value) is str:  # the usual cell, first: a text (not a formula)
        bad = forbidden_character(value)
        if bad is not None:
            return value, (f"giá trị '{present.quoted(value)}' có ký tự không hợp lệ '{present.quoted(bad)}' "
                           "(ký tự điều khiển hoặc không phải chữ), cần xoá ký tự đó.")
        text = nfc(value)
        if limit is not None and len(text) > limit:
            return text, f"giá trị '{present.quoted(text)}' dài {len(text)} ký tự, tối đa {limit} ký tự."
        return text, None
    if is_formula(value):
        written = value if isinstance(value, str) else str(getattr(value, "text", None) or "")  # array formulas
        return written, f"ô chứa công thức '{present.quoted(written)}', cần giá trị (dán giá trị thay cho công thức)."
    if isinstance(value, str):  # a str subclass other than a formula
        return checked_text(str(value), limit)
    return cell_text(value), None


def text_argument(name: str, value: str, limit: int) -> str:
    """A text given on the command line or in a run form (a reason, a venue, findings): NFC; an
    InputError naming the option when it breaks the cell rule (:func:`cell_problem`)."""
    problem = cell_problem(f"Tham số '{name}'", value, limit)
    if problem is not None:
        raise InputError(problem)
    return nfc(value)


FORMULA_LIKE = ("=", "+", "-", "@")  # what a spreadsheet would take for the start of a formula


_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")  # Excel's escape of a character XML cannot carry (ECMA-376 ST_Xstring)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xstring(value: str) -> str:
    """A text cell of an XLSX file as Excel means it: '_x0007_' is BEL, '_x005F_' an underscore."""
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value


def xlsx_value(value: Any) -> Any:
    """A value as an XLSX cell can hold it: a character XML cannot carry written as Excel's escape
    ('_x0007_'), which :func:`sheet_rows` reads back (e.g. a refused row copied to the error workbook)."""
    if isinstance(value, str) and _NOT_XML.search(value):
        return type(value)(_NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value))
    return value


def text_cell(cell: Any) -> Any:
    """An openpyxl cell (a worksheet's or a WriteOnlyCell) whose value was just set, made safe to
    hand to a spreadsheet: a text starting like a formula is stored as text, with Excel's
    quote prefix, so it is shown as written and never evaluated, even after the cell is edited."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_LIKE) and not isinstance(value, Formula):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


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


def _read_header(table: Table, header: Sequence[Any], columns: Sequence[Column],
                 alternatives: Sequence[Sequence[str]], strict: bool) -> None:
    by_name = _match(columns)
    table.columns = {c.key: c for c in columns}
    at = table.where_header
    for i, raw in enumerate(header):
        name = "" if raw is None else str(raw).strip()
        table.header.append(name)
        if not name:
            continue
        col = by_name.get(fold(name)) or by_name.get(ascii_key(name))
        letter = get_column_letter(i + 1)
        problem = cell_problem(f"{at}, cột {letter}", raw, HEADER_LIMIT)
        if problem is not None:  # a header is text like any cell: never matched past a control character
            table.problems.append(problem)
            continue
        if col is None:
            if strict and fold(name) not in IGNORED and ascii_key(name) not in IGNORED:
                table.problems.append(f"{at}: cột {letter} '{present.quoted(name)}' không có trong mẫu, cần đổi tên "
                                      "cột theo mẫu (xem sheet 'Hướng dẫn') hoặc xoá cột.")
        elif col.key in table.positions:
            if strict:
                first = get_column_letter(table.positions[col.key] + 1)
                table.problems.append(f"{at}: cột {letter} '{present.quoted(name)}' trùng với cột {first} "
                                      f"'{col.header}', cần xoá một trong hai cột.")
        else:
            table.positions[col.key] = i
    optional = {k for group in alternatives for k in group}
    for col in columns:
        if col.required and col.key not in optional and col.key not in table.positions:
            table.problems.append(f"{at}: thiếu cột '{col.header}' (hoặc '{col.key}').")
            table.missing = True
    if alternatives and not any(all(k in table.positions for k in g) for g in alternatives):
        options = " hoặc ".join("[" + ", ".join(f"'{table.columns[k].header}'" for k in group) + "]"
                                for group in alternatives)
        table.problems.append(f"{at}: cần có đủ các cột {options}.")
        table.missing = True


def _source(path: Path, sheet: str | None, formulas: bool) -> _Source:
    """Rows of a CSV file, or of a workbook's sheet named ``sheet`` (else its first sheet)."""
    if path.suffix.lower() in CSV_SUFFIXES:
        _check_csv(path)
        return _Source(_csv_rows(path), None, None, -1)
    return _calamine_source(path, sheet) or _openpyxl_source(path, sheet, formulas)


@dataclass
class _Source:
    rows: Iterator[tuple[int, Sequence[Any]]]
    book: Any  # the open workbook, to close when done (openpyxl's)
    title: str | None  # the sheet's (XLSX)
    index: int  # the sheet's position in the workbook; -1 for CSV
    merged: list[tuple[int, int, int, int, str]] | None = None  # when already read


def _openpyxl_source(path: Path, sheet: str | None, formulas: bool) -> _Source:
    wb = open_workbook(path, formulas=formulas)
    try:
        titles = [fold(t) for t in wb.sheetnames]
        index = titles.index(fold(sheet)) if sheet and fold(sheet) in titles else 0
        ws = wb.worksheets[index]
        ws.reset_dimensions()  # some writers record a wrong size; read what is there
        return _Source(sheet_rows(path, ws), wb, ws.title, index)
    except Exception as exc:  # a workbook without a worksheet, a broken sheet list
        wb.close()
        raise _not_xlsx(path) from exc


def _calamine_source(path: Path, sheet: str | None) -> _Source | None:
    """The sheet read by python-calamine (Rust; 5–8 times faster than openpyxl's read-only
    stream), as openpyxl reads it; None where only openpyxl reads the file as written (a formula,
    an error value or an escape in a cell, a chart sheet) or calamine cannot read it (openpyxl
    then names what is wrong). The sheet is read whole into memory, a few tens of bytes a cell."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            if any(m.typ != SheetTypeEnum.WorkSheet for m in wb.sheets_metadata):
                return None
            titles = [fold(t) for t in wb.sheet_names]
            index = titles.index(fold(sheet)) if sheet and fold(sheet) in titles else 0
            scan = _scan_sheet(path, index)
            if scan.as_written:
                return None
            ws = wb.get_sheet_by_index(index)
    except Exception:  # openpyxl reads it again, and says what is wrong if it cannot either
        return None
    last = max((m[2] for m in scan.merged), default=0)  # rows a merged range covers are rows, even empty
    return _Source(_calamine_rows(ws, last), None, ws.name, index, scan.merged)


def _calamine_rows(ws: Any, last: int) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows of a calamine sheet as openpyxl reads them, numbered from 1: an empty cell None,
    a whole number int, a date a datetime; no empty cell at the end of a row."""
    number = 0
    if ws.start is not None:  # None: an empty sheet
        pad = [None] * ws.start[1]  # calamine's rows begin at the first column with a value
        for number, row in enumerate(ws.iter_rows(), start=1):
            values = pad + row
            for i, v in enumerate(values):
                kind = type(v)
                if kind is str:
                    if not v:
                        values[i] = None
                elif kind is float:
                    if v.is_integer():
                        values[i] = int(v)
                elif kind is date:
                    values[i] = datetime(v.year, v.month, v.day)
            while values and values[-1] is None:
                values.pop()
            yield number, tuple(values)
    for empty in range(number + 1, last + 1):
        yield empty, ()


def open_table(path: Path, columns: Sequence[Column], *, sheet: str | None = None, strict: bool = False,
               formulas: bool = True, alternatives: Sequence[Sequence[str]] = ()) -> Table:
    """Open a CSV file or a workbook (the sheet named ``sheet`` if it has one, else the first) and
    read its header against ``columns``; the table's ``rows`` go on from the row after the header.

    ``alternatives`` lists groups of keys of which one whole group must be present (their columns
    are not required one by one). ``strict`` also reports unknown or repeated columns and merged
    cells; formulas are read as written (:class:`Formula`), their cached values with
    ``formulas=False``. Problems in the
    header are in ``table.problems``; a file that cannot be read raises InputError. Use it as a
    context manager, or call ``close()``.
    """
    check_file(path)
    source = _source(path, sheet, formulas)
    rows, index = source.rows, source.index
    table = Table(path, source.title, book=source.book)
    try:
        first: list[tuple[int, Sequence[Any]]] = []
        for item in rows:
            first.append(item)
            if len(first) >= HEADER_SEARCH:
                break
        if all(_empty(r) for _, r in first):
            raise InputError(f"{table.where_file}: tệp trống, cần một dòng tiêu đề.")
        at = _find_header(first, _match(columns))
        table.header_row = first[at][0]
        _read_header(table, first[at][1], columns, alternatives, strict)
        if strict and index >= 0:
            merged = source.merged if source.merged is not None else merged_ranges(path, index)
            table.merged = [m for m in merged if m[2] >= table.header_row]
            for r1, _, _, _, ref in table.merged:
                if r1 <= table.header_row:
                    table.problems.append(f"{table.where_header}: các ô {ref} được gộp, cần mỗi cột một ô tiêu đề.")
        table.rows = _chain(first[at + 1:], rows)
        return table
    except BaseException:
        table.close()
        raise


def _chain(first: list[tuple[int, Sequence[Any]]],
           rest: Iterator[tuple[int, Sequence[Any]]]) -> Iterator[tuple[int, Sequence[Any]]]:
    yield from first
    yield from rest


def iter_rows(path: Path, sheet: str | None, *, formulas: bool = True) -> Iterator[tuple[int, Sequence[Any]]]:
    """Every row of a CSV file or of a workbook's sheet, numbered from 1, in one more streaming
    pass (e.g. to copy the rows a first pass refused)."""
    source = _source(path, sheet, formulas)
    try:
        yield from source.rows
    finally:
        if source.book is not None:
            source.book.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = nfc(value)
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def read_rows(path: Path, columns: Sequence[Column], *, alternatives: Sequence[Sequence[str]] = ()) -> list[Row]:
    """All non-empty rows of a CSV file or a workbook's first sheet, keyed by column key, values
    NFC-cleaned; an InputError naming the file and every missing column when the header is wrong."""
    with open_table(path, columns, alternatives=alternatives) as table:
        if table.problems:
            what = "tệp thiếu cột bắt buộc." if table.missing else "tiêu đề không đúng mẫu."
            raise InputError(f"{table.where_header}: {what}", table.problems)
        rows: list[Row] = []
        problems: list[str] = []
        positions = [(table.columns[key], i) for key, i in table.positions.items()]
        for number, raw in table.rows:
            problems += table.stray(number, raw)
            for col, i in positions:
                if i < len(raw) and (problem := cell_problem(table.where(number, col.key), raw[i], col.limit)):
                    problems.append(problem)
            values = {col.key: _clean(raw[i]) if i < len(raw) else None for col, i in positions}
            if any(v is not None for v in values.values()):
                rows.append(Row(number, values, table.sheet))
        if problems:
            raise InputError(f"{table.where_file}: {len(problems)} lỗi, không lưu dòng nào.", problems)
        return rows
