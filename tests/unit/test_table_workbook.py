"""The workbook of plain tables written as text (the verify stage's lists) reads back as the same
workbook written by openpyxl: values, types, date format, the quote prefix of formula-like text."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from ocop import inputs
from ocop.documents.pdf import soffice
from ocop.documents.table_workbook import DATE_FORMAT, table_workbook

TABLES: dict[str, tuple[list[Any], list[list[Any]]]] = {
    "Đủ điều kiện": (["STT", "Mã sản phẩm", "Tên sản phẩm", "Ghi chú"], [
        [1, "LN-01", "Mật ong rừng", ""],
        [2, "LN-02", "=B2 (không phải công thức)", None],
        [3, "0912", "+84 tem & nhãn <mới>", "-5 ★"],
        [4, "LN-04", "Gà\x07đồi", "hai\r\ndòng\ttab"],
        [5, 2.5, True, False, date(2020, 7, 15), datetime(2020, 7, 15, 10, 30), 10**12, "@ghi chú"],
    ]),
    "Cần bổ sung": (["STT", "Hạn bổ sung"], [[1, date(1900, 1, 1)], [2, date(2026, 11, 30)]]),
    "Tổng hợp theo xã": (["Xã", "Đăng ký"], []),
}


def written_by_openpyxl(path: Path) -> Path:
    """The same tables as openpyxl's write-only mode writes them, cell by cell as the project did."""
    wb = Workbook(write_only=True)
    for title, (header, rows) in TABLES.items():
        ws = wb.create_sheet(title)
        for row in [header, *rows]:
            cells = []
            for value in row:
                cell = inputs.text_cell(WriteOnlyCell(ws, value=inputs.xlsx_value(value)))
                if isinstance(value, date):
                    cell.number_format = DATE_FORMAT
                cells.append(cell)
            ws.append(cells)
    wb.save(path)
    return path


def cells(path: Path) -> dict[str, list[list[tuple[Any, ...]]]]:
    """Each cell's value, type (of a cell with a value: an empty text is no cell), date format, quote prefix."""
    wb = load_workbook(path)
    return {ws.title: [[(c.value, c.value is not None and c.data_type, c.is_date and c.number_format,
                         bool(c.quotePrefix)) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_the_tables_read_back_as_openpyxl_writes_them(tmp_path: Path) -> None:
    ours = tmp_path / "ours.xlsx"
    ours.write_bytes(table_workbook(TABLES))
    theirs = cells(written_by_openpyxl(tmp_path / "theirs.xlsx"))
    assert cells(ours) == theirs
    assert theirs["Đủ điều kiện"][2][2] == ("=B2 (không phải công thức)", "s", False, True)
    assert theirs["Đủ điều kiện"][5][4] == (datetime(2020, 7, 15), "d", DATE_FORMAT, False)


def test_the_tables_read_back_through_the_project_s_reader(tmp_path: Path) -> None:
    (tmp_path / "ours.xlsx").write_bytes(table_workbook(TABLES))
    rows = list(inputs.iter_rows(tmp_path / "ours.xlsx", "Đủ điều kiện"))
    assert rows[4][1] == (4, "LN-04", "Gà\x07đồi", "hai\r\ndòng\ttab")  # the escape read back
    assert rows[5][1][4:6] == (datetime(2020, 7, 15), datetime(2020, 7, 15, 10, 30))


def test_libreoffice_opens_the_tables(tmp_path: Path) -> None:
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed (make system-deps)")
    (tmp_path / "ours.xlsx").write_bytes(table_workbook(TABLES))
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(tmp_path / "ours.xlsx")],
                   check=True, capture_output=True, timeout=120)
    again = load_workbook(tmp_path / "lo" / "ours.xlsx")
    assert again.sheetnames == list(TABLES)
    assert [c.value for c in again["Đủ điều kiện"][3]][:4] == [2, "LN-02", "=B2 (không phải công thức)", None]
    assert again["Đủ điều kiện"]["C3"].data_type == "s"
    assert again["Cần bổ sung"]["B3"].value == datetime(2026, 11, 30)
