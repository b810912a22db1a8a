"""Shared blocks of the Decree 30 templates: header, title, body paragraphs and loops,
signatures, Nơi nhận, data tables with {%tr for %} rows.

Each docxtpl tag is typed as one run ({%p %}/{%tr %}/{%tc %} tags in their own paragraph, row
or cell) so that a clerk can edit the generated files in Word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias, Unpack, cast

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as VA
from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.document import CT_Document
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from ocop.documents import decree30 as D
from ocop.documents.templates_ooxml import (
    Box,
    ParaOptions,
    RunSpec,
    finish_cells,
    para,
    row_props,
    rule,
    table,
    tag,
)

C, L, J = AL.CENTER, AL.LEFT, AL.JUSTIFY

CellWriter: TypeAlias = Callable[[_Cell], object]
# a signer's title lines (a Jinja list expression, or fixed lines) and the Jinja name of the signer
SignatureColumn: TypeAlias = tuple[str | list[str], str]


def header_block(doc: DocxDocument, *, numbered: bool, dated: bool = True,
                 widths: tuple[float, float] = (62.0, 103.0)) -> None:
    """Issuer | quốc hiệu + tiêu ngữ; then 'Số:' | place and date (borderless). Without number
    and date (the first page of an attached Quy chế) the second row is left out."""
    t = table(doc, widths, 2 if numbered or dated else 1, borders=False, margin_mm=1.0)
    left, right = t.rows[0].cells
    tag(left, "{%p if co_quan_chu_quan %}")
    para(left, "{{ co_quan_chu_quan|upper }}", size=D.SIZE_CO_QUAN, bold=False, align=C)
    tag(left, "{%p endif %}")
    para(left, "{{ co_quan_ban_hanh|upper }}", size=D.SIZE_CO_QUAN, bold=True, align=C)
    rule(left, D.ISSUER_RULE_MM, widths[0] - 2)
    para(right, D.QUOC_HIEU, size=D.SIZE_QUOC_HIEU, bold=True, align=C)
    para(right, D.TIEU_NGU, size=D.SIZE_TIEU_NGU, bold=True, align=C)
    rule(right, D.TIEU_NGU_RULE_MM, widths[1] - 2)
    if numbered or dated:
        left, right = t.rows[1].cells
        if numbered:
            para(left, "Số: {{ so_ky_hieu }}", size=D.SIZE_SO, bold=False, align=C, before=6)
        if dated:
            para(right, "{{ dia_danh_ngay }}", size=D.SIZE_DATE, italic=True, align=C, before=6)
    finish_cells(t)


def title_block(doc: DocxDocument, ten_loai: str, trich_yeu: str | None, area: float = D.TEXT_WIDTH_MM,
                before: float = 18) -> None:
    para(doc, ten_loai, size=D.SIZE_TITLE, bold=True, align=C, before=before, keep=True)
    if trich_yeu:
        para(doc, trich_yeu, size=D.SIZE_TITLE, bold=True, align=C, keep=True)
    replaces(doc)
    rule(doc, D.TITLE_RULE_MM, area, before=3)


def replaces(box: Box, size: float = D.SIZE_DATE, align: WD_PARAGRAPH_ALIGNMENT = C) -> None:
    """A new version of an issued document names the one it replaces (set by the register at issue)."""
    tag(box, "{%p if thay_the is defined and thay_the %}")
    para(box, "({{ thay_the }})", size=size, italic=True, align=align, keep=True)
    tag(box, "{%p endif %}")


def body(doc: Box, *runs: RunSpec, style: str = "VB Noi dung", **kw: Unpack[ParaOptions]) -> Paragraph:
    return para(doc, *runs, style=style, **kw)


def loop(doc: Box, head: str, *runs: RunSpec, style: str = "VB Noi dung", **kw: Unpack[ParaOptions]) -> None:
    """{%p for head %} / one paragraph / {%p endfor %}."""
    tag(doc, "{%p for " + head + " %}")
    para(doc, *runs, style=style, **kw)
    tag(doc, "{%p endfor %}")


def _title_lines(cell: _Cell, lines: str | list[str]) -> None:
    """Authority/title lines: a Jinja list expression (looped) or fixed lines."""
    if isinstance(lines, str):
        tag(cell, "{%p for d in " + lines + " %}")
        para(cell, "{{ d|upper }}", size=D.SIZE_SIGNATURE, bold=True, align=C, keep=True)
        tag(cell, "{%p endfor %}")
    else:
        for line in lines:
            para(cell, line, size=D.SIZE_SIGNATURE, bold=True, align=C, keep=True)


def _name(cell: _Cell, name: str, post: str | None = None) -> None:
    for _ in range(4):                       # room for the signature and the seal
        para(cell, "", size=D.SIZE_SIGNATURE, keep=True)
    if post:                                 # the signer's own post, above the name (council documents)
        tag(cell, "{%p if " + post + " is defined and " + post + " %}")
        para(cell, "{{ " + post + "|upper }}", size=D.SIZE_SIGNATURE, bold=True, align=C, keep=True)
        tag(cell, "{%p endif %}")
    para(cell, "{{ " + name + " }}", size=D.SIZE_SIGNATURE, bold=True, align=C)


def signer(cell: _Cell, lines: str | list[str], name: str, post: str | None = None) -> None:
    _title_lines(cell, lines)
    _name(cell, name, post)


def recipients(cell: _Cell) -> None:
    para(cell, D.NOI_NHAN, size=D.SIZE_NOI_NHAN, bold=True, italic=True, align=L)
    tag(cell, "{%p for r in noi_nhan %}")
    para(cell, "- {{ r }}", style="VB Noi nhan", size=D.SIZE_RECIPIENT, align=L)
    tag(cell, "{%p endfor %}")


def recipients_and_copies(cell: _Cell) -> None:
    """Nơi nhận, then (when given) the italic 'Bản điện tử:' list of electronic copies."""
    recipients(cell)
    tag(cell, "{%p if ban_dien_tu %}")
    para(cell, "Bản điện tử:", size=D.SIZE_NOI_NHAN, italic=True, align=L, before=3)
    tag(cell, "{%p for r in ban_dien_tu %}")
    para(cell, "- {{ r }}", style="VB Noi nhan", size=D.SIZE_RECIPIENT, align=L)
    tag(cell, "{%p endfor %}")
    tag(cell, "{%p endif %}")


def decision_opening(doc: DocxDocument) -> None:
    """QUYẾT ĐỊNH body opening: the competent authority, the căn cứ lines, 'QUYẾT ĐỊNH:'."""
    para(doc, "{{ tham_quyen|upper }}", bold=True, align=C, before=12, after=12)
    loop(doc, "cc in can_cu", "{{ cc }}", style="VB Can cu")
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=C, before=6, after=12)


def articles(doc: DocxDocument, items: str, first: int | str = 1) -> None:
    """'Điều n.' (bold) + text for each string of the list ``items``; the last ends with './.' and
    is a paragraph of its own, kept with the signature (no page with only Nơi nhận and a signature)."""
    shift = int(first) - 1
    number = "loop.index" if shift == 0 else f"loop.index + {shift}"
    tag(doc, "{%p for d in " + items + "[:-1] %}")
    para(doc, ("Điều {{ " + number + " }}. ", {"bold": True}), "{{ d }}", style="VB Noi dung")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if " + items + " %}")
    last = f"{items}|length" if shift == 0 else f"{items}|length + {shift}"
    para(doc, ("Điều {{ " + last + " }}. ", {"bold": True}), "{{ " + items + "[-1]|ket_thuc }}",
         style="VB Noi dung", keep=True)
    tag(doc, "{%p endif %}")


def _tag_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def _is_tag(p: etree._Element) -> bool:
    return _tag_text(p).startswith("{%p ")


def _is_loop_end(p: etree._Element) -> bool:
    return _tag_text(p) == "{%p endfor %}"


def _spacer(doc: DocxDocument) -> None:
    """Keeps the preceding paragraph with the signatures (no page holding only a signature)."""
    body_el = cast(CT_Document, doc.element).body       # python-docx types Document.element as the base class
    for last in reversed(body_el):                       # the last paragraph a reader sees, not a tag
        if last.tag == qn("w:sectPr") or (last.tag == qn("w:p") and _is_tag(last) and not _is_loop_end(last)):
            continue
        if last.tag == qn("w:p") and not _is_tag(last):
            Paragraph(cast(CT_P, last), doc._body).paragraph_format.keep_with_next = True
        break                                            # a table, or the end of a loop: see articles()
    para(doc, "", size=6, before=6, keep=True)   # also separates it from a table above


def signature_block(doc: DocxDocument, left: CellWriter | None = recipients, right: CellWriter | None = None,
                    widths: tuple[float, float] = (80.0, 85.0)) -> None:
    """Borderless 2-column table kept on one page (cantSplit): Nơi nhận | signer."""
    _spacer(doc)
    t = table(doc, widths, 1, borders=False, margin_mm=1.0)
    row_props(t.rows[0])
    lc, rc = t.rows[0].cells
    if left:
        left(lc)
    (right or (lambda c: signer(c, "chu_ky.dong", "chu_ky.ho_ten", "chu_ky.chuc_vu")))(rc)
    finish_cells(t)


def two_signers(doc: DocxDocument, left: SignatureColumn, right: SignatureColumn, widths: tuple[float, float],
                posts: tuple[str | None, str | None] = (None, None)) -> None:
    """Two signers side by side; titles in row 1 and names in row 2 so the names line up;
    ``posts``: the Jinja names of the signers' posts printed above their names, if any."""
    _spacer(doc)
    t = table(doc, widths, 2, borders=False, margin_mm=1.0)
    for row in t.rows:
        row_props(row)
    for i, (lines, name) in enumerate((left, right)):
        _title_lines(t.rows[0].cells[i], lines)
        other = posts[1 - i]
        if posts[i] is None and other:       # a blank line where the other signer has a post: names line up
            tag(t.rows[1].cells[i], "{%p if " + other + " is defined and " + other + " %}")
            para(t.rows[1].cells[i], "", size=D.SIZE_SIGNATURE)
            tag(t.rows[1].cells[i], "{%p endif %}")
        _name(t.rows[1].cells[i], name, posts[i])
    finish_cells(t)


def data_table(doc: DocxDocument, widths: Sequence[float], headers: Sequence[str],
               cells: Sequence[str | CellWriter], head: str, *, style: str = "VB Bang",
               aligns: Sequence[WD_PARAGRAPH_ALIGNMENT] | None = None, footer: Sequence[str] | None = None,
               keep: bool = False) -> Table:
    """Bordered table: header row, {%tr for head %} marker, data row, {%tr endfor %} marker.

    cells: one item per column: a Jinja text for one centred/aligned paragraph, or a
    callable(cell) writing the cell itself."""
    aligns = aligns or [C] * len(widths)
    t = table(doc, widths, 4 + (1 if footer else 0))
    row_props(t.rows[0], header=True)
    for cell, text in zip(t.rows[0].cells, headers, strict=False):
        cell.vertical_alignment = VA.CENTER
        para(cell, text, style=style, bold=True, align=C)
    para(t.rows[1].cells[0], "{%tr for " + head + " %}", style=style)
    row_props(t.rows[2])
    for cell, spec, al in zip(t.rows[2].cells, cells, aligns, strict=False):
        cell.vertical_alignment = VA.CENTER
        spec(cell) if callable(spec) else para(cell, spec, style=style, align=al)
    para(t.rows[3].cells[0], "{%tr endfor %}", style=style)
    if footer:
        row_props(t.rows[4])
        for cell, text, al in zip(t.rows[4].cells, footer, aligns, strict=False):
            para(cell, text, style=style, bold=True, align=al)
    finish_cells(t)
    if keep:                                 # a short table kept with what follows it
        for p in t._tbl.iter(qn("w:p")):
            Paragraph(cast(CT_P, p), t._parent).paragraph_format.keep_with_next = True
    return t


def member_table(doc: DocxDocument, head: str) -> None:
    data_table(doc, (12, 44, 71, 38), ("STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Nhiệm vụ"),
               ("{{ loop.index }}", "{{ m.ho_ten }}", "{{ m.chuc_vu }}", "{{ m.nhiem_vu }}"),
               head, aligns=(C, L, L, L))
