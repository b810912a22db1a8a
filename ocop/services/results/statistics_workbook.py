"""`ocop report FILE.xlsx`: the statistics workbook an office reports upward, one sheet per
dimension (year and round, commune, product set, stars, campaign) with native Excel charts over
its cells (ocop.services.results.charts defines them). Read-only on the database; the file is
written atomically, and left untouched when its content would not change."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop import present
from ocop.errors import InputError
from ocop.persistence.db import unit_of_work
from ocop.services.reminders.report import require_database
from ocop.services.results import charts as ch
from ocop.services.results.statistics import Statistics, Tally, statistics
from ocop.settings import Settings

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 4
FIRST_ROW = HEADER_ROW + 1
MEAN_FORMAT, SHARE_FORMAT, COUNT_FORMAT = "0.00", "0.0%", "#,##0"
TOTAL = "Tổng cộng"
NOTE = ("Số liệu từ kết quả phân hạng đã lưu của {n} kế hoạch trong cơ sở dữ liệu. Đã đánh giá: sản phẩm có kết quả "
        "phân hạng; Điểm TB: trung bình điểm của các sản phẩm đã đánh giá; {recognised}, {referred}: kết quả Hội "
        "đồng đề xuất.")
TALLY_HEADERS = (ch.REGISTERED, ch.EVALUATED, ch.RECOGNISED, ch.REFERRED, ch.MEAN, *ch.STAR_COLUMNS)


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: str
    written: bool  # False: the file already held this report
    statistics: Statistics
    charts: int  # native charts in the workbook


def _tally(t: Tally) -> list[Any]:
    return [t.registered, t.evaluated, t.recognised, t.referred, t.mean, *(t.star(n) for n in (5, 4, 3, 2, 1))]


def _sheet(wb: Any, title: str, heading: str, note: str, headers: Sequence[str], rows: list[list[Any]],
           labels: int, total: list[Any] | None) -> Any:
    """A sheet: a title, a note, the header row, the rows, a total; frozen below the header and
    right of the ``labels`` columns; counts, means (2 decimals) and shares formatted."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.cell(TITLE_ROW, 1, heading).font = Font(bold=True, size=14)
    ws.cell(NOTE_ROW, 1, note).font = Font(italic=True, color="595959")
    fill, thin = PatternFill("solid", fgColor="DDEBF7"), Side(style="thin", color="9BC2E6")
    for col, header in enumerate(headers, 1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
    body = rows + ([total] if total is not None else [])
    for r, values in enumerate(body, FIRST_ROW):
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col, value)
            header = headers[col - 1]
            if header == ch.MEAN:
                cell.number_format = MEAN_FORMAT
            elif header == "Tỉ lệ":
                cell.number_format = SHARE_FORMAT
            elif isinstance(value, int) and col > labels:
                cell.number_format = COUNT_FORMAT
            if total is not None and r == FIRST_ROW + len(rows):
                cell.font = Font(bold=True)
    for col, header in enumerate(headers, 1):
        longest = max([len(str(header)) // 2 + 2, *(len(_shown(v[col - 1])) for v in body)], default=8)
        ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 8), 60)
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.freeze_panes = ws.cell(FIRST_ROW, labels + 1).coordinate
    # printed landscape, the table and its charts one page wide
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return ws


def _shown(value: object) -> str:
    """About what a cell shows, for its column's width: a mean with 2 decimals."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _add_chart(ws: Any, chart: ch.Chart, headers: Sequence[str]) -> None:
    """The native chart over the sheet's cells: its categories and series are the table's first rows."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.utils import get_column_letter

    last = HEADER_ROW + len(chart.categories)
    column = {h: i for i, h in enumerate(headers, 1)}
    cats = Reference(ws, min_col=column[chart.category_header], min_row=FIRST_ROW, max_row=last)
    native: Any
    if chart.kind == "pie":
        native = PieChart()
        native.dataLabels = DataLabelList()
        native.dataLabels.showPercent = True
    else:
        native = BarChart()
        native.type = "bar" if chart.kind == "barh" else "col"
        if chart.kind == "stacked":
            native.grouping, native.overlap = "stacked", 100
        if chart.kind == "barh":
            native.y_axis.scaling.orientation = "minMax"
            native.x_axis.scaling.orientation = "maxMin"  # the sheet's first row on top, as in the table
        native.y_axis.title = ch.PRODUCTS
        native.y_axis.majorGridlines = None if chart.kind == "barh" else native.y_axis.majorGridlines
        native.x_axis.delete = native.y_axis.delete = False  # openpyxl 3.1 hides both axes by default
    for series in chart.series:
        col = column[series.header]
        native.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    native.set_categories(cats)
    native.title = chart.title
    native.width = 18
    native.height = max(9.0, 0.55 * len(chart.categories) + 3) if chart.kind == "barh" else 9.0
    # beside the table, one chart under another
    anchor_row = HEADER_ROW + sum(int(c.height * 2) + 2 for c in ws._charts)
    ws.add_chart(native, f"{get_column_letter(len(headers) + 2)}{anchor_row}")


def build(stats: Statistics) -> Any:
    """The workbook of ``stats`` (openpyxl is imported here, not by the commands that do not write one)."""
    from openpyxl import Workbook

    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    note = NOTE.format(n=len(stats.campaigns), recognised=ch.RECOGNISED, referred=ch.REFERRED)
    total = stats.total
    sheets: dict[str, tuple[Any, Sequence[str]]] = {}

    headers = ("Năm", "Đợt", ch.PERIOD, "Số kế hoạch", *TALLY_HEADERS)
    rows = [[p.year, p.round, p.label, p.campaigns, *_tally(p.tally)] for p in stats.periods]
    sheets[ch.PERIODS] = (_sheet(wb, ch.PERIODS, "Sản phẩm OCOP theo năm và đợt đánh giá", note, headers, rows, 3,
                                 ["", "", TOTAL, len(stats.campaigns), *_tally(total)]), headers)

    headers = ("Huyện", ch.COMMUNE, *TALLY_HEADERS)
    rows = [[c.district, c.commune, *_tally(c.tally)] for c in stats.communes]
    sheets[ch.COMMUNES] = (_sheet(wb, ch.COMMUNES, "Sản phẩm OCOP theo xã", note + " Xếp theo số sản phẩm đăng ký.",
                                  headers, rows, 2, ["", TOTAL, *_tally(total)]), headers)

    headers = ("Mã bộ", ch.SET, "Văn bản áp dụng", *TALLY_HEADERS)
    rows = [[s.code, s.label, ", ".join(s.editions), *_tally(s.tally)] for s in stats.sets]
    sheets[ch.SETS] = (_sheet(wb, ch.SETS, "Sản phẩm OCOP theo bộ sản phẩm", note, headers, rows, 2,
                              ["", TOTAL, "", *_tally(total)]), headers)

    headers = (ch.STAR, ch.PRODUCTS, "Tỉ lệ", ch.MEAN, ch.RECOGNISED, ch.REFERRED)
    rows = [[present.stars(s.stars), s.products, s.share, s.mean, s.recognised, s.referred] for s in stats.stars]
    sheets[ch.STARS] = (_sheet(wb, ch.STARS, "Sản phẩm OCOP theo hạng sao", note, headers, rows, 1,
                               [TOTAL, total.evaluated, 1.0 if total.evaluated else 0.0, total.mean, total.recognised,
                                total.referred]), headers)

    headers = ("Mã kế hoạch", "Tên kế hoạch", "Cơ quan ban hành", "Năm", "Đợt", "Văn bản áp dụng", "Đã phân hạng",
               *TALLY_HEADERS)
    rows = [[c.code, c.name, c.issuing_body, c.year, c.round, c.edition, present.yes_no(c.ranked).capitalize(),
             *_tally(c.tally)] for c in stats.campaigns]
    _sheet(wb, ch.CAMPAIGNS, "Các kế hoạch đánh giá, phân hạng sản phẩm OCOP", note, headers, rows, 1,
           [TOTAL, "", "", "", "", "", "", *_tally(total)])

    for chart in ch.charts(stats):
        ws, sheet_headers = sheets[chart.sheet]
        _add_chart(ws, chart, sheet_headers)
    return wb


def _content(data: bytes) -> dict[str, bytes]:
    """The workbook's parts but its document properties (which carry the time it was saved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _same(path: Path, data: bytes) -> bool:
    try:
        return _content(path.read_bytes()) == _content(data)
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def check_path(path: Path) -> None:
    """The report's file name, refused before the database is opened when it cannot be one."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"Tệp báo cáo '{path.name}' cần đuôi .xlsx (tệp Excel).")
    if path.is_dir():
        raise InputError(f"'{path}' là một thư mục; cần tên tệp báo cáo, ví dụ {path / 'bao-cao-thong-ke.xlsx'}.")


def write_report(settings: Settings, path: Path) -> ReportResult:
    """Every campaign's statistics into the workbook ``path`` (overwritten when it exists; left as it is
    when it already holds the same report). The database is only read."""
    from ocop.documents.staging import write_atomic

    check_path(path)
    require_database(settings.database_url)
    with unit_of_work(settings.database_url) as s:
        stats = statistics(s)
        s.rollback()  # read-only: nothing loaded here is ever written back
    wb = build(stats)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    written = not _same(path, data)
    if written:
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise InputError(f"Không ghi được tệp báo cáo '{path}': {exc.strerror or exc}.") from exc
    return ReportResult(str(path), written, stats, sum(len(ws._charts) for ws in wb.worksheets))
