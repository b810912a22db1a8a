"""The per-member score workbook: one sheet per product, a drop-down of the allowed points per
criterion; filled in at the meeting and imported back through the same validation as any sheet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import InputError
from ocop.inputs import XLSX_SUFFIXES, Row, cell_problem, locate, open_workbook, sheet_rows, text_cell
from ocop.persistence.models import Campaign, Person
from ocop.rules.criteria import Criterion, load_sets
from ocop.rules.editions import get_edition
from ocop.services.campaigns import council
from ocop.services.council.scoring import (
    CRITERION,
    MEMBER,
    POINTS,
    PRODUCT,
    Known,
    ScoresSummary,
    _Reader,
    store_rows,
)
from ocop.services.paperwork.specs import agenda, set_label
from ocop.text import ascii_key, fold

FIRST_ROW = 7  # criteria start here; rows 1-5 say whose sheet it is
HEADER = ("Mã tiêu chí", "Tiêu chí", "Các mức điểm (chọn một)", "Điểm tối đa", "Điểm chấm")
MARK = "Phiếu đánh giá OCOP"  # A1 of every product sheet; the reader recognises the workbook by it
_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")  # characters a sheet's title cannot hold


def write_member_workbook(session: Session, campaign: Campaign, member: Person, path: Path) -> Path:
    """A workbook for one member: an instruction sheet, then one sheet per product in agenda order."""
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    wb = Workbook()
    guide = wb.active
    assert isinstance(guide, Worksheet)  # a new workbook's one sheet
    guide.title = "Hướng dẫn"
    for line in (
        f"{campaign.council_name}",
        f"Phiếu đánh giá của thành viên: {member.name} ({member.position})",
        "Mỗi sheet là một sản phẩm. Ở cột 'Điểm chấm', chọn một mức điểm trong danh sách cho từng tiêu chí.",
        "Chấm đủ mọi tiêu chí của sản phẩm; sheet để trống hoàn toàn được bỏ qua khi nhập.",
        "Không sửa các ô Thành viên, Mã sản phẩm và cột Mã tiêu chí. Nhập lại: ocop scores import TỆP.xlsx",
    ):
        guide.append([line])
        text_cell(guide.cell(guide.max_row, 1))
    if any(c.requirements for s in sets.values() for c in s.criteria):
        guide.append([present.MANDATORY_LEGEND])
    guide.column_dimensions["A"].width = 110
    bold = Font(bold=True)
    for reg in agenda(session, campaign):
        criteria, product = sets[reg.set_code], reg.product
        ws = wb.create_sheet(title=_SHEET_TITLE.sub("-", product.code or str(product.id))[:31])
        ws.append([MARK])
        ws.append(["Thành viên", member.name])
        ws.append(["Mã sản phẩm", product.code])
        ws.append(["Sản phẩm", f"{product.name} — {product.producer.name}"])
        ws.append(["Bộ sản phẩm", set_label(sets, reg.set_code)])
        for r in range(2, 6):
            text_cell(ws.cell(r, 2))  # names and codes are text, whatever they start with
        ws.append(list(HEADER))
        for cell in ws[6]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for i, c in enumerate(criteria.criteria):
            r = FIRST_ROW + i
            levels = "\n".join(f"{o.points} đ: {o.label}" + _mark(c, o.points) for o in c.options)
            ws.append([c.code, f"{c.group_title} — {c.title}", levels, c.max_points, None])
            allowed = ",".join(str(p) for p in sorted({o.points for o in c.options}))
            dv = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True, showErrorMessage=True,
                                errorTitle="Điểm không hợp lệ", error=f"Tiêu chí {c.code}: chỉ chọn {allowed}.")
            ws.add_data_validation(dv)
            dv.add(f"E{r}")
            ws.cell(r, 3).alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in zip("ABCDE", (11, 45, 70, 11, 11), strict=True):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A7"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _mark(criterion: Criterion, points: int) -> str:
    star = criterion.mandatory_from(points)
    return "" if star is None else f" {present.mandatory_mark(star)}"


def write_templates(session: Session, campaign: Campaign, folder: Path, member: str | None = None) -> list[Path]:
    """One workbook per council member (or only the named one) in ``folder``."""
    people = council(campaign)
    if member:
        people = [p for p in people if fold(p.name) == fold(member)]
        if not people:
            raise InputError(f"'{member}' không phải thành viên Hội đồng.")
    return [write_member_workbook(session, campaign, p, folder / f"phieu-cham_{ascii_key(p.name)}.xlsx")
            for p in people]


def is_member_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook from `ocop scores template`; InputError when it is an .xlsx
    that cannot be read."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return False
    wb = open_workbook(path)
    try:
        return any(ws.title != "Hướng dẫn" and _first_cell(path, ws) == MARK for ws in wb.worksheets)
    finally:
        wb.close()


def _first_cell(path: Path, ws: Any) -> Any:
    _, first = next(sheet_rows(path, ws), (1, ()))
    return first[0] if first else None


def _at(cells: list[Sequence[Any]], row: int, column: int) -> Any:
    """The value at a 1-based row and column of a sheet's rows (None beyond them)."""
    return cells[row - 1][column - 1] if row <= len(cells) and column <= len(cells[row - 1]) else None


def read_member_workbook(path: Path) -> dict[str, list[Row]]:
    """Long-form rows per sheet: (product, member, criterion, points) for every filled cell; an
    InputError listing every cell the cell rule refuses (ocop.inputs.cell_problem)."""
    wb = open_workbook(path)
    sheets: dict[str, list[Row]] = {}
    problems: list[str] = []
    try:
        for ws in wb.worksheets:
            cells = [row for _, row in sheet_rows(path, ws)]
            if not cells or _at(cells, 1, 1) != MARK:
                continue
            member, code = _at(cells, 2, 2), _at(cells, 3, 2)
            checked = [(2, MEMBER, member), (3, PRODUCT, code)]
            rows = []
            for n in range(FIRST_ROW, len(cells) + 1):
                criterion, points = _at(cells, n, 1), _at(cells, n, 5)
                if criterion is not None and points is not None:
                    rows.append(Row(n, {"ma_san_pham": code, "thanh_vien": member, "tieu_chi": criterion,
                                        "diem": points}))
                    checked += [(n, CRITERION, criterion), (n, POINTS, points)]
            problems += [p for n, col, value in checked
                         if (p := cell_problem(locate(path.name, ws.title, n, col.header), value, col.limit))]
            if rows:
                sheets[ws.title] = rows
    finally:
        wb.close()
    if problems:
        raise InputError(f"{path.name}: {len(problems)} lỗi, không lưu phiếu nào.", problems)
    return sheets


def import_member_workbook(session: Session, campaign: Campaign, path: Path, reason: str = "") -> ScoresSummary:
    """Validate every sheet (problems name the file, sheet, row and column), then store all or none."""
    sheets = read_member_workbook(path)
    if not sheets:
        raise InputError(f"{path.name}: chưa có sheet nào được chấm.")
    problems: list[str] = []
    known = Known.of(session, campaign)  # read once: a workbook has a sheet per product
    for title, rows in sheets.items():
        reader = _Reader(known, Path(f"{path.name}, sheet '{title}'"))
        for row in rows:
            reader.add(row)
        try:
            reader.finish()
        except InputError as exc:
            problems += exc.problems or [str(exc)]
    if problems:
        raise InputError(f"{path.name}: {len(problems)} lỗi, không lưu phiếu nào.", problems)
    return store_rows(session, campaign, path, [r for rows in sheets.values() for r in rows], reason, known)
