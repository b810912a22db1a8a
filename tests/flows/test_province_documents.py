"""The Bắc Ninh 2026 province sample (148 as amended by 1489, no district) read as the province's reviewer
would: no district-era wording, the province's own bodies and the Ministry where they belong."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import docx_text


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each issued document's text of the whole sample run, by its path under the campaign's folder."""
    from flows.campaign import run_campaign
    from flows.params import CampaignFiles, Storage

    out = tmp_path_factory.mktemp("bac-ninh")
    sample = Path(str(resources.files("ocop.sample") / "bac-ninh-2026"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OCOP_PDF", "off")  # the text is read from the DOCX; PDFs would only add LibreOffice time
        state = run_campaign(CampaignFiles.in_folder(sample), storage=Storage(
            db_url=f"sqlite:///{out / 'ocop.db'}", out_dir=str(out)), return_state=True)
    assert state.is_completed()
    assert state.result().pre_assess is not None  # the whole-plan flow ran the commune stage
    root = out / "bac-ninh-2026"
    # the score sheets print the criteria as the decision words them ("trên địa bàn cấp huyện"): left out
    return {str(p.relative_to(root)): docx_text(p) for p in sorted(root.rglob("*.docx"))
            if not any("phieu" in part for part in p.relative_to(root).parts)}


def one(texts: dict[str, str], folder: str, kind: str) -> str:
    return next(t for path, t in texts.items() if path.startswith(folder) and kind in path)


def test_no_district_era_wording_anywhere(texts: dict[str, str]) -> None:
    for path, text in texts.items():
        assert not re.search(r"\bhuyện\b", text), path  # not "câu chuyện"
        for wrong in ("thị trấn", "Phòng Nông nghiệp", "PTNT", "Trưởng sở", "Trưởng phòng",
                      "Văn phòng HĐND và UBND", "UBND xã phường", ", , ", "Căn cứ ;", "cấp trên đánh giá"):
            assert wrong not in text, (path, wrong)


def test_the_chair_of_the_province_decides_on_the_departments_proposal(texts: dict[str, str]) -> None:
    founding = one(texts, "01-thanh-lap-hoi-dong", "qd_thanh_lap_hoi_dong")
    assert "Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường." in founding
    assert "Điều 4. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nông nghiệp và Môi trường," in founding
    assert "đề nghị Bộ Nông nghiệp và Môi trường đánh giá, phân hạng" in founding
    # the province reports to the Ministry, not to itself
    assert "UBND tỉnh Bắc Ninh (b/c)" not in founding and "Bộ Nông nghiệp và Môi trường (b/c);" in founding
    recognition = one(texts, "06-cong-nhan", "qd_cong_nhan")
    assert "Công nhận 26 sản phẩm OCOP năm 2026 đạt hạng 3 sao và 4 sao" in recognition
    assert "Bộ Nông nghiệp và Môi trường (b/c);" in recognition and "Chủ tịch, các PCT UBND tỉnh;" in recognition
    assert "xã Phù Lãng" in recognition


def test_recognition_is_proposed_to_the_chair_and_the_best_to_the_ministry(texts: dict[str, str]) -> None:
    minutes = one(texts, "04-ket-qua", "bien_ban")
    assert "Đề nghị Chủ tịch UBND tỉnh Bắc Ninh công nhận" in minutes
    assert "được đề nghị Chủ tịch Ủy ban nhân dân tỉnh Bắc Ninh công nhận." in minutes
    referral = one(texts, "05-de-nghi-cap-tren", "to_trinh")
    assert "Kính gửi: Bộ Nông nghiệp và Môi trường" in referral
    assert "Chủ tịch, các PCT UBND tỉnh;" in referral and "Hội đồng OCOP tỉnh;" in referral
    assert "xã Tây Yên Tử" in referral and "phường Chũ" in referral
    notices = [t for p, t in texts.items() if "thong_bao_ket_qua" in p]
    assert any("Kết quả: Đề nghị Chủ tịch UBND tỉnh Bắc Ninh công nhận.\n" in t for t in notices)


def test_addresses_name_the_commune_with_its_unit(texts: dict[str, str]) -> None:
    certificate = one(texts, "06-cong-nhan/giay-chung-nhan", "414_01_")
    assert "Địa chỉ: xã Phù Lãng, tỉnh Bắc Ninh" in certificate
    check = [t for p, t in texts.items() if "kiem_tra_ho_so" in p]
    assert any("(xã Cao Đức). Kết quả như sau:" in t and "- UBND xã Cao Đức;" in t for t in check)
    assert any("- UBND phường Chũ;" in t for t in check)
    assert any("đánh giá trước ngày 30/9/2026." in t for t in check)


def test_the_plan_cites_the_ocop_decision_and_announces_the_later_rules_decision(texts: dict[str, str]) -> None:
    plan = one(texts, "00-ke-hoach", "ke_hoach")
    assert "Căn cứ Quyết định số 148/QĐ-TTg ngày 24/02/2023" in plan
    # the plan is dated 06/3, the Quy chế decision 16/3: the plan cannot say it was issued
    assert "đã ban hành Quyết định số 01/QĐ-HĐOCOP" not in plan
    assert "năm 2026 ban hành Quyết định về việc ban hành Quy chế hoạt động" in plan
    assert "đã ban hành Quyết định số 412/QĐ-UBND" in plan


def test_dates_in_the_text_follow_the_leading_zero_rule(texts: dict[str, str]) -> None:
    table = one(texts, "04-ket-qua", "bang_tong_hop")
    assert "(Kèm theo kết quả họp Hội đồng ngày 15/9/2026;" in table
