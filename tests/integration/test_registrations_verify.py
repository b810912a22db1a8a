"""Verify stage: eligible / needs supplement / ineligible per edition, field inspections, late
registrations, the per-commune summary, the lists for the council and the notices' supplements."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from ocop.errors import NotFoundError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Registration
from ocop.services import stages
from tests.conftest import SAMPLE

HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]
ITEMS_148 = ["Phiếu đăng ký", "Báo cáo tự đánh giá", "Phương án kinh doanh", "Giấy đăng ký kinh doanh",
             "Giấy chứng nhận ATTP", "Mẫu sản phẩm"]
EXTRA = ["Hình thức đăng ký", "Số giấy chứng nhận OCOP", "Ngày cấp giấy chứng nhận", "Hạng sao đã đạt", "Ngày đăng ký"]


def _campaign(settings, tmp_path: Path, edition: str = "148/2023", **rules: str) -> str:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('edition = "1048/2019"', f'edition = "{edition}"').replace('"luc-nam-2020"', '"luc-nam-2024"')
    for key, value in rules.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    stages.set_up(settings, path)
    return "luc-nam-2024"


def _import(settings, code: str, tmp_path: Path, rows: list[list]) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER + ITEMS_148 + EXTRA)
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "dk.xlsx")
    return stages.collect(settings, code, tmp_path / "dk.xlsx")


ALL = ["Có"] * 6


def test_the_sample_campaigns_ineligible_product_is_rejected_with_its_reason(sample_campaign) -> None:
    summary = stages.verify(sample_campaign, "luc-nam-2020")
    assert [(e.code, e.name, e.reason) for e in summary.ineligible] == [
        ("LN-12", "Lạc đỏ Bảo Sơn", "Phiếu đăng ký chưa có xác nhận của UBND xã.")]
    assert asdict(summary.by_commune["Bảo Sơn"]) == {
        "registered": 1, "eligible": 0, "needs_supplement": 0, "ineligible": 1}
    assert asdict(summary.by_commune["Huyền Sơn"]) == {
        "registered": 1, "eligible": 1, "needs_supplement": 0, "ineligible": 0}
    assert len(summary.eligible) == 11 and summary.needs_supplement == () and summary.late == ()
    wb = load_workbook(summary.lists)
    assert wb.sheetnames == ["Đủ điều kiện", "Cần bổ sung", "Không đủ điều kiện", "Tổng hợp theo xã"]
    assert [r[1] for r in wb["Đủ điều kiện"].iter_rows(min_row=2, values_only=True)] == [
        "LN-02", "LN-04", "LN-07", "LN-03", "LN-01", "LN-10", "LN-09", "LN-08", "LN-05", "LN-06", "LN-11"]
    assert list(wb["Tổng hợp theo xã"].iter_rows(values_only=True))[-1] == ("Tổng cộng", 12, 11, 0, 1)


def test_dossier_rules_under_148(settings, tmp_path: Path) -> None:
    code = _campaign(settings, tmp_path)
    _import(settings, code, tmp_path, [
        ["A-1", "Na sấy", 7, "HTX Na", "HTX", "Huyền Sơn", "Có", *ALL],
        ["A-2", "Vải sấy", 7, "HTX Vải", "HTX", "Bình Sơn", "Có", "Có", "Có", "Có", "Có", "Không", "Không"],
        ["A-3", "Chè xanh", 7, "HKD Chè", "HKD", "Bình Sơn", "Có", "Có", "Có", "Có", "Không", "Có", "Có"],
        ["A-4", "Chổi chít", 21, "THT Chổi", "THT", "Cẩm Lý", "Có", "Có", "Có", "Có", "Có", "Không", "Có"],
        ["A-5", "Homestay", "26a", "HKD Nhà Sàn", "HKD", "Lục Sơn", "Có", "Có", "Có", "Có", "Có", "Không", "Không"],
        ["A-6", "Điểm du lịch", "26b", "HTX Du lịch", "HTX", "Lục Sơn", "Có", "Có", "Có", "Có", "Có", "Không", None],
    ])
    stages.record_inspection(settings, code, "A-6", date(2024, 6, 20), ["Ngô Thị Thu Hằng"], "Không đủ điều kiện đón "
                                                                                             "khách",
                             passed=False)
    with pytest.raises(NotFoundError):
        stages.record_inspection(settings, code, "Z-9", date(2024, 6, 20), ["X"], "")
    summary = stages.verify(settings, code)
    supplements = {s.code: (list(s.missing), s.due) for s in summary.needs_supplement}
    assert supplements == {
        "A-2": (["Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "05 mẫu sản phẩm"], date(2020, 7, 10)),
        "A-5": (["Kiểm tra thực tế tại cơ sở (sản phẩm dịch vụ không nộp mẫu)"], date(2020, 7, 10)),
    }
    assert [(e.code, e.name, e.reason) for e in summary.ineligible] == [
        ("A-3", "Chè xanh", "Chủ thể chưa có Giấy chứng nhận đăng ký hộ kinh doanh (tư cách pháp lý của hộ kinh "
                            "doanh)."),
        ("A-6", "Điểm du lịch", "Kiểm tra thực tế ngày 20/06/2024 không đạt: Không đủ điều kiện đón khách"),
    ]
    assert sorted(e.code for e in summary.eligible) == ["A-1", "A-4"]  # handicraft: no food-safety certificate
    # an inspection that passes makes the service eligible; recording it again replaces it
    stages.record_inspection(settings, code, "A-6", date(2024, 6, 20), ["Ngô Thị Thu Hằng"], "Đạt", passed=True)
    stages.record_inspection(settings, code, "A-5", date(2024, 6, 21), ["Lê Quang Huy"], "Đạt")
    again = stages.verify(settings, code)
    assert (again.changed, again.counts) == (2, {"eligible": 4, "needs_supplement": 1, "ineligible": 1})
    with unit_of_work(settings.database_url) as s:
        reg = s.scalars(select(Registration).where(Registration.status == "needs_supplement")).one()
        assert (reg.due_on, reg.missing[0]) == (date(2020, 7, 10), "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực "
                                                                   "phẩm")


def test_the_notice_lists_what_to_supplement_and_by_when(settings, tmp_path: Path) -> None:
    code = _campaign(settings, tmp_path)
    _import(settings, code, tmp_path, [
        ["B-1", "Mật ong", 4, "HTX Ong", "HTX", "Lục Sơn", "Có", "Có", "Không", "Có", "Có", "Có", "Không"],
        ["B-2", "Bưởi", 1, "HTX Ong", "HTX", "Lục Sơn", "Có", *ALL],
    ])
    summary = stages.verify(settings, code)
    notice = next(d for d in stages.documents(settings, code) if d.kind == "thong_bao_kiem_tra_ho_so")
    doc = Docx(notice.file)
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Thời hạn nộp")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows == [["1", "Báo cáo tự đánh giá sản phẩm theo Bộ tiêu chí - sản phẩm Mật ong", "10/07/2020"],
                    ["2", "05 mẫu sản phẩm - sản phẩm Mật ong", "10/07/2020"]]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Cần bổ sung" in "\n".join(c.text for t in doc.tables for c in t._cells) and "trước ngày 10/07/2020" in text
    assert summary.documents.issued == 1


def test_the_notice_names_the_eligible_and_says_why_an_ineligible_product_is_not_evaluated(settings, tmp_path) -> None:
    code = _campaign(settings, tmp_path)
    _import(settings, code, tmp_path, [
        ["E-1", "Mật ong", 4, "HTX Ong", "HTX", "Lục Sơn", "Có", *ALL],
        ["E-2", "Bưởi", 1, "HTX Ong", "HTX", "Lục Sơn", "Không", *ALL],
        ["E-3", "Vải", 1, "HTX Vải", "HTX", "Bình Sơn", "Không", *ALL],
    ])
    stages.verify(settings, code)
    texts = {"\n".join(p.text for p in Docx(d.file).paragraphs)
             for d in stages.documents(settings, code) if d.kind == "thong_bao_kiem_tra_ho_so"}
    both = next(t for t in texts if "Mật ong" in t)
    council = "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020"
    assert f"Sản phẩm Mật ong đủ điều kiện, được đưa ra {council} đánh giá trước ngày 30/10/2020." in both
    assert (f"Sản phẩm Bưởi không đủ điều kiện đưa ra {council} đánh giá do phiếu đăng ký chưa có xác nhận của "
            "UBND xã. Sau khi khắc phục, HTX Ong có thể đăng ký sản phẩm Bưởi tại kỳ đánh giá, phân hạng sản phẩm "
            "OCOP tiếp theo.") in both
    only = next(t for t in texts if "HTX Vải" in t)
    assert "0 sản phẩm" not in only and "đủ điều kiện, được đưa ra" not in only
    assert f"Sản phẩm Vải không đủ điều kiện đưa ra {council} đánh giá do phiếu đăng ký" in only


def test_upgrades_and_re_evaluations_are_told_apart_by_the_certificate(settings, tmp_path: Path) -> None:
    code = _campaign(settings, tmp_path)
    row = ["HTX Vải", "HTX", "Bình Sơn", "Có", *ALL]
    _import(settings, code, tmp_path, [
        ["C-1", "Vải 1", 1, *row, "Nâng hạng", "01/GCN", "01/03/2018", 3, "01/06/2020"],  # valid through 01/03/2021
        ["C-2", "Vải 2", 1, *row, "Nâng hạng", "02/GCN", "01/03/2017", 3, "01/06/2020"],  # expired from 02/03/2020
        ["C-3", "Vải 3", 1, *row, "Đánh giá lại", "03/GCN", "15/09/2017", 3, "01/06/2020"],  # expires before 30/10
        ["C-4", "Vải 4", 1, *row, "Đánh giá lại", "04/GCN", "01/03/2019", 4, "01/06/2020"],  # valid through 01/03/2022
        ["C-5", "Vải 5", 1, *row, "Nâng hạng", "05/GCN", "01/03/2019", 5, "01/06/2020"],
        ["C-6", "Vải 6", 1, *row, "Nâng hạng", None, None, None, "01/06/2020"],
    ])
    summary = stages.verify(settings, code)
    assert sorted(e.code for e in summary.eligible) == ["C-1", "C-3"]
    missing = {s.code: list(s.missing) for s in summary.needs_supplement}
    assert missing == {
        "C-2": ["Phiếu đăng ký ghi hình thức 'Đánh giá lại': Giấy chứng nhận số 02/GCN ngày 01/03/2017 đã hết "
                "hiệu lực từ ngày 02/03/2020"],
        "C-4": ["Phiếu đăng ký ghi hình thức 'Nâng hạng' nếu đề nghị hạng sao cao hơn: Giấy chứng nhận số 04/GCN "
                "còn hiệu lực đến hết ngày 01/03/2022, sau 30/10/2021 (12 tháng sau hạn đánh giá)"],
        "C-6": ["Số và ngày cấp Giấy chứng nhận sản phẩm OCOP đã được cấp",
                "Hạng sao đã được công nhận trong Giấy chứng nhận sản phẩm OCOP"],
    }
    assert [(e.code, e.name, e.reason) for e in summary.ineligible] == [("C-5", "Vải 5", "Sản phẩm đã đạt 5 sao, không "
                                                                                         "thể nâng hạng.")]


def test_late_registrations_are_flagged_or_rejected(settings, tmp_path: Path) -> None:
    code = _campaign(settings, tmp_path)
    _import(settings, code, tmp_path, [
        ["D-1", "Lạc", 1, "HKD Lạc", "HKD", "Bảo Sơn", "Có", *ALL, None, None, None, None, "05/07/2020"],
        ["D-2", "Gạo", 1, "HKD Gạo", "HKD", "Bảo Sơn", "Có", *ALL, None, None, None, None, "06/07/2020"],
    ])
    summary = stages.verify(settings, code)
    assert summary.counts == {"eligible": 2}
    assert [(e.code, e.name, e.registered_on) for e in summary.late] == [("D-2", "Gạo", date(2020, 7, 6))]
    late = next(e for e in summary.eligible if e.code == "D-2")
    assert late.reason == "Đăng ký ngày 06/07/2020, sau hạn kiểm tra hồ sơ 05/07/2020."
    strict = tmp_path / "strict"
    strict.mkdir()
    code = _campaign(settings, strict, late_registrations='"reject"', require_commune_confirmation="false")
    summary = stages.verify(settings, code)
    assert [(e.code, e.name, e.reason) for e in summary.ineligible] == [
        ("D-2", "Gạo", "Đăng ký ngày 06/07/2020, sau hạn kiểm tra hồ sơ 05/07/2020.")]


def test_without_required_confirmation_the_unconfirmed_product_is_eligible(settings, tmp_path: Path) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace(
        "require_commune_confirmation = true", "require_commune_confirmation = false")
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    stages.set_up(settings, tmp_path / "c.toml")
    stages.collect(settings, "luc-nam-2020", SAMPLE / "registrations.csv")
    assert stages.verify(settings, "luc-nam-2020").counts == {"eligible": 12}
