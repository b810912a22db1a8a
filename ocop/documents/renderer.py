"""Render the DOCX templates with docxtpl: autoescape, StrictUndefined, NFC, atomic writes.

Each template is read, patched and compiled once (per file version) and reused for every
document; ``render_many`` streams documents without keeping them in memory.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import docx.oxml.ns
import jinja2
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from markupsafe import Markup

from ocop.documents import decree30
from ocop.errors import DocumentError

# docxcompose (pulled in by docxtpl[subdoc]) rebinds the "cp" prefix to the custom-properties
# namespace, which corrupts docProps/core.xml; bind it back after importing docxtpl.
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
docx.oxml.ns.nsmap["cp"] = CP_NS

_NAME = re.compile(r"^[a-z0-9_]+$")
_LEFTOVER = re.compile(r"\{\s*\{|\{\s*%|\{#|\}\s*\}|%\s*\}|#\}")   # also "{ {" typed in Word


def _nfc(value: Any) -> Any:
    if isinstance(value, Markup):
        return Markup(unicodedata.normalize("NFC", str(value)))
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_nfc)
    env.filters.update(ket_thuc=decree30.ends_document, decimal_vn=decree30.decimal_vn,
                       date_vn=decree30.date_vn)
    return env


@dataclass
class _Loop:
    """A table whose columns repeat with {%tc for %}: grid widths and the loop's grid span."""
    index: int
    grid: list[int]
    first: int
    last: int


@dataclass
class _Prepared:
    name: str
    data: bytes
    env: jinja2.Environment
    title: str
    category: str
    loops: list[_Loop]
    parts: dict[str, jinja2.Template] = field(default_factory=dict)


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _find_loops(body) -> list[_Loop]:
    loops = []
    for i, tbl in enumerate(body.iterchildren(qn("w:tbl"))):
        grid = [int(g.get(qn("w:w"), "0"))
                for g in tbl.find(qn("w:tblGrid")).iterchildren(qn("w:gridCol"))]
        for tr in tbl.iterchildren(qn("w:tr")):
            col, first, last = 0, None, None
            for tc in tr.iterchildren(qn("w:tc")):
                text = _text(tc)
                if first is None and re.search(r"\{%\s*tc\s+for\b", text):
                    first = col
                elif first is not None and re.search(r"\{%\s*tc\s+endfor", text):
                    last = col
                    break
                col += _span(tc)
            if last is not None:
                loops.append(_Loop(i, grid, first, last))
                break
    return loops


def _span(tc) -> int:
    gs = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
    return int(gs.get(qn("w:val"))) if gs is not None else 1


_TCPR_ORDER = {qn(f"w:{t}"): i for i, t in enumerate((
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange"))}


def _spread_loop_columns(body, loop: _Loop, template: str) -> None:
    """After {%tc for %}: keep the fixed columns, share the loop block's width evenly."""
    tables = list(body.iterchildren(qn("w:tbl")))
    if loop.index >= len(tables):
        return
    tbl = tables[loop.index]
    before, after = loop.grid[: loop.first], loop.grid[loop.last + 1:]
    total = sum(loop.grid[loop.first: loop.last + 1])
    cols = max(sum(_span(tc) for tc in tr.iterchildren(qn("w:tc")))
               for tr in tbl.iterchildren(qn("w:tr")))
    n = cols - len(before) - len(after)
    if n <= 0:
        raise DocumentError(f"Mẫu văn bản '{template}': danh sách lặp theo cột của bảng đang rỗng.")
    loop_cols = [total // n] * n
    loop_cols[-1] += total - sum(loop_cols)
    widths = before + loop_cols + after
    grid = tbl.find(qn("w:tblGrid"))
    for g in list(grid):
        grid.remove(g)
    for w in widths:
        g = grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(w)})
        grid.append(g)
    for tr in tbl.iterchildren(qn("w:tr")):
        col = 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = _span(tc)
            tcpr = tc.find(qn("w:tcPr"))
            tcw = None if tcpr is None else tcpr.find(qn("w:tcW"))
            if tcw is not None:
                tcw.set(qn("w:w"), str(sum(widths[col: col + span])))
                tcw.set(qn("w:type"), "dxa")
                # docxtpl's colspan puts gridSpan first; Word wants the schema order
                tcpr[:] = sorted(tcpr, key=lambda e: _TCPR_ORDER.get(e.tag, 99))
            col += span


class _CachedTemplate(DocxTemplate):
    """docxtpl with the patched + compiled Jinja template of each part shared per template."""

    def __init__(self, prepared: _Prepared) -> None:
        super().__init__(io.BytesIO(prepared.data))
        self._prep = prepared

    def _compiled(self, key: str, raw) -> jinja2.Template:
        tpl = self._prep.parts.get(key)
        if tpl is None:
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", self.patch_xml(raw()))
            try:
                tpl = self._prep.env.from_string(xml)
            except jinja2.TemplateSyntaxError as exc:
                lines = xml.splitlines()[max((exc.lineno or 1) - 3, 0): (exc.lineno or 1) + 2]
                exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in lines]
                raise
            self._prep.parts[key] = tpl
        return tpl

    def _post(self, xml: str) -> str:
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        for a, b in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            xml = xml.replace(a, b)
        return self.resolve_listing(xml)

    def build_xml(self, context, jinja_env=None):
        tpl = self._compiled("body", self.get_xml)
        self.current_rendering_part = self.docx._part
        return self._post(tpl.render(context))

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            tpl = self._compiled(str(part.partname), lambda part=part: self.get_part_xml(part))
            self.current_rendering_part = part
            yield rel_key, self._post(tpl.render(context)).encode("utf-8")

    def render_properties(self, context, jinja_env=None) -> None:
        """Core properties are set from the context in Python, not rendered through Jinja."""


def _problem(template: str, exc: jinja2.TemplateError) -> DocumentError:
    msg = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        m = re.search(r"'([^']+)' is undefined", msg) or re.search(r"has no attribute '([^']+)'", msg)
        name = m.group(1) if m else msg
        return DocumentError(f"Mẫu văn bản '{template}': thiếu dữ liệu cho biến '{name}' ({msg}).")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = " / ".join(x.strip() for x in getattr(exc, "docx_context", []) if x.strip())
        return DocumentError(f"Mẫu văn bản '{template}' có thẻ Jinja sai cú pháp: {msg}"
                             + (f" — tại đoạn: «{where[:300]}»" if where else "") + ".")
    return DocumentError(f"Mẫu văn bản '{template}' không dựng được văn bản: {msg}.")


class Renderer:
    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = Path(templates_dir)
        self._cache: dict[str, tuple[tuple[int, int], _Prepared]] = {}

    # -- public API ------------------------------------------------------------------------------
    def render(self, template: str, context: Mapping[str, Any], out: Path) -> str:
        """Render one document to ``out`` atomically; return the sha256 hex of the file."""
        return self._render(self._prepare(template), context, Path(out))

    def render_many(self, template: str, items: Iterable[tuple[Mapping[str, Any], Path]]
                    ) -> Iterator[tuple[Path, str]]:
        prepared = self._prepare(template)
        for context, out in items:
            out = Path(out)
            yield out, self._render(prepared, context, out)

    def undeclared(self, template: str, context: Mapping[str, Any]) -> set[str]:
        prepared = self._prepare(template)
        try:
            return DocxTemplate(io.BytesIO(prepared.data)).get_undeclared_template_variables(
                jinja_env=prepared.env, context=dict(context))
        except jinja2.TemplateError as exc:
            raise _problem(template, exc) from exc

    # -- internals -------------------------------------------------------------------------------
    def _prepare(self, template: str) -> _Prepared:
        if not isinstance(template, str) or not _NAME.match(template):
            raise DocumentError(f"Tên mẫu văn bản không hợp lệ: {template!r}.")
        path = self.templates_dir / f"{template}.docx"
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            cached = self._cache.get(template)
            if cached and cached[0] == stamp:
                return cached[1]
            data = path.read_bytes()
        except FileNotFoundError:
            raise DocumentError(f"Không tìm thấy mẫu văn bản '{template}' ({path}).") from None
        try:
            doc = Document(io.BytesIO(data))
        except Exception as exc:
            raise DocumentError(f"Mẫu văn bản '{template}' không phải tệp DOCX hợp lệ: {exc}.") from exc
        cp = doc.core_properties
        prepared = _Prepared(template, data, make_env(), cp.title or template, cp.category or "",
                             _find_loops(doc.element.body))
        self._cache[template] = (stamp, prepared)
        return prepared

    def _render(self, prepared: _Prepared, context: Mapping[str, Any], out: Path) -> str:
        name = prepared.name
        tpl = _CachedTemplate(prepared)
        try:
            tpl.render(dict(context), jinja_env=prepared.env)
        except jinja2.TemplateError as exc:
            raise _problem(name, exc) from exc
        doc = tpl.docx
        for loop in prepared.loops:
            _spread_loop_columns(doc.element.body, loop, name)
        self._check_leftovers(doc, name)
        self._set_properties(doc, prepared, context)
        buf = io.BytesIO()
        tpl.save(buf)
        data = buf.getvalue()
        _write_atomic(out, data)
        return hashlib.sha256(data).hexdigest()

    @staticmethod
    def _check_leftovers(doc, name: str) -> None:
        parts = [doc.element.body] + [rel.target_part.element for rel in doc.part.rels.values()
                                      if rel.reltype.endswith("/header")
                                      or rel.reltype.endswith("/footer")]
        for part in parts:
            for p in part.iter(qn("w:p")):
                text = _text(p)
                if _LEFTOVER.search(text):
                    raise DocumentError(f"Mẫu văn bản '{name}': còn thẻ chưa xử lý trong văn bản "
                                        f"đã dựng: «{text[:120]}».")

    @staticmethod
    def _set_properties(doc, prepared: _Prepared, context: Mapping[str, Any]) -> None:
        docx.oxml.ns.nsmap["cp"] = CP_NS          # in case docxcompose was imported meanwhile

        def value(key: str) -> str:
            v = context.get(key)
            return unicodedata.normalize("NFC", " ".join(str(v).split())) if v else ""

        cp = doc.core_properties
        trich_yeu = value("trich_yeu")
        cp.title = f"{prepared.category}: {trich_yeu}" if trich_yeu else prepared.title
        cp.subject = value("ten_hoi_dong") or prepared.title
        cp.author = value("co_quan_ban_hanh")
        cp.identifier = value("so_ky_hieu")
        cp.language = "vi-VN"
        cp.keywords, cp.comments, cp.last_modified_by = "OCOP", "", "ocop"
        cp.category = prepared.category
        cp.created = cp.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        cp.revision = 1


def _write_atomic(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # honours the umask
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
