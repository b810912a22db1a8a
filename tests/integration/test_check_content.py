"""`ocop documents check` reads what the documents say: each content rule passes a rendered sample and
fails a copy broken the way the issue found the documents (issue 11)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from typer.testing import CliRunner, Result

from flows.cli import app
from ocop.documents import pdf
from ocop.documents.renderer import Renderer
from ocop.documents.samples import sample
from tests.conftest import REPO

needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")


def _render(tmp_path: Path, kind: str, name: str | None = None) -> Path:
    out = tmp_path / f"{name or kind}.docx"
    Renderer(REPO / "templates").render(kind, sample(kind), out)
    return out


def _edit(src: Path, dst: Path, replace: dict[str, str]) -> Path:
    """A copy of ``src`` whose paragraphs starting with each key read the key's value instead."""
    doc = Docx(str(src))
    body = doc.element.body
    done = set()
    for p in body.iter(qn("w:p")):
        runs = list(p.iter(qn("w:t")))
        text = "".join(t.text or "" for t in runs)
        for start, new in replace.items():
            if runs and text.startswith(start):
                runs[0].text = new
                for t in runs[1:]:
                    t.text = ""
                done.add(start)
    assert done == set(replace), set(replace) - done
    doc.save(str(dst))
    return dst


def _run(*paths: Path, pdf_pages: bool = False) -> Result:
    args = ["documents", "check", *map(str, paths)] + ([] if pdf_pages else ["--no-pdf"])
    return CliRunner().invoke(app, args)


def _check(*paths: Path, pdf_pages: bool = False) -> tuple[int, list[str]]:
    result = _run(*paths, pdf_pages=pdf_pages)
    return result.exit_code, result.stdout.splitlines()


def _findings(lines: list[str], rule: str) -> list[str]:
    return [line for line in lines if line.startswith("  - ") and f": {rule}" in line]


DECISION_DATE = "Lục Nam, ngày 05 tháng 9 năm 2020"          # the sample decision's place-and-date line
PLAN_BASIS = "Căn cứ Kế hoạch số 45/KH-UBND"


def test_a_text_cited_after_the_documents_date(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    code, lines = _check(good)
    assert code == 0 and lines == [f"{good}: đạt"]
    bad = _edit(good, tmp_path / "sau-ngay.docx", {DECISION_DATE: "Lục Nam, ngày 07 tháng 01 năm 2020"})
    code, lines = _check(bad)
    assert code == 1
    found = _findings(lines, "Dẫn văn bản ban hành sau ngày của văn bản")
    assert found == ["  - sau-ngay.docx: Dẫn văn bản ban hành sau ngày của văn bản: «Kế hoạch số 45/KH-UBND ngày 10 "
                     "tháng 3 năm 2020» ban hành sau ngày của chính văn bản (07/01/2020)."]


def test_a_campaign_document_cited_without_number_or_date(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    numbered = _edit(good, tmp_path / "co-so.docx", {PLAN_BASIS: (
        "Căn cứ Quyết định số 18/QĐ-UBND ngày 07/01/2020 của Chủ tịch UBND huyện Lục Nam về việc thành lập "
        "Hội đồng; Quyết định số 01/QĐ-HĐOCOP ngày 21/5/2020 của Hội đồng về việc ban hành Quy chế hoạt động "
        "của Hội đồng; Biên bản họp Hội đồng số 03/BB-HĐOCOP ngày 20/8/2020;")})
    assert _check(numbered)[0] == 0
    bad = _edit(good, tmp_path / "khong-so.docx", {PLAN_BASIS: (
        "Căn cứ Quyết định thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020; "
        "Biên bản họp Hội đồng ngày 20/8/2020; Căn cứ kết quả đánh giá, phân hạng của Hội đồng;")})
    code, lines = _check(bad)
    assert code == 1
    found = _findings(lines, "Dẫn văn bản không có số hoặc ngày")
    assert [f.split("» — ")[-1] for f in found] == [
        "thiếu số và ngày.", "thiếu số.", "kết quả của Hội đồng phải dẫn biên bản có số và ngày."], found
    assert "«Căn cứ Quyết định thành lập Hội đồng" in found[0]


def test_a_summary_table_attached_without_its_date(tmp_path: Path) -> None:
    good = _render(tmp_path, "to_trinh_de_nghi_tinh")
    assert not _findings(_check(good)[1], "Dẫn văn bản không có số hoặc ngày")
    bad = _edit(good, tmp_path / "bang-khong-ngay.docx", {"- Bảng tổng hợp": (
        "- Bảng tổng hợp kết quả đánh giá, phân hạng;")})
    code, lines = _check(bad)
    assert code == 1
    assert _findings(lines, "Dẫn văn bản không có số hoặc ngày") == [
        "  - bang-khong-ngay.docx: Dẫn văn bản không có số hoặc ngày: «Bảng tổng hợp kết quả đánh giá, phân hạng» "
        "— thiếu ngày."]


def test_a_basis_cited_twice(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    bad = _edit(good, tmp_path / "hai-lan.docx", {PLAN_BASIS: (
        "Căn cứ Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ;")})
    code, lines = _check(bad)
    assert code == 1
    assert _findings(lines, "Căn cứ bị dẫn hai lần") == [
        "  - hai-lan.docx: Căn cứ bị dẫn hai lần: «1048/QĐ-TTg» được dẫn 2 lần trong phần căn cứ."]
    assert not _findings(_check(good)[1], "Căn cứ bị dẫn hai lần")


def test_a_product_code_where_a_certificate_number_belongs(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_cong_nhan")
    assert not _findings(_check(good)[1], "Nội dung sai loại")
    doc = Docx(str(good))
    table = next(t for t in doc.tables if "Số giấy chứng nhận" in [c.text for c in t.rows[0].cells])
    col = [c.text for c in table.rows[0].cells].index("Số giấy chứng nhận")
    cell = table.rows[1].cells[col]
    cell.paragraphs[0].runs[0].text = "LN-03"
    for run in cell.paragraphs[0].runs[1:]:
        run.text = ""
    bad = tmp_path / "ma-san-pham.docx"
    doc.save(str(bad))
    code, lines = _check(bad)
    assert code == 1
    assert _findings(lines, "Nội dung sai loại") == [
        "  - ma-san-pham.docx: Nội dung sai loại: cột «Số giấy chứng nhận» chứa «LN-03», không phải số, ký hiệu "
        "văn bản (ví dụ 21/GCN-UBND)."]


def test_a_sentence_where_the_end_time_belongs(tmp_path: Path) -> None:
    good = _render(tmp_path, "bien_ban_hop_hoi_dong")
    code, lines = _check(good)
    assert code == 0, lines
    bad = _edit(good, tmp_path / "ket-thuc.docx", {"Cuộc họp kết thúc": (
        "Cuộc họp kết thúc vào hồi Cuộc họp kết thúc vào ngày 20/10/2020; biên bản đã được thông qua.; "
        "biên bản đã được đọc lại và thông qua tại cuộc họp./.")})
    code, lines = _check(bad)
    assert code == 1
    found = [f.split(": Nội dung sai loại: ")[1] for f in _findings(lines, "Nội dung sai loại")]
    assert found == [
        "sau «vào hồi» phải là giờ (ví dụ 11 giờ 30 phút): «vào hồi Cuộc họp kết thúc vào ngày 20/10/2020; biên "
        "bản đã được thông qua.; biên bản đã đ…».",
        "cụm từ «Cuộc họp kết thúc vào» lặp lại: «Cuộc họp kết thúc vào hồi Cuộc họp kết thúc vào».",
        "câu bị ghép sai dấu «.;»: «ày 20/10/2020; biên bản đã được thông qua.; biên bản đã được đọc lại và th».",
    ]


def test_a_folder_is_checked_file_by_file(tmp_path: Path) -> None:
    folder = tmp_path / "ho-so"
    folder.mkdir()
    _render(folder, "qd_thanh_lap_hoi_dong", "a")
    _edit(folder / "a.docx", folder / "b.docx", {DECISION_DATE: "Lục Nam, ngày 07 tháng 01 năm 2020"})
    (folder / "~$a.docx").write_bytes(b"Word's lock file")
    code, lines = _check(folder)
    assert code == 1
    assert lines[0] == f"{folder / 'a.docx'}: đạt" and lines[1] == f"{folder / 'b.docx'}: 1 lỗi"
    assert len(lines) == 3


# --- page rules, from the PDF LibreOffice makes ------------------------------------------------------
@needs_soffice
def test_a_page_holding_only_the_signature(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    doc = Docx(str(good))
    closing = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    brk = copy.deepcopy(doc.paragraphs[-1]._p)
    closing._tbl.addprevious(brk)
    from docx.text.paragraph import Paragraph

    Paragraph(brk, doc._body).add_run().add_break(WD_BREAK.PAGE)
    bad = tmp_path / "trang-chu-ky.docx"
    doc.save(str(bad))
    result = _run(good, bad, pdf_pages=True)
    assert result.exit_code == 1
    assert result.stderr == "Đang tạo bản PDF của 2 tệp bằng LibreOffice để kiểm tra trang…\n"
    lines = result.stdout.splitlines()
    assert lines[0] == f"{good}: đạt"
    found = _findings(lines, "Trang chỉ có chữ ký (PDF)")
    assert len(found) == 1 and found[0].startswith(
        "  - trang-chu-ky.docx: Trang chỉ có chữ ký (PDF): trang 3 chỉ có nơi nhận và chữ ký, không có nội dung: "
        "«3 Nơi nhận"), found
    assert not (tmp_path / "trang-chu-ky.pdf").exists()     # made in a temporary folder, not left beside it


@needs_soffice
def test_a_table_row_taller_than_a_page(tmp_path: Path) -> None:
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    doc = Docx(str(good))
    members = next(t for t in doc.tables if t.style is not None and t.style.name == "Table Grid")
    members.rows[2].cells[2].paragraphs[0].add_run(" " + " ".join(f"nhiệm vụ kiêm nhiệm số {i}" for i in range(250)))
    bad = tmp_path / "dong-dai.docx"
    doc.save(str(bad))
    pdf.to_pdf([good, bad])        # PDFs beside the files, newer than them: used as they are
    code, lines = _check(good, bad, pdf_pages=True)
    assert code == 1 and lines[0] == f"{good}: đạt"
    found = _findings(lines, "Dòng bảng dài hơn một trang (PDF)")
    assert len(found) == 1 and "dòng này dài hơn một trang: «2 " in found[0], lines


def test_without_libreoffice_the_page_rules_are_skipped_with_a_note(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OCOP_SOFFICE", str(tmp_path / "khong-co-soffice"))
    good = _render(tmp_path, "qd_thanh_lap_hoi_dong")
    code, lines = _check(good, pdf_pages=True)
    assert code == 0
    assert lines[0] == f"{good}: đạt"
    assert lines[1].startswith("Ghi chú: Bỏ qua các quy tắc về trang (PDF) cho 1 tệp chưa có bản PDF: "
                               "Không tạo được bản PDF: chưa cài LibreOffice")
