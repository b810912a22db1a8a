"""Render the DOCX templates: sandboxed Jinja, autoescape, StrictUndefined, NFC, atomic writes.

Templates are data a clerk may replace, so they are rendered in Jinja's immutable sandbox: a tag
that reaches Python internals (``{{ ''.__class__ }}``) or changes the context
(``{{ ds.append(1) }}``) fails with a :class:`DocumentError` naming the template.

Two ways to produce a document, chosen per template (and per template file version):

* **fast** (the default): ``word/document.xml`` — and every header, footer or footnotes part
  holding tags — is patched (docxtpl's ``patch_xml``) and compiled ONCE; per document only the
  XML strings are rendered, checked (well-formed XML, no tag left behind) and appended, with a
  freshly written ``docProps/core.xml``, to a prebuilt zip holding every other part of the
  template. Same text as docxtpl; a filled score sheet takes ~3.5 ms of CPU instead of ~32 ms
  with plain per-document docxtpl — and ~0.7 ms in a batch (``render_many``), where documents
  of one shape come from one frame (``ocop.documents.slots``), byte for byte the same
  (scripts/bench_documents.py).
* **docxtpl** (fallback): templates whose features need python-docx at render time —
  ``{%tc %}`` column loops (docxtpl's ``fix_tables`` plus our column-width fix), ``{% colspan %}``
  / ``{% hm %}`` (grid changes), ``{{p }}`` sub-documents, pictures (``wp:docPr`` renumbering),
  no core-properties part — are rendered by docxtpl with the compiled Jinja template cached.

``Renderer.engine(name)`` tells which one a template uses and why, ``Renderer.slot_stats(name)``
how many documents came from frames and why the others did not. ``render_many`` streams
documents without keeping them in memory; with ``durable=False`` it does not fsync each file
(the register syncs the batch before its commit: ``Staging.sync``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias, cast
from xml.parsers import expat

import docx.oxml.ns
import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.coreprops import CT_CoreProperties
from docx.oxml.document import CT_Body, CT_Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from ocop import present
from ocop.documents import decree30
from ocop.documents.slots import SlotEngine, SlotStats, frame_env, frame_parts
from ocop.documents.staging import write_atomic
from ocop.errors import DocumentError

# docxcompose (pulled in by docxtpl[subdoc]) rebinds the "cp" prefix to the custom-properties
# namespace, which corrupts docProps/core.xml; bind it back after importing docxtpl.
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DATE_KEY = "_ngay_van_ban"  # ISO date of the document, for its properties and zip entries
# keys a template may test with "is defined": the register sets them only where they apply
OPTIONAL_KEYS = frozenset({"thay_the"})  # a new version of an issued document: the one it replaces
docx.oxml.ns.nsmap["cp"] = CP_NS

_NAME = re.compile(r"^[a-z0-9_]+$")
_LEFTOVER = re.compile(r"\{\s*\{|\{\s*%|\{#|\}\s*\}|%\s*\}|#\}")   # also "{ {" typed in Word
_XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_JINJA_MARKS = ("{{", "{%", "{#", "{_{", "}_}", "{_%", "%_}", "\n", "\t", "\a", "\f")
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_COMPRESS_LEVEL = 1               # 3x faster than zlib's default 6; document.xml ~25 % larger
_SMALL_ZIP = 1 << 30              # far from ZIP64 (zipfile's own writer beyond)

# template features that need docxtpl + python-docx at render time -> fallback, with the reason
_NEEDS_DOCXTPL = (
    (re.compile(r"\{[%{]-?\s*tc\s"), ("cột lặp {%tc %}: docxtpl sửa lưới bảng (fix_tables) và "
                                      "renderer chia lại độ rộng cột sau khi dựng")),
    (re.compile(r"\{%-?\s*(?:colspan|hm)\b"), "gộp ô {% colspan %}/{% hm %}: docxtpl sửa lưới bảng"),
    (re.compile(r"\{\{-?\s*p\s"), "thẻ {{p }} (Subdoc/RichTextParagraph) cần python-docx"),
)
_LISTING = DocxTemplate(None)      # only for resolve_listing(), which uses no instance state


# Text is text: a value's braces are written as two noncharacters (which no input may hold, see
# ocop.text.forbidden_character) until the rendered part has been checked for tags the template
# left behind, then turned back into braces. So a product named "Mật ong {{ rừng }}" is printed
# as it is, and only the template's own text can be taken for a leftover tag.
_VALUE_BRACES = str.maketrans({"{": "\ufdd0", "}": "\ufdd1"})
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
_OPEN_UTF8, _CLOSE_UTF8 = _OPEN.encode(), _CLOSE.encode()


def _nfc(value: Any) -> Any:
    """Jinja's finalize: every value NFC, its braces kept apart from the template's (see _VALUE_BRACES)."""
    if isinstance(value, Markup):
        return Markup(unicodedata.normalize("NFC", str(value)).translate(_VALUE_BRACES))
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        return value.translate(_VALUE_BRACES) if "{" in value or "}" in value else value
    return value


def _braces_back(data: bytes) -> bytes:
    """A checked part with its values' braces restored."""
    if _OPEN_UTF8 in data or _CLOSE_UTF8 in data:
        return data.replace(_OPEN_UTF8, b"{").replace(_CLOSE_UTF8, b"}")
    return data


# lxml's own text and tail (python-docx's element classes shadow .text with a property of their own)
_TEXT_SLOTS: tuple[Any, ...] = (cast(Any, etree._Element).text, cast(Any, etree._Element).tail)


def _braces_back_in(root: etree._Element) -> None:
    """:func:`_braces_back` on a parsed part: every text, tail and attribute."""
    for el in root.iter():
        for slot in _TEXT_SLOTS:
            value = slot.__get__(el)
            if value and (_OPEN in value or _CLOSE in value):
                slot.__set__(el, value.replace(_OPEN, "{").replace(_CLOSE, "}"))
        for key, value in el.attrib.items():
            text = str(value)
            if _OPEN in text or _CLOSE in text:
                el.set(key, text.replace(_OPEN, "{").replace(_CLOSE, "}"))


_DICT_ATTRS = frozenset(dir(dict))


class _SandboxEnv(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with a short cut for ``row.key`` on plain dicts.

    Same result as the sandbox's own ``getattr``: a plain dict has no attribute named like a
    key unless it is one of dict's own (those still go through the sandbox's checks), so Jinja
    falls back to the item; skipping the AttributeError halves the cost of a row lookup."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env() -> jinja2.Environment:
    """Sandboxed (immutable) environment: no Python internals, no mutation of the context."""
    env = _SandboxEnv(autoescape=True, undefined=jinja2.StrictUndefined,
                                        finalize=_nfc)
    env.filters.update(ket_thuc=decree30.ends_document, decimal_vn=present.number,
                       date_vn=present.date_long, so_gcn=decree30.certificate_symbol)
    return env


def _compile(env: jinja2.Environment, patched: str, *, lines: bool = True) -> jinja2.Template:
    """Compile a patched part as docxtpl does.

    docxtpl puts each paragraph on its own line (``\n<w:p``) — only so that a syntax error can
    show the paragraphs around it — and removes those newlines after rendering. ``lines=False``
    (fast path) compiles without them, which renders the same XML minus the newlines; on a
    syntax error the part is compiled again with them to report where."""
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched) if lines else patched
    try:
        return env.from_string(xml)
    except jinja2.TemplateSyntaxError as exc:
        if not lines:
            _compile(env, patched, lines=True)            # raises with docx_context
            raise
        lines_ = xml.splitlines()[max((exc.lineno or 1) - 3, 0): (exc.lineno or 1) + 2]
        # docxtpl's convention: the paragraphs around the error ride on jinja's exception (see _problem)
        exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in lines_]  # type: ignore[attr-defined]
        raise


def _post(xml: str, *, lines: bool = True) -> str:
    """docxtpl's post-processing of a rendered part (render_xml_part), skipping no-op steps."""
    if lines:
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # re.sub(r"\n<w:p([ >])")
    if "{_" in xml or "_}" in xml:
        for a, b in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            xml = xml.replace(a, b)
    if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
        xml = _LISTING.resolve_listing(xml)       # \n -> <w:br/>, \t -> <w:tab/>, \a, \f
    return xml


@dataclass
class _Loop:
    """A table whose columns repeat with {%tc for %}: grid widths and the loop's grid span."""
    index: int
    grid: list[int]
    first: int
    last: int


@dataclass
class _FastPart:
    """A part rendered per document: zip member name, compiled template and its patched source."""
    name: str
    template: jinja2.Template
    source: str


@dataclass
class _Fast:
    """Everything the fast path needs, built once per template version."""
    prefix: bytes                       # zip of every part that does not change per document
    parts: list[_FastPart]              # word/document.xml first, then tagged headers/footers
    core_name: str                      # docProps/core.xml, rewritten per document
    core_xml: bytes
    static_problem: str | None = None   # a left-over tag in a part without Jinja tags
    slots: SlotEngine | None = None     # frames for batches (render_many), made on first use
    tail: _ZipTail | None = None        # appends the rendered parts to ``prefix`` (None: zipfile does)
    cores: dict[tuple[Any, ...], bytes] = field(default_factory=dict)  # docProps/core.xml by its values


@dataclass
class _Prepared:
    name: str
    data: bytes
    env: jinja2.Environment
    title: str
    category: str
    loops: list[_Loop]
    parts: dict[str, jinja2.Template] = field(default_factory=dict)
    fast: _Fast | None = None
    fallback: str = ""                  # why the docxtpl path is used ("" on the fast path)


# a zip entry's date: year, month, day, hour, minute, second
ZipDate: TypeAlias = tuple[int, int, int, int, int, int]


def _body(doc: DocxDocument) -> CT_Body:
    """The w:body element (python-docx types Document.element as its base class)."""
    return cast(CT_Document, doc.element).body


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _leftover(root: etree._Element) -> str | None:
    """Text of the first paragraph still holding a template tag, if any."""
    for p in root.iter(qn("w:p")):
        text = _text(p)
        if _LEFTOVER.search(text):
            return text
    return None


def _find_loops(body: etree._Element) -> list[_Loop]:
    loops = []
    for i, tbl in enumerate(body.iterchildren(qn("w:tbl"))):
        tbl_grid = tbl.find(qn("w:tblGrid"))
        assert tbl_grid is not None, "a w:tbl has a w:tblGrid (ECMA-376)"
        grid = [int(g.get(qn("w:w"), "0"))
                for g in tbl_grid.iterchildren(qn("w:gridCol"))]
        for tr in tbl.iterchildren(qn("w:tr")):
            col: int = 0
            first: int | None = None
            last: int | None = None
            for tc in tr.iterchildren(qn("w:tc")):
                text = _text(tc)
                if first is None and re.search(r"\{%\s*tc\s+for\b", text):
                    first = col
                elif first is not None and re.search(r"\{%\s*tc\s+endfor", text):
                    last = col
                    break
                col += _span(tc)
            if first is not None and last is not None:      # last is only set after first
                loops.append(_Loop(i, grid, first, last))
                break
    return loops


def _span(tc: etree._Element) -> int:
    gs = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
    return int(cast(str, gs.get(qn("w:val")))) if gs is not None else 1     # w:val is required


_TCPR_ORDER = {qn(f"w:{t}"): i for i, t in enumerate((
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange"))}


def _spread_loop_columns(body: etree._Element, loop: _Loop, template: str) -> None:
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
    assert grid is not None, "a w:tbl has a w:tblGrid (ECMA-376)"
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
            if tcpr is not None and tcw is not None:
                tcw.set(qn("w:w"), str(sum(widths[col: col + span])))
                tcw.set(qn("w:type"), "dxa")
                # docxtpl's colspan puts gridSpan first; Word wants the schema order
                tcpr[:] = sorted(tcpr, key=lambda e: _TCPR_ORDER.get(e.tag, 99))
            col += span


# docxtpl is untyped (Any to mypy): subclassing it is the point of this class
class _CachedTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl with the patched + compiled Jinja template of each part shared per template."""

    def __init__(self, prepared: _Prepared) -> None:
        super().__init__(io.BytesIO(prepared.data))
        self._prep = prepared

    def _compiled(self, key: str, raw: Callable[[], str]) -> jinja2.Template:
        tpl = self._prep.parts.get(key)
        if tpl is None:
            tpl = _compile(self._prep.env, self.patch_xml(raw()))
            self._prep.parts[key] = tpl
        return tpl

    def build_xml(self, context: dict[str, Any], jinja_env: jinja2.Environment | None = None) -> str:
        tpl = self._compiled("body", self.get_xml)
        self.current_rendering_part = self.docx._part
        return _post(tpl.render(context))

    def build_headers_footers_xml(self, context: dict[str, Any], uri: str,
                                  jinja_env: jinja2.Environment | None = None) -> Iterator[tuple[str, bytes]]:
        for rel_key, part in self.get_headers_footers(uri):
            tpl = self._compiled(str(part.partname), functools.partial(self.get_part_xml, part))
            self.current_rendering_part = part
            yield rel_key, _post(tpl.render(context)).encode("utf-8")

    def render_properties(self, context: dict[str, Any], jinja_env: jinja2.Environment | None = None) -> None:
        """Core properties are set from the context in Python, not rendered through Jinja."""


# what a template (data, not code) can get wrong while rendering; DocumentError from our filters
# passes through as it is
_TEMPLATE_FAULTS = (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                    AttributeError, RecursionError)


def _problem(template: str, exc: BaseException) -> DocumentError:
    msg = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        m = re.search(r"'([^']+)' is undefined", msg) or re.search(r"has no attribute '([^']+)'", msg)
        name = m.group(1) if m else msg
        return DocumentError(f"Mẫu văn bản '{template}': thiếu dữ liệu cho biến '{name}' ({msg}).")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = " / ".join(x.strip() for x in getattr(exc, "docx_context", []) if x.strip())
        return DocumentError(f"Mẫu văn bản '{template}' có thẻ Jinja sai cú pháp: {msg}"
                             + (f" — tại đoạn: «{where[:300]}»" if where else "") + ".")
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return DocumentError(f"Mẫu văn bản '{template}' dùng thao tác không được phép (truy cập "
                             f"thành phần nội bộ của Python hoặc sửa dữ liệu đầu vào): {msg}.")
    if isinstance(exc, OverflowError):
        return DocumentError(f"Mẫu văn bản '{template}' có vòng lặp hoặc phép tính quá lớn: {msg}.")
    if isinstance(exc, jinja2.TemplateError):
        return DocumentError(f"Mẫu văn bản '{template}' không dựng được văn bản: {msg}.")
    return DocumentError(f"Mẫu văn bản '{template}' không dựng được văn bản: "
                         f"{type(exc).__name__}: {msg}.")


def _leftover_error(template: str, text: str) -> DocumentError:
    return DocumentError(f"Mẫu văn bản '{template}': còn thẻ chưa xử lý trong văn bản "
                         f"đã dựng: «{text[:120]}».")


# rendered parts are parsed strictly (no recovery), without entities or network access
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


class Renderer:
    def __init__(self, templates_dir: Path, *, fast: bool = True, slots: bool = True) -> None:
        """``fast=False`` renders every template with docxtpl (reference path, tests, bench);
        ``slots=False`` keeps ``render_many`` from frames (every document rendered in full)."""
        self.templates_dir = Path(templates_dir)
        self.fast, self.slots = fast, slots
        self._cache: dict[str, tuple[tuple[int, int], _Prepared]] = {}

    # -- public API ------------------------------------------------------------------------------
    def render(self, template: str, context: Mapping[str, Any], out: Path) -> str:
        """Render one document to ``out`` atomically (fsynced); return the sha256 hex of the file.
        Always the full rendering (the reference the slot path is held to)."""
        return self._render(self._prepare(template), context, Path(out))

    def render_many(self, template: str, items: Iterable[tuple[Mapping[str, Any], Path]], *,
                    durable: bool = True) -> Iterator[tuple[Path, str]]:
        """Render a batch: each document written atomically, yielded with its sha256 hex.

        Documents of one shape come from one frame (``ocop.documents.slots``), byte for byte what
        ``render`` writes. ``durable=False`` skips the fsync of each file: the caller makes the
        batch durable at once before relying on it (``Staging.sync`` before the commit)."""
        prepared = self._prepare(template)
        engine = self._slot_engine(prepared) if self.slots else None
        for context, out in items:
            out = Path(out)
            yield out, self._render(prepared, context, out, engine, durable=durable)

    def slot_stats(self, template: str) -> SlotStats:
        """How ``render_many`` rendered the template's documents so far (frames, fallbacks and why)."""
        prepared = self._prepare(template)
        engine = prepared.fast.slots if prepared.fast is not None else None
        if engine is None:
            return SlotStats(reasons=Counter({prepared.fallback or "no batch rendered yet": 0}))
        return engine.stats

    def undeclared(self, template: str, context: Mapping[str, Any]) -> set[str]:
        prepared = self._prepare(template)
        try:
            names: set[str] = DocxTemplate(io.BytesIO(prepared.data)).get_undeclared_template_variables(
                jinja_env=prepared.env, context=dict(context))
            return names - OPTIONAL_KEYS
        except jinja2.TemplateError as exc:
            raise _problem(template, exc) from exc

    def engine(self, template: str) -> tuple[str, str]:
        """("fast", "") or ("docxtpl", the reason in Vietnamese) for the current template file."""
        prepared = self._prepare(template)
        return ("fast", "") if prepared.fast else ("docxtpl", prepared.fallback)

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
            zin = zipfile.ZipFile(io.BytesIO(data))
        except Exception as exc:
            raise DocumentError(f"Mẫu văn bản '{template}' không phải tệp DOCX hợp lệ: {exc}.") from exc
        core = self._core_part(doc)            # before doc.core_properties, which adds a default
        cp = doc.core_properties
        prepared = _Prepared(template, data, make_env(), cp.title or template, cp.category or "",
                             _find_loops(_body(doc)))
        if not self.fast:
            prepared.fallback = "đường docxtpl được chọn khi tạo Renderer (fast=False)"
        else:
            try:
                self._build_fast(prepared, doc, zin, core)
            except jinja2.TemplateError as exc:
                raise _problem(template, exc) from exc
        self._cache[template] = (stamp, prepared)
        return prepared

    @staticmethod
    def _core_part(doc: DocxDocument) -> Part | None:
        for rel in doc.part.package.rels.values():
            if rel.reltype == RT.CORE_PROPERTIES and not rel.is_external:
                part: Part = rel.target_part
                return part
        return None

    @staticmethod
    def _build_fast(prepared: _Prepared, doc: DocxDocument, zin: zipfile.ZipFile, core: Part | None) -> None:
        """Compile the tagged parts and prebuild the zip of the others, or set the fallback."""
        names = set(zin.namelist())
        if core is None or str(core.partname).lstrip("/") not in names:
            prepared.fallback = "mẫu không có phần thuộc tính docProps/core.xml"
            return
        candidates: list[Part] = [doc.part] + [
            rel.target_part for rel in doc.part.rels.values()
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER)
        ] + [p for p in doc.part.package.iter_parts() if p.content_type == _FOOTNOTES_CT]
        rendered: list[_FastPart] = []
        static_problem: str | None = None
        seen: set[str] = set()
        for part in candidates:
            name = str(part.partname).lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            if name not in names:
                prepared.fallback = f"phần {name} không có trong tệp mẫu"
                return
            root = parse_xml(zin.read(name))
            texts = [_text(p) for p in root.iter(qn("w:p"))]
            for rx, why in _NEEDS_DOCXTPL:
                if any(rx.search(t) for t in texts):
                    prepared.fallback = f"{why} (phần {name})"
                    return
            if next(root.iter(qn("wp:docPr")), None) is not None:
                prepared.fallback = f"có hình ảnh (docxtpl đánh số lại wp:docPr) (phần {name})"
                return
            patched = _LISTING.patch_xml(etree.tostring(root, encoding="unicode"))
            if part is doc.part or any(m in patched for m in _JINJA_MARKS):
                rendered.append(_FastPart(name, _compile(prepared.env, patched, lines=False), patched))
            elif static_problem is None:
                static_problem = _leftover(root)
        dynamic = {p.name for p in rendered} | {str(core.partname).lstrip("/")}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for info in zin.infolist():
                if info.filename not in dynamic and not info.is_dir():
                    z.writestr(_zipinfo(info.filename, info.date_time), zin.read(info),
                               compresslevel=_COMPRESS_LEVEL)
        core_name = str(core.partname).lstrip("/")
        prepared.fast = _Fast(buf.getvalue(), rendered, core_name, zin.read(core_name), static_problem)
        prepared.fast.tail = _ZipTail.checked(prepared.fast.prefix, [p.name for p in rendered] + [core_name])
        prepared.parts.update({p.name: p.template for p in rendered})

    @staticmethod
    def _slot_engine(prepared: _Prepared) -> SlotEngine | None:
        fast = prepared.fast
        if fast is None:
            return None
        if fast.slots is None:
            env = frame_env(prepared.env, _nfc)
            try:
                parts, why_not = frame_parts(env, ((p.name, p.source) for p in fast.parts),
                                             functools.partial(_compile, lines=False))
            except jinja2.TemplateError as exc:      # compiled in the main environment already
                parts, why_not = [], f"{type(exc).__name__}: {exc}"
            fast.slots = SlotEngine(parts, why_not, _nfc, _braces_back, _XML_DECL)
        return fast.slots

    def _render(self, prepared: _Prepared, context: Mapping[str, Any], out: Path,
                slots: SlotEngine | None = None, *, durable: bool = True) -> str:
        if prepared.fast is not None:
            data = self._render_fast(prepared, context, slots)
        else:
            data = self._render_docxtpl(prepared, context)
        write_atomic(out, data, durable=durable)
        return hashlib.sha256(data).hexdigest()

    def _render_fast(self, prepared: _Prepared, context: Mapping[str, Any],
                     slots: SlotEngine | None = None) -> bytes:
        fast, name = prepared.fast, prepared.name
        assert fast is not None, "_render takes the fast path only when it is built"
        if fast.static_problem is not None:
            raise _leftover_error(name, fast.static_problem)
        outputs = slots.render(context) if slots is not None else None
        if outputs is None:
            outputs = self._render_parts(prepared, context)
        return self._package(prepared, context, outputs)

    @staticmethod
    def _render_parts(prepared: _Prepared, context: Mapping[str, Any]) -> list[tuple[str, bytes]]:
        """The tagged parts rendered in full: Jinja, _post, well-formedness, left-over tags."""
        fast, name = prepared.fast, prepared.name
        assert fast is not None, "only on the fast path"
        ctx = dict(context)
        outputs: list[tuple[str, bytes]] = []
        for part in fast.parts:
            try:
                xml = part.template.render(ctx)
            except _TEMPLATE_FAULTS as exc:
                raise _problem(name, exc) from exc
            data = (_XML_DECL + _post(xml, lines=False)).encode("utf-8")
            try:                                      # well-formed (expat: 2.5x lxml's speed)
                expat.ParserCreate().Parse(data, True)
            except expat.ExpatError as exc:
                raise DocumentError(f"Mẫu văn bản '{name}': phần {part.name} dựng ra không phải XML "
                                    f"hợp lệ ({exc}); kiểm tra các thẻ {{%p %}}/{{%tr %}} của mẫu."
                                    ) from exc
            if b"{" in data or b"}" in data:          # markup has no braces, values' are set apart: only
                text = _leftover(etree.fromstring(data, _STRICT))     # the template's text can
                if text is not None:
                    raise _leftover_error(name, text)
            outputs.append((part.name, _braces_back(data)))
        return outputs

    def _package(self, prepared: _Prepared, context: Mapping[str, Any], outputs: list[tuple[str, bytes]]) -> bytes:
        """The DOCX: the prebuilt zip of the static parts, the rendered ones and docProps/core.xml."""
        fast = prepared.fast
        assert fast is not None, "only on the fast path"
        when = _stamp(context)
        values = (*_property_values(context), when)
        core_xml = fast.cores.get(values)
        if core_xml is None:
            core = cast(CT_CoreProperties, parse_xml(fast.core_xml))     # the parser's class for cp:coreProperties
            self._set_properties(CoreProperties(core), prepared, context, when)
            core_xml = serialize_part_xml(core)
            if len(fast.cores) >= 256:
                fast.cores.clear()
            fast.cores[values] = core_xml
        outputs = [*outputs, (fast.core_name, core_xml)]
        if fast.tail is not None and sum(len(data) for _, data in outputs) < _SMALL_ZIP:
            return fast.tail.append(outputs, _zip_date(when))
        return _append_zipfile(fast.prefix, outputs, _zip_date(when))

    def _render_docxtpl(self, prepared: _Prepared, context: Mapping[str, Any]) -> bytes:
        name = prepared.name
        tpl = _CachedTemplate(prepared)
        try:
            tpl.render(dict(context), jinja_env=prepared.env)
        except _TEMPLATE_FAULTS as exc:
            raise _problem(name, exc) from exc
        doc = tpl.docx
        for loop in prepared.loops:
            _spread_loop_columns(_body(doc), loop, name)
        self._check_leftovers(doc, name)
        self._set_properties(doc.core_properties, prepared, context)
        buf = io.BytesIO()
        tpl.save(buf)
        return _restamp(buf.getvalue(), _zip_date(_stamp(context)))

    @staticmethod
    def _check_leftovers(doc: DocxDocument, name: str) -> None:
        """Refuse a tag the template left behind, then restore the values' braces."""
        parts = [_body(doc)] + [cast(XmlPart, rel.target_part).element for rel in doc.part.rels.values()
                                      if rel.reltype.endswith("/header")
                                      or rel.reltype.endswith("/footer")]
        for part in parts:
            text = _leftover(part)
            if text is not None:
                raise _leftover_error(name, text)
        for part in parts:
            _braces_back_in(part)
        for blob_part in doc.part.package.iter_parts():
            if blob_part.content_type == _FOOTNOTES_CT and isinstance(blob_part._blob, bytes):  # rendered by docxtpl
                blob_part._blob = _braces_back(blob_part._blob)

    @staticmethod
    def _set_properties(cp: CoreProperties, prepared: _Prepared, context: Mapping[str, Any],
                        when: datetime | None = None) -> None:
        docx.oxml.ns.nsmap["cp"] = CP_NS          # in case docxcompose was imported meanwhile
        trich_yeu, subject, author, identifier = _property_values(context)
        cp.title = f"{prepared.category}: {trich_yeu}" if trich_yeu else prepared.title
        cp.subject = subject or prepared.title
        cp.author = author
        cp.identifier = identifier
        cp.language = "vi-VN"
        cp.keywords, cp.comments, cp.last_modified_by = "OCOP", "", "ocop"
        cp.category = prepared.category
        cp.created = cp.modified = when or _stamp(context)
        cp.revision = 1


_PROPERTY_KEYS = ("trich_yeu", "ten_hoi_dong", "co_quan_ban_hanh", "so_ky_hieu")


def _property_values(context: Mapping[str, Any]) -> tuple[str, ...]:
    """The context's values the core properties show: title (trích yếu), subject, author, identifier."""
    def value(key: str) -> str:
        v = context.get(key)
        return unicodedata.normalize("NFC", " ".join(str(v).split())) if v else ""
    return tuple(value(k) for k in _PROPERTY_KEYS)


def _stamp(context: Mapping[str, Any]) -> datetime:
    """When the document is dated: its issue date (``DATE_KEY``, set by the register), so the same
    data renders the same bytes on any day; otherwise now."""
    when = context.get(DATE_KEY)
    if when:
        return datetime.fromisoformat(str(when))
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


def _zip_date(when: datetime) -> ZipDate:
    """``when.timetuple()[:6]``, typed as the 6-tuple zipfile wants."""
    return when.year, when.month, when.day, when.hour, when.minute, when.second


def _restamp(data: bytes, date_time: ZipDate) -> bytes:
    """The same DOCX with every zip entry dated ``date_time`` (python-docx dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(_zipinfo(info.filename, date_time), zin.read(info), compresslevel=_COMPRESS_LEVEL)
    return out.getvalue()


def _append_zipfile(prefix: bytes, outputs: list[tuple[str, bytes]], date_time: ZipDate) -> bytes:
    """``prefix`` (a zip) with ``outputs`` appended, by zipfile."""
    buf = io.BytesIO(prefix)
    with zipfile.ZipFile(buf, "a") as z:
        for part_name, data in outputs:
            z.writestr(_zipinfo(part_name, date_time), data, compresslevel=_COMPRESS_LEVEL)
    return buf.getvalue()


# ZIP records (PKWARE APPNOTE 4.3.12, 4.3.16): central directory header, end of central directory
_CENTRAL, _CENTRAL_SIGNATURE = "<4s4B4HL2L5H2L", b"PK\x01\x02"
_END, _END_SIGNATURE = "<4s4H2LH", b"PK\x05\x06"


@dataclass
class _ZipTail:
    """What zipfile writes when parts are appended to a prebuilt zip, without parsing that zip again
    for each document: its entries and central directory records are kept as bytes, the new entries'
    local headers and records are made with zipfile's own ZipInfo, the end record after them. Used
    for a template only when it writes, for sample parts, the very bytes zipfile does (``checked``)."""

    body: bytes        # the prebuilt zip's entries
    central: bytes     # their central directory records
    count: int

    @classmethod
    def checked(cls, prefix: bytes, names: list[str]) -> _ZipTail | None:
        end = prefix[-22:]
        signature, disk, cd_disk, count, total, size, offset, comment = struct.unpack(_END, end)
        if signature != _END_SIGNATURE or comment or disk or cd_disk or count != total:
            return None
        tail = cls(prefix[:offset], prefix[offset:offset + size], count)
        for sample in (b"", b"<w:document>\xc3\xa1</w:document>" * 300):
            outputs = [(name, sample + name.encode()) for name in names]
            for when in ((2020, 1, 2, 3, 4, 5), (2107, 12, 31, 23, 59, 58)):
                if tail.append(outputs, when) != _append_zipfile(prefix, outputs, when):
                    return None
        return tail

    def append(self, outputs: list[tuple[str, bytes]], date_time: ZipDate) -> bytes:
        pieces, central = [self.body], [self.central]
        offset = len(self.body)
        dt = date_time
        dosdate, dostime = (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2], dt[3] << 11 | dt[4] << 5 | (dt[5] // 2)
        for name, data in outputs:
            info = _zipinfo(name, date_time)
            packer = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -15)
            compressed = packer.compress(data) + packer.flush()
            info.file_size, info.compress_size, info.CRC = len(data), len(compressed), zlib.crc32(data)
            info.flag_bits, info.header_offset = 0, offset
            header = info.FileHeader(False)
            try:                                     # zipfile's flag for a UTF-8 name
                filename, flag_bits = name.encode("ascii"), info.flag_bits
            except UnicodeEncodeError:
                filename, flag_bits = name.encode("utf-8"), info.flag_bits | 0x800
            central.append(struct.pack(
                _CENTRAL, _CENTRAL_SIGNATURE, info.create_version, info.create_system,
                info.extract_version, info.reserved, flag_bits, info.compress_type, dostime, dosdate, info.CRC,
                info.compress_size, info.file_size, len(filename), len(info.extra), len(info.comment), 0,
                info.internal_attr, info.external_attr, offset) + filename + info.extra + info.comment)
            pieces += (header, compressed)
            offset += len(header) + len(compressed)
        directory = b"".join(central)
        count = self.count + len(outputs)
        pieces += (directory, struct.pack(_END, _END_SIGNATURE, 0, 0, count, count,
                                          len(directory), offset, 0))
        return b"".join(pieces)


def _zipinfo(name: str, date_time: ZipDate) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


