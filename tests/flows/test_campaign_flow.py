"""The sample campaign end to end through the Prefect flows, checked against hand-computed results."""

from __future__ import annotations

import csv
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document as Docx

from tests.conftest import SAMPLE

# Member totals per product, added up by hand from ocop/sample/luc-nam-2020/scores.csv
# (see scripts/make_sample_scores.py), and the stars and referral the 1048 rules give.
EXPECTED = {
    "LN-01": (642, 5, True),   # 91.71
    "LN-02": (547, 4, True),   # 78.14
    "LN-03": (491, 4, True),   # 70.14
    "LN-04": (434, 3, True),   # 62.00
    "LN-05": (385, 3, True),   # 55.00
    "LN-06": (350, 3, True),   # 50.00: on the edge, 3★ and referred (≥ 50)
    "LN-07": (322, 2, False),  # 46.00
    "LN-08": (269, 2, False),  # 38.43
    "LN-09": (212, 2, False),  # 30.29
    "LN-10": (188, 1, False),  # 26.86
    "LN-11": (151, 1, False),  # 21.57
}


def _text(path: str) -> str:
    doc = Docx(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def campaign_run(tmp_path_factory: pytest.TempPathFactory):
    from flows.campaign import run_campaign

    out = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{out / 'ocop.db'}"
    state = run_campaign(str(SAMPLE / "campaign.toml"), str(SAMPLE / "registrations.csv"),
                         str(SAMPLE / "scores.csv"), db_url=url, out_dir=str(out), return_state=True)
    assert state.is_completed()
    return state.result(), url, out


def test_the_hand_computed_totals_match_the_sample_file() -> None:
    sums: dict[str, int] = defaultdict(int)
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sums[row["Mã sản phẩm"]] += int(row["Điểm"])
    assert dict(sums) == {code: total for code, (total, _, _) in EXPECTED.items()}


def test_every_product_gets_its_mean_stars_and_referral(campaign_run) -> None:  # noqa: ANN001
    result, _, _ = campaign_run
    ranking = {r["code"]: r for r in result["rank"]["ranking"]}
    assert set(ranking) == set(EXPECTED)  # LN-12 (no commune confirmation) is not ranked
    for code, (total, stars, referred) in EXPECTED.items():
        r = ranking[code]
        assert r["mean"] == pytest.approx(float(Fraction(total, 7)), abs=1e-12), code
        assert r["mean_text"] == f"{total / 7:.2f}"
        assert (r["stars"], r["outcome"] == "referred") == (stars, referred), code
    assert result["verify"]["counts"] == {"eligible": 11, "ineligible": 1}
    assert [p["code"] for p in result["refer"]["referred"]] == ["LN-01", "LN-02", "LN-03", "LN-04", "LN-05", "LN-06"]
    assert result["refer"]["document"] == "19/TTr-UBND" and result["refer"]["overdue"] is False


def test_documents_carry_their_key_text(campaign_run) -> None:  # noqa: ANN001
    from ocop.services import stages
    from ocop.settings import Settings

    _, url, out = campaign_run
    docs = stages.documents(Settings.from_env({}, out_dir=out, database_url=url), "luc-nam-2020")
    by_kind = defaultdict(list)
    for d in docs:
        by_kind[d["kind"]].append(d)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "qd_thanh_lap_hoi_dong": 1, "giay_moi_hop_hoi_dong": 1, "phieu_danh_gia": 77,
        "bang_tong_hop": 1, "bien_ban_hop_hoi_dong": 1, "to_trinh_de_nghi_tinh": 1}
    for d in docs:
        assert Path(d["file"]).is_file() and len(d["sha256"]) == 64
    decision = _text(by_kind["qd_thanh_lap_hoi_dong"][0]["file"])
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 18/QĐ-UBND",
                   "Lục Nam, ngày 07 tháng 01 năm 2020", "QUYẾT ĐỊNH", "Lương Thế Tuấn",
                   "Trưởng phòng Y tế", "Ngô Thị Thu Hằng", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert needle in decision, needle
    invitation = _text(by_kind["giay_moi_hop_hoi_dong"][0]["file"])
    assert "Số: 01/GM-HĐOCOP" in invitation and "HTX Nông nghiệp & Dịch vụ <Tiên Hưng>" in invitation
    sheet = next(d for d in by_kind["phieu_danh_gia"] if d["title"].endswith("LN-01 - Lương Thế Tuấn"))
    sheet_text = _text(sheet["file"])
    assert "Na dai Huyền Sơn" in sheet_text and "☒" in sheet_text and "93" in sheet_text
    summary = _text(by_kind["bang_tong_hop"][0]["file"])
    assert "91,71" in summary and "50,00" in summary and "Đỗ Văn Quyết" in summary
    minutes = _text(by_kind["bien_ban_hop_hoi_dong"][0]["file"])
    assert "Số: 02/BB-HĐOCOP" in minutes and "7/7" in minutes
    referral = _text(by_kind["to_trinh_de_nghi_tinh"][0]["file"])
    assert "Số: 19/TTr-UBND" in referral and "Lục Nam, ngày 02 tháng 11 năm 2020" in referral
    assert "Mít tố nữ Trường Sơn" in referral and "Dứa Đan Hội" not in referral
    assert "TM. ỦY BAN NHÂN DÂN" in referral


def test_running_the_campaign_again_creates_nothing(campaign_run) -> None:  # noqa: ANN001
    from flows.campaign import run_campaign

    _, url, out = campaign_run
    again = run_campaign(str(SAMPLE / "campaign.toml"), str(SAMPLE / "registrations.csv"),
                         str(SAMPLE / "scores.csv"), db_url=url, out_dir=str(out))
    assert again["set_up"]["changed"] is False
    assert (again["collect"]["new"], again["collect"]["updated"]) == (0, 0)
    assert again["verify"]["changed"] == 0
    assert (again["scores"]["new"], again["scores"]["replaced"]) == (0, 0)
    assert again["rank"]["changed"] == 0
    for stage in ("set_up", "schedule", "scores", "rank", "refer"):
        assert again[stage]["documents"]["issued"] == 0, stage
    assert again["refer"]["document"] == "19/TTr-UBND"
