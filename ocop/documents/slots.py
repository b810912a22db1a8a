"""Slot rendering: a batch of documents of one template from one rendering per shape ("frame").

Most of a score sheet is the same for every member and every product of a criteria set: the
criteria, their options and texts. The fast path (``renderer``) still runs Jinja over all of it
for each document, escaping and normalising every text again. Here the template is rendered once
per *frame* with a marker (a :class:`_Slot`) in place of every value that may vary; the output is
checked and split into static chunks around the markers; each document of that shape is then the
chunks joined with its values, escaped and NFC-normalised exactly as the Jinja finaliser and
autoescape write them (``_encode``).

The frame is proven equivalent to a full rendering, or not used:

* **Values used only as text.** A marker does anything only by being printed (``{{ x }}``, which
  the frame environment's finaliser turns into its token). Any other use — a test (``if x``,
  ``x == 'phan'``, ``x is string``), a filter (``x|upper``), an operator, an attribute or item,
  a call argument, being stringified inside a list — *touches* it: the value's path (list
  positions generalised, ``dong.*.loai``) becomes static, i.e. part of the frame's key, and the
  frame is rendered again. Templates that can capture printed output as a value (macros, call,
  filter and assignment blocks, blocks, recursive loops, includes/imports, ``autoescape``
  switches) get no frames at all.
* **Same shape.** A document uses a frame only when its context has the frame's structure (dict
  keys in order, list lengths, which leaves are values), its static values are equal (and of the
  same types), and every varying value is a plain scalar: the frame's extractor, generated code
  that checks all of it and returns the values.
* **Same XML.** The frame's output holds no brace (so no tag left behind and nothing for
  ``_post``'s ``{_{`` undo), no line break, tab, ``\\a`` or ``\\f`` (``_post``'s listing), parses
  with expat, and every token stands in character data or an attribute value, never before
  ``>`` that a value's ``]]`` would turn into ``]]>``. A document whose value holds a character
  that would change that (a line break, a tab, a control character, a lone surrogate) is
  rendered the full way.

Everything else — the first document of a shape (a frame is made from the second one, or from the
first once the template's frames have written more documents than first ones), a context
with values of other kinds, a template the frame cannot cover — goes the full way, counted with
its reason in :class:`SlotStats`. ``tests/integration/test_slot_rendering.py`` holds the slot
path to byte-identical DOCX files against the full one.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NoReturn, cast
from xml.parsers import expat

import jinja2
from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.tests import TESTS
from markupsafe import Markup, escape

OPEN, CLOSE = "\ufdd2", "\ufdd3"     # a marker's token: OPEN + index + CLOSE (noncharacters)
_TOKEN = re.compile(f"{OPEN}(\\d+){CLOSE}")
_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR_ONLY = frozenset({str})
# what the full path turns into other markup (_post's listing) or refuses as XML
_UNSAFE = re.compile("[\x00-\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_FRAME = ("{", "}", "\n", "\t", "\a", "\f")
_CLOSES_CDATA = re.compile(r"\]*>")
# template constructs that can capture printed output as a value, or switch autoescape off
_CAPTURING = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock, nodes.Block,
              nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport, nodes.EvalContextModifier,
              nodes.ExprStmt)
# tests whose answer is the same for a marker as for any scalar value
_BLIND_TESTS = frozenset({"defined", "undefined", "callable", "mapping"})
# Jinja's filters that handle the items of a list only through operations a marker answers by
# touching itself (str(), hasattr(__html__), comparisons, hashing, len, iteration, the frame
# environment's getattr/getitem and tests): a list of markers passed to them need not be touched.
# Any other filter or test (the project's own ones included) touches every marker it is given,
# however deep in a list or dict, since it may look at a value's type.
_STRUCTURAL = frozenset({"length", "count", "first", "last", "default", "d", "list", "reverse", "batch",
                         "slice", "join", "map", "select", "reject", "selectattr", "rejectattr", "sort",
                         "unique", "min", "max", "sum", "dictsort", "groupby", "items", "attr"})
# Jinja's filters of a string alone, with no other argument: ``x|upper`` prints, per document, the
# filter's own result for the value (a derived marker), instead of making the value static
_TEXTUAL = frozenset({"upper", "lower", "title", "capitalize", "trim"})
MAX_FRAMES = 64          # frames per template; beyond, documents of new shapes go the full way
MAX_ATTEMPTS = 24        # renderings of one frame while values turn out static
_ENCODED_MAX = 100_000   # encoded values kept per template (then forgotten at once)


class Unsupported(Exception):
    """A context the slot path does not cover (a static value that cannot be compared, …)."""


class _Touched(Exception):
    """A marker was used other than by being printed (see _Probe.touched)."""


class _Captured(Exception):
    """A token reached a filter, test or call inside a string: printed output was captured."""


_ANY = "*"           # a list position in a path pattern
_STATIC = "static"   # a trie leaf: the value at this path pattern is part of the frame's key


Chain = tuple[Callable[[Any], Any], ...]   # filters a derived marker's value goes through
Extract = Callable[[Any], tuple[list[Any], bool] | None]   # a context's values (all str?), or None


class _Probe(threading.local):
    """The frame being rendered in this thread: markers touched and printed, derived markers."""

    touched: set[int]
    printed: int
    captured: bool
    values: int                                  # markers of the context's values
    derived: dict[tuple[int, Chain], _Slot]      # (value, filters) -> its marker

    def __init__(self) -> None:
        self.reset()

    def reset(self, values: int = 0) -> None:
        self.touched, self.printed, self.captured, self.values, self.derived = set(), 0, False, values, {}

    def derive(self, slot: _Slot, func: Callable[[Any], Any]) -> _Slot:
        """The marker of ``func`` applied to what ``slot`` stands for."""
        key = (slot.base, (*slot.chain, func))
        derived = self.derived.get(key)
        if derived is None:
            derived = self.derived[key] = _Slot(self.values + len(self.derived), slot.base, key[1])
        return derived


_probe = _Probe()


class _Slot:
    """Stands for a value while a frame is rendered; any use but printing touches it. A derived
    marker stands for a value passed through textual filters (``chain``), ``base`` that value's
    marker."""

    __slots__ = ("base", "chain", "index", "token")

    def __init__(self, index: int, base: int | None = None, chain: Chain = ()) -> None:
        self.index, self.token = index, f"{OPEN}{index}{CLOSE}"
        self.base, self.chain = index if base is None else base, chain

    def _touch(self, *_: Any, **__: Any) -> NoReturn:
        _probe.touched.add(self.base)
        raise _Touched(self.base)

    __getattr__ = __str__ = __repr__ = __format__ = __bool__ = __len__ = __iter__ = _touch
    __reversed__ = __contains__ = __getitem__ = __hash__ = _touch
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _touch
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __matmul__ = __rmatmul__ = _touch
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _touch
    __divmod__ = __rdivmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = __invert__ = _touch
    __int__ = __float__ = __complex__ = __index__ = __round__ = __trunc__ = __floor__ = __ceil__ = _touch
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = __lshift__ = __rlshift__ = _touch
    __rshift__ = __rrshift__ = __call__ = _touch


def _touch_in(values: Iterable[Any], *, deep: bool) -> None:
    """Touch every marker among ``values`` (``deep``: inside nested dicts, lists and tuples too); a
    token inside a string means printed output was captured."""
    found = False
    stack = list(values)
    while stack:
        v = stack.pop()
        t = type(v)
        if t is _Slot:
            _probe.touched.add(v.base)
            found = True
        elif deep and t is dict:
            stack.extend(v.values())
        elif deep and (t is list or t is tuple):
            stack.extend(v)
        elif isinstance(v, str) and OPEN in v:
            _probe.captured = True
            raise _Captured
    if found:
        raise _Touched


def _guard(func: Callable[..., Any], *, deep: bool) -> Callable[..., Any]:
    """A filter or test that touches the markers among its arguments first."""
    @functools.wraps(func)             # keeps jinja's pass_context/pass_environment mark
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _touch_in((*args, *kwargs.values()), deep=deep)
        return func(*args, **kwargs)
    return guarded


def _textual(func: Callable[[Any], Any]) -> Callable[..., Any]:
    """A filter of a value alone (``x|upper``): on a marker, the derived marker of its result."""
    @functools.wraps(func)
    def textual(*args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and type(args[0]) is _Slot:
            return _probe.derive(args[0], func)
        _touch_in((*args, *kwargs.values()), deep=True)
        return func(*args, **kwargs)
    return textual


def _frame_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    if func is not FILTERS.get(name):                  # the project's own filters, or replaced ones
        return _guard(func, deep=True)
    if name in _TEXTUAL:
        return _textual(func)
    return _guard(func, deep=name not in _STRUCTURAL)


def frame_env(base: jinja2.Environment, finalize: Callable[[Any], Any]) -> jinja2.Environment:
    """An environment like ``base`` (same class, filters, tests, finaliser for real values) that
    prints markers as their tokens and touches them on any other use."""
    base_cls = type(base)

    class FrameEnv(base_cls):  # type: ignore[valid-type,misc]
        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is not dict:           # a dict's key is the common case: nothing to touch
                _touch_in((obj, attribute), deep=False)
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            _touch_in((obj, argument), deep=False)
            return super().getitem(obj, argument)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            _touch_in((__obj,), deep=False)
            _touch_in((*args, *kwargs.values()), deep=True)
            return super().call(__context, __obj, *args, **kwargs)

    def print_value(value: Any) -> Any:
        if type(value) is _Slot:
            _probe.printed += 1
            return Markup(value.token)
        return finalize(value)

    env: jinja2.Environment = FrameEnv(autoescape=base.autoescape, undefined=base.undefined,
                                       finalize=print_value)
    env.filters = {k: _frame_filter(k, cast(Callable[..., Any], f)) for k, f in base.filters.items()}
    env.tests = {k: f if k in _BLIND_TESTS and f is TESTS.get(k) else _guard(cast(Callable[..., Any], f), deep=True)
                 for k, f in base.tests.items()}
    env.globals = dict(base.globals)
    return env


def capturing(env: jinja2.Environment, source: str) -> str | None:
    """The construct that keeps a template from frames (it can capture printed output), if any."""
    ast = env.parse(source)
    for node in ast.find_all(_CAPTURING):
        return type(node).__name__
    for loop in ast.find_all(nodes.For):
        if loop.recursive:
            return "For recursive"
    return None


# -- contexts ------------------------------------------------------------------------------------
Trie = dict[str, Any]   # path pattern -> child trie, or _STATIC at a leaf


def _freeze(value: Any) -> Any:
    """A hashable, type-tagged copy of a static value (1, 1.0 and True stay apart)."""
    t = type(value)
    if t is dict:
        return dict, tuple((k, _freeze(v)) for k, v in value.items())
    if t is list or t is tuple:
        return t, tuple(_freeze(v) for v in value)
    try:
        hash(value)
    except TypeError:
        raise Unsupported(f"unhashable static value ({t.__name__})") from None
    return t, value


def _check_keys(keys: tuple[Any, ...]) -> None:
    if any(type(k) is not str for k in keys):
        raise Unsupported("a dict key that is not a str")


def shape_key(value: Any, trie: Any) -> Any:
    """What a frame depends on: the structure, and the values at static path patterns."""
    if trie is _STATIC:
        return "S", _freeze(value)
    t = type(value)
    if t is dict:
        _check_keys(tuple(value))
        return "D", tuple((k, shape_key(v, trie.get(k) if trie else None)) for k, v in value.items())
    if t is list or t is tuple:
        child = trie.get(_ANY) if trie else None
        return "L", t, tuple(shape_key(v, child) for v in value)
    if t in _SCALARS:
        return "V"
    return "S", _freeze(value)


def add_static(trie: Trie, pattern: tuple[str, ...]) -> None:
    node = trie
    for step in pattern[:-1]:
        child = node.get(step)
        if child is _STATIC:
            return
        node = node.setdefault(step, {})
    node[pattern[-1]] = _STATIC


def _signature(value: Any, trie: Any) -> Any:
    """The structure the generated extractor checks (static leaves without their values)."""
    t = type(value)
    if trie is _STATIC or not (t is dict or t is list or t is tuple or t in _SCALARS):
        return "S", t in _SCALARS
    if t is dict:
        return "D", tuple(value), tuple(_signature(v, trie.get(k) if trie else None) for k, v in value.items())
    if t is list or t is tuple:
        child = trie.get(_ANY) if trie else None
        return "L", t, tuple(_signature(v, child) for v in value)
    return "V"


class _Extractor:
    """From one context: its frame context (each value replaced by a marker, static values kept),
    and a generated function that checks another context has the same shape and static values
    and returns its values in marker order (a loop over a list whose items have one shape)."""

    def __init__(self, trie: Trie) -> None:
        self.trie = trie
        self.consts: dict[str, Any] = {}
        self.static_values: list[Any] = []
        self.patterns: list[tuple[str, ...]] = []     # of each marker, in order
        self._n = 0

    def frame_value(self, value: Any, trie: Any, pattern: tuple[str, ...]) -> Any:
        t = type(value)
        if trie is _STATIC or not (t is dict or t is list or t is tuple or t in _SCALARS):
            self.static_values.append(value if t in _SCALARS else _freeze(value))
            return value
        if t is dict:
            _check_keys(tuple(value))
            return {k: self.frame_value(v, trie.get(k) if trie else None, (*pattern, k)) for k, v in value.items()}
        if t is list or t is tuple:
            child = trie.get(_ANY) if trie else None
            items = [self.frame_value(v, child, (*pattern, _ANY)) for v in value]
            return items if t is list else tuple(items)
        slot = _Slot(len(self.patterns))
        self.patterns.append(pattern)
        return slot

    def _var(self) -> str:
        self._n += 1
        return f"v{self._n}"

    def _const(self, value: Any) -> str:
        name = f"k{len(self.consts)}"
        self.consts[name] = value
        return name

    def _code(self, value: Any, var: str, trie: Any, pad: str, out: list[str]) -> None:
        t = type(value)
        if trie is _STATIC or not (t is dict or t is list or t is tuple or t in _SCALARS):
            out.append(f"{pad}s({var})" if t in _SCALARS else f"{pad}s(_freeze({var}))")
            return
        if t is dict:
            keys = tuple(value)
            out.append(f"{pad}if type({var}) is not dict or tuple({var}) != {self._const(keys)}: return None")
            children = [(k, v, trie.get(k) if trie else None) for k, v in value.items()]
            if all(type(v) in _SCALARS and (c is _STATIC or c is None or type(c) is dict) for _, v, c in children):
                # a row of scalars: its static values and its values, each with one itemgetter
                for which, keys_ in (("s", [k for k, _, c in children if c is _STATIC]),
                                     ("v", [k for k, _, c in children if c is not _STATIC])):
                    if len(keys_) == 1:
                        out.append(f"{pad}{which}({var}[{self._const(keys_[0])}])")
                    elif keys_:
                        out.append(f"{pad}{which}x({self._const(itemgetter(*keys_))}({var}))")
                return
            for k, v, c in children:
                child = self._var()
                out.append(f"{pad}{child} = {var}[{self._const(k)}]")
                self._code(v, child, c, pad, out)
            return
        if t is list or t is tuple:
            kind = "list" if t is list else "tuple"
            out.append(f"{pad}if type({var}) is not {kind} or len({var}) != {len(value)}: return None")
            sub = trie.get(_ANY) if trie else None
            first = _signature(value[0], sub) if value else None
            if value and all(_signature(v, sub) == first for v in value[1:]):
                item = self._var()
                out.append(f"{pad}for {item} in {var}:")
                self._code(value[0], item, sub, pad + " ", out)
                return
            for i, v in enumerate(value):
                child = self._var()
                out.append(f"{pad}{child} = {var}[{i}]")
                self._code(v, child, sub, pad, out)
            return
        out.append(f"{pad}v({var})")

    def function(self, value: Any) -> Extract:
        """The extractor of contexts shaped like ``value`` (the context frame_value was given)."""
        lines = ["def extract(c):", " S = []; s = S.append; sx = S.extend",
                 " V = []; v = V.append; vx = V.extend"]
        self._code(value, "c", self.trie, " ", lines)
        lines += [" if S != statics or list(map(type, S)) != static_types: return None",
                  " types = set(map(type, V))",
                  " if not scalars.issuperset(types): return None",
                  " return V, types <= str_only"]
        namespace: dict[str, Any] = {**self.consts, "statics": self.static_values, "_freeze": _freeze,
                                     "static_types": list(map(type, self.static_values)), "scalars": _SCALARS,
                                     "str_only": _STR_ONLY,
                                     "__builtins__": {"type": type, "tuple": tuple, "len": len, "map": map,
                                                      "dict": dict, "list": list, "set": set}}
        exec(compile("\n".join(lines), "<slot extractor>", "exec"), namespace)  # our own code, from the context's shape
        extract: Extract = namespace["extract"]
        return extract


# -- frames --------------------------------------------------------------------------------------
@dataclass
class _PartFrame:
    name: str
    chunks: list[bytes]                        # static bytes around the tokens
    pick: Callable[[list[Any]], Any]     # values in printing order
    count: int                                 # tokens


@dataclass
class Frame:
    extract: Extract
    parts: list[_PartFrame]
    derived: list[tuple[int, Chain]] = field(default_factory=list)   # (value, filters) per derived marker


@dataclass
class SlotStats:
    """Documents of one template by path: ``slot`` (from a frame) and ``full``, with the reasons."""

    slot: int = 0
    full: int = 0
    frames: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


def _bad_frame(raw: str) -> str | None:
    """Why a frame's rendered part cannot be split into chunks, if it cannot."""
    for mark in _NOT_IN_FRAME:
        if mark in raw:
            return f"the rendered part holds {mark!r} (a tag left behind, or text _post rewrites)"
    return None


def _tokens_in_text(data: bytes) -> str | None:
    """Every token stands in character data (not CDATA) or an attribute value: where an escaped value
    reads as itself. None, or why not."""
    parser = expat.ParserCreate()
    problems: list[str] = []
    cdata = [False]
    open_utf8 = OPEN

    def chars(text: str) -> None:
        if cdata[0] and open_utf8 in text:
            problems.append("a value inside CDATA")

    def comment(text: str) -> None:
        if open_utf8 in text:
            problems.append("a value inside an XML comment")

    def pi(target: str, text: str) -> None:
        if open_utf8 in target or open_utf8 in text:
            problems.append("a value inside a processing instruction")

    def doctype(*_: Any) -> None:
        problems.append("a DOCTYPE declaration")

    def cdata_on() -> None:
        cdata[0] = True

    def cdata_off() -> None:
        cdata[0] = False

    parser.CharacterDataHandler = chars
    parser.CommentHandler = comment
    parser.ProcessingInstructionHandler = pi
    parser.StartDoctypeDeclHandler = doctype
    parser.StartCdataSectionHandler = cdata_on
    parser.EndCdataSectionHandler = cdata_off
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return f"not well-formed XML ({exc})"
    return problems[0] if problems else None


def split_part(name: str, data: str, slots: int, braces_back: Callable[[bytes], bytes]) -> _PartFrame | str:
    """A rendered part (XML declaration included) cut around its tokens, or why it cannot be."""
    pieces = _TOKEN.split(data)
    texts, order = pieces[0::2], [int(i) for i in pieces[1::2]]
    if data.count(OPEN) != len(order) or data.count(CLOSE) != len(order) or any(i >= slots for i in order):
        return "marker characters not printed by a value"
    for text in texts[1:]:
        if _CLOSES_CDATA.match(text):
            return "a value followed by '>' (a value's ']]' would make ']]>')"
    problem = _tokens_in_text(data.encode("utf-8"))
    if problem is not None:
        return problem
    pick: Callable[[list[Any]], Any]
    if len(order) >= 2:
        pick = itemgetter(*order)
    elif order:
        only = order[0]
        pick = lambda values: (values[only],)  # noqa: E731
    else:
        pick = lambda values: ()  # noqa: E731
    chunks = [t.encode("utf-8") for t in texts]
    if "\ufdd0" in data or "\ufdd1" in data:     # the full path's braces_back, on each chunk
        chunks = [braces_back(c) for c in chunks]
    return _PartFrame(name, chunks, pick, len(order))


class Encoded(dict[str, bytes]):
    """str value -> its bytes as the full path writes them (finaliser, autoescape, braces back);
    a value the full path would write otherwise raises Unsupported."""

    def __init__(self, finalize: Callable[[Any], Any], braces_back: Callable[[bytes], bytes]) -> None:
        super().__init__()
        self.finalize, self.braces_back = finalize, braces_back

    def encode(self, value: Any) -> bytes:
        text = str(escape(self.finalize(value)))
        if _UNSAFE.search(text):
            raise Unsupported("a value with a line break, tab or control character")
        return self.braces_back(text.encode("utf-8"))

    def __missing__(self, value: str) -> bytes:
        if len(self) >= _ENCODED_MAX:
            self.clear()
        data = self[value] = self.encode(value)
        return data


def assemble(frame: Frame, values: list[Any], str_only: bool, encoded: Encoded) -> list[tuple[str, bytes]]:
    """Each part of the frame with ``values`` (``str_only``: all of type str) in place of its tokens."""
    if frame.derived:                  # the textual filters' results: str
        values = [*values, *(functools.reduce(lambda v, f: f(v), chain, values[base])
                             for base, chain in frame.derived)]
    get: Callable[[Any], bytes] = encoded.__getitem__        # a str value: encoded once per template
    if not str_only:
        get = functools.partial(_encode_any, encoded)
    out = []
    for part in frame.parts:
        joined: list[bytes] = [b""] * (2 * part.count + 1)
        joined[0::2] = part.chunks
        joined[1::2] = map(get, part.pick(values))
        out.append((part.name, b"".join(joined)))
    return out


def _extract(frame: Frame, ctx: dict[str, Any]) -> tuple[list[Any], bool] | None:
    try:
        return frame.extract(ctx)
    except Unsupported:        # a static value of the frame's shape that cannot be compared
        return None


def _encode_any(encoded: Encoded, value: Any) -> bytes:
    return encoded[value] if type(value) is str else encoded.encode(value)


class SlotEngine:
    """The frames of one template (one version of its file)."""

    def __init__(self, parts: list[tuple[str, jinja2.Template]], why_not: str | None,
                 finalize: Callable[[Any], Any], braces_back: Callable[[bytes], bytes],
                 xml_decl: str) -> None:
        self.parts = parts                 # (zip member, template compiled in a frame environment)
        self.why_not = why_not             # the template's reason for no frames at all
        self.braces_back, self.xml_decl = braces_back, xml_decl
        self.trie: Trie = {}
        self.frames: dict[Any, Frame | None] = {}   # shape key -> frame, None: no frame for it
        self.seen: set[int] = set()                  # hashes of shape keys met once
        self.last: Frame | None = None
        self.encoded = Encoded(finalize, braces_back)
        self.stats = SlotStats()
        self._lock = threading.Lock()
        self._firsts = 0                                # documents that were the first of their shape

    def render(self, context: Mapping[str, Any]) -> list[tuple[str, bytes]] | None:
        """The rendered parts of ``context`` from a frame, or None: render it the full way."""
        ctx = context if type(context) is dict else dict(context)
        found = self._find(ctx)
        if not isinstance(found, str):
            try:
                out = assemble(*found, self.encoded)
            except Unsupported as exc:
                found = str(exc)
            else:
                self.stats.slot += 1
                return out
        self.stats.full += 1
        self.stats.reasons[found] += 1
        return None

    def _find(self, ctx: dict[str, Any]) -> tuple[Frame, list[Any], bool] | str:
        """The frame of ``ctx`` and its values, or why there is none."""
        if self.why_not is not None:
            return self.why_not
        frame = self.last
        values = _extract(frame, ctx) if frame is not None else None
        if frame is not None and values is not None:
            return frame, *values
        with self._lock:                 # frames and static paths are learnt one thread at a time
            try:
                key = shape_key(ctx, self.trie)
            except Unsupported as exc:
                return str(exc)
            frame = self.frames.get(key)
            if frame is None:
                if key in self.frames:
                    return "no frame for this shape"
                if hash(key) not in self.seen and self.stats.slot <= self._firsts:
                    # a frame is made from a shape's second document, unless frames have paid already
                    if len(self.seen) > 4 * MAX_FRAMES:
                        self.seen.clear()
                    self.seen.add(hash(key))
                    self._firsts += 1
                    if self._firsts >= MAX_FRAMES and self.stats.slot < self._firsts:
                        self.why_not = (f"shapes seldom repeat ({self._firsts} first documents of their shape, "
                                        f"{self.stats.slot} from frames)")     # no more shape keys
                    return "first document of its shape"
                if len(self.frames) >= MAX_FRAMES:
                    return f"more than {MAX_FRAMES} shapes"
                frame = self.frames[key] = self._frame(ctx)
                if frame is None:
                    return "no frame for this shape"
                self.frames[shape_key(ctx, self.trie)] = frame   # the static paths may have grown
        values = _extract(frame, ctx)
        if values is None:
            return "context unlike its frame"
        self.last = frame
        return frame, *values

    def _frame(self, ctx: dict[str, Any]) -> Frame | None:
        """A frame made from ``ctx``: rendered with markers, static paths learnt while they are
        touched; None when the template or context cannot have one."""
        for _ in range(MAX_ATTEMPTS):
            ex = _Extractor(self.trie)
            try:
                frame_ctx = ex.frame_value(ctx, self.trie, ())
            except Unsupported as exc:
                self.stats.reasons[f"frame: {exc}"] += 1
                return None
            _probe.reset(len(ex.patterns))
            raws: list[str] = []
            failed: BaseException | None = None
            try:
                for _name, template in self.parts:
                    raws.append(template.render(frame_ctx))
            except Exception as exc:  # any failure: no frame, the full path reports it
                failed = exc
            touched, printed, captured = _probe.touched, _probe.printed, _probe.captured
            derived = [(slot.base, slot.chain) for slot in _probe.derived.values()]
            _probe.reset()
            if captured:
                self.stats.reasons["frame: printed output captured"] += 1
                return None
            if touched:
                for index in touched:
                    add_static(self.trie, ex.patterns[index])
                continue
            if failed is not None:
                self.stats.reasons[f"frame: {type(failed).__name__}: {failed}"] += 1
                return None
            parts: list[_PartFrame] = []
            for (name, _template), raw in zip(self.parts, raws, strict=True):
                problem = _bad_frame(raw)
                part = problem or split_part(name, self.xml_decl + raw, len(ex.patterns) + len(derived),
                                             self.braces_back)
                if isinstance(part, str):
                    self.stats.reasons[f"frame: {part}"] += 1
                    return None
                parts.append(part)
            if sum(p.count for p in parts) != printed:
                self.stats.reasons["frame: printed values and tokens differ"] += 1
                return None
            self.stats.frames += 1
            return Frame(ex.function(ctx), parts, derived)
        self.stats.reasons["frame: too many static values learnt"] += 1
        return None


def frame_parts(env: jinja2.Environment, sources: Iterable[tuple[str, str]],
                compile_: Callable[[jinja2.Environment, str], jinja2.Template]
                ) -> tuple[list[tuple[str, jinja2.Template]], str | None]:
    """The tagged parts compiled in a frame environment, or why the template gets no frames."""
    out = []
    for name, source in sources:
        construct = capturing(env, source)
        if construct is not None:
            return [], f"the template uses {construct} (can capture printed output)"
        out.append((name, compile_(env, source)))
    return out, None
