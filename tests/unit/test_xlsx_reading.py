"""The two readers of a workbook's sheet (ocop.inputs): python-calamine, and openpyxl where only it
reads the cells as written (formulas, error values, Excel's escapes). Both give the same rows."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from ocop import inputs
from ocop.documents.pdf import soffice

Rows = list[tuple[int, tuple[Any, ...]]]


def _shown(rows: Iterable[tuple[int, Sequence[Any]]]) -> Rows:
    """The rows with a value, without the empty cells that end a row (openpyxl keeps the empty
    cells a writer left, calamine does not)."""
    shown = []
    for number, row in rows:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            shown.append((number, tuple(values)))
    return shown


def both(path: Path, sheet: str | None = None) -> tuple[Rows, Rows]:
    fast = inputs._calamine_source(path, sheet)
    assert fast is not None, "read by openpyxl"
    slow = inputs._openpyxl_source(path, sheet, True)
    try:
        assert (fast.title, fast.index) == (slow.title, slow.index)
        return _shown(fast.rows), _shown(slow.rows)
    finally:
        slow.book.close()


def mixed_sheet(path: Path, booleans: bool = True) -> Path:
    """Every kind of value a clerk's workbook holds, away from A1, with empty rows between."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hướng dẫn"
    ws["A1"] = "not this sheet"
    ws = wb.create_sheet("Đăng ký")
    ws["C2"] = "DANH SÁCH ĐĂNG KÝ"
    ws.append([])
    ws.append([None, None, "Mã", "Tên", "Số", "Ngày"])
    values: list[Any] = [
        "LN-01", "Mật ong", 3, 3.5, -2, 0.1 + 0.2, 1e20, 12345678901234567, *([True, False] if booleans else []),
        "0912345678", "  ", "",
        date(2020, 6, 1), datetime(2020, 6, 1, 10, 30), time(10, 30), timedelta(hours=30),
        "Nhãn\nhai dòng", "+84 912", "@ chữ", "Gà\u0300 đồi",  # an NFD accent stays as written
        CellRichText([TextBlock(InlineFont(b=True), "Chè "), "Thái Nguyên"]),
    ]
    for i, value in enumerate(values):
        ws.append([None, None, f"R{i}", value])
    for row, fmt in enumerate(["DD/MM/YYYY", "dd/mm/yyyy hh:mm", "[$-42A]dd/mm/yyyy", "mm-dd-yy", "h:mm", "0%",
                               "#,##0", '"Ngày "dd/mm/yyyy', "[h]:mm:ss", "General", "@", "yyyy-mm-dd"], start=40):
        for column, value in enumerate([43983, 43983.5, 0.25, 45000.75], start=3):
            ws.cell(row, column, value).number_format = fmt
    ws.merge_cells("C60:D62")
    ws["C60"] = "gộp"
    wb.save(path)
    return path


def test_a_mixed_sheet_reads_the_same_with_both_readers(tmp_path: Path) -> None:
    fast, slow = both(mixed_sheet(tmp_path / "mixed.xlsx"), "Đăng ký")
    assert fast == slow
    assert fast[0] == (2, (None, None, "DANH SÁCH ĐĂNG KÝ"))
    assert (6, (None, None, "R1", "Mật ong")) in fast
    assert (7, (None, None, "R2", 3)) in fast and type(dict(fast)[7][3]) is int
    assert (18, (None, None, "R13", datetime(2020, 6, 1))) in fast


def test_a_sheet_libreoffice_saved_reads_the_same_with_both_readers(tmp_path: Path) -> None:
    """As a clerk's file: shared strings, styles LibreOffice's own (it writes a boolean as =TRUE())."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed (make system-deps)")
    mixed_sheet(tmp_path / "mixed.xlsx", booleans=False)
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(tmp_path / "mixed.xlsx")],
                   check=True, capture_output=True, timeout=120)
    fast, slow = both(tmp_path / "lo" / "mixed.xlsx", "Đăng ký")
    assert fast == slow and len(fast) == 35


def test_the_rows_a_merged_range_covers_are_read_even_empty(tmp_path: Path) -> None:
    source = inputs._calamine_source(mixed_sheet(tmp_path / "mixed.xlsx"), "Đăng ký")
    assert source is not None and source.merged == [(60, 3, 62, 4, "C60:D62")]
    rows = list(source.rows)
    assert [n for n, _ in rows[-3:]] == [60, 61, 62] and rows[-1][1] == ()


def test_an_empty_sheet_has_no_rows(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "empty.xlsx")
    source = inputs._calamine_source(tmp_path / "empty.xlsx", None)
    assert source is not None and list(source.rows) == []


@pytest.mark.parametrize(("name", "value"), [
    ("formula", "=B2&\" sấy\""), ("error-value", "#N/A"), ("escaped-control-character", "Mật ong_x0007_"),
    ("escaped-noncharacter", "HKD_xFFFF_ An"),
])
def test_cells_only_openpyxl_reads_as_written_are_read_by_openpyxl(tmp_path: Path, name: str, value: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên"])
    ws.append(["LN-01", value])
    if name == "error-value":
        ws["B2"].data_type = "e"
    wb.save(tmp_path / f"{name}.xlsx")
    assert inputs._calamine_source(tmp_path / f"{name}.xlsx", None) is None
    rows = list(inputs.iter_rows(tmp_path / f"{name}.xlsx", None))
    assert rows[1][1][1] == (inputs.xstring(value) if name.startswith("escaped") else value)
    assert inputs.is_formula(rows[1][1][1]) == (name == "formula")


@pytest.mark.filterwarnings("ignore:Data Validation extension is not supported")
def test_a_formula_of_an_extension_is_not_a_cell_s(tmp_path: Path) -> None:
    """Excel writes a drop-down whose list is on another sheet as an extension, with <xm:f>."""
    path = tmp_path / "validation.xlsx"
    wb = Workbook()
    wb.active.append(["Mã", "Xã"])
    wb.active.append(["LN-01", "Bảo Đài"])
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations '
           b'count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
           b'type="list"><x14:formula1><xm:f>DanhMuc!$C$2:$C$27</xm:f></x14:formula1><xm:sqref>B2:B1001</xm:sqref>'
           b'</x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>')
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"</worksheet>\s*$", ext, parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    fast, slow = both(path)
    assert fast == slow == [(1, ("Mã", "Xã")), (2, ("LN-01", "Bảo Đài"))]


def test_a_file_calamine_cannot_read_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert inputs._calamine_source(tmp_path / "hong.xlsx", None) is None
    with pytest.raises(inputs.InputError, match=r"hong\.xlsx"):
        list(inputs.iter_rows(tmp_path / "hong.xlsx", None))
