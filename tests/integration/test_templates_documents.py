"""The Kế hoạch, Quy chế, Thông báo, Quyết định công nhận and Giấy chứng nhận templates: what each
prints from its data, the optional parts, and the layout a reader relies on."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ocop.documents import build_templates, conformance
from ocop.documents.decree30 import ends_document, number_symbol
from ocop.documents.renderer import Renderer
from ocop.documents.samples import TRICKY, sample
from ocop.documents.samples_plan import PUBLISHED_DATE_LINE, ke_hoach

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)


def render(renderer, tmp_path: Path, name: str, ctx: dict) -> Document:
    out = tmp_path / f"{name}.docx"
    renderer.render(name, ctx, out)
    assert conformance.check(out) == []
    return Document(str(out))


def body_paragraphs(doc) -> list[Paragraph]:
    """Top-level body paragraphs with text (not those inside tables)."""
    return [p for p in doc.paragraphs if p.text.strip()]


def cell_lines(doc, table: int, row: int = 0, col: int = 0) -> list[str]:
    return [p.text for p in doc.tables[table].rows[row].cells[col].paragraphs if p.text]


def is_bold(p: Paragraph) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.font.bold for r in runs)


def justified_indented(p: Paragraph) -> bool:
    return (p.style.paragraph_format.alignment == AL.JUSTIFY
            and p.style.paragraph_format.first_line_indent is not None
            and p.style.paragraph_format.first_line_indent > 0)


# --- Kế hoạch -----------------------------------------------------------------------------------
def expected_plan_body(ctx: dict) -> list[str]:
    lines = [ctx["can_cu"], ctx["loi_mo"]]
    for s in ctx["phan"]:
        lines.append(f"{s['so']}. {s['ten'].upper()}")
        for m in s["muc"]:
            lines += ([m["tieu_de"]] if m["tieu_de"] else []) + m["doan"]
    return [*lines, ctx["ket_thuc"]]


def test_plan_prints_its_sections_in_order(renderer, tmp_path):
    ctx = sample("ke_hoach")
    doc = render(renderer, tmp_path, "ke_hoach", ctx)
    paras = body_paragraphs(doc)
    texts = [p.text for p in paras]
    start = texts.index(ctx["trich_yeu"]) + 1
    assert texts[start:] == expected_plan_body(ctx)
    by_text = dict(zip(texts, paras, strict=True))
    headings = [f"{s['so']}. {s['ten'].upper()}" for s in ctx["phan"]]
    assert headings == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. KINH PHÍ THỰC HIỆN",
                        "IV. TỔ CHỨC THỰC HIỆN"]
    subheadings = [m["tieu_de"] for s in ctx["phan"] for m in s["muc"] if m["tieu_de"]]
    for t in headings + subheadings:
        assert is_bold(by_text[t]), t
    for m in (m for s in ctx["phan"] for m in s["muc"]):
        for d in m["doan"]:
            assert not is_bold(by_text[d]) and justified_indented(by_text[d]), d[:40]
    assert texts[-1].endswith("năm 2020./.")


def test_plan_recipients_and_electronic_copies(renderer, tmp_path):
    ctx = sample("ke_hoach")
    doc = render(renderer, tmp_path, "ke_hoach", ctx)
    left = doc.tables[-1].rows[0].cells[0].paragraphs
    assert [p.text for p in left] == (["Nơi nhận:"] + [f"- {r}" for r in ctx["noi_nhan"]]
                                      + ["Bản điện tử:"] + [f"- {r}" for r in ctx["ban_dien_tu"]])
    label = next(p for p in left if p.text == "Bản điện tử:")
    assert label.runs[0].font.italic and not label.runs[0].font.bold
    assert cell_lines(doc, -1, col=1) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lương Thế Tuấn"]
    # no electronic copies: no label either
    doc = render(renderer, tmp_path, "ke_hoach", ctx | {"ban_dien_tu": []})
    assert cell_lines(doc, -1) == ["Nơi nhận:"] + [f"- {r}" for r in ctx["noi_nhan"]]


def test_plan_as_published_and_escaping(renderer, tmp_path):
    """The founding plan leaves number and day blank; the checker's only complaint is that
    blank day (a known limit of conformance.check for drafts with a known month)."""
    ctx = ke_hoach(as_published=True)
    out = tmp_path / "kh.docx"
    renderer.render("ke_hoach", ctx, out)
    doc = Document(str(out))
    assert cell_lines(doc, 0, 1, 0) == ["Số:      /KH-UBND"]
    assert cell_lines(doc, 0, 1, 1) == [PUBLISHED_DATE_LINE]
    assert all(PUBLISHED_DATE_LINE in p for p in conformance.check(out))
    ctx = sample("ke_hoach")
    ctx["phan"][0]["muc"][0]["doan"].append(f"- {TRICKY} > 3 & < 5.")
    doc = render(renderer, tmp_path, "ke_hoach", ctx)
    assert f"- {TRICKY} > 3 & < 5." in [p.text for p in doc.paragraphs]


# --- Quyết định ban hành Quy chế -------------------------------------------------------------------
def test_quy_che_follows_the_decision_on_its_own_pages(renderer, tmp_path):
    ctx = sample("qd_ban_hanh_quy_che")
    doc = render(renderer, tmp_path, "qd_ban_hanh_quy_che", ctx)
    texts = [p.text for p in body_paragraphs(doc)]
    for i, d in enumerate(ctx["dieu"], 1):
        assert f"Điều {i}. {ends_document(d) if i == len(ctx['dieu']) else d}" in texts
    assert texts[texts.index(ctx["tham_quyen"]) + len(ctx["can_cu"]) + 1] == "QUYẾT ĐỊNH:"
    # the Quy chế: a second section starting a new page, numbered again from 1
    assert len(doc.sections) == 2
    sect2 = doc.sections[1]._sectPr
    assert sect2.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert sect2.find(qn("w:type")) is None or sect2.find(qn("w:type")).get(qn("w:val")) == "nextPage"
    assert doc.sections[1].different_first_page_header_footer
    q = texts.index("QUY CHẾ")
    kem_theo = (f"(Ban hành kèm theo Quyết định số {ctx['so_ky_hieu']} {ctx['kem_theo']})")
    assert kem_theo == ("(Ban hành kèm theo Quyết định số 01/QĐ-HĐOCOP ngày 21/5/2020 của Hội đồng "
                        "đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam)")
    assert texts[q + 1: q + 3] == [ctx["quy_che_trich_yeu"], kem_theo]
    paras = {p.text: p for p in body_paragraphs(doc)}
    assert paras[kem_theo].runs[0].font.italic
    for c in ctx["chuong"]:
        i = texts.index(c["so"])
        assert texts[i + 1] == c["ten"].upper()
        assert paras[c["so"]].alignment == AL.CENTER and is_bold(paras[c["so"]])
        for d in c["dieu"]:
            head = f"Điều {d['so']}. {d['ten']}"
            assert is_bold(paras[head])
            j = texts.index(head)
            assert texts[j + 1: j + 1 + len(d["khoan"])] == d["khoan"]
            assert not any(is_bold(paras[k]) for k in d["khoan"])
    # order in the body: decision, its signature + Nơi nhận, section break, the Quy chế with
    # its own header and the same signer again (without Nơi nhận)
    order = []
    for el in doc.element.body:
        if el.tag == qn("w:tbl"):
            order.append("|".join(t.text for t in el.iter(qn("w:t"))))
        elif el.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            order.append("<section break>")
        elif "".join(t.text for t in el.iter(qn("w:t"))) == "QUY CHẾ":
            order.append("QUY CHẾ")
    name = ctx["chu_ky"]["ho_ten"]
    signed = [i for i, x in enumerate(order) if x.endswith(name)]
    brk, head = order.index("<section break>"), order.index("QUY CHẾ")
    assert len(signed) == 2 and signed[0] < brk < head < signed[1]
    assert order[signed[0]].startswith("Nơi nhận:") and "Nơi nhận:" not in order[signed[1]]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in order[head - 1] and "Số:" not in order[head - 1]


def test_quy_che_cites_the_number_printed_on_the_decision(renderer, tmp_path):
    """A draft (no number yet) cites the same blank number; the issued one its number."""
    for number in (None, 7):
        ctx = sample("qd_ban_hanh_quy_che") | {"so_ky_hieu": number_symbol(number, "QĐ", "HĐOCOP")}
        doc = render(renderer, tmp_path, "qd_ban_hanh_quy_che", ctx)
        cited = [p.text for p in doc.paragraphs if p.text.startswith("(Ban hành kèm theo")]
        assert cited == [f"(Ban hành kèm theo Quyết định số {ctx['so_ky_hieu']} {ctx['kem_theo']})"]
        assert cell_lines(doc, 0, 1, 0) == [f"Số: {ctx['so_ky_hieu']}"]


# --- Thông báo kết quả kiểm tra hồ sơ -----------------------------------------------------------
def test_dossier_check_notice_with_and_without_supplements(renderer, tmp_path):
    ctx = sample("thong_bao_kiem_tra_ho_so")
    doc = render(renderer, tmp_path, "thong_bao_kiem_tra_ho_so", ctx)
    texts = [p.text for p in body_paragraphs(doc)]
    assert f"Kính gửi: {ctx['kinh_gui']}" in texts
    products = doc.tables[1]
    assert [c.text for c in products.rows[0].cells][3] == "Kết quả kiểm tra"
    assert [[c.text for c in r.cells] for r in products.rows[1:]] == [
        [s["stt"], s["ten_san_pham"], s["bo_san_pham"], s["ket_qua"], s["ly_do"]]
        for s in ctx["san_pham"]]
    supplements = doc.tables[2]
    assert [[c.text for c in r.cells] for r in supplements.rows[1:]] == [
        [str(i), b["muc"], b["han"]] for i, b in enumerate(ctx["bo_sung"], 1)]
    heading = "Đề nghị chủ thể bổ sung, hoàn thiện hồ sơ theo các nội dung sau:"
    assert heading in texts and texts[-1] == ctx["ket_thuc"]
    n_tables = len(doc.tables)
    doc = render(renderer, tmp_path, "thong_bao_kiem_tra_ho_so", ctx | {"bo_sung": []})
    assert heading not in [p.text for p in doc.paragraphs]
    assert len(doc.tables) == n_tables - 1
    assert "Thời hạn nộp" not in {c.text for t in doc.tables for c in t._cells}


# --- Quyết định công nhận ----------------------------------------------------------------------------
def test_recognition_decision(renderer, tmp_path):
    ctx = sample("qd_cong_nhan")
    doc = render(renderer, tmp_path, "qd_cong_nhan", ctx)
    texts = [p.text for p in body_paragraphs(doc)]
    assert f"Điều 1. {ctx['dieu_1']}" in texts
    for i, d in enumerate(ctx["dieu_khac"], 2):
        assert f"Điều {i}. {ends_document(d) if i == len(ctx['dieu_khac']) + 1 else d}" in texts
    assert texts[-1].endswith("./.") and "36 tháng" in ctx["dieu_khac"][0]
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells][-1] == "Số giấy chứng nhận"
    for row, sp in zip(table.rows[1:], ctx["san_pham"], strict=True):
        cells = row.cells
        assert [p.text for p in cells[2].paragraphs] == [sp["chu_the"], sp["dia_chi"]]
        assert [cells[i].text for i in (0, 1, 3, 4, 5, 6)] == [
            sp["stt"], sp["ten_san_pham"], sp["bo_san_pham"], sp["diem_tb"], sp["sao"],
            f"20-0{sp['stt']}/GCN-UBND"]   # numbered with the decision 20/QĐ-UBND
    assert cell_lines(doc, -1, col=1)[:2] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


# --- Giấy chứng nhận ---------------------------------------------------------------------------------
def test_certificate_layout(renderer, tmp_path):
    ctx = sample("giay_chung_nhan")
    doc = render(renderer, tmp_path, "giay_chung_nhan", ctx)
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height                                   # landscape
    borders = sec._sectPr.find(qn("w:pgBorders"))
    assert borders is not None and len(borders) == 4
    assert cell_lines(doc, 0, 1, 0) == [f"Số: {ctx['so_ky_hieu']}"]
    assert cell_lines(doc, 0, 1, 1) == []                                     # date goes below
    texts = [p.text for p in body_paragraphs(doc)]
    assert texts[:4] == ["GIẤY CHỨNG NHẬN", f"SẢN PHẨM OCOP ĐẠT HẠNG {ctx['sao']} SAO",
                         ctx["sao_ky_hieu"], ctx["ten_san_pham"].upper()]
    title = body_paragraphs(doc)[0]
    assert title.runs[0].font.size.pt > 20 and title.alignment == AL.CENTER
    for label, value in (("Chủ thể: ", ctx["chu_the"]), ("Địa chỉ: ", ctx["dia_chi"]),
                         ("Bộ sản phẩm: ", ctx["bo_san_pham"]),
                         ("Điểm đánh giá trung bình: ", f"{ctx['diem_tb']} điểm")):
        assert label + value in texts
    left, right = cell_lines(doc, -1), cell_lines(doc, -1, col=1)
    assert left == [f"Được công nhận theo {ctx['quyet_dinh']}.",
                    f"Giấy chứng nhận có giá trị đến {ctx['hieu_luc_den']}."]
    assert right == [ctx["dia_danh_ngay"], *ctx["chu_ky"]["dong"], ctx["chu_ky"]["ho_ten"]]
    assert not any("Nơi nhận" in t.text for t in doc.element.body.iter(qn("w:t")))


# --- Thông báo kết quả đánh giá ---------------------------------------------------------------------
def test_result_notice_tables(renderer, tmp_path):
    ctx = sample("thong_bao_ket_qua")
    doc = render(renderer, tmp_path, "thong_bao_ket_qua", ctx)
    sp = ctx["san_pham"]
    texts = [p.text for p in body_paragraphs(doc)]
    assert f"Tên sản phẩm: {sp['ten_san_pham']}; bộ sản phẩm: {sp['bo_san_pham']}." in texts
    assert f"Điểm trung bình: {sp['diem_tb']} điểm; hạng: {sp['sao']}{sp['sao_cua']}. Kết quả: {sp['ket_qua']}" in texts
    parts = "; ".join(f"Phần {p['phan']} ({p['ten']}) {p['diem_tb']}/{p['toi_da']}" for p in ctx["phan"])
    assert f"Điểm trung bình theo từng phần: {parts}; tổng {sp['diem_tb']}/{ctx['diem_toi_da']} điểm." in texts
    doc = render(renderer, tmp_path, "thong_bao_ket_qua", ctx | {"diem_toi_da": "90"})   # the edition's maximum
    assert any(p.text.endswith(f"tổng {sp['diem_tb']}/90 điểm.") for p in body_paragraphs(doc))
    lost = doc.tables[1]
    assert [[c.text for c in r.cells] for r in lost.rows[1:]] == [
        [t["ma"], t["tieu_chi"], t["toi_da"], t["diem_tb"], t["mat"]] for t in ctx["mat_diem"]]
    n_tables = len(doc.tables)
    doc = render(renderer, tmp_path, "thong_bao_ket_qua", ctx | {"mat_diem": []})
    assert len(doc.tables) == n_tables - 1
    assert not any("bị trừ" in p.text for p in doc.paragraphs)


# --- builder ------------------------------------------------------------------------------------------
def test_builds_are_reproducible(tmp_path, capsys):
    assert build_templates.main([str(tmp_path / "a")]) == 0             # the CLI builds them all
    first = sorted((tmp_path / "a").glob("*.docx"))
    assert capsys.readouterr().out.split() == [str(tmp_path / "a" / f"{n}.docx")
                                               for n in build_templates.TEMPLATES]
    second = sorted(build_templates.build(tmp_path / "b"))
    assert len(first) == len(build_templates.TEMPLATES) == 13
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        core = zipfile.ZipFile(a).read("docProps/core.xml").decode()
        assert "2020-01-01T00:00:00Z" in core
