"""Workbooks of the collect and verify stages: the blank registration workbook a commune fills,
the error workbook of a partial import, and the verification lists for the council."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ocop import present
from ocop.documents.staging import save_workbook, write_atomic
from ocop.documents.table_workbook import table_workbook
from ocop.inputs import FORMULA_LIKE, Column, Table, iter_rows, text_cell, xlsx_value
from ocop.persistence.models import Campaign
from ocop.rules.certificates import RENEWAL_MONTHS, renewal_horizon
from ocop.rules.dossier import ITEMS, REEVALUATION, DossierRules, dossier_rules
from ocop.rules.editions import get_edition
from ocop.services.registrations import form
from ocop.services.reminders.renewals import DueCertificate
from ocop.text import fold

DATA_SHEET = "Đăng ký"  # the sheet read from a workbook that has it; otherwise the first sheet
TEMPLATE_ROWS = 1000  # rows of the data sheet with drop-downs (LibreOffice keeps 1000 on saving)
LISTS = "DanhMuc"
BOLD = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
RENEWAL_FILL = PatternFill("solid", fgColor="FFF2CC")  # the kind cell of a row pre-filled for re-evaluation
DATE_FORMAT = "DD/MM/YYYY"
HINTS = {
    form.CODE.key: "Mã của Phòng, nếu có; để trống thì phần mềm tự cấp (SP000001 …).",
    form.NAME.key: "Tên sản phẩm như trên nhãn.",
    form.SET.key: "Chọn trong danh sách (mã - tên bộ sản phẩm).",
    form.PRODUCER.key: "Tên doanh nghiệp, HTX, tổ hợp tác hoặc hộ kinh doanh.",
    form.TYPE.key: "DN (doanh nghiệp), HTX (hợp tác xã), THT (tổ hợp tác), HKD (hộ kinh doanh).",
    form.COMMUNE.key: "Chọn trong danh sách xã của kế hoạch.",
    form.CONFIRMED.key: "Có: UBND xã đã ký xác nhận phiếu đăng ký.",
    form.KIND.key: "Lần đầu; Nâng hạng (giấy chứng nhận còn hiệu lực); Đánh giá lại (giấy chứng nhận "
                   "đã hoặc sắp hết hiệu lực). Để trống: Lần đầu.",
    form.CERT_NUMBER.key: "Chỉ ghi khi Nâng hạng hoặc Đánh giá lại.",
    form.CERT_STARS.key: "3, 4 hoặc 5.",
    form.REGISTERED_ON.key: "dd/mm/yyyy. Đăng ký sau hạn kiểm tra hồ sơ được đánh dấu để Hội đồng xem xét.",
    form.ADDRESS.key: "Địa chỉ trụ sở, nơi sản xuất của chủ thể.",
    form.REPRESENTATIVE.key: "Họ tên người đại diện theo pháp luật.",
    form.PHONE.key: "Số điện thoại liên hệ.",
}

ERRORS_SUFFIX = ".loi.xlsx"  # the workbook of an input's rows in error, beside the input


def hints(campaign: Campaign) -> dict[str, str]:
    """Each column's hint; the certificate's validity is the campaign's edition's."""
    months = get_edition(campaign.edition_code).certificate_months
    pre = {col.key: f"Đạt hoặc Không đạt: kết quả đánh giá sơ bộ tiêu chí '{col.header}' của UBND xã."
           for col in form.form_context(campaign).pre_assessment_columns}
    return HINTS | pre | {form.CERT_DATE.key: f"dd/mm/yyyy. Giấy chứng nhận có hiệu lực {months} tháng."}


def _list_sheet(wb: Workbook, columns: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet holding the drop-down lists; returns each list's range formula."""
    ws = wb.create_sheet(LISTS)
    ranges = {}
    for i, (title, values) in enumerate(columns.items(), start=1):
        ws.cell(1, i, title).font = BOLD
        for r, value in enumerate(values, start=2):
            text_cell(ws.cell(r, i, value))
        letter = get_column_letter(i)
        ranges[title] = f"{LISTS}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    ws.sheet_state = "hidden"
    return ranges


def _validation(ws: Any, letter: str, rows: int, **kwargs: Any) -> None:
    dv = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="Giá trị không hợp lệ", **kwargs)
    dv.add(f"{letter}2:{letter}{rows + 1}")
    ws.add_data_validation(dv)


def template_columns(campaign: Campaign) -> list[Column]:
    """The workbook's columns: the form's, with the dossier items this edition asks for."""
    items = set(dossier_rules(campaign.edition_code).items)
    order = (form.CODE, form.NAME, form.SET, form.PRODUCER, form.TYPE, form.COMMUNE, form.ADDRESS,
             form.REPRESENTATIVE, form.PHONE, form.KIND, form.CERT_NUMBER, form.CERT_DATE, form.CERT_STARS,
             form.REGISTERED_ON, form.CONFIRMED)
    return [*order, *form.form_context(campaign).pre_assessment_columns,
            *(c for c in form.ITEM_COLUMNS if c.key in items)]


@dataclass(frozen=True, slots=True)
class RenewalRow:
    """A row of the workbook pre-filled for a product whose certificate is due for re-evaluation."""

    certificate: DueCertificate
    values: dict[str, Any]  # column key -> value written
    note: str  # the comment on its 'Hình thức đăng ký' cell


def renewal_rows(campaign: Campaign, due: Sequence[DueCertificate]) -> list[RenewalRow]:
    """The certificates of ``due`` whose products are this campaign's to re-evaluate: producers of
    one of its communes (of its district, for a certificate a district issued) in its province. The
    set is pre-filled only where the certificate's edition has the campaign's criteria (under other
    criteria the producer chooses the set again)."""
    ctx = form.form_context(campaign)
    criteria = get_edition(campaign.edition_code).criteria_dir
    kind = present.REGISTRATION_KIND[REEVALUATION]
    rows: list[RenewalRow] = []
    for c in due:
        if fold(c.province) != fold(campaign.province):
            continue
        if c.level == "district" and campaign.level == "district" and fold(c.district) != fold(campaign.district):
            continue
        commune = next((ctx.communes[k] for k in form.commune_keys(c.commune) if k in ctx.communes), None)
        if ctx.communes and commune is None:
            continue
        same_sets = get_edition(c.edition).criteria_dir == criteria and c.set_code in ctx.set_names
        values: dict[str, Any] = {
            form.CODE.key: c.product_code, form.NAME.key: c.product, form.PRODUCER.key: c.producer,
            form.TYPE.key: c.producer_kind, form.COMMUNE.key: commune or c.commune, form.ADDRESS.key: c.address,
            form.REPRESENTATIVE.key: c.representative, form.PHONE.key: c.phone, form.KIND.key: kind,
            form.CERT_NUMBER.key: c.number, form.CERT_DATE.key: c.issued_on, form.CERT_STARS.key: c.stars,
            form.SET.key: f"{c.set_code} - {ctx.set_names[c.set_code]}" if same_sets else None}
        state = "đã hết hạn" if c.expired else "sắp hết hạn"
        note = (f"Điền sẵn để đánh giá lại ({state}): {present.certificate_ref(c.number, c.issued_on)}"
                + (f", {present.stars(c.stars)}" if c.stars else "")
                + f", hiệu lực đến hết ngày {present.date_short(c.valid_until)} (kế hoạch {c.campaign}). "
                "Chủ thể đăng ký đánh giá lại: ghi tiếp các cột còn trống; không đăng ký: xóa dòng này.")
        rows.append(RenewalRow(c, {k: v for k, v in values.items() if v not in (None, "")}, note))
    return rows


def write_template(path: Path, campaign: Campaign, renewals: Sequence[RenewalRow] = ()) -> Path:
    """The registration workbook: sheet 'Đăng ký' with drop-downs (``renewals`` pre-filled from
    row 2), 'Hướng dẫn', hidden lists. Written atomically."""
    ctx = form.form_context(campaign)
    rules = dossier_rules(campaign.edition_code)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = DATA_SHEET
    communes = list(campaign.details.communes)
    sets = [f"{code} - {name}" for code, name in ctx.set_names.items()]
    kinds = list(present.REGISTRATION_KIND.values())
    ranges = _list_sheet(wb, {"Bộ sản phẩm": sets, "Loại hình": list(present.PRODUCER_KIND), "Xã": communes,
                              "Hình thức đăng ký": kinds, "Có/Không": ["Có", "Không"],
                              "Đạt/Không đạt": list(present.PRE_ASSESSMENT.values())})
    pre = {col.key for col in ctx.pre_assessment_columns}
    columns, column_hints = template_columns(campaign), hints(campaign)
    last = TEMPLATE_ROWS + len(renewals) + 1  # the last row with drop-downs and formats
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(1, i, col.header)
        cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, vertical="center")
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        hint = column_hints.get(col.key) or f"Có hoặc Không (để trống: Không) - {rules.label(col.key)}."
        cell.comment = Comment(f"{'Bắt buộc' if col.required else 'Không bắt buộc'}. {hint}", "OCOP")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 30 if col in (form.NAME, form.PRODUCER, form.SET, form.ADDRESS) else 16
        lists = {form.SET.key: "Bộ sản phẩm", form.TYPE.key: "Loại hình", form.KIND.key: "Hình thức đăng ký"}
        if col.key == form.COMMUNE.key and communes:
            lists[col.key] = "Xã"
        if col.key == form.CONFIRMED.key or col.key in ITEMS:
            lists[col.key] = "Có/Không"
        if col.key in pre:
            lists[col.key] = "Đạt/Không đạt"
        if col.key in lists:
            _validation(ws, letter, last - 1, type="list", formula1=ranges[lists[col.key]],
                        error=f"Chọn một giá trị trong danh sách của cột '{col.header}'.")
        elif col.key in (form.CERT_DATE.key, form.REGISTERED_ON.key):
            _validation(ws, letter, last - 1, type="date", operator="between", formula1="DATE(1990,1,1)",
                        formula2="DATE(2100,12,31)", error="Cần một ngày dạng dd/mm/yyyy.")
            for r in range(2, last + 1):
                ws.cell(r, i).number_format = DATE_FORMAT
        elif col.key == form.CERT_STARS.key:
            _validation(ws, letter, last - 1, type="whole", operator="between", formula1="3", formula2="5",
                        error="Cần số sao từ 3 đến 5.")
        elif col.key in (form.CODE.key, form.PHONE.key, form.CERT_NUMBER.key):
            for r in range(2, last + 1):
                ws.cell(r, i).number_format = "@"  # text: leading zeros survive
    position = {col.key: i for i, col in enumerate(columns, start=1)}
    for r, row in enumerate(renewals, start=2):
        for key, value in row.values.items():
            text_cell(ws.cell(r, position[key], value))
        marked = ws.cell(r, position[form.KIND.key])
        marked.fill, marked.comment = RENEWAL_FILL, Comment(row.note, "OCOP")
    ws.freeze_panes = "C2"
    ws.row_dimensions[1].height = 45
    _instructions(wb.create_sheet("Hướng dẫn", 1), campaign, columns, rules, len(renewals))
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_workbook(wb, path)


def _instructions(ws: Worksheet, campaign: Campaign, columns: Sequence[Column], rules: DossierRules,
                  renewals: int) -> None:
    lines = [
        (f"HƯỚNG DẪN GHI PHIẾU ĐĂNG KÝ SẢN PHẨM OCOP - {campaign.name}", True),
        (f"Mỗi {present.commune_units(campaign.district).replace(',', ' hoặc')} ghi vào sheet '{DATA_SHEET}', "
         "mỗi dòng một sản phẩm, bắt đầu từ dòng 2; "
         "không gộp ô, không dùng công thức, không đổi tên hay thêm cột.", False),
        ("Cột tô màu cam là bắt buộc; cột tô màu xanh không bắt buộc. Ngày ghi dd/mm/yyyy.", False),
        ("Mỗi ô ghi không quá số ký tự ở cột 'Tối đa (ký tự)'; không dùng ký tự điều khiển. Chữ bắt đầu bằng "
         "=, +, - hoặc @ được giữ nguyên là chữ, không bao giờ được tính như công thức.", False),
        (f"Hạn kiểm tra hồ sơ: {present.date_short(campaign.deadline_verification)}. Hồ sơ thiếu được thông báo bổ "
         "sung; "
         "quá hạn bổ sung thì không đưa ra Hội đồng.", False),
        ("", False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        ws.cell(r, 1, text).font = Font(bold=bold)
    r = len(lines) + 1
    for i, title in enumerate(("Cột", "Khóa (không dấu)", "Bắt buộc", "Cách ghi", "Tối đa (ký tự)"), start=1):
        ws.cell(r, i, title).font = BOLD
    column_hints = hints(campaign)
    for col in columns:
        r += 1
        hint = column_hints.get(col.key) or f"Có hoặc Không (để trống: Không) - {rules.label(col.key)}."
        for i, value in enumerate((col.header, col.key, "Có" if col.required else "Không", hint, col.limit),
                                  start=1):
            ws.cell(r, i, value).alignment = Alignment(wrap_text=True, vertical="top")
    r += 2
    ws.cell(r, 1, f"Hồ sơ theo {campaign.edition_code}").font = BOLD
    food = ", ".join(sorted(rules.food_and_drink_sets, key=lambda c: (len(c), c))) or "—"
    notes = [
        "Bắt buộc: " + "; ".join(rules.label(k) for k in rules.required) + ". Thiếu: hồ sơ cần bổ sung.",
        "Tư cách pháp lý (thiếu: không đủ điều kiện): " + "; ".join(
            f"{k}: {v}" for k, v in rules.legal_status.items()) + ".",
        f"Bộ thực phẩm, đồ uống ({food}) cần thêm: " + "; ".join(rules.label(k) for k in rules.food_and_drink) + ".",
        "Sản phẩm dịch vụ (" + (", ".join(sorted(rules.service_sets)) or "—") + ") không nộp mẫu; "
        "Phòng kiểm tra thực tế tại cơ sở.",
        "Nâng hạng: giấy chứng nhận còn hiệu lực; Đánh giá lại: giấy chứng nhận đã hết hiệu lực hoặc hết hiệu lực "
        f"trong {RENEWAL_MONTHS} tháng sau hạn đánh giá {present.date_short(campaign.deadline_evaluation)} (hiệu lực "
        f"đến hết ngày {present.date_short(renewal_horizon(campaign.deadline_evaluation))} trở về trước).",
        f"Điền sẵn {present.count(renewals)} dòng (ô 'Hình thức đăng ký' tô vàng, có ghi chú): sản phẩm của các xã "
        "có giấy chứng nhận như trên. Chủ thể đăng ký đánh giá lại thì ghi tiếp các cột còn trống; không đăng ký "
        "thì xóa dòng." if renewals else "",
    ]
    for note in filter(None, notes):
        r += 1
        ws.cell(r, 1, note)
    for letter, width in zip("ABCDE", (28, 26, 10, 90, 14), strict=True):
        ws.column_dimensions[letter].width = width


def error_path(path: Path) -> Path:
    """``<input-stem>.loi.xlsx`` beside the input."""
    return path.with_name(f"{path.stem}{ERRORS_SUFFIX}")


def _cell(ws: Any, value: Any) -> Any:
    """A cell of a written workbook: a date formatted dd/mm/yyyy, a text that looks like a formula
    kept as text (a formula cell of the input stays the formula it was). A number, or a text that
    neither looks like a formula nor holds a character XML cannot carry, is the value itself
    (openpyxl makes the same cell of it, for half the time)."""
    kind = type(value)
    if value is None or kind is int or kind is float or (
            kind is str and not value.startswith(FORMULA_LIKE) and xlsx_value(value) is value):
        return value
    cell = text_cell(WriteOnlyCell(ws, value=xlsx_value(value)))
    if isinstance(value, (date, datetime)):
        cell.number_format = DATE_FORMAT
    return cell


def write_errors(path: Path, table: Table, bad: dict[int, list[str]], out: Path) -> Path:
    """The rows of ``path`` that were not stored, as in the input, plus a column 'Lỗi' saying why.

    A second streaming pass over the input: nothing but the row numbers is kept from the first.
    Corrected, the file can be imported again (the 'Lỗi' column is ignored).
    """
    keep = [i for i, h in enumerate(table.header) if fold(h) not in ("lỗi", "loi")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    ws.append([_cell(ws, table.header[i]) for i in keep] + [_cell(ws, "Lỗi")])
    prefix = f"{table.where_file}, "
    for number, raw in iter_rows(path, table.sheet, formulas=True):
        if number in bad:
            why = "; ".join(p.removeprefix(prefix) for p in bad[number])
            ws.append([_cell(ws, raw[i] if i < len(raw) else None) for i in keep] + [_cell(ws, why)])
    wb.save(out)
    return out


def write_lists(path: Path, sections: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> Path:
    """One sheet per section (title -> header, rows): the verify stage's lists for the council
    (a row per registration: written as text, ocop.documents.table_workbook)."""
    write_atomic(path, table_workbook(sections))  # rewritten whole by each run: a killed run leaves no half file
    return path
