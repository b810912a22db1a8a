"""Pages that hold together, measured on the PDFs LibreOffice makes of the rendered documents:
one-page notices fit one page, the sample's summary table fits 2 landscape pages, and no page
carries only "Nơi nhận" and a signature (the last paragraph of the body goes with them)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from ocop.documents import pdf
from ocop.rules.criteria import load_set
from ocop.services import stages
from tests.conftest import SAMPLE

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")
pytestmark = pytest.mark.skipif(pdf.soffice() is None,
                                reason="LibreOffice (soffice) is not installed: " + pdf.INSTALL_HINT)

CODE = "luc-nam-2020"
MEMBERS = ["Lương Thế Tuấn", "Nguyễn Văn Hùng", "Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan",
           "Hoàng Minh Đức", "Đỗ Văn Quyết"]


def pages(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


def signature_only_pages(texts: list[str]) -> list[int]:
    """Pages (from 1) whose text before "Nơi nhận" is nothing but the page number."""
    bare = []
    for i, text in enumerate(texts, 1):
        if "Nơi nhận" in text:
            before = text.split("Nơi nhận")[0].strip()
            if before in ("", str(i)):
                bare.append(i)
    return bare


def _issued(settings, code: str, kind: str) -> list:
    return [d for d in stages.documents(settings, code) if d.kind == kind and d.status == "issued"]


def test_result_notices_fit_one_page_and_the_summary_table_two(sqlite_settings) -> None:
    with_pdf = sqlite_settings       # pages are the subject, not the database: SQLite alone
    sample_campaign = replace(with_pdf, pdf="off")
    stages.set_up(sample_campaign, SAMPLE / "campaign.toml")
    stages.collect(sample_campaign, CODE, SAMPLE / "registrations.csv")
    stages.verify(sample_campaign, CODE)
    stages.schedule(sample_campaign, CODE)
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(with_pdf, CODE)
    notices = _issued(sample_campaign, CODE, "thong_bao_ket_qua")
    [summary] = _issued(sample_campaign, CODE, "bang_tong_hop")
    assert len(notices) == 11
    converted = [Path(d.pdf or "") for d in [*notices, summary]]   # the register's own PDF copies
    for notice in converted[:-1]:
        texts = pages(notice)
        assert len(texts) == 1, f"{notice.name}: {len(texts)} trang"
        assert "TM. HỘI ĐỒNG" in texts[0] and "PHÓ CHỦ TỊCH UBND HUYỆN" in texts[0]
    texts = pages(converted[-1])
    assert len(texts) <= 2
    # the notes sit under the table, numbered; the rows carry only their numbers
    assert "Ghi chú:" in texts[-1] and "(1) Đề nghị cấp trên" in texts[-1]
    assert "TM. HỘI ĐỒNG" in texts[-1] and "Ngô Thị Thu Hằng" in texts[-1]
    # the Tờ trình attaches the minutes and the summary table: both exist as PDF files
    [minutes] = _issued(sample_campaign, CODE, "bien_ban_hop_hoi_dong")
    attached = stages.refer(with_pdf, CODE).attachments
    assert attached == (minutes.pdf, summary.pdf) and all(Path(f).is_file() for f in attached)
    assert str(summary.pdf).endswith("bang_tong_hop.pdf")
    # every numbered document of the sample: no page with only Nơi nhận and a signature
    numbered = [d for d in stages.documents(sample_campaign, CODE) if d.symbol and d.status == "issued"]
    assert len(numbered) == 29
    missing = [Path(d.file) for d in numbered if not d.pdf]
    made = dict(zip(missing, pdf.to_pdf(missing), strict=True))
    for d in numbered:
        path = Path(d.pdf) if d.pdf else made[Path(d.file)]
        assert signature_only_pages(pages(path)) == [], path.name


def _campaign_148(tmp_path: Path, products: int) -> Path:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    path = tmp_path / "ln-148.toml"
    path.write_text(text.replace('edition = "1048/2019"', 'edition = "148/2023"')
                    .replace(f'code = "{CODE}"', 'code = "ln-148"'), encoding="utf-8")
    regs, scores = tmp_path / "dk.csv", tmp_path / "diem.csv"
    with regs.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã",
                      "Xác nhận UBND xã"])
        for i in range(1, products + 1):
            out.writerow([f"T-{i}", f"Vải sấy dẻo loại {i}", "7", f"Hợp tác xã nông nghiệp Bình Sơn số {i}", "HTX",
                          "Bình Sơn", "Có"])
    criteria = load_set("qd148-2023", "7")
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for i in range(1, products + 1):
            for member in MEMBERS:
                for c in criteria.criteria:   # mandatory criteria in full, the rest their least: 68 points, 3★
                    points = sorted(o.points for o in c.options)
                    out.writerow([f"T-{i}", member, c.code, points[-1] if c.requirements else points[0]])
    return path


def test_recognition_decision_keeps_its_last_article_with_the_signature(sqlite_settings, tmp_path: Path) -> None:
    settings = replace(sqlite_settings, pdf="off")
    stages.set_up(settings, _campaign_148(tmp_path, 2))
    stages.collect(settings, "ln-148", tmp_path / "dk.csv")
    stages.verify(settings, "ln-148")
    stages.score(settings, "ln-148", tmp_path / "diem.csv")
    assert [r.outcome for r in stages.rank(settings, "ln-148").ranking] == ["recognised", "recognised"]
    stages.recognise(settings, "ln-148")
    [decision] = _issued(settings, "ln-148", "qd_cong_nhan")
    [converted] = pdf.to_pdf([Path(decision.file)], out_dir=tmp_path / "pdf")
    texts = pages(converted)
    assert signature_only_pages(texts) == []
    assert "Quyết định này./." in texts[-1].split("Nơi nhận")[0]


def test_signature_only_page_is_detected() -> None:
    """The check above can fail: a page that starts with Nơi nhận is reported."""
    assert signature_only_pages(["1\nĐiều 3. … ./.", "2\nNơi nhận:\n- Như Điều 3; KT. CHỦ TỊCH"]) == [2]
    assert signature_only_pages(["1\nĐiều 2 …", "2\nĐiều 3. … ./.\nNơi nhận:"]) == []
