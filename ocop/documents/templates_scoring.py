"""Templates of the scoring: Phiếu đánh giá (one per member and product) and the landscape
Bảng tổng hợp kết quả with one column per member ({%tc for %})."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VA
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm
from docx.table import _Cell

from ocop.documents import decree30 as D
from ocop.documents.templates_blocks import (
    C,
    J,
    L,
    body,
    data_table,
    header_block,
    signature_block,
    signer,
    title_block,
    two_signers,
)
from ocop.documents.templates_ooxml import (
    finish_cells,
    new_document,
    para,
    row_props,
    table,
    tag,
    vertical_text,
)


def _criterion(field: str, *, bold_kinds: bool = True, indent_choice: bool = False,
               align: WD_PARAGRAPH_ALIGNMENT = C) -> Callable[[_Cell], None]:
    """Cell of the criteria table: bold on 'phan'/'nhom' rows, indented 'lua_chon' rows."""
    def write(cell: _Cell) -> None:
        st = "VB Bang nho"
        tag(cell, '{%p if r.loai == "phan" or r.loai == "nhom" %}')
        para(cell, "{{ r." + field + " }}", style=st, bold=bold_kinds, align=align)
        if indent_choice:                    # an option: indented, with its mandatory mark (148)
            tag(cell, '{%p elif r.loai == "lua_chon" %}')
            p = para(cell, "{{ r." + field + " }}",
                     ("{{ (' ' + r.bat_buoc) if r.bat_buoc else '' }}", {"bold": True, "italic": True}),
                     style=st, align=align)
            p.paragraph_format.left_indent = Mm(4)
        tag(cell, "{%p else %}")
        para(cell, "{{ r." + field + " }}", style=st, align=align)
        tag(cell, "{%p endif %}")
    return write


def phieu_danh_gia() -> DocxDocument:
    doc = new_document("Phiếu đánh giá, phân hạng sản phẩm OCOP",
                       "Phiếu đánh giá")
    header_block(doc, numbered=False)
    title_block(doc, "PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", None)
    para(doc, "(Dành cho thành viên {{ ten_hoi_dong }})", italic=True, align=C, before=6)
    body(doc, "Căn cứ đánh giá: {{ can_cu_bo_tieu_chi }}", style="VB Can cu", before=6)
    for text in ("Thành viên Hội đồng: {{ thanh_vien.ho_ten }} - {{ thanh_vien.chuc_vu }}",
                 "Mã sản phẩm: {{ ma_san_pham }}; bộ sản phẩm: {{ bo_san_pham }}",
                 "Tên sản phẩm: {{ ten_san_pham }}", "Chủ thể: {{ chu_the }}",
                 "Địa chỉ: {{ dia_chi }}"):
        para(doc, text, size=13, after=2)
    tag(doc, "{%p if chu_thich_bat_buoc %}")
    para(doc, "{{ chu_thich_bat_buoc }}", size=12, italic=True, before=4)
    tag(doc, "{%p endif %}")
    para(doc, "", size=6)
    # "Thang điểm": a criterion's maximum on its own row, each option's points on the option's row
    data_table(doc, (14, 95, 14, 21, 21),
               ("Mã", "Tiêu chí đánh giá", "Chọn", "Thang điểm", "Điểm chấm"),
               (_criterion("ma"), _criterion("noi_dung", indent_choice=True, align=L),
                "{{ r.o }}", _criterion("diem_toi_da"), _criterion("diem")),
               "r in dong", style="VB Bang nho")
    para(doc, "TỔNG HỢP ĐIỂM", bold=True, align=C, before=12, after=6, keep=True)
    data_table(doc, (20, 95, 25, 25), ("Phần", "Nội dung", "Điểm tối đa", "Điểm chấm"),
               ("{{ t.phan }}", "{{ t.ten }}", "{{ t.toi_da }}", "{{ t.diem }}"), "t in tong_phan",
               aligns=(C, L, C, C), footer=("", "Tổng điểm", "{{ diem_toi_da }}", "{{ tong_diem }}"), keep=True)
    signature_block(doc, left=None,
                    right=lambda c: signer(c, ["THÀNH VIÊN HỘI ĐỒNG"], "thanh_vien.ho_ten"))
    return doc


def _result_table(doc: DocxDocument) -> None:
    """Landscape results table with one column per member ({%tc for %}); the renderer spreads
    the member block's total width evenly over the rendered columns."""
    # widths from content: a name and producer on one or two lines, points 2 digits per member,
    # the notes column only the marks of the numbered notes printed under the table
    w = (9, 16, 72, 3, 74, 3, 16, 11, 11, 11, 12, 14)
    t = table(doc, w, 5, margin_mm=0.8)
    h1, h2, m1, row, m2 = t.rows
    for r in (h1, h2):
        row_props(r, header=True)
    row_props(row)
    fixed = {0: "STT", 1: "Mã sản phẩm", 2: "Tên sản phẩm, chủ thể", 6: "Điểm trung bình",
             10: "Hạng sao", 11: "Ghi chú"}
    for i, text in fixed.items():
        h1.cells[i].merge(h2.cells[i])
        h1.cells[i].vertical_alignment = VA.CENTER
        para(h1.cells[i], text, style="VB Bang nho", bold=True, align=C)
    group = h1.cells[3].merge(h1.cells[5])
    para(group, "{% colspan thanh_vien|length %}", "Điểm của các thành viên Hội đồng",
         style="VB Bang nho", bold=True, align=C)
    parts = h1.cells[7].merge(h1.cells[9])
    para(parts, "Điểm trung bình theo phần", style="VB Bang nho", bold=True, align=C)
    cells = h2.cells
    para(cells[3], "{%tc for tv in thanh_vien %}", style="VB Bang nho", size=6)
    para(cells[4], "{{ tv }}", style="VB Bang nho", bold=True, align=C)
    vertical_text(cells[4])
    para(cells[5], "{%tc endfor %}", style="VB Bang nho", size=6)
    for i, text in ((7, "Phần A"), (8, "Phần B"), (9, "Phần C")):
        cells[i].vertical_alignment = VA.CENTER
        para(cells[i], text, style="VB Bang nho", bold=True, align=C)
    row_props(h2, cant_split=False, height_mm=26)   # at least: grows with the longest name
    para(m1.cells[0], "{%tr for kq in ket_qua %}", style="VB Bang nho")
    para(m2.cells[0], "{%tr endfor %}", style="VB Bang nho")
    cells = row.cells
    values = {0: "{{ kq.stt }}", 1: "{{ kq.ma_san_pham }}", 6: "{{ kq.diem_tb }}",
              7: "{{ kq.phan_a }}", 8: "{{ kq.phan_b }}", 9: "{{ kq.phan_c }}",
              10: "{{ kq.sao }}", 11: "{{ kq.so_chu_thich }}"}
    for i, text in values.items():
        cells[i].vertical_alignment = VA.CENTER
        para(cells[i], text, style="VB Bang nho", align=C, bold=(i == 6) or None)
    para(cells[2], "{{ kq.ten_san_pham }}", style="VB Bang nho", bold=True, align=L)
    para(cells[2], "{{ kq.chu_the }}", style="VB Bang nho", italic=True, align=L)
    para(cells[3], "{%tc for d in kq.diem_thanh_vien %}", style="VB Bang nho", size=6)
    cells[4].vertical_alignment = VA.CENTER
    para(cells[4], "{{ d }}", style="VB Bang nho", align=C)
    para(cells[5], "{%tc endfor %}", style="VB Bang nho", size=6)
    finish_cells(t)


def bang_tong_hop() -> DocxDocument:
    doc = new_document("Bảng tổng hợp kết quả đánh giá, phân hạng sản phẩm OCOP",
                       "Bảng tổng hợp", landscape=True)
    header_block(doc, numbered=False, widths=(95.0, 157.0))
    title_block(doc, "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", "{{ ten_hoi_dong }}",
                area=D.TEXT_WIDTH_LANDSCAPE_MM)
    para(doc, "{{ mo_ta }}", italic=True, align=C, before=6, after=6)
    _result_table(doc)
    tag(doc, "{%p if chu_thich %}")
    para(doc, "Ghi chú:", size=D.SIZE_TABLE, bold=True, italic=True, before=6, keep=True)
    tag(doc, "{%p for n in chu_thich %}")
    para(doc, "{{ n.so }} {{ n.noi_dung }}", style="VB Bang", align=J, after=2, keep=True)  # with the signatures
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    two_signers(doc, ("nguoi_lap.dong", "nguoi_lap.ho_ten"), ("chu_ky.dong", "chu_ky.ho_ten"),
                widths=(126.0, 126.0), posts=(None, "chu_ky.chuc_vu"))
    return doc
