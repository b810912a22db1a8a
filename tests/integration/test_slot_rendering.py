"""Slot rendering (ocop.documents.slots): ``render_many`` writes, from frames, the very bytes of the
full rendering — score sheets of several criteria sets, blank and filled, every fast-path
template, and templates that use their values in every way Jinja allows; what cannot be proven the
same goes the full way, and the comparison itself catches a wrong slot path."""

from __future__ import annotations

import errno
import unicodedata
from datetime import date
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import pytest
from docx import Document
from markupsafe import Markup

from ocop.documents import slots, staging
from ocop.documents.renderer import DATE_KEY, Renderer
from ocop.documents.samples import SAMPLES, sample
from ocop.errors import DocumentError
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition
from ocop.services.paperwork.specs import _sheet_context

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NASTY = "Cơ sở \"Ngọc\" & <Hà> 'Nam' {{ ten }} {% if x %} ]]"
NFD = unicodedata.normalize("NFD", "Hợp tác xã Nông nghiệp Tiên Du Phường Việt Yên")
LONG = "Công ty trách nhiệm hữu hạn một thành viên sản xuất thương mại dịch vụ " * 6


def _both(template_dir: Path, template: str, contexts: list[dict[str, Any]], tmp_path: Path
          ) -> tuple[list[bytes], list[bytes], Renderer]:
    """Each context rendered the full way (one by one) and the slot way (one batch)."""
    contexts = [{DATE_KEY: "2021-03-04", **c} for c in contexts]      # zip entries dated alike
    full, batch = Renderer(template_dir, slots=False), Renderer(template_dir)
    ref = tmp_path / "full"
    for i, ctx in enumerate(contexts):
        full.render(template, ctx, ref / f"{i}.docx")
    out = tmp_path / "slots"
    done = list(batch.render_many(template, ((c, out / f"{i}.docx") for i, c in enumerate(contexts))))
    assert [p for p, _ in done] == [out / f"{i}.docx" for i in range(len(contexts))]
    return ([(ref / f"{i}.docx").read_bytes() for i in range(len(contexts))],
            [(out / f"{i}.docx").read_bytes() for i in range(len(contexts))], batch)


def _differing(a: list[bytes], b: list[bytes]) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


# --- score sheets -------------------------------------------------------------------------------
def _campaign(level: str) -> NS:
    if level == "province":
        return NS(issuing_body="Ủy ban nhân dân tỉnh Bắc Ninh", level="province", province="Bắc Ninh",
                  district="", place_name="Bắc Ninh",
                  council_name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Bắc Ninh")
    return NS(issuing_body="Ủy ban nhân dân huyện Lục Nam", level="district", province="Bắc Giang",
              district="Lục Nam", place_name="Lục Nam",
              council_name="Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam")


PRODUCTS = [("BN-001", "Mật ong rừng Sơn Động", "HTX Mật ong Sơn Động", "Gia Bình"),
            ("BN-002", NASTY, NASTY, NASTY),
            ("BN-003", NFD, NFD, "Tiên Du"),
            ("BN-004", LONG, LONG, "Phật Tích"),
            ("BN-005", "Gạo {nếp} cái hoa vàng", "", "Yên Phong"),
            ("", "Trà hoa vàng & sen", "Hộ kinh doanh Trần Thị Ánh", "Tam Giang")]
MEMBERS = [("Trần Văn Thành", "Phó Giám đốc Sở Nông nghiệp và Môi trường"),
           (NASTY, "Ủy viên"), (NFD, ""), ("Nguyễn Thị Hà", LONG)]


def _sheets(edition_code: str, set_codes: list[str], level: str, seed: int) -> list[dict[str, Any]]:
    """Blank and filled sheets, product by product, member by member, as the register makes them."""
    edition = get_edition(edition_code)
    sets = load_sets(edition.criteria_dir)
    out = []
    for n, code in enumerate(set_codes):
        criteria = sets[code]
        for p, (pcode, name, producer, commune) in enumerate(PRODUCTS):
            reg = NS(product=NS(code=pcode, name=name, producer=NS(name=producer, commune=commune)))
            for m, (member, post) in enumerate(MEMBERS):
                blank = (seed + n + p + m) % 3 == 0
                chosen = None if blank else {
                    c.code: c.options[(seed + p * 7 + m * 3 + i) % len(c.options)].points
                    for i, c in enumerate(criteria.criteria)}
                totals = None if chosen is None else {
                    part: sum(chosen[c.code] for c in criteria.part_criteria(part)) for part in criteria.parts}
                ctx = _sheet_context(_campaign(level), edition, criteria, f"Bộ {code} - {criteria.name}", reg,
                                     NS(name=member, position=post), chosen, totals, date(2026, 10, 20))
                out.append({**ctx, DATE_KEY: "2026-10-20"})
    return out


@pytest.mark.parametrize(("edition", "sets", "level"), [
    ("148/2023+1489/2025", ["1", "14", "26a"], "province"),
    ("1048/2019", ["1"], "district"),
])
def test_score_sheets_from_frames_are_byte_identical(tmp_path, edition, sets, level):
    contexts = _sheets(edition, sets, level, seed=len(sets))
    full, batch, renderer = _both(TEMPLATES, "phieu_danh_gia", contexts, tmp_path)
    assert _differing(full, batch) == []
    stats = renderer.slot_stats("phieu_danh_gia")
    # the first sheet of each shape is rendered in full, every other one from a frame
    assert stats.full <= 2 * len(sets) and stats.slot == len(contexts) - stats.full
    assert set(stats.reasons) <= {"first document of its shape"}


def test_values_the_slot_path_cannot_write_go_the_full_way(tmp_path):
    contexts = _sheets("148/2023+1489/2025", ["4"], "province", seed=1)[:6]
    contexts[3] = {**contexts[3], "ten_san_pham": "Dòng một\nDòng hai\tcột"}        # <w:br/>, <w:tab/>
    full, batch, renderer = _both(TEMPLATES, "phieu_danh_gia", contexts, tmp_path)
    assert _differing(full, batch) == []
    stats = renderer.slot_stats("phieu_danh_gia")
    assert stats.reasons["a value with a line break, tab or control character"] == 1
    assert stats.slot == len(contexts) - 2


def test_a_control_character_fails_the_same_way_on_both_paths(tmp_path):
    contexts = _sheets("148/2023+1489/2025", ["4"], "province", seed=2)[:3]
    contexts[2] = {**contexts[2], "chu_the": "HTX \x01"}
    r = Renderer(TEMPLATES)
    ok = list(r.render_many("phieu_danh_gia", ((c, tmp_path / f"{i}.docx") for i, c in enumerate(contexts[:2]))))
    assert len(ok) == 2
    with pytest.raises(DocumentError, match="không phải XML hợp lệ") as slot_error:
        list(r.render_many("phieu_danh_gia", [(contexts[2], tmp_path / "x.docx")]))
    with pytest.raises(DocumentError) as full_error:
        Renderer(TEMPLATES, slots=False).render("phieu_danh_gia", contexts[2], tmp_path / "y.docx")
    assert str(slot_error.value) == str(full_error.value)


def test_the_comparison_catches_a_wrong_slot_path(tmp_path, monkeypatch):
    """Values written unescaped by the slot path: the byte comparison fails (the tests can fail)."""
    monkeypatch.setattr(slots, "escape", lambda value: Markup(str(value)))
    contexts = _sheets("148/2023+1489/2025", ["1"], "province", seed=0)[:8]     # PRODUCTS[1] holds "&<>"
    full, batch, _ = _both(TEMPLATES, "phieu_danh_gia", contexts, tmp_path)
    assert _differing(full, batch)


# --- every template on the fast path --------------------------------------------------------------
FAST = sorted(n for n in SAMPLES if (TEMPLATES / f"{n}.docx").exists()
              and Renderer(TEMPLATES).engine(n)[0] == "fast")


def _vary(value: Any, trie: Any, text: str) -> Any:
    """``value`` with every string the frame takes as a value (not static) changed by ``text``."""
    if trie == slots._STATIC:
        return value
    if type(value) is dict:
        return {k: v if k == DATE_KEY else _vary(v, trie.get(k) if trie else None, text) for k, v in value.items()}
    if type(value) is list:
        return [_vary(v, trie.get(slots._ANY) if trie else None, text) for v in value]
    if type(value) is str:
        return f"{value} {text}" if value else text
    return value


@pytest.mark.parametrize("name", FAST)
def test_every_fast_template_from_frames_is_byte_identical(tmp_path, name):
    base = {**sample(name), DATE_KEY: "2021-03-04"}
    learn = Renderer(TEMPLATES)
    list(learn.render_many(name, [(base, tmp_path / "a.docx"), (base, tmp_path / "b.docx")]))
    engine = learn._prepare(name).fast.slots
    assert engine is not None and engine.frames, learn.slot_stats(name)
    # (core properties hold 255 characters: the long text stays under it)
    contexts = [base, *(_vary(base, engine.trie, t) for t in (NASTY, NFD, "", LONG[:90], "{", "]]", "Mộc Châu"))]
    full, batch, renderer = _both(TEMPLATES, name, contexts, tmp_path)
    assert _differing(full, batch) == []
    stats = renderer.slot_stats(name)
    assert stats.slot >= len(contexts) - 2, stats


# --- templates that use their values ----------------------------------------------------------------
def _template(tmp_path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    folder = tmp_path / "tpl"
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(str(folder / "thu.docx"))
    return folder


ROWS = [{"k": "a", "v": "một"}, {"k": "a", "v": "hai"}, {"k": "b", "v": "ba & bốn"}]
CASES = {
    "compare": (["{% if x == 'a' %}A{% else %}B{% endif %} {{ x }} / {{ y }}"],
                [{"x": x, "y": y} for x, y in
                 [("a", "1"), ("b", "2"), ("a", "3"), ("b", NASTY), ("", "5"), ("a", "")]]),
    "truth": (["{{ x if x else '-' }} {% if y %}có {{ y }}{% endif %} {{ not z }}"],
              [{"x": x, "y": y, "z": z} for x, y, z in [("", "1", ""), ("a", "", "q"), ("b", "3", ""), ("", "", "")]]),
    "filters": (["{{ x|upper }} {{ x|length }} {{ x[0] }} {{ x ~ '!' }} {{ '%s'|format(x) }} {{ y|e }} {{ y }}"],
                [{"x": x, "y": y} for x, y in [("ab", "1"), ("ab", NFD), ("cd", "3"), ("cd", NASTY), ("ab", "")]]),
    "loops": (["{% for c in x %}[{{ c }}]{% endfor %} {{ y|join(', ') }} {{ y|first }} {{ y|length }}"],
              [{"x": x, "y": y} for x, y in [("ab", ["1", "2"]), ("ab", ["3", "4"]), ("xyz", ["1", "2"]),
                                             ("ab", ["&", "<"]), ("ab", ["5"])]]),
    "numbers": (["{{ n + 1 }} {{ n }} | {{ m }} | {{ m is string }} {{ m is number }}"],
                [{"n": n, "m": m} for n, m in [(1, 1), (1, True), (2, 1.0), (1, None), (1, "1"), (1, 1), (3, "x")]]),
    "printed only": (["{{ m }} và {{ m }} / {{ d.a }} {{ d['b'] }}"],
                     [{"m": m, "d": {"a": a, "b": b}} for m, a, b in
                      [(1, "x", "y"), (True, "x", "y"), (1.5, "&", "z"), (None, "", "y"), ("1", "x", NASTY),
                       (0, "q", "r")]]),
    "rows": (["{% for r in rows %}{{ loop.index }}{{ loop.cycle('.', ':') }}{% if loop.changed(r.k) %}*{% endif %}"
              "{{ r.v }};{% endfor %} {{ rows|map(attribute='v')|join('/') }}"],
             [{"rows": rows} for rows in [ROWS, ROWS[:2], ROWS, [*ROWS[:2], {"k": "c", "v": "x"}], ROWS,
                                          [{"k": "a", "v": NASTY}, *ROWS[1:]]]]),
    "sorting": (["{{ ds|sort|join(',') }} {{ ds|max }} {{ ds|unique|list|length }} "
                 "{{ ds|select('equalto', 'a')|list }}"],
                [{"ds": ds} for ds in [["b", "a"], ["b", "a"], ["a", "b"], ["c", "c"], ["a", "z"]]]),
    "dict methods": (["{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.get('a') }} {{ d|length }}"],
                     [{"d": d} for d in [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}, {"b": "2", "a": "1"},
                                         {"a": "1"}, {"a": "&", "b": "<"}]]),
    "tests": (["{{ x is defined }} {{ x is string }} {{ x is sameas y }} {{ x is in ['a', 'b'] }} {{ y is none }}"],
              [{"x": x, "y": y} for x, y in [("a", "a"), ("b", "c"), ("q", None), ("a", None), ("a", "a")]]),
    "project filters": (["{{ d|date_vn }} {{ n|decimal_vn }} {{ s|ket_thuc }} {{ y }}"],
                        [{"d": d, "n": n, "s": s, "y": y} for d, n, s, y in
                         [(date(2021, 3, 4), 3.5, "Điều 1", "a"), (date(2021, 3, 4), 3.5, "Điều 1", "b"),
                          (date(2022, 1, 2), 7, "Điều 2.", "c"), (date(2021, 3, 4), 3.5, "Điều 1", "&")]]),
    "textual filters": (["{{ x|upper }} {{ x|lower|title }} [{{ x|trim }}] {{ y|capitalize }} {{ y|upper }}"],
                        [{"x": x, "y": y} for x, y in
                         [(" ab ", "đà lạt"), ("Straße ǆ", NFD), (" &<> ", "ﬁ ǉ"), ("", ""), (NASTY, "x\u0301")]]),
    "textual filters tested": (["{% if x|upper == 'AB' %}yes{% endif %} {{ x|upper|length }} {{ x|upper }}"],
                               [{"x": x} for x in ["ab", "AB", "cd", "ab", "Ab"]]),
    "captured output": (["{% set y %}{{ x }}{% endset %}{{ y|upper }} {{ y }}"],
                        [{"x": x} for x in ["ab", "cd", "ab", NFD]]),
    "macro": (["{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m(x)|upper }} {{ m(x) }}"],
              [{"x": x} for x in ["ab", "cd", "ab"]]),
    "tags in values": (["{{ x }} {{ y }}"], [{"x": x, "y": y} for x, y in
                                           [("{{ a }}", "{%p if %}"), ("}}", "{"), ("{_{", "%_}"), ("a", "b")]]),
    "several paragraphs": (["{%p if s %}", "Có: {{ s }}", "{%p endif %}", "{%p for r in rows %}", "{{ r.v }}",
                            "{%p endfor %}", "Hết {{ t }}"],
                           [{"s": s, "rows": rows, "t": t} for s, rows, t in
                            [("x", ROWS, "1"), ("y", ROWS, "2"), ("", ROWS, "3"), ("z", ROWS[:1], "4"),
                             ("w", ROWS, NASTY)]]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_templates_using_values_render_the_same(tmp_path, case):
    paragraphs, contexts = CASES[case]
    full, batch, renderer = _both(_template(tmp_path, *paragraphs), "thu", contexts, tmp_path)
    assert _differing(full, batch) == []
    stats = renderer.slot_stats("thu")
    assert stats.slot + stats.full == len(contexts)
    if case in ("captured output", "macro"):
        assert stats.slot == 0 and any("capture printed output" in r for r in stats.reasons)
    if case in ("compare", "printed only", "rows", "several paragraphs", "filters", "textual filters"):
        assert stats.slot > 0, stats                     # values only printed still come from frames


def _raw_template(tmp_path: Path, paragraph_xml: str) -> Path:
    """A template whose one paragraph is ``paragraph_xml`` as it is (attributes, comments)."""
    import re
    import zipfile

    folder = _template(tmp_path, "MARKER")
    path = folder / "thu.docx"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = re.sub(r"<w:p>(?:(?!</w:p>).)*MARKER.*?</w:p>", paragraph_xml, xml).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return folder


def test_values_in_attributes_and_comments(tmp_path):
    attribute = ('<w:p><w:bookmarkStart w:id="0" w:name="{{ x }}"/><w:r><w:t xml:space="preserve">{{ y }}</w:t>'
                 '</w:r><w:bookmarkEnd w:id="0"/></w:p>')
    contexts = [{"x": x, "y": y} for x, y in [("a", "1"), ("b\"'&<>", NASTY), ("", ""), (NFD, "]]"), ("c", ">")]]
    full, batch, renderer = _both(_raw_template(tmp_path / "a", attribute), "thu", contexts, tmp_path / "a")
    assert _differing(full, batch) == [] and renderer.slot_stats("thu").slot == len(contexts) - 1
    comment = '<w:p><!-- {{ x }} --><w:r><w:t>{{ y }}</w:t></w:r></w:p>'
    full, batch, renderer = _both(_raw_template(tmp_path / "c", comment), "thu", contexts, tmp_path / "c")
    assert _differing(full, batch) == []
    stats = renderer.slot_stats("thu")
    assert stats.slot == 0 and stats.reasons["frame: a value inside an XML comment"] == 1


def test_a_template_whose_shapes_never_repeat_stops_looking_for_frames(tmp_path):
    folder = _template(tmp_path, "{{ x|length }} {{ x }}")
    contexts = [{"x": "a" * (i + 1)} for i in range(slots.MAX_FRAMES + 6)]
    full, batch, renderer = _both(folder, "thu", contexts, tmp_path)
    assert _differing(full, batch) == []
    stats = renderer.slot_stats("thu")
    # the second document makes the frame that finds x static; then every document is a shape of its own
    assert stats.slot == 1 and stats.reasons["first document of its shape"] == slots.MAX_FRAMES
    assert sum(n for why, n in stats.reasons.items() if "seldom repeat" in why) == 5


def test_escaping_filters_that_break_the_xml_fail_on_both_paths(tmp_path):
    folder = _template(tmp_path, "{{ x|safe }} {{ y }}")
    contexts = [{"x": "<b>", "y": "1"}, {"x": "<b>", "y": "2"}]
    with pytest.raises(DocumentError) as slot_error:
        list(Renderer(folder).render_many("thu", ((c, tmp_path / f"{i}.docx") for i, c in enumerate(contexts))))
    with pytest.raises(DocumentError) as full_error:
        Renderer(folder, slots=False).render("thu", contexts[0], tmp_path / "f.docx")
    assert str(slot_error.value) == str(full_error.value)


def test_an_undefined_value_fails_on_both_paths(tmp_path):
    folder = _template(tmp_path, "{{ x }} {{ thieu }}")
    with pytest.raises(DocumentError, match="thieu"):
        list(Renderer(folder).render_many("thu", ((({"x": str(i)}), tmp_path / f"{i}.docx") for i in range(3))))


# --- one durable sync per batch ---------------------------------------------------------------------
def test_sync_all_makes_files_durable_at_once_or_fsyncs_each(tmp_path, monkeypatch):
    files = []
    for i in range(5):
        path = tmp_path / f"d{i % 2}" / f"{i}.docx"
        staging.write_atomic(path, b"x" * i, durable=False)
        files.append(path)
    calls: list[int] = []
    real_fsync = staging.os.fsync
    monkeypatch.setattr(staging.os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    staging.sync_all(tmp_path, [*files, tmp_path / "gone.docx"])
    if staging._syncfs() is not None:
        assert calls == []                                       # one syncfs, no fsync
    monkeypatch.setattr(staging, "_syncfs", lambda: None)        # no syncfs: each file, each folder
    staging.sync_all(tmp_path, [*files, tmp_path / "gone.docx"])
    assert len(calls) == 5 + 2


def test_sync_all_reports_a_write_error(tmp_path, monkeypatch):
    import ctypes

    def failing(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(staging, "_syncfs", lambda: failing)
    with pytest.raises(OSError, match="syncfs"):
        staging.sync_all(tmp_path, [])


# --- the zip written without zipfile ----------------------------------------------------------------
@pytest.mark.parametrize("name", FAST)
def test_the_zip_tail_writes_what_zipfile_writes(name, tmp_path):
    from ocop.documents import renderer as r

    prepared = Renderer(TEMPLATES)._prepare(name)
    fast = prepared.fast
    assert fast.tail is not None                            # checked against zipfile when prepared
    outputs = Renderer._render_parts(prepared, {**sample(name), DATE_KEY: "2021-03-04"})
    outputs.append((fast.core_name, b"<core/>" * 40))
    for when in ((2021, 3, 4, 0, 0, 0), (2026, 10, 20, 17, 45, 31)):
        assert fast.tail.append(outputs, when) == r._append_zipfile(fast.prefix, outputs, when)
    assert r._ZipTail.checked(fast.prefix + b"x", [n for n, _ in outputs]) is None   # not a plain zip end


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_staged_files_are_synced_then_placed_and_the_moves_made_durable(tmp_path, monkeypatch, syncfs):
    root = tmp_path / "campaign"
    work = staging.Staging(root)
    finals = [root / "03-phieu" / "BN-1" / "a.docx", root / "03-phieu" / "BN-1" / "b.docx", root / "x" / "c.docx"]
    for i, final in enumerate(finals):
        staging.write_atomic(work.path(final), b"%d" % i, durable=False)
    if not syncfs:
        monkeypatch.setattr(staging, "_syncfs", lambda: None)
    synced: list[int] = []
    real_fsync = staging.os.fsync
    monkeypatch.setattr(staging.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    work.sync()
    assert len(synced) == (0 if syncfs else 3 + 2)          # each staged file and each staging folder
    synced.clear()
    work.publish()
    assert [f.read_bytes() for f in finals] == [b"0", b"1", b"2"]
    assert not (root / staging.STAGING).exists()
    # fsync-each: the folders receiving a file and the ones above them, up to the campaign's
    assert len(synced) == (0 if syncfs else 4)               # BN-1, 03-phieu, x, the campaign
