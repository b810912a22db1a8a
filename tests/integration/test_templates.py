"""Every DOCX template renders its sample context into a Decree 30 conformant document."""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from ocop.documents import build_templates, conformance
from ocop.documents import decree30 as D
from ocop.documents.renderer import Renderer
from ocop.documents.samples import SAMPLES, TRICKY, phieu_danh_gia, sample
from ocop.errors import DocumentError

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NUMBERED = {"qd_thanh_lap_hoi_dong", "giay_moi_hop_hoi_dong", "bien_ban_hop_hoi_dong",
            "to_trinh_de_nghi_tinh", "ke_hoach", "qd_ban_hanh_quy_che", "thong_bao_kiem_tra_ho_so",
            "qd_cong_nhan", "giay_chung_nhan", "thong_bao_ket_qua", "bao_cao_danh_gia_so_bo"}
TITLES = {
    "ke_hoach": "KẾ HOẠCH",
    "bao_cao_danh_gia_so_bo": "BÁO CÁO",
    "qd_ban_hanh_quy_che": "QUYẾT ĐỊNH",
    "thong_bao_kiem_tra_ho_so": "THÔNG BÁO",
    "qd_cong_nhan": "QUYẾT ĐỊNH",
    "giay_chung_nhan": "GIẤY CHỨNG NHẬN",
    "thong_bao_ket_qua": "THÔNG BÁO",
    "qd_thanh_lap_hoi_dong": "QUYẾT ĐỊNH",
    "giay_moi_hop_hoi_dong": "GIẤY MỜI",
    "phieu_danh_gia": "PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
    "bang_tong_hop": "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
    "bien_ban_hop_hoi_dong": "BIÊN BẢN",
    "to_trinh_de_nghi_tinh": "TỜ TRÌNH",
}
# a value with '&', '<' or '>' printed by each sample, and how it must appear in the XML; the
# Kế hoạch sample is the founding plan verbatim, whose only such character is '&'
TRICKY_XML = "HTX Nông nghiệp &amp; Dịch vụ &lt;Thanh Lâm&gt;"
ESCAPED = {"ke_hoach": ("Sở Nông nghiệp & PTNT;", "Sở Nông nghiệp &amp; PTNT;")}


def texts(path: Path) -> list[str]:
    """Text of every paragraph: body, tables (nested too) and headers."""
    doc = Document(str(path))
    out = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/header"):
            out += ["".join(t.text or "" for t in p.iter(qn("w:t")))
                    for p in rel.target_part.element.iter(qn("w:p"))]
    return out


def signers(name: str, ctx: dict) -> list[str]:
    if name == "bien_ban_hop_hoi_dong":
        return [ctx["chu_tri"]["ho_ten"], ctx["thu_ky"]["ho_ten"]]
    if name == "phieu_danh_gia":
        return [ctx["thanh_vien"]["ho_ten"]]
    names = [ctx["chu_ky"]["ho_ten"]]
    return names + ([ctx["nguoi_lap"]["ho_ten"]] if "nguoi_lap" in ctx else [])


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)


def test_every_template_has_a_sample():
    assert {p.stem for p in TEMPLATES.glob("*.docx")} == set(SAMPLES) == set(build_templates.TEMPLATES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_context_is_complete(renderer, name):
    assert renderer.undeclared(name, sample(name)) == set()
    # and the check can fail: drop a key the template uses
    ctx = sample(name)
    del ctx["dia_danh_ngay"]
    assert renderer.undeclared(name, ctx) == {"dia_danh_ngay"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_render_sample(renderer, name, tmp_path):
    ctx = sample(name)
    out = tmp_path / f"{name}.docx"
    digest = renderer.render(name, ctx, out)
    assert digest == hashlib.sha256(out.read_bytes()).hexdigest()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]          # no temp file left over

    lines = texts(out)
    joined = "\n".join(lines)
    tricky, tricky_xml = ESCAPED.get(name, (TRICKY, TRICKY_XML))
    for expected in (TITLES[name], D.QUOC_HIEU, D.TIEU_NGU, ctx["dia_danh_ngay"], tricky,
                     *signers(name, ctx)):
        assert expected in lines or expected in joined, expected
    if name in NUMBERED:
        assert f"Số: {ctx['so_ky_hieu']}" in lines
    else:
        assert not any(t.startswith("Số:") for t in lines)
    if "trich_yeu" in ctx:
        assert ctx["trich_yeu"] in lines
    for line in ctx.get("chu_ky", {}).get("dong", []):
        assert line in lines
    for r in ctx.get("noi_nhan", []):
        assert f"- {r}" in lines
    assert ("Nơi nhận:" in lines) == ("noi_nhan" in ctx)
    # the chủ quản line is printed only when given ({%p if %} leaves no empty paragraph)
    first_cell = Document(str(out)).tables[0].rows[0].cells[0]
    cell_lines = [p.text for p in first_cell.paragraphs]
    expected_head = ([ctx["co_quan_chu_quan"].upper()] if ctx["co_quan_chu_quan"] else []) + [
        ctx["co_quan_ban_hanh"].upper(), ""]
    assert cell_lines == expected_head
    # escaped correctly in the XML, intact in the text
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert tricky_xml in xml
    assert all(unicodedata.is_normalized("NFC", t) for t in lines)

    assert conformance.check(out, numbered=name in NUMBERED) == []

    core = Document(str(out)).core_properties
    assert core.language == "vi-VN"
    assert core.author == ctx["co_quan_ban_hanh"]
    if "trich_yeu" in ctx:
        assert ctx["trich_yeu"] in core.title
    core_xml = zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert "custom-properties" not in core_xml                           # the nsmap 'cp' bug


def test_vang_mat_empty_prints_khong(renderer, tmp_path):
    ctx = sample("bien_ban_hop_hoi_dong") | {"vang_mat": []}
    renderer.render("bien_ban_hop_hoi_dong", ctx, tmp_path / "bb.docx")
    lines = texts(tmp_path / "bb.docx")
    assert "Thành viên vắng mặt: Không." in lines
    assert "Thành viên vắng mặt:" not in lines


def test_blank_score_sheet(renderer, tmp_path):
    blank = phieu_danh_gia(blank=True)
    assert set(blank) == set(sample("phieu_danh_gia"))
    renderer.render("phieu_danh_gia", blank, tmp_path / "p.docx")
    lines = texts(tmp_path / "p.docx")
    assert "☒" not in lines and lines.count("☐") == sum(r["o"] == "☐" for r in blank["dong"])
    assert lines.count("☐") == sum(r["loai"] == "lua_chon" for r in blank["dong"]) > 0
    doc = Document(str(tmp_path / "p.docx"))
    criteria, totals = doc.tables[1], doc.tables[2]
    assert criteria.rows[0].cells[-1].text == "Điểm chấm"
    assert len(criteria.rows) == 1 + len(blank["dong"])
    assert all(row.cells[-1].text == "" for row in criteria.rows[1:])          # no points
    assert totals.rows[0].cells[-1].text == "Điểm chấm"
    assert all(row.cells[-1].text == "" for row in totals.rows[1:])            # nor totals
    assert [c.text for c in totals.rows[-1].cells] == ["", "Tổng điểm", "100", ""]
    assert conformance.check(tmp_path / "p.docx", numbered=False) == []
    # the filled sheet, by contrast, has its points and one ☒ per criterion
    filled = sample("phieu_danh_gia")
    renderer.render("phieu_danh_gia", filled, tmp_path / "f.docx")
    doc = Document(str(tmp_path / "f.docx"))
    assert texts(tmp_path / "f.docx").count("☒") == sum(r["loai"] == "tieu_chi" for r in filled["dong"])
    assert doc.tables[2].rows[-1].cells[-1].text == filled["tong_diem"] != ""


@pytest.mark.parametrize("members", [5, 9])
def test_result_table_spreads_member_columns(renderer, tmp_path, members):
    ctx = sample("bang_tong_hop")
    names = [f"Thành viên số {i}" for i in range(1, members + 1)]
    ctx["thanh_vien"] = names
    for row in ctx["ket_qua"]:
        row["diem_thanh_vien"] = [f"{70 + i},50" for i in range(members)]
    out = tmp_path / "bth.docx"
    renderer.render("bang_tong_hop", ctx, out)
    doc = Document(str(out))
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height                                # landscape
    tbl = doc.tables[1]._tbl
    grid = [int(g.get(qn("w:w"))) for g in tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    template_grid = [int(g.get(qn("w:w"))) for g in
                     Document(str(TEMPLATES / "bang_tong_hop.docx")).tables[1]._tbl.tblGrid
                     .iterchildren(qn("w:gridCol"))]
    assert len(grid) == 9 + members and sum(grid) == sum(template_grid)
    member_cols = grid[3:3 + members]
    assert max(member_cols) - min(member_cols) <= members                 # evenly shared
    assert grid[:3] == template_grid[:3] and grid[-6:] == template_grid[-6:]
    for tr in tbl.iterchildren(qn("w:tr")):                               # tcW agrees with grid
        col = 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.tcPr.find(qn("w:gridSpan"))
            n = int(span.get(qn("w:val"))) if span is not None else 1
            assert int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == sum(grid[col:col + n])
            col += n
        assert col == len(grid)
    lines = texts(out)
    assert all(n in lines for n in names)
    assert conformance.check(out, numbered=False) == []


def test_render_many_compiles_once(renderer, tmp_path):
    base = sample("phieu_danh_gia")
    items = []
    for i in range(5):
        ctx = base | {"thanh_vien": {"ho_ten": f"Thành viên {i}", "chuc_vu": "Ủy viên"}}
        items.append((ctx, tmp_path / f"phieu_{i}.docx"))
    results = list(renderer.render_many("phieu_danh_gia", items))
    assert [p for p, _ in results] == [p for _, p in items]
    assert len({h for _, h in results}) == 5
    prepared = renderer._cache["phieu_danh_gia"][1]
    compiled = dict(prepared.parts)
    list(renderer.render_many("phieu_danh_gia", items[:2]))
    assert prepared.parts == compiled                                     # nothing recompiled
    assert "Thành viên 3" in texts(tmp_path / "phieu_3.docx")


# --- failures -------------------------------------------------------------------------------------
def _broken(tmp_path: Path, text: str) -> Path:
    doc = Document(str(TEMPLATES / "qd_thanh_lap_hoi_dong.docx"))
    doc.add_paragraph(text)
    d = tmp_path / "tpl"
    d.mkdir(exist_ok=True)
    doc.save(str(d / "qd_hong.docx"))
    return d


def test_leftover_open_tag_fails_naming_the_template(tmp_path):
    r = Renderer(_broken(tmp_path, "Ghi chú {{ ghi_chu"))
    out = tmp_path / "out" / "qd.docx"
    with pytest.raises(DocumentError, match="qd_hong"):
        r.render("qd_hong", sample("qd_thanh_lap_hoi_dong") | {"ghi_chu": "x"}, out)
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_undefined_variable_fails_naming_it(tmp_path):
    r = Renderer(_broken(tmp_path, "Ghi chú: {{ bien_khong_co }}"))
    assert r.undeclared("qd_hong", sample("qd_thanh_lap_hoi_dong")) == {"bien_khong_co"}
    with pytest.raises(DocumentError, match=r"qd_hong.*bien_khong_co"):
        r.render("qd_hong", sample("qd_thanh_lap_hoi_dong"), tmp_path / "qd.docx")


def test_missing_key_and_attribute_are_named(renderer, tmp_path):
    out = tmp_path / "qd.docx"
    out.write_bytes(b"old")
    ctx = sample("qd_thanh_lap_hoi_dong")
    del ctx["so_ky_hieu"]
    with pytest.raises(DocumentError, match=r"qd_thanh_lap_hoi_dong.*so_ky_hieu"):
        renderer.render("qd_thanh_lap_hoi_dong", ctx, out)
    ctx = sample("qd_thanh_lap_hoi_dong")
    del ctx["chu_ky"]["ho_ten"]
    with pytest.raises(DocumentError, match="ho_ten"):
        renderer.render("qd_thanh_lap_hoi_dong", ctx, out)
    assert out.read_bytes() == b"old"                                     # never half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qd.docx"]


def test_missing_template(renderer, tmp_path):
    with pytest.raises(DocumentError, match="khong_ton_tai"):
        renderer.render("khong_ton_tai", {}, tmp_path / "x.docx")
    with pytest.raises(DocumentError):
        renderer.render("../templates/qd_thanh_lap_hoi_dong", {}, tmp_path / "x.docx")


def test_conformance_flags_violations(renderer, tmp_path):
    out = tmp_path / "qd.docx"
    renderer.render("qd_thanh_lap_hoi_dong", sample("qd_thanh_lap_hoi_dong"), out)
    doc = Document(str(out))
    from docx.shared import Mm, Pt
    sec = doc.sections[0]
    sec.left_margin, sec.page_height = Mm(20), Mm(279.4)
    sec.first_page_header.paragraphs[0].add_run("1")                      # ignored: no field
    paras = {p.text: p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs}
    paras[D.QUOC_HIEU].runs[0].font.size = Pt(14)
    paras["Lục Nam, ngày 05 tháng 9 năm 2020"].runs[0].text = "Lục Nam, ngày 5 tháng 09 năm 2020"
    paras["Nơi nhận:"].runs[0].font.italic = False
    paras["Số: 18/QĐ-UBND"].runs[0].text = "Số: 18/QĐ - UBND"
    body = doc.add_paragraph(unicodedata.normalize("NFD", "Thành lập Hội đồng {{ x }}"))
    body.runs[0].font.name = "Arial"
    bad = tmp_path / "bad.docx"
    doc.save(str(bad))
    problems = "\n".join(conformance.check(bad))
    for needle in ("không phải A4", "lề trái 20,0 mm", "Quốc hiệu phải cỡ chữ 12,0–13,0 pt",
                   "sai quy tắc", "Nơi nhận phải in nghiêng", "Số, ký hiệu sai định dạng",
                   "NFC", "Còn thẻ mẫu", "Arial"):
        assert needle in problems, needle
    no_number = _no_number(out, tmp_path)
    assert "Thiếu dòng số, ký hiệu văn bản «Số: …»." in conformance.check(no_number)
    assert conformance.check(no_number, numbered=False) == []


def _no_number(src: Path, tmp_path: Path) -> Path:
    doc = Document(str(src))
    for p in doc.tables[0].rows[1].cells[0].paragraphs:
        for r in p.runs:
            r.text = ""
    dst = tmp_path / "no_number.docx"
    doc.save(str(dst))
    return dst


def test_builder_output_renders(tmp_path):
    written = build_templates.build(tmp_path / "tpl")
    assert sorted(p.stem for p in written) == sorted(SAMPLES)
    r = Renderer(tmp_path / "tpl")
    for name in SAMPLES:
        out = tmp_path / f"{name}.docx"
        r.render(name, sample(name), out)
        assert conformance.check(out, numbered=name in NUMBERED) == []
