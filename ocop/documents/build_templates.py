"""Build the Decree 30 DOCX templates: ``python -m ocop.documents.build_templates [DIR]``.

The generated files are committed and may be edited by a clerk in Word afterwards; each docxtpl
tag is typed as one run (``{%p %}``/``{%tr %}``/``{%tc %}`` tags in their own paragraph, row or
cell). Layout: low-level OOXML helpers, then the shared blocks (header, title, signatures,
Nơi nhận, data tables), then the six documents.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VA
from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from ocop.documents import decree30 as D

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "templates"
KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header"}
TWIPS_PER_MM = 1440 / 25.4


# --- low-level helpers --------------------------------------------------------------------------
def _el(tag: str, **attrs: str):
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


def _fonts(rpr) -> None:
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, _el("w:rFonts", ascii=D.FONT, hAnsi=D.FONT, cs=D.FONT, eastAsia=D.FONT))


def _slim(doc) -> None:
    """Drop stylesWithEffects, the thumbnail, latent styles and every unused style (790 KB)."""
    for rels, kind in ((doc.part.rels, "stylesWithEffects"), (doc.part.package.rels, "thumbnail")):
        for rid in [r for r, rel in rels.items() if rel.reltype.endswith(kind)]:
            rels.pop(rid)
    styles = doc.styles.element
    for e in styles.findall(qn("w:latentStyles")):
        styles.remove(e)
    for st in styles.findall(qn("w:style")):
        if st.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(st)
        for link in st.findall(qn("w:link")):
            st.remove(link)
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(D.SIZE_BODY * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(D.SIZE_BODY * 2))
    rpr.find(qn("w:lang")).attrib.clear()
    rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr.find(qn("w:spacing")).attrib.update({qn("w:after"): "0", qn("w:line"): "240"})


def _style(doc, name: str, size: int, *, base: str = "Normal", italic: bool = False,
           justify: bool = False, indent: bool = False, after: float = 0, line: float = 1.0):
    st = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    st.base_style, st.quick_style = doc.styles[base], True
    st.font.name, st.font.size, st.font.italic = D.FONT, Pt(size), italic or None
    _fonts(st.element.get_or_add_rPr())
    pf = st.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(after), line
    if justify:
        pf.alignment = AL.JUSTIFY
    if indent:
        pf.first_line_indent = Mm(D.FIRST_LINE_INDENT_MM)
    return st


def new_document(title: str, category: str, *, landscape: bool = False):
    doc = Document()
    _slim(doc)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = D.FONT, Pt(D.SIZE_BODY)
    _fonts(normal.element.get_or_add_rPr())
    _style(doc, "VB Noi dung", D.SIZE_BODY, justify=True, indent=True, after=D.SPACING_AFTER_PT,
           line=D.LINE_SPACING)
    _style(doc, "VB Can cu", D.SIZE_BODY, base="VB Noi dung", italic=True, justify=True,
           indent=True, after=D.SPACING_AFTER_PT, line=D.LINE_SPACING)
    _style(doc, "VB Bang", D.SIZE_TABLE)
    _style(doc, "VB Bang nho", D.SIZE_TABLE_SMALL)
    _style(doc, "VB Noi nhan", D.SIZE_RECIPIENT)
    sec = doc.sections[0]
    w, h = Mm(D.PAGE_WIDTH_MM), Mm(D.PAGE_HEIGHT_MM)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (h, w) if landscape else (w, h)
    for side, mm in D.MARGINS_MM.items():
        setattr(sec, f"{side}_margin", Mm(mm))
    sec.header_distance = sec.footer_distance = Mm(D.HEADER_DISTANCE_MM)
    sec.different_first_page_header_footer = True        # no page number on page 1
    sec.first_page_header.is_linked_to_previous = False
    _page_number(sec.header.paragraphs[0])
    cp = doc.core_properties
    cp.title, cp.subject, cp.author, cp.language = title, "", "", "vi-VN"
    cp.keywords, cp.comments, cp.category, cp.last_modified_by = "OCOP", "", category, ""
    cp.created = cp.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.revision = 1
    return doc


def _page_number(p) -> None:
    p.alignment = AL.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        r = p.add_run()
        r.font.size = Pt(D.SIZE_PAGE_NUMBER)
        if kind:
            r._r.append(_el("w:fldChar", fldCharType=kind))
        elif text.strip() == "PAGE":
            it = _el("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            r._r.append(it)
        else:
            r.text = text


def para(box, *runs, size=None, bold=None, italic=None, align=None, style=None, before=None,
         after=None, indent=None, keep=False):
    """Add a paragraph; runs are str or (str, {"bold": True, ...})."""
    p = box.add_paragraph(style=style)
    pf = p.paragraph_format
    if align is not None:
        pf.alignment = align
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if indent is not None:
        pf.first_line_indent = Mm(indent)
    if keep:
        pf.keep_with_next = True
    for item in runs:
        text, fmt = (item, {}) if isinstance(item, str) else item
        r = p.add_run(text)
        r.font.size = Pt(fmt.get("size", size)) if fmt.get("size", size) else None
        r.font.bold = fmt.get("bold", bold)
        r.font.italic = fmt.get("italic", italic)
    return p


def tag(box, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); removed at render."""
    box.add_paragraph().add_run(text)


def rule(box, width_mm: float, area_mm: float) -> None:
    """A centred horizontal line width_mm long: empty paragraph with a bottom border."""
    p = box.add_paragraph()
    side = Mm(max((area_mm - width_mm) / 2, 0))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing = Pt(2)
    bdr = _el("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="6", space="1", color="000000"))
    p._p.get_or_add_pPr().insert_element_before(bdr, *_PBDR_NEXT)


# schema order (ECMA-376 CT_PPr / CT_TblPr / CT_TcPr): Word rejects children out of order
_PBDR_NEXT = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange")
_TBLPR = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
          "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
          "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
          "w:tblDescription", "w:tblPrChange")


def _tblpr_add(tblpr, el) -> None:
    tag = el.tag.split("}")[1]
    tblpr.insert_element_before(el, *_TBLPR[_TBLPR.index(f"w:{tag}") + 1:])


def table(box, widths_mm, rows: int, *, borders: bool = True, margin_mm: float = 1.9):
    """Fixed-layout table with explicit widths in tblW, tblGrid and every tcW."""
    t = box.add_table(rows=rows, cols=len(widths_mm))
    if borders:
        t.style = "Table Grid"
    t.autofit = False
    tblpr = t._tbl.tblPr
    for e in tblpr.findall(qn("w:tblW")):
        tblpr.remove(e)
    _tblpr_add(tblpr, _el("w:tblW", w=str(round(sum(widths_mm) * TWIPS_PER_MM)), type="dxa"))
    if not borders:
        b = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            b.append(_el(f"w:{side}", val="nil"))
        _tblpr_add(tblpr, b)
    mar = _el("w:tblCellMar")
    for side in ("left", "right"):
        mar.append(_el(f"w:{side}", w=str(round(margin_mm * TWIPS_PER_MM)), type="dxa"))
    _tblpr_add(tblpr, mar)
    for gc, w in zip(t._tbl.tblGrid.gridCol_lst, widths_mm):
        gc.w = Mm(w)
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    return t


def finish_cells(t) -> None:
    """Drop the empty paragraph python-docx puts first in each cell when content followed it."""
    for c in t._tbl.iter(qn("w:tc")):
        ps = c.findall(qn("w:p"))
        if len(ps) > 1 and len(ps[0]) == 0:
            c.remove(ps[0])


def row_props(row, *, cant_split=True, header=False, height_mm=None) -> None:
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(_el("w:cantSplit"))
    if header:
        trpr.append(_el("w:tblHeader"))
    if height_mm:
        trpr.append(_el("w:trHeight", val=str(round(height_mm * TWIPS_PER_MM)), hRule="atLeast"))


def vertical_text(cell) -> None:
    cell._tc.get_or_add_tcPr().insert_element_before(
        _el("w:textDirection", val="btLr"), "w:tcFitText", "w:vAlign", "w:hideMark")



# --- shared blocks -------------------------------------------------------------------------------
C, L, J = AL.CENTER, AL.LEFT, AL.JUSTIFY


def header_block(doc, *, numbered: bool, widths=(62.0, 103.0)) -> None:
    """Issuer | quốc hiệu + tiêu ngữ; then 'Số:' | place and date (borderless)."""
    t = table(doc, widths, 2, borders=False, margin_mm=1.0)
    left, right = t.rows[0].cells
    tag(left, "{%p if co_quan_chu_quan %}")
    para(left, "{{ co_quan_chu_quan|upper }}", size=D.SIZE_CO_QUAN, bold=False, align=C)
    tag(left, "{%p endif %}")
    para(left, "{{ co_quan_ban_hanh|upper }}", size=D.SIZE_CO_QUAN, bold=True, align=C)
    rule(left, D.ISSUER_RULE_MM, widths[0] - 2)
    para(right, D.QUOC_HIEU, size=D.SIZE_QUOC_HIEU, bold=True, align=C)
    para(right, D.TIEU_NGU, size=D.SIZE_TIEU_NGU, bold=True, align=C)
    rule(right, D.TIEU_NGU_RULE_MM, widths[1] - 2)
    left, right = t.rows[1].cells
    if numbered:
        para(left, "Số: {{ so_ky_hieu }}", size=D.SIZE_SO, bold=False, align=C, before=6)
    para(right, "{{ dia_danh_ngay }}", size=D.SIZE_DATE, italic=True, align=C, before=6)
    finish_cells(t)


def title_block(doc, ten_loai: str, trich_yeu: str | None, area=D.TEXT_WIDTH_MM) -> None:
    para(doc, ten_loai, size=D.SIZE_TITLE, bold=True, align=C, before=18, keep=True)
    if trich_yeu:
        para(doc, trich_yeu, size=D.SIZE_TITLE, bold=True, align=C, keep=True)
    rule(doc, D.TITLE_RULE_MM, area)


def body(doc, *runs, style="VB Noi dung", **kw):
    return para(doc, *runs, style=style, **kw)


def loop(doc, head: str, *runs, style="VB Noi dung", **kw) -> None:
    """{%p for head %} / one paragraph / {%p endfor %}."""
    tag(doc, "{%p for " + head + " %}")
    para(doc, *runs, style=style, **kw)
    tag(doc, "{%p endfor %}")


def _title_lines(cell, lines: str | list[str]) -> None:
    """Authority/title lines: a Jinja list expression (looped) or fixed lines."""
    if isinstance(lines, str):
        tag(cell, "{%p for d in " + lines + " %}")
        para(cell, "{{ d|upper }}", size=D.SIZE_SIGNATURE, bold=True, align=C, keep=True)
        tag(cell, "{%p endfor %}")
    else:
        for line in lines:
            para(cell, line, size=D.SIZE_SIGNATURE, bold=True, align=C, keep=True)


def _name(cell, name: str) -> None:
    for _ in range(4):                       # room for the signature and the seal
        para(cell, "", size=D.SIZE_SIGNATURE, keep=True)
    para(cell, "{{ " + name + " }}", size=D.SIZE_SIGNATURE, bold=True, align=C)


def signer(cell, lines: str | list[str], name: str) -> None:
    _title_lines(cell, lines)
    _name(cell, name)


def recipients(cell) -> None:
    para(cell, D.NOI_NHAN, size=D.SIZE_NOI_NHAN, bold=True, italic=True, align=L)
    tag(cell, "{%p for r in noi_nhan %}")
    para(cell, "- {{ r }}", style="VB Noi nhan", size=D.SIZE_RECIPIENT, align=L)
    tag(cell, "{%p endfor %}")


def _spacer(doc) -> None:
    """Keeps the preceding paragraph with the signatures (no page holding only a signature)."""
    body_el = doc.element.body
    last = body_el[-2] if len(body_el) > 1 and body_el[-1].tag == qn("w:sectPr") else body_el[-1]
    if last.tag == qn("w:p"):
        Paragraph(last, doc._body).paragraph_format.keep_with_next = True
    para(doc, "", before=6, keep=True)       # also separates it from a table above


def signature_block(doc, left=recipients, right=None, widths=(80.0, 85.0)) -> None:
    """Borderless 2-column table kept on one page (cantSplit): Nơi nhận | signer."""
    _spacer(doc)
    t = table(doc, widths, 1, borders=False, margin_mm=1.0)
    row_props(t.rows[0])
    lc, rc = t.rows[0].cells
    if left:
        left(lc)
    (right or (lambda c: signer(c, "chu_ky.dong", "chu_ky.ho_ten")))(rc)
    finish_cells(t)


def two_signers(doc, left: tuple, right: tuple, widths) -> None:
    """Two signers side by side; titles in row 1 and names in row 2 so the names line up."""
    _spacer(doc)
    t = table(doc, widths, 2, borders=False, margin_mm=1.0)
    for row in t.rows:
        row_props(row)
    for i, (lines, name) in enumerate((left, right)):
        _title_lines(t.rows[0].cells[i], lines)
        _name(t.rows[1].cells[i], name)
    finish_cells(t)


def data_table(doc, widths, headers, cells, head: str, *, style="VB Bang", aligns=None,
               footer=None, keep=False):
    """Bordered table: header row, {%tr for head %} marker, data row, {%tr endfor %} marker.

    cells: one item per column: a Jinja text for one centred/aligned paragraph, or a
    callable(cell) writing the cell itself."""
    aligns = aligns or [C] * len(widths)
    t = table(doc, widths, 4 + (1 if footer else 0))
    row_props(t.rows[0], header=True)
    for cell, text in zip(t.rows[0].cells, headers):
        cell.vertical_alignment = VA.CENTER
        para(cell, text, style=style, bold=True, align=C)
    para(t.rows[1].cells[0], "{%tr for " + head + " %}", style=style)
    row_props(t.rows[2])
    for cell, spec, al in zip(t.rows[2].cells, cells, aligns):
        cell.vertical_alignment = VA.CENTER
        spec(cell) if callable(spec) else para(cell, spec, style=style, align=al)
    para(t.rows[3].cells[0], "{%tr endfor %}", style=style)
    if footer:
        row_props(t.rows[4])
        for cell, text, al in zip(t.rows[4].cells, footer, aligns):
            para(cell, text, style=style, bold=True, align=al)
    finish_cells(t)
    if keep:                                 # a short table kept with what follows it
        for p in t._tbl.iter(qn("w:p")):
            Paragraph(p, t._parent).paragraph_format.keep_with_next = True
    return t


def member_table(doc, head: str) -> None:
    data_table(doc, (12, 44, 71, 38), ("STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Nhiệm vụ"),
               ("{{ loop.index }}", "{{ m.ho_ten }}", "{{ m.chuc_vu }}", "{{ m.nhiem_vu }}"),
               head, aligns=(C, L, L, L))


# --- the documents ---------------------------------------------------------------------------------
def qd_thanh_lap_hoi_dong():
    doc = new_document("Quyết định thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Quyết định")
    header_block(doc, numbered=True)
    title_block(doc, "QUYẾT ĐỊNH", "{{ trich_yeu }}")
    para(doc, "{{ tham_quyen|upper }}", bold=True, align=C, before=12, after=12)
    loop(doc, "cc in can_cu", "{{ cc }}", style="VB Can cu")
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=C, before=6, after=12)
    body(doc, ("Điều 1. ", {"bold": True}), "Thành lập {{ ten_hoi_dong }} (sau đây gọi tắt là Hội "
         "đồng) và Tổ thư ký giúp việc Hội đồng, gồm các ông (bà) có tên sau:")
    body(doc, "1. Thành viên Hội đồng:", keep=True)
    member_table(doc, "m in thanh_vien")
    body(doc, "2. Tổ thư ký giúp việc Hội đồng:", keep=True, before=6)
    member_table(doc, "m in to_thu_ky")
    body(doc, ("Điều 2. Nhiệm vụ của Hội đồng và Tổ thư ký", {"bold": True}), before=6)
    body(doc, "1. Hội đồng: {{ nhiem_vu_hoi_dong }}")
    body(doc, "2. Tổ thư ký: {{ nhiem_vu_to_thu_ky }}")
    body(doc, ("Điều 3. ", {"bold": True}), "{{ dieu_thi_hanh|ket_thuc }}")
    signature_block(doc)
    return doc


def giay_moi_hop_hoi_dong():
    doc = new_document("Giấy mời họp Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Giấy mời")
    header_block(doc, numbered=True)
    title_block(doc, "GIẤY MỜI", "{{ trich_yeu }}")
    body(doc, "Trân trọng kính mời:", before=12)
    loop(doc, "m in kinh_moi", "- Ông (bà) {{ m.ho_ten }}, {{ m.chuc_vu }}"
         "{{ ';' if not loop.last else '.' }}")
    body(doc, "Tới dự: {{ noi_dung }}")
    body(doc, "Chủ trì: {{ chu_tri }}")
    body(doc, "Thời gian: {{ thoi_gian }}")
    body(doc, "Địa điểm: {{ dia_diem }}")
    body(doc, "Chương trình: đánh giá, phân hạng các sản phẩm sau:", keep=True)
    data_table(doc, (12, 60, 55, 38), ("STT", "Tên sản phẩm", "Chủ thể", "Bộ sản phẩm"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.chu_the }}", "{{ sp.bo_san_pham }}"),
               "sp in san_pham", aligns=(C, L, L, L))
    tag(doc, "{%p if ghi_chu %}")
    body(doc, ("Ghi chú: ", {"bold": True, "italic": True}), ("{{ ghi_chu }}", {"italic": True}),
         before=6)
    tag(doc, "{%p endif %}")
    body(doc, "Rất mong quý vị tham dự đúng thời gian, địa điểm./.", before=6)
    signature_block(doc)
    return doc


def _criterion(field: str, *, bold_kinds=True, indent_choice=False, align=C):
    """Cell of the criteria table: bold on 'phan'/'nhom' rows, indented 'lua_chon' rows."""
    def write(cell):
        st = "VB Bang nho"
        tag(cell, '{%p if r.loai == "phan" or r.loai == "nhom" %}')
        para(cell, "{{ r." + field + " }}", style=st, bold=bold_kinds, align=align)
        if indent_choice:
            tag(cell, '{%p elif r.loai == "lua_chon" %}')
            p = para(cell, "{{ r." + field + " }}", style=st, align=align)
            p.paragraph_format.left_indent = Mm(4)
        tag(cell, "{%p else %}")
        para(cell, "{{ r." + field + " }}", style=st, align=align)
        tag(cell, "{%p endif %}")
    return write


def phieu_danh_gia():
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
    para(doc, "", size=6)
    data_table(doc, (14, 95, 14, 21, 21),
               ("Mã", "Tiêu chí đánh giá", "Chọn", "Điểm tối đa", "Điểm chấm"),
               (_criterion("ma"), _criterion("noi_dung", indent_choice=True, align=L),
                "{{ r.o }}", _criterion("diem_toi_da"), _criterion("diem")),
               "r in dong", style="VB Bang nho")
    para(doc, "TỔNG HỢP ĐIỂM", bold=True, align=C, before=12, after=6, keep=True)
    data_table(doc, (20, 95, 25, 25), ("Phần", "Nội dung", "Điểm tối đa", "Điểm chấm"),
               ("{{ t.phan }}", "{{ t.ten }}", "{{ t.toi_da }}", "{{ t.diem }}"), "t in tong_phan",
               aligns=(C, L, C, C), footer=("", "Tổng điểm", "100", "{{ tong_diem }}"), keep=True)
    signature_block(doc, left=None,
                    right=lambda c: signer(c, ["THÀNH VIÊN HỘI ĐỒNG"], "thanh_vien.ho_ten"))
    return doc


def _result_table(doc) -> None:
    """Landscape results table with one column per member ({%tc for %}); the renderer spreads
    the member block's total width evenly over the rendered columns."""
    w = (9, 16, 50, 3, 96, 3, 15, 11, 11, 11, 12, 15)
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
    row_props(h2, cant_split=False, height_mm=34)
    para(m1.cells[0], "{%tr for kq in ket_qua %}", style="VB Bang nho")
    para(m2.cells[0], "{%tr endfor %}", style="VB Bang nho")
    cells = row.cells
    values = {0: "{{ kq.stt }}", 1: "{{ kq.ma_san_pham }}", 6: "{{ kq.diem_tb }}",
              7: "{{ kq.phan_a }}", 8: "{{ kq.phan_b }}", 9: "{{ kq.phan_c }}",
              10: "{{ kq.sao }}", 11: "{{ kq.ghi_chu }}"}
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


def bang_tong_hop():
    doc = new_document("Bảng tổng hợp kết quả đánh giá, phân hạng sản phẩm OCOP",
                       "Bảng tổng hợp", landscape=True)
    header_block(doc, numbered=False, widths=(95.0, 157.0))
    title_block(doc, "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", "{{ ten_hoi_dong }}",
                area=D.TEXT_WIDTH_LANDSCAPE_MM)
    para(doc, "{{ mo_ta }}", italic=True, align=C, before=6, after=6)
    _result_table(doc)
    two_signers(doc, ("nguoi_lap.dong", "nguoi_lap.ho_ten"), ("chu_ky.dong", "chu_ky.ho_ten"),
                widths=(126.0, 126.0))
    return doc


def bien_ban_hop_hoi_dong():
    doc = new_document("Biên bản họp Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Biên bản")
    header_block(doc, numbered=True)
    title_block(doc, "BIÊN BẢN", "{{ trich_yeu }}")
    body(doc, "Thời gian bắt đầu: {{ thoi_gian_bat_dau }}", before=12)
    body(doc, "Địa điểm: {{ dia_diem }}")
    body(doc, ("Thành phần tham dự:", {"bold": True}))
    body(doc, "Chủ trì: ông (bà) {{ chu_tri.ho_ten }}, {{ chu_tri.chuc_vu }}")
    body(doc, "Thư ký: ông (bà) {{ thu_ky.ho_ten }}, {{ thu_ky.chuc_vu }}")
    body(doc, "Thành viên có mặt: {{ so_co_mat }}/{{ tong_so }}, gồm:", keep=True)
    data_table(doc, (12, 45, 76, 32), ("STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Vai trò"),
               ("{{ loop.index }}", "{{ m.ho_ten }}", "{{ m.chuc_vu }}", "{{ m.vai_tro }}"),
               "m in co_mat", aligns=(C, L, L, L))
    tag(doc, "{%p if vang_mat %}")
    body(doc, "Thành viên vắng mặt:", before=6)
    loop(doc, "v in vang_mat", "- {{ v.ho_ten }}, {{ v.chuc_vu }} ({{ v.vai_tro }})")
    tag(doc, "{%p else %}")
    body(doc, "Thành viên vắng mặt: Không.", before=6)
    tag(doc, "{%p endif %}")
    body(doc, "{{ nhan_xet_quorum }}")
    body(doc, ("Nội dung cuộc họp:", {"bold": True}), keep=True)
    loop(doc, "nd in noi_dung", "{{ nd }}")
    body(doc, ("Kết quả đánh giá, phân hạng:", {"bold": True}), keep=True)
    body(doc, ("Điểm của các thành viên ghi theo thứ tự: {% for tv in thanh_vien %}{{ loop.index }}"
               ". {{ tv }}{{ '; ' if not loop.last else '.' }}{% endfor %}", {"italic": True}),
         keep=True)
    data_table(doc, (12, 50, 44, 20, 17, 22),
               ("STT", "Tên sản phẩm, chủ thể", "Điểm của các thành viên", "Điểm trung bình",
                "Hạng sao", "Ghi chú"),
               ("{{ kq.stt }}", lambda c: (
                   para(c, "{{ kq.ten_san_pham }}", style="VB Bang", bold=True, align=L),
                   para(c, "{{ kq.chu_the }}", style="VB Bang", italic=True, align=L)),
                "{{ kq.diem_thanh_vien|join('; ') }}", "{{ kq.diem_tb }}", "{{ kq.sao }}",
                "{{ kq.ghi_chu }}"),
               "kq in ket_qua", aligns=(C, L, C, C, C, L))
    body(doc, ("Kết luận:", {"bold": True}), keep=True, before=6)
    loop(doc, "kl in ket_luan", "{{ kl }}")
    body(doc, "Cuộc họp kết thúc vào hồi {{ thoi_gian_ket_thuc }}; biên bản đã được đọc lại và "
              "thông qua tại cuộc họp./.")
    two_signers(doc, (["THƯ KÝ"], "thu_ky.ho_ten"), (["CHỦ TRÌ"], "chu_tri.ho_ten"),
                widths=(82.5, 82.5))
    return doc


def to_trinh_de_nghi_tinh():
    doc = new_document("Tờ trình đề nghị đánh giá, phân hạng sản phẩm OCOP cấp tỉnh",
                       "Tờ trình")
    header_block(doc, numbered=True)
    title_block(doc, "TỜ TRÌNH", "{{ trich_yeu }}")
    para(doc, "Kính gửi: {{ kinh_gui }}", size=14, align=C, before=12, after=12)
    loop(doc, "cc in can_cu", "{{ cc }}")
    loop(doc, "nd in noi_dung", "{{ nd }}")
    body(doc, "Danh sách sản phẩm đề nghị đánh giá, phân hạng:", keep=True)
    data_table(doc, (12, 33, 31, 32, 25, 16, 16),
               ("STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Bộ sản phẩm", "Điểm trung bình",
                "Hạng sao"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.chu_the }}", "{{ sp.dia_chi }}",
                "{{ sp.bo_san_pham }}", "{{ sp.diem_tb }}", "{{ sp.sao }}"),
               "sp in san_pham", aligns=(C, L, L, L, L, C, C))
    body(doc, "Hồ sơ kèm theo:", keep=True, before=6)
    loop(doc, "h in ho_so_kem_theo", "- {{ h }}")
    body(doc, "{{ de_nghi|ket_thuc }}")
    signature_block(doc)
    return doc


TEMPLATES = {f.__name__: f for f in (qd_thanh_lap_hoi_dong, giay_moi_hop_hoi_dong, phieu_danh_gia,
                                     bang_tong_hop, bien_ban_hop_hoi_dong, to_trinh_de_nghi_tinh)}


def build(out_dir: Path = DEFAULT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEMPLATES.items():
        path = out_dir / f"{name}.docx"
        doc = make()
        end = para(doc, "", size=2)         # Word wants a paragraph after the last table
        end.paragraph_format.line_spacing = Pt(2)
        doc.save(str(path))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in build(Path(args[0]) if args else DEFAULT_DIR):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
