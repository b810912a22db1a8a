"""Check a DOCX against the Decree 30/2020/NĐ-CP presentation rules.

``check(path)`` returns a list of Vietnamese problem descriptions (empty when the file conforms).
Run properties are resolved through inheritance: run -> character style chain -> paragraph
style chain -> document defaults (table-style formatting is not considered).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Literal, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.part import XmlPart
from docx.oxml.document import CT_Document
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.section import _BaseHeaderFooter
from docx.shared import Length
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart
from lxml import etree

from ocop import present
from ocop.documents import decree30 as D

_LEFTOVER = re.compile(r"\{\s*\{|\{\s*%|\{#|\}\s*\}|%\s*\}|#\}")   # also "{ {" typed in Word
_DATE_LINE = re.compile(r"^[^,;.():]{1,40}, ngày [\d ]*tháng [\d ]*năm \d{4}$")
_DRAFT_DATE = re.compile(r"^[^,]+, ngày +tháng +năm \d{4}$")
_OFF = {"0", "false", "off"}


def _mm(emu: Length | None) -> float:
    return emu / 36000 if emu is not None else float("nan")


def _fmt(x: float) -> str:
    return present.number(x, 1)


class _Doc:
    def __init__(self, path: Path, doc: DocxDocument | None = None) -> None:
        self.doc = doc if doc is not None else Document(str(path))
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr = None if defaults is None else defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        self.default_rpr: etree._Element | None = rpr

    def paragraphs(self) -> Iterator[tuple[Paragraph, Literal["body", "header"]]]:
        """(Paragraph, where) for the body (tables included, nested too) and headers/footers."""
        body = self.doc._body
        # python-docx types Document.element as its base class; w:p elements are parsed as CT_P
        for p in cast(CT_Document, self.doc.element).body.iter(qn("w:p")):
            yield Paragraph(cast(CT_P, p), body), "body"
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith(("/header", "/footer")):
                part = cast(XmlPart, rel.target_part)
                # a paragraph only asks its parent for the part (styles, relationships)
                parent = cast(ProvidesStoryPart, SimpleNamespace(part=part))
                for p in part.element.iter(qn("w:p")):
                    yield Paragraph(cast(CT_P, p), parent), "header"

    def _chain(self, run: Run, para: Paragraph) -> list[etree._Element]:
        """rPr elements from the most to the least specific."""
        out: list[etree._Element | None] = [run._r.rPr]
        st = run.style if run._r.rPr is not None and run._r.rPr.rStyle is not None else None
        while st is not None:
            out.append(st.element.rPr)
            st = st.base_style
        st = para.style
        while st is not None:
            out.append(st.element.rPr)
            st = st.base_style
        out.append(self.default_rpr)
        return [r for r in out if r is not None]

    def font(self, run: Run, para: Paragraph) -> str:
        for rpr in self._chain(run, para):
            f = rpr.find(qn("w:rFonts"))
            if f is None:
                continue
            for attr in ("asciiTheme", "hAnsiTheme"):
                if f.get(qn(f"w:{attr}")):
                    return f"(phông theo giao diện {f.get(qn(f'w:{attr}'))})"
            a, h = f.get(qn("w:ascii")), f.get(qn("w:hAnsi"))
            if a or h:
                return a if a and (a == h or not h) else f"{a}/{h}"   # (a == h or not h) implies a here
        return "(không xác định)"

    def size(self, run: Run, para: Paragraph) -> float | None:
        for rpr in self._chain(run, para):
            sz = rpr.find(qn("w:sz"))
            if sz is not None:
                return int(cast(str, sz.get(qn("w:val")))) / 2      # w:val is required
        return None

    def flag(self, run: Run, para: Paragraph, tag: str) -> bool:
        for rpr in self._chain(run, para):
            e = rpr.find(qn(f"w:{tag}"))
            if e is not None:
                return (e.get(qn("w:val")) or "1").lower() not in _OFF
        return False


def _text_runs(p: Paragraph) -> list[Run]:
    return [r for r in p.runs if r.text.strip()]


def _style_problems(d: _Doc, p: Paragraph, label: str, size: tuple[float, float], *, bold: bool | None = None,
                    italic: bool | None = None) -> list[str]:
    out = []
    for r in _text_runs(p):
        s = d.size(r, p)
        if s is None or not size[0] <= s <= size[1]:
            rng = _fmt(size[0]) if size[0] == size[1] else f"{_fmt(size[0])}–{_fmt(size[1])}"
            out.append(f"{label} phải cỡ chữ {rng} pt (đang: {'?' if s is None else _fmt(s)} pt): "
                       f"«{p.text.strip()[:60]}».")
        for tag, want, word in (("b", bold, "in đậm"), ("i", italic, "in nghiêng")):
            if want is not None and d.flag(r, p, tag) != want:
                out.append(f"{label} {'phải' if want else 'không được'} {word}: «{p.text.strip()[:60]}».")
    return list(dict.fromkeys(out))


def _section_problems(doc: DocxDocument) -> list[str]:
    out = []
    for i, s in enumerate(doc.sections, 1):
        w, h = _mm(s.page_width), _mm(s.page_height)
        if not (abs(min(w, h) - D.PAGE_WIDTH_MM) <= 0.5 and abs(max(w, h) - D.PAGE_HEIGHT_MM) <= 0.5):
            out.append(f"Mục {i}: khổ giấy {_fmt(w)} × {_fmt(h)} mm, không phải A4 (210 × 297 mm).")
        names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
        for side, (lo, hi) in D.MARGIN_RANGES_MM.items():
            v = _mm(getattr(s, f"{side}_margin"))
            if not lo - 0.05 <= v <= hi + 0.05:
                out.append(f"Mục {i}: lề {names[side]} {_fmt(v)} mm, phải từ {_fmt(lo)} đến {_fmt(hi)} mm.")
    return out


def _page_number_problems(d: _Doc) -> list[str]:
    out = []
    for i, s in enumerate(d.doc.sections, 1):
        def has_page(hf: _BaseHeaderFooter) -> bool:
            if not hf._has_definition:
                return False
            el = hf._definition.element
            return any("PAGE" in (t.text or "") for t in el.iter(qn("w:instrText"))) or any(
                "PAGE" in (f.get(qn("w:instr")) or "") for f in el.iter(qn("w:fldSimple")))

        if s.different_first_page_header_footer:
            first_has = has_page(s.first_page_header) or has_page(s.first_page_footer)
        else:
            first_has = has_page(s.header) or has_page(s.footer)
        if i == 1 and first_has:
            out.append("Số trang không được hiển thị ở trang thứ nhất.")
        if has_page(s.footer):
            out.append(f"Mục {i}: số trang phải đặt ở giữa phần lề trên (đầu trang), không ở chân trang.")
    return out


def check(path: Path, numbered: bool = True, doc: DocxDocument | None = None) -> list[str]:
    """Vietnamese descriptions of every Decree 30 problem found in the DOCX at ``path``.

    ``doc``: the same file already opened (python-docx), so that it is read once."""
    try:
        d = _Doc(Path(path), doc)
    except Exception as exc:  # not a zip, not a docx, missing file
        return [f"Không mở được tệp DOCX '{path}': {exc}."]
    problems = _section_problems(d.doc) + _page_number_problems(d)
    fonts: dict[str, str] = {}
    seen = {"quoc_hieu": 0, "tieu_ngu": 0, "so": 0, "date": 0}
    for p, where in d.paragraphs():
        text = p.text
        stripped = text.strip()
        if unicodedata.normalize("NFC", text) != text:
            problems.append(f"Văn bản chưa chuẩn hóa Unicode NFC: «{stripped[:60]}».")
        if _LEFTOVER.search(text):
            problems.append(f"Còn thẻ mẫu chưa xử lý: «{stripped[:80]}».")
        for r in _text_runs(p):
            f = d.font(r, p)
            if f != D.FONT:
                fonts.setdefault(f, stripped[:40])
        if where == "header":
            if stripped.isdigit():
                problems += _style_problems(d, p, "Số trang", D.RANGE_PAGE_NUMBER)
            continue
        if stripped == D.QUOC_HIEU:
            seen["quoc_hieu"] += 1
            problems += _style_problems(d, p, "Quốc hiệu", D.RANGE_QUOC_HIEU, bold=True)
        elif stripped == D.TIEU_NGU:
            seen["tieu_ngu"] += 1
            problems += _style_problems(d, p, "Tiêu ngữ", D.RANGE_TIEU_NGU, bold=True)
        elif stripped.startswith("Số:") and len(stripped) < 40:
            seen["so"] += 1
            if not D.NUMBER_RE.match(text.strip("\t\r\n")):
                problems.append(f"Số, ký hiệu sai định dạng (ví dụ đúng: «Số: 05/QĐ-UBND»): «{stripped}».")
            problems += _style_problems(d, p, "Số, ký hiệu", D.RANGE_SO, bold=False)
        elif _DATE_LINE.match(stripped):
            seen["date"] += 1
            if not (D.PLACE_DATE_RE.match(stripped) or _DRAFT_DATE.match(stripped)):
                problems.append("Ngày tháng sai quy tắc (ngày 1–9 và tháng 1, 2 phải có số 0 "
                                f"đứng trước; tháng 3–12 không có): «{stripped}».")
            problems += _style_problems(d, p, "Địa danh, ngày tháng năm", D.RANGE_DATE, italic=True)
        elif stripped == D.NOI_NHAN:
            problems += _style_problems(d, p, "Nơi nhận", D.RANGE_NOI_NHAN, bold=True, italic=True)
            sib = p._p.getnext()
            while sib is not None and sib.tag == qn("w:p"):
                q = Paragraph(cast(CT_P, sib), p._parent)
                if q.text.strip().startswith("-"):
                    problems += _style_problems(d, q, "Dòng nơi nhận", D.RANGE_RECIPIENT)
                sib = sib.getnext()
    for font, sample in fonts.items():
        problems.append(f"Phông chữ «{font}» thay vì {D.FONT}, ví dụ tại: «{sample}».")
    if not seen["quoc_hieu"]:
        problems.append(f"Thiếu quốc hiệu «{D.QUOC_HIEU}».")
    if not seen["tieu_ngu"]:
        problems.append(f"Thiếu tiêu ngữ «{D.TIEU_NGU}».")
    if numbered and not seen["so"]:
        problems.append("Thiếu dòng số, ký hiệu văn bản «Số: …».")
    if not seen["date"]:
        problems.append("Thiếu dòng địa danh, ngày tháng năm ban hành.")
    return list(dict.fromkeys(problems))
