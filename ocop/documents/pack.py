"""One DOCX from several documents of one template: a council member's print pack.

A member scores every product of the round on a blank sheet of their own. Printing them one file
at a time means one LibreOffice conversion per sheet (about 0.6 s each: a province's 470 products
make 3,290 sheets, half an hour); joined into one document per member they are one conversion.

``pack(sources, out)`` joins DOCX files rendered from the same template: the bodies follow one
another, each in a section of its own with the template's page setup, its headers, and page
numbers starting again at 1 — so every sheet prints exactly as its own file does (a new page,
no number on its first page, "2", "3"… on the next). The parts other than the body (styles,
numbering, headers, relationships) are the first file's; files whose parts differ (another
template, or another version of it) are refused rather than joined wrongly.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from ocop.documents.staging import write_atomic
from ocop.errors import DocumentError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = "word/document.xml"
# what must be the same in every joined file: the parts the joined body refers to
SHARED = ("word/_rels/document.xml.rels", "word/styles.xml", "word/numbering.xml", "[Content_Types].xml")
# children of w:sectPr that come after w:pgNumType in the schema (CT_SectPr's sequence)
_AFTER_PGNUM = {f"{{{W}}}{n}" for n in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
                                        "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _restart_numbering(sect: etree._Element) -> etree._Element:
    """``sect`` with page numbers starting at 1 (``w:pgNumType w:start="1"``), in schema order."""
    sect = copy.deepcopy(sect)
    for old in sect.findall(_w("pgNumType")):
        sect.remove(old)
    num = etree.Element(_w("pgNumType"))
    num.set(_w("start"), "1")
    at = next((i for i, child in enumerate(sect) if child.tag in _AFTER_PGNUM), len(sect))
    sect.insert(at, num)
    return sect


def _close_section(body: etree._Element, sect: etree._Element) -> None:
    """End the section at the body's last paragraph (its mark carries ``sect``), as Word does; after a
    table, or a paragraph ending a section already, in an empty paragraph of its own."""
    last = body[-1] if len(body) else None
    if last is not None and last.tag == _w("p"):
        ppr = last.find(_w("pPr"))
        if ppr is None:
            ppr = etree.Element(_w("pPr"))
            last.insert(0, ppr)
        if ppr.find(_w("sectPr")) is None:
            ppr.append(sect)                       # last in w:pPr (only w:pPrChange may follow)
            return
    etree.SubElement(etree.SubElement(body, _w("p")), _w("pPr")).append(sect)


def pack(sources: Sequence[Path], out: Path) -> Path:
    """Join ``sources`` (DOCX of one template) into ``out``, written atomically; return ``out``."""
    paths = [Path(p) for p in sources]
    if not paths:
        raise DocumentError(f"Không có văn bản nào để gộp vào '{out}'.")
    with zipfile.ZipFile(paths[0]) as first:
        names = first.namelist()
        shared = {n: first.read(n) for n in SHARED if n in names}
        parts = {n: first.read(n) for n in names if n != BODY}
        root = etree.fromstring(first.read(BODY))
    body = root.find(_w("body"))
    if body is None or len(body) == 0 or body[-1].tag != _w("sectPr"):
        raise DocumentError(f"'{paths[0]}' không có phần thân văn bản hợp lệ (w:body, w:sectPr), không gộp được.")
    final = body[-1]
    body.remove(final)
    for child in list(body):
        body.remove(child)
    for i, path in enumerate(paths):
        with zipfile.ZipFile(path) as z:
            if any(z.read(n) != data for n, data in shared.items()):
                raise DocumentError(f"'{path}' không cùng mẫu với '{paths[0]}': không gộp vào một tệp in được.")
            doc = etree.fromstring(z.read(BODY))
        own = doc.find(_w("body"))
        assert own is not None, "checked on the first file; the shared parts are the same"
        children = list(own)
        sect = children.pop() if children and children[-1].tag == _w("sectPr") else final
        body.extend(children)
        if i < len(paths) - 1:                      # a section break closing this document's pages
            _close_section(body, _restart_numbering(sect))
    body.append(_restart_numbering(final))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in names:
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if name == BODY else parts[name]
            z.writestr(name, data)
    write_atomic(Path(out), buf.getvalue())
    return Path(out)
