"""Reading the CSV and XLSX files clerks supply: header matching, cleaning, row-level errors.

Headers are matched after NFC, case and space folding; the Vietnamese header and the ASCII key
are both accepted ("Mã sản phẩm" or "ma_san_pham"). Values come back NFC with spaces trimmed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ocop.errors import InputError
from ocop.text import ascii_key, fold, nfc


@dataclass(frozen=True)
class Column:
    """An expected column: its ASCII key and the Vietnamese header printed in templates."""

    key: str
    header: str
    required: bool = True


@dataclass(frozen=True)
class Row:
    """One data row: its row number in the file (the header is row 1) and its values by key."""

    number: int
    values: dict[str, Any]
    sheet: str | None = None  # the worksheet it came from (XLSX), for error messages

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return nfc(str(value))


def where(path: Path, row: int, column: Column, sheet: str | None = None) -> str:
    """The location prefix of every row error: file, sheet (XLSX), row and column."""
    return f"{_file(path, sheet)}, dòng {row}, cột '{column.header}'"


def _file(path: Path, sheet: str | None) -> str:
    return f"{path.name}, sheet '{sheet}'" if sheet else path.name


def _cells(path: Path, sheet: list[str]) -> Iterator[Sequence[Any]]:
    """The rows of a CSV file or of a workbook's first sheet (whose name goes into ``sheet``)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.reader(fh)
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet.append(wb.worksheets[0].title)
            yield from wb.worksheets[0].iter_rows(values_only=True)
        finally:
            wb.close()
    else:
        raise InputError(f"{path.name}: chỉ nhận tệp .csv hoặc .xlsx (tệp này là '{suffix}').")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = nfc(value)
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def read_rows(
    path: Path, columns: Sequence[Column], *, alternatives: Sequence[Sequence[str]] = ()
) -> list[Row]:
    """All non-empty rows of the first sheet, keyed by column key.

    ``alternatives`` lists groups of keys of which at least one whole group must be present
    (e.g. per-criterion points or part totals); columns in them are not individually required.
    Raises InputError naming the file and every missing column.
    """
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp '{path}'.")
    try:
        named: list[str] = []
        cells = _cells(path, named)
        header = next(cells, None)
        sheet = named[0] if named else None
        if header is None:
            raise InputError(f"{path.name}: tệp trống, cần một dòng tiêu đề.")
        by_name: dict[str, Column] = {}
        for col in columns:
            by_name[fold(col.header)] = col
            by_name[col.key] = col
        positions: dict[str, int] = {}
        for i, name in enumerate(header):
            if name is None:
                continue
            col = by_name.get(fold(str(name))) or by_name.get(ascii_key(str(name)))
            if col is not None and col.key not in positions:
                positions[col.key] = i
        _check_header(path, sheet, columns, alternatives, positions)
        rows: list[Row] = []
        for number, raw in enumerate(cells, start=2):
            values = {
                key: _clean(raw[i]) if i < len(raw) else None for key, i in positions.items()
            }
            if any(v is not None for v in values.values()):
                rows.append(Row(number, values, sheet))
        return rows
    except (UnicodeDecodeError, csv.Error, OSError, ValueError) as exc:
        raise InputError(f"{path.name}: không đọc được tệp ({exc}).") from exc


def _check_header(
    path: Path,
    sheet: str | None,
    columns: Sequence[Column],
    alternatives: Sequence[Sequence[str]],
    positions: dict[str, int],
) -> None:
    optional = {k for group in alternatives for k in group}
    missing = [
        f"thiếu cột '{c.header}' (hoặc '{c.key}')"
        for c in columns
        if c.required and c.key not in optional and c.key not in positions
    ]
    if alternatives and not any(all(k in positions for k in g) for g in alternatives):
        headers = {c.key: c.header for c in columns}
        options = " hoặc ".join(
            "[" + ", ".join(f"'{headers[k]}'" for k in group) + "]" for group in alternatives
        )
        missing.append(f"cần có đủ các cột {options}")
    if missing:
        raise InputError(f"{_file(path, sheet)}, dòng 1 (tiêu đề): tệp thiếu cột bắt buộc.", missing)


def parse_int(row: Row, column: Column, path: Path, problems: list[str]) -> int | None:
    """An integer cell (numbers typed as text accepted); a problem is recorded otherwise."""
    raw = row.values.get(column.key)
    if raw is None:
        problems.append(f"{where(path, row.number, column, row.sheet)}: ô trống, cần một số nguyên.")
        return None
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer():
        problems.append(f"{where(path, row.number, column, row.sheet)}: giá trị '{raw}' không phải số nguyên.")
        return None
    return int(number)


YES = {"có", "co", "x", "1", "yes", "true", "đã xác nhận", "da xac nhan"}
NO = {"không", "khong", "0", "no", "false", "chưa", "chua"}


def parse_yes_no(row: Row, column: Column, path: Path, problems: list[str]) -> bool | None:
    """'Có' / 'Không' (also x/1/0): anything else is a problem."""
    raw = row.values.get(column.key)
    key = fold(str(raw)) if raw is not None else ""
    if key in YES:
        return True
    if key in NO or (raw is None and not column.required):
        return False
    problems.append(f"{where(path, row.number, column, row.sheet)}: giá trị '{raw or ''}' không hợp lệ, "
                    "cần 'Có' hoặc 'Không'.")
    return None

