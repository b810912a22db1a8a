"""Low-level python-docx/OOXML helpers for the Decree 30 template builder.

New documents (page set-up, slim styles, page number), paragraphs and docxtpl tag paragraphs,
short rules, fixed-layout tables, row/cell properties, page borders and section breaks.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeAlias, TypedDict, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from ocop.documents import decree30 as D

KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header"}
TWIPS_PER_MM = 1440 / 25.4
BUILD_TIME = datetime(2020, 1, 1, 0, 0, 0)   # fixed core-properties dates: reproducible builds


class Box(Protocol):
    """Where paragraphs go: the document body, a table cell, a header."""

    def add_paragraph(self, text: str = ..., style: str | ParagraphStyle | None = ...) -> Paragraph: ...


class RunFormat(TypedDict, total=False):
    size: float
    bold: bool
    italic: bool


class ParaOptions(TypedDict, total=False):
    """Keyword options of para() other than ``style``, for the helpers that pass them on."""

    size: float | None
    bold: bool | None
    italic: bool | None
    align: WD_PARAGRAPH_ALIGNMENT | None
    before: float | None
    after: float | None
    indent: float | None
    keep: bool


# a run of para(): its text, or its text and the formatting that overrides para()'s
RunSpec: TypeAlias = str | tuple[str, RunFormat]


def _el(tag: str, **attrs: str) -> etree._Element:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


def _fonts(rpr: etree._Element) -> None:
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, _el("w:rFonts", ascii=D.FONT, hAnsi=D.FONT, cs=D.FONT, eastAsia=D.FONT))


def _slim(doc: DocxDocument) -> None:
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


def _style(doc: DocxDocument, name: str, size: int, *, base: str = "Normal", italic: bool = False,
           justify: bool = False, indent: bool = False, after: float = 0, line: float = 1.0) -> ParagraphStyle:
    st: ParagraphStyle = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
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


def new_document(title: str, category: str, *, landscape: bool = False,
                 margins: dict[str, float] | None = None, body_size: int = D.SIZE_BODY) -> DocxDocument:
    """A4 document with the Decree 30 styles; ``margins`` (mm) override D.MARGINS_MM per side;
    ``body_size`` the size of the body text (D.SIZE_BODY_COMPACT, with single line spacing, for a
    notice that must fit one page)."""
    doc = Document()
    _slim(doc)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = D.FONT, Pt(D.SIZE_BODY)
    _fonts(normal.element.get_or_add_rPr())
    line = D.LINE_SPACING if body_size == D.SIZE_BODY else D.LINE_SPACING_COMPACT
    _style(doc, "VB Noi dung", body_size, justify=True, indent=True, after=D.SPACING_AFTER_PT, line=line)
    _style(doc, "VB Can cu", body_size, base="VB Noi dung", italic=True, justify=True,
           indent=True, after=D.SPACING_AFTER_PT, line=line)
    _style(doc, "VB Bang", D.SIZE_TABLE)
    _style(doc, "VB Bang nho", D.SIZE_TABLE_SMALL)
    _style(doc, "VB Noi nhan", D.SIZE_RECIPIENT)
    sec = doc.sections[0]
    w, h = Mm(D.PAGE_WIDTH_MM), Mm(D.PAGE_HEIGHT_MM)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (h, w) if landscape else (w, h)
    for side, mm in (D.MARGINS_MM | (margins or {})).items():
        setattr(sec, f"{side}_margin", Mm(mm))
    sec.header_distance = sec.footer_distance = Mm(D.HEADER_DISTANCE_MM)
    sec.different_first_page_header_footer = True        # no page number on page 1
    sec.first_page_header.is_linked_to_previous = False
    _page_number(sec.header.paragraphs[0])
    cp = doc.core_properties
    cp.title, cp.subject, cp.author, cp.language = title, "", "", "vi-VN"
    cp.keywords, cp.comments, cp.category, cp.last_modified_by = "OCOP", "", category, ""
    cp.created = cp.modified = BUILD_TIME
    cp.revision = 1
    return doc


def _page_number(p: Paragraph) -> None:
    p.alignment = AL.CENTER
    fields: tuple[tuple[str | None, str], ...] = (("begin", ""), (None, " PAGE "), ("separate", ""),
                                                  (None, "2"), ("end", ""))
    for kind, text in fields:
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


def para(box: Box, *runs: RunSpec, size: float | None = None, bold: bool | None = None,
         italic: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None, style: str | None = None,
         before: float | None = None, after: float | None = None, indent: float | None = None,
         keep: bool = False) -> Paragraph:
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
        run_size = fmt.get("size", size)
        r.font.size = Pt(run_size) if run_size else None
        r.font.bold = fmt.get("bold", bold)
        r.font.italic = fmt.get("italic", italic)
    return p


def tag(box: Box, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); removed at render."""
    box.add_paragraph().add_run(text)


def rule(box: Box, width_mm: float, area_mm: float, *, before: float = 0) -> None:
    """A centred horizontal line width_mm long: empty paragraph with a bottom border,
    ``before`` pt below the text above it."""
    p = box.add_paragraph()
    if before:
        p.paragraph_format.space_before = Pt(before)
    side = Mm(max((area_mm - width_mm) / 2, 0))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing = Pt(2)
    bdr = _el("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="6", space="1", color="000000"))
    _insert_before(p._p.get_or_add_pPr(), bdr, *_PBDR_NEXT)


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


def _insert_before(parent: BaseOxmlElement, el: etree._Element, *successors: str) -> None:
    """``el`` as a child of ``parent`` before the first of the ``successors`` it has (else last)."""
    # python-docx annotates the element as lxml's ElementBase, but a tag it has no class for
    # (w:pBdr, w:tblBorders, ...) is a plain _Element; insert_element_before only needs an _Element
    parent.insert_element_before(cast(etree.ElementBase, el), *successors)


def _tblpr_add(tblpr: BaseOxmlElement, el: etree._Element) -> None:
    tag = el.tag.split("}")[1]
    _insert_before(tblpr, el, *_TBLPR[_TBLPR.index(f"w:{tag}") + 1:])


class TableBox(Protocol):
    """Where tables go: the document body or a table cell."""

    def add_table(self, rows: int, cols: int) -> Table: ...


def table(box: TableBox, widths_mm: Sequence[float], rows: int, *, borders: bool = True,
          margin_mm: float = 1.9) -> Table:
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
    for gc, w in zip(t._tbl.tblGrid.gridCol_lst, widths_mm, strict=False):
        gc.w = Mm(w)
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)
    return t


def finish_cells(t: Table) -> None:
    """Drop the empty paragraph python-docx puts first in each cell when content followed it."""
    for c in t._tbl.iter(qn("w:tc")):
        ps = c.findall(qn("w:p"))
        if len(ps) > 1 and len(ps[0]) == 0:
            c.remove(ps[0])


def row_props(row: _Row, *, cant_split: bool = True, header: bool = False,
              height_mm: float | None = None) -> None:
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(_el("w:cantSplit"))
    if header:
        trpr.append(_el("w:tblHeader"))
    if height_mm:
        trpr.append(_el("w:trHeight", val=str(round(height_mm * TWIPS_PER_MM)), hRule="atLeast"))


def vertical_text(cell: _Cell) -> None:
    _insert_before(cell._tc.get_or_add_tcPr(), _el("w:textDirection", val="btLr"), "w:tcFitText", "w:vAlign",
                   "w:hideMark")


# CT_SectPr children after w:pgBorders / w:pgNumType (schema order)
_AFTER_PGBORDERS = ("w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
                    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
                    "w:docGrid", "w:printerSettings", "w:sectPrChange")


def page_border(section: Section, *, val: str = "double", size_8ths: int = 12, space_pt: int = 31) -> None:
    """A frame ``space_pt`` (max 31) from the edges of every page of ``section`` (certificates);
    measured from the page, so that it stays centred although the margins are not."""
    b = _el("w:pgBorders", offsetFrom="page")
    for side in ("top", "left", "bottom", "right"):
        b.append(_el(f"w:{side}", val=val, sz=str(size_8ths), space=str(space_pt), color="000000"))
    _insert_before(section._sectPr, b, *_AFTER_PGBORDERS)


def new_section(doc: DocxDocument, *, restart_numbering: bool = True) -> Section:
    """Next-page section break; headers are inherited (no page number on its first page) and,
    by default, page numbers start again from 1 (an attached Quy chế is paginated separately)."""
    sec: Section = doc.add_section(WD_SECTION.NEW_PAGE)
    carrier = doc.paragraphs[-1]              # the empty paragraph ending the previous section
    carrier.paragraph_format.line_spacing = Pt(2)
    if restart_numbering:
        _insert_before(sec._sectPr, _el("w:pgNumType", start="1"), *_AFTER_PGBORDERS[2:])
    return sec


ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def save_reproducible(doc: DocxDocument, path: Path) -> None:
    """Save with fixed zip timestamps so that building twice gives identical bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))
    Path(path).write_bytes(out.getvalue())
