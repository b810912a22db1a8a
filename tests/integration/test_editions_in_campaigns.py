"""The same stages under 148/2023: mandatory criteria cap a star, the district recognises 3★ itself."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ocop.errors import RulesError
from ocop.rules.criteria import load_set
from ocop.services import stages
from tests.conftest import SAMPLE

MEMBERS = ["Lương Thế Tuấn", "Nguyễn Văn Hùng", "Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan",
           "Hoàng Minh Đức", "Đỗ Văn Quyết"]


def _campaign_file(tmp_path: Path, edition: str, code: str, level: str = "district") -> Path:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('edition = "1048/2019"', f'edition = "{edition}"').replace(
        'code = "luc-nam-2020"', f'code = "{code}"').replace('level = "district"', f'level = "{level}"')
    path = tmp_path / f"{code}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_148_cap_and_local_recognition(settings, tmp_path: Path) -> None:  # noqa: ANN001
    stages.set_up_campaign(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    regs = tmp_path / "dk.csv"
    with regs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"],
            ["T-1", "Na sấy dẻo", "7", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
            ["T-2", "Vải sấy", "Chế biến từ rau, củ, quả, hạt", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
        ])
    stages.collect_registrations(settings, "luc-nam-2024", regs)
    stages.verify(settings, "luc-nam-2024")
    criteria = load_set("qd148-2023", "7")
    scores = tmp_path / "diem.csv"
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product in ("T-1", "T-2"):
            for i, member in enumerate(MEMBERS):
                for c in criteria.criteria:
                    # T-2: four of seven members find only small capacity (1.3 = 1 point)
                    low = product == "T-2" and c.code == "1.3" and i < 4
                    out.writerow([product, member, c.code, 1 if low else c.max_points])
    stages.record_scores(settings, "luc-nam-2024", scores)
    ranking = {r["code"]: r for r in stages.rank(settings, "luc-nam-2024")["ranking"]}
    assert (ranking["T-1"]["mean"], ranking["T-1"]["stars"], ranking["T-1"]["outcome"]) == (100, 5, "referred")
    t2 = ranking["T-2"]
    assert t2["mean"] == pytest.approx((4 * 98 + 3 * 100) / 7)
    assert (t2["star_by_score"], t2["stars"], t2["outcome"]) == (5, 3, "recognised")
    assert "1.3" in t2["cap_reason"] and "3/7" in t2["cap_reason"]
    referred = stages.refer(settings, "luc-nam-2024")["referred"]
    assert [p["code"] for p in referred] == ["T-1"]


def test_a_district_campaign_under_1489_is_refused(settings, tmp_path: Path) -> None:  # noqa: ANN001
    with pytest.raises(RulesError, match="không có cấp 'district'"):
        stages.set_up_campaign(settings, _campaign_file(tmp_path, "148/2023+1489/2025", "luc-nam-2026"))


def test_a_province_campaign_under_1489_is_accepted(settings, tmp_path: Path) -> None:  # noqa: ANN001
    result = stages.set_up_campaign(settings, _campaign_file(tmp_path, "148/2023+1489/2025", "bac-ninh-2026", "province"))
    assert result["created"] is True
