"""Renderer internals: the Jinja sandbox and the fast path (compiled once, prebuilt zip) against
the docxtpl path it replaces."""

from __future__ import annotations

import hashlib
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from ocop.documents import conformance
from ocop.documents.renderer import Renderer
from ocop.documents.samples import SAMPLES, sample
from ocop.errors import DocumentError

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
RENDERABLE = sorted(n for n in SAMPLES if (TEMPLATES / f"{n}.docx").exists())


def texts(path: Path) -> list[str]:
    """Text of every paragraph (tables too), with line breaks and tabs: body, headers, footers."""
    def para(p) -> str:
        out = []
        for el in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            out.append(el.text or "" if el.tag == qn("w:t") else "\n" if el.tag == qn("w:br") else "\t")
        return "".join(out)

    doc = Document(str(path))
    lines = [para(p) for p in doc.element.body.iter(qn("w:p"))]
    for rel in sorted(doc.part.rels.values(), key=lambda r: str(r.target_ref)):
        if rel.reltype.endswith(("/header", "/footer")):
            lines += [para(p) for p in rel.target_part.element.iter(qn("w:p"))]
    return lines


def core(path: Path) -> dict[str, str]:
    cp = Document(str(path)).core_properties
    return {k: getattr(cp, k) for k in ("title", "subject", "author", "identifier", "language",
                                        "keywords", "category", "last_modified_by")}


@pytest.fixture(scope="module")
def fast() -> Renderer:
    return Renderer(TEMPLATES)


@pytest.fixture(scope="module")
def reference() -> Renderer:
    return Renderer(TEMPLATES, fast=False)


def make_template(tmp_path: Path, *body: str, header: str | None = None, name: str = "thu") -> Path:
    """A template built on the fly with python-docx, in its own directory."""
    doc = Document()
    for text in body:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    d = tmp_path / "tpl"
    d.mkdir(exist_ok=True)
    doc.save(str(d / f"{name}.docx"))
    return d


# --- sandbox ----------------------------------------------------------------------------------
ATTACKS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ ds.append('x') }}",
    "{{ ds.pop() }}",
    "{{ tv.update({'ho_ten': 'x'}) }}",
    "{% for i in range(10**7) %}x{% endfor %}",
]


@pytest.mark.parametrize("use_fast", [True, False], ids=["fast", "docxtpl"])
@pytest.mark.parametrize("payload", ATTACKS)
def test_sandbox_blocks_internals_and_mutation(tmp_path, payload, use_fast):
    r = Renderer(make_template(tmp_path, "Tên: {{ tv.ho_ten }}", payload, name="mau_doc"),
                 fast=use_fast)
    ds, tv = ["a", "b"], {"ho_ten": "Nguyễn Văn A"}
    out = tmp_path / "out" / "x.docx"
    with pytest.raises(DocumentError, match=r"Mẫu văn bản 'mau_doc'.*(không được phép|quá lớn)"):
        r.render("mau_doc", {"ds": ds, "tv": tv}, out)
    assert ds == ["a", "b"] and tv == {"ho_ten": "Nguyễn Văn A"}          # context untouched
    assert not out.exists() and (not out.parent.exists() or not any(out.parent.iterdir()))


@pytest.mark.parametrize("use_fast", [True, False], ids=["fast", "docxtpl"])
def test_sandbox_still_renders_ordinary_templates(tmp_path, use_fast):
    r = Renderer(make_template(tmp_path, "{{ ds|join(', ') }} - {{ tv.ho_ten|upper }} - "
                               "{{ tv['ho_ten'] }} - {{ ds|length }} - {{ d.items()|list|length }}"),
                 fast=use_fast)
    out = tmp_path / "x.docx"
    r.render("thu", {"ds": ["a", "b"], "tv": {"ho_ten": "Lê Thị Bình"}, "d": {"k": 1}}, out)
    assert "a, b - LÊ THỊ BÌNH - Lê Thị Bình - 2 - 1" in texts(out)


# --- fast path vs docxtpl -----------------------------------------------------------------------
def test_engine_choice(fast, reference):
    assert fast.engine("phieu_danh_gia") == ("fast", "")
    assert fast.engine("qd_thanh_lap_hoi_dong") == ("fast", "")
    engine, why = fast.engine("bang_tong_hop")                  # {%tc %} column loop
    assert engine == "docxtpl" and "{%tc %}" in why
    assert reference.engine("phieu_danh_gia")[0] == "docxtpl"


@pytest.mark.parametrize("name", RENDERABLE)
def test_fast_path_matches_docxtpl(fast, reference, tmp_path, name):
    ctx = sample(name)
    a, b = tmp_path / "fast.docx", tmp_path / "docxtpl.docx"
    digest = fast.render(name, ctx, a)
    reference.render(name, ctx, b)
    assert digest == hashlib.sha256(a.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docxtpl.docx", "fast.docx"]
    assert texts(a) == texts(b)
    assert core(a) == core(b)
    numbered = "so_ky_hieu" in ctx
    assert conformance.check(a, numbered=numbered) == conformance.check(b, numbered=numbered) == []
    with zipfile.ZipFile(a) as z:                               # a valid, complete package
        assert z.testzip() is None
        names = z.namelist()
        assert len(names) == len(set(names))
        assert set(names) == set(zipfile.ZipFile(b).namelist()) | set(
            zipfile.ZipFile(TEMPLATES / f"{name}.docx").namelist())


def test_blank_score_sheet_fast(fast, reference, tmp_path):
    from ocop.documents.samples import phieu_danh_gia
    blank = phieu_danh_gia(blank=True)
    fast.render("phieu_danh_gia", blank, tmp_path / "a.docx")
    reference.render("phieu_danh_gia", blank, tmp_path / "b.docx")
    assert texts(tmp_path / "a.docx") == texts(tmp_path / "b.docx")
    assert conformance.check(tmp_path / "a.docx", numbered=False) == []


def test_values_escape_newlines_and_nfc(fast, reference, tmp_path):
    ctx = sample("qd_thanh_lap_hoi_dong")
    tricky = 'Sở NN&MT <b>"Hợp tác xã"</b> > 5 & < 3 \'x\''
    ctx["nhiem_vu_hoi_dong"] = f"Dòng một;\nDòng hai: {tricky}"
    ctx["ten_hoi_dong"] = unicodedata.normalize("NFD", "Hội đồng thẩm định")
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    fast.render("qd_thanh_lap_hoi_dong", ctx, a)
    reference.render("qd_thanh_lap_hoi_dong", ctx, b)
    lines = texts(a)
    assert lines == texts(b)
    assert f"1. Hội đồng: Dòng một;\nDòng hai: {tricky}" in lines        # \n -> <w:br/>
    assert any("Thành lập Hội đồng thẩm định (sau đây" in t for t in lines)  # NFC
    assert all(unicodedata.is_normalized("NFC", t) for t in lines)
    xml = zipfile.ZipFile(a).read("word/document.xml").decode()
    assert "Sở NN&amp;MT &lt;b&gt;" in xml and "<w:br/>" in xml


def test_fast_path_core_properties_per_document(fast, tmp_path):
    ctx = sample("qd_thanh_lap_hoi_dong")
    for i, so in enumerate(("18/QĐ-UBND", "19/QĐ-UBND")):
        out = tmp_path / f"{i}.docx"
        fast.render("qd_thanh_lap_hoi_dong", ctx | {"so_ky_hieu": so}, out)
        cp = Document(str(out)).core_properties
        assert cp.identifier == so and ctx["trich_yeu"] in cp.title
        assert cp.author == ctx["co_quan_ban_hanh"] and cp.language == "vi-VN"
        assert f"Số: {so}" in texts(out)
        assert "custom-properties" not in zipfile.ZipFile(out).read("docProps/core.xml").decode()


@pytest.mark.parametrize("use_fast", [True, False], ids=["fast", "docxtpl"])
def test_tags_in_header_are_rendered(tmp_path, use_fast):
    r = Renderer(make_template(tmp_path, "Thân: {{ ten }}", header="Đầu trang: {{ ten|upper }} & co"),
                 fast=use_fast)
    out = tmp_path / "x.docx"
    r.render("thu", {"ten": "Hợp tác xã <A>"}, out)
    lines = texts(out)
    assert "Thân: Hợp tác xã <A>" in lines and "Đầu trang: HỢP TÁC XÃ <A> & co" in lines
    if use_fast:
        assert len(r._cache["thu"][1].fast.parts) == 2                 # body + header compiled


@pytest.mark.parametrize("text", ["Số { { so } }", "Ghi chú {{ ghi_chu"])
def test_fast_path_leftover_tags_fail(tmp_path, text):
    r = Renderer(make_template(tmp_path, "Tiêu đề", text, name="mau_hong"))
    with pytest.raises(DocumentError, match="mau_hong"):
        r.render("mau_hong", {"so": "1", "ghi_chu": "x"}, tmp_path / "o" / "x.docx")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_fast_path_leftover_in_static_header_fails(tmp_path):
    r = Renderer(make_template(tmp_path, "{{ ten }}", header="Đầu trang { { ten } }"))
    assert r.engine("thu")[0] == "fast"
    with pytest.raises(DocumentError, match="còn thẻ chưa xử lý"):
        r.render("thu", {"ten": "x"}, tmp_path / "x.docx")


def test_fast_path_rejects_malformed_xml(tmp_path):
    r = Renderer(make_template(tmp_path, "Ghi chú: {{ ghi_chu|safe }}", name="mau_safe"))
    r.render("mau_safe", {"ghi_chu": "a &amp; b"}, tmp_path / "ok.docx")
    assert "Ghi chú: a & b" in texts(tmp_path / "ok.docx")
    with pytest.raises(DocumentError, match=r"mau_safe.*XML hợp lệ"):
        r.render("mau_safe", {"ghi_chu": "a < b"}, tmp_path / "bad.docx")
    assert not (tmp_path / "bad.docx").exists()


def test_fallback_for_column_loops(tmp_path):
    d = make_template(tmp_path, "x")
    doc = Document()
    t = doc.add_table(rows=2, cols=3)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "{%tc for c in cot %}", "{{ c }}"
    t.rows[0].cells[2].text = "{%tc endfor %}"
    doc.save(str(d / "cot.docx"))
    r = Renderer(d)
    engine, why = r.engine("cot")
    assert engine == "docxtpl" and "{%tc %}" in why
    r.render("cot", {"cot": ["A", "B", "C", "D"]}, tmp_path / "cot.docx")
    assert [c.text for c in Document(str(tmp_path / "cot.docx")).tables[0].rows[0].cells] == list("ABCD")


def test_template_change_is_picked_up(tmp_path):
    d = make_template(tmp_path, "Bản 1: {{ ten }}")
    r = Renderer(d)
    r.render("thu", {"ten": "x"}, tmp_path / "1.docx")
    doc = Document(str(d / "thu.docx"))
    doc.paragraphs[-1].text = "Bản 2 dài hơn: {{ ten }}"
    doc.save(str(d / "thu.docx"))
    r.render("thu", {"ten": "x"}, tmp_path / "2.docx")
    assert "Bản 1: x" in texts(tmp_path / "1.docx") and "Bản 2 dài hơn: x" in texts(tmp_path / "2.docx")


def test_memory_does_not_grow_with_documents(fast, tmp_path):
    ctx = sample("phieu_danh_gia")

    def run(n: int) -> None:
        items = ((ctx, tmp_path / f"p{i % 5}.docx") for i in range(n))
        for _ in fast.render_many("phieu_danh_gia", items):
            pass

    run(20)                                                      # warm up: compile, caches
    tracemalloc.start()
    try:
        run(20)
        base = tracemalloc.get_traced_memory()[0]
        run(300)
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert grown < 256 * 1024, grown


# --- text is text ------------------------------------------------------------------------------
HOSTILE = ["Mật ong {{ rừng }}", "Chè {% if true %}xanh{% endif %}", "Gạo <w:p>nếp</w:p>", "Vải ]]> thiều",
           "Na {# dai #} }} {{", "Miến {_{ dong }_}", "Rượu { { men } }"]


@pytest.mark.parametrize("use_fast", [True, False], ids=["fast", "docxtpl"])
def test_a_value_that_looks_like_a_tag_is_printed_as_it_is(tmp_path, use_fast):
    r = Renderer(make_template(tmp_path, "Sản phẩm: {{ ten }}", header="Đầu trang: {{ ten }}"), fast=use_fast)
    for i, name in enumerate(HOSTILE):
        out = tmp_path / f"{i}.docx"
        r.render("thu", {"ten": name}, out)
        lines = texts(out)
        assert f"Sản phẩm: {name}" in lines and f"Đầu trang: {name}" in lines
        xml = zipfile.ZipFile(out).read("word/document.xml").decode()
        assert "\ufdd0" not in xml and "\ufdd1" not in xml


def test_a_value_that_looks_like_a_tag_in_a_column_loop_is_printed_as_it_is(tmp_path):
    d = make_template(tmp_path, "x")
    doc = Document()
    t = doc.add_table(rows=2, cols=3)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "{%tc for c in cot %}", "{{ c }}"
    t.rows[0].cells[2].text = "{%tc endfor %}"
    doc.save(str(d / "cot.docx"))
    r = Renderer(d)
    r.render("cot", {"cot": HOSTILE[:4]}, tmp_path / "cot.docx")
    assert [c.text for c in Document(str(tmp_path / "cot.docx")).tables[0].rows[0].cells] == HOSTILE[:4]


def test_the_templates_own_leftover_is_still_refused_beside_a_value_with_braces(tmp_path):
    r = Renderer(make_template(tmp_path, "Sản phẩm: {{ ten }}", "Số { { so } }", name="mau_hong"))
    with pytest.raises(DocumentError, match=r"còn thẻ chưa xử lý.*Số \{ \{ so \} \}"):
        r.render("mau_hong", {"ten": "Mật ong {{ rừng }}", "so": "1"}, tmp_path / "x.docx")
