"""What a clerk's review of the documents found, read on the documents' text: the demo (1048/2019) and a 148/2023
campaign (the sample moved to 2024, as tests/integration/test_check_campaigns.py builds it)."""

from __future__ import annotations

import re
from pathlib import Path

from ocop.services import stages
from tests.campaign_148 import run_148
from tests.conftest import SAMPLE, docx_text

DEMO, C148 = "luc-nam-2020", "luc-nam-2024"


def _files(settings, code: str) -> dict[str, list[str]]:
    """The issued documents' files by kind, in register order."""
    found: dict[str, list[str]] = {}
    for d in stages.documents(settings, code):
        if d.status == "issued":
            found.setdefault(d.kind, []).append(d.file)
    return found


def _demo(settings) -> dict[str, list[str]]:
    stages.schedule(settings, DEMO)
    stages.score(settings, DEMO, SAMPLE / "scores.csv")
    stages.rank(settings, DEMO)
    stages.refer(settings, DEMO)
    return _files(settings, DEMO)


def _148(settings, tmp_path: Path) -> dict[str, list[str]]:
    """Three products of set 7: LN-01 referred, LN-02 capped at 3★ by criterion 1.3 and recognised, LN-03 4★."""
    run_148(settings, tmp_path)
    return _files(settings, C148)


def test_decisions_take_effect_on_signing_in_an_article_of_their_own(sample_campaign, tmp_path: Path) -> None:
    founding = docx_text(_files(sample_campaign, DEMO)["qd_thanh_lap_hoi_dong"][0])
    assert "\nĐiều 3. Quyết định này có hiệu lực kể từ ngày ký.\nĐiều 4. Chánh Văn phòng" in founding
    assert "- Như Điều 4;" in founding and "Như Điều 3" not in founding
    recognition = docx_text(_148(sample_campaign, tmp_path)["qd_cong_nhan"][0])
    assert "\nĐiều 3. Quyết định này có hiệu lực kể từ ngày ký.\nĐiều 4. Chánh Văn phòng" in recognition
    assert "- Như Điều 4;" in recognition and "Như Điều 3" not in recognition


def test_the_council_proposes_and_names_who_decides(sample_campaign, tmp_path: Path) -> None:
    referred = "Đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng"
    demo = _demo(sample_campaign)
    four = next(t for t in map(docx_text, demo["thong_bao_ket_qua"]) if "hạng: 4 sao" in t)
    assert f"hạng: 4 sao (kết quả đánh giá của Hội đồng cấp huyện). Kết quả: {referred}" in four
    assert "cấp trên" not in four
    c148 = _148(sample_campaign, tmp_path)
    minutes = docx_text(c148["bien_ban_hop_hoi_dong"][0])
    assert "Đề nghị UBND huyện Lục Nam công nhận" in minutes and referred in minutes
    assert "Công nhận tại cấp này" not in minutes
    capped = next(t for t in map(docx_text, c148["thong_bao_ket_qua"]) if "Vải sấy" in t)
    assert "hạng: 3 sao (kết quả đánh giá của Hội đồng cấp huyện). Kết quả: Đề nghị UBND huyện Lục Nam công nhận" \
        in capped
    assert "tại cấp này" not in capped


def test_a_capped_product_is_explained_once_in_the_minutes_and_the_recognition_decision(sample_campaign,
                                                                                         tmp_path: Path) -> None:
    c148 = _148(sample_campaign, tmp_path)
    cap = ('hạ từ 5 sao xuống 3 sao: tiêu chí bắt buộc 4 sao 1.3 "Năng lực sản xuất để đáp ứng yêu cầu phân phối" '
           "(cần ≥ 2 điểm) chỉ đạt ở 3/7 phiếu.")
    minutes = docx_text(c148["bien_ban_hop_hoi_dong"][0])
    assert minutes.count("1.3 \"Năng lực sản xuất") == 2   # once in the conclusions, once in the table's notes
    assert "tiêu chí bắt buộc 5 sao 1.3" not in minutes
    decision = docx_text(c148["qd_cong_nhan"][0])
    assert "Điều 1. Công nhận 01 sản phẩm OCOP năm 2024 đạt hạng 3 sao, cụ thể như sau:" in decision
    assert "\n3 sao (1)\n" in decision
    assert f"(1) Sản phẩm Vải sấy: hạng sao xét theo tiêu chí bắt buộc, {cap}" in decision


def test_the_referral_attaches_the_summary_table_by_its_date(sample_campaign) -> None:
    referral = docx_text(_demo(sample_campaign)["to_trinh_de_nghi_tinh"][0])
    assert ("\n- Bảng tổng hợp kết quả đánh giá, phân hạng ngày 20/10/2020 (kèm theo Biên bản số 03/BB-HĐOCOP ngày "
            "20/10/2020);\n") in referral


def test_the_invitation_does_not_invite_the_chair_who_signs_it(sample_campaign) -> None:
    invitation = docx_text(_demo(sample_campaign)["giay_moi_hop_hoi_dong"][0])
    invited = invitation.split("Trân trọng kính mời:")[1].split("Tới dự:")[0]
    assert "Lương Thế Tuấn" not in invited and "- Ông/Bà Nguyễn Văn Hùng, Trưởng phòng Nông nghiệp" in invited
    assert "Chủ trì: Ông/Bà Lương Thế Tuấn, Phó Chủ tịch UBND huyện" in invitation


def _paragraphs(path: str) -> list[str]:
    from docx import Document as Docx

    return [p.text for p in Docx(path).paragraphs if p.text.strip()]


def test_the_minutes_say_each_thing_once_and_no_sentence_begins_with_a_digit(sample_campaign) -> None:
    demo = _demo(sample_campaign)
    minutes = _paragraphs(demo["bien_ban_hop_hoi_dong"][0])
    text = "\n".join(minutes)
    assert "như bảng dưới đây" not in text and minutes.count("Kết quả đánh giá, phân hạng:") == 1
    assert "Thành viên có mặt, gồm:" in minutes and text.count("7/7") == 1
    assert "Có 6 sản phẩm đạt từ 50 điểm trở lên" in text
    for path in (demo["bien_ban_hop_hoi_dong"][0], demo["to_trinh_de_nghi_tinh"][0]):
        assert [p for p in _paragraphs(path) if re.search(r"(?:^|\.\s)\d", p)] == []


def test_the_148_campaigns_plan_states_148s_rules(sample_campaign, tmp_path: Path) -> None:
    plan = docx_text(_148(sample_campaign, tmp_path)["ke_hoach"][0])
    assert "từ 50 điểm đến 100 điểm" not in plan and "(từ 3 đến 5 sao)" not in plan
    assert "tham mưu UBND huyện công nhận các sản phẩm đạt 3 sao (từ 50 đến dưới 70 điểm)" in plan
