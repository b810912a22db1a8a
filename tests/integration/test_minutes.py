"""The minutes in Decree 30's form (start and end time, dossiers, each result, why a product that reached
the threshold is not referred, read back and approved, two signatures), the Tờ trình's counts with the
same reasons, the flags' wording and the result notice of a product below the threshold."""

from __future__ import annotations

import csv
from datetime import time
from pathlib import Path

import pytest

from ocop.errors import InputError, ScoringError
from ocop.rules.criteria import load_set
from ocop.services import stages
from tests.conftest import SAMPLE, docx_text
from tests.integration.test_editions_in_campaigns import MEMBERS, _campaign_file, _register

CODE = "luc-nam-2020"
END_LINE = "end_time = 11:30:00\n"


def _issued(settings, code: str, kind: str) -> list:
    return [d for d in stages.documents(settings, code) if d.kind == kind and d.status == "issued"]


def _open_meeting_campaign(settings, tmp_path: Path) -> None:
    """The sample without the campaign file's end time: the secretary records it on closing."""
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    assert END_LINE in text
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace(END_LINE, ""), encoding="utf-8")
    stages.set_up(settings, path)
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE)
    stages.score(settings, CODE, SAMPLE / "scores.csv")


def test_the_minutes_wait_for_the_end_time_that_meeting_close_records(settings, tmp_path: Path) -> None:
    _open_meeting_campaign(settings, tmp_path)
    during = stages.rank(settings, CODE)
    assert "ocop meeting close --at HH:MM" in during.waiting and len(during.ranking) == 11
    assert _issued(settings, CODE, "bang_tong_hop")  # the council sees the table during the meeting
    assert not _issued(settings, CODE, "bien_ban_hop_hoi_dong") and not _issued(settings, CODE, "thong_bao_ket_qua")
    with pytest.raises(ScoringError, match="Chưa có biên bản họp Hội đồng"):
        stages.refer(settings, CODE)

    with pytest.raises(InputError, match="Cần giờ kết thúc phiên họp"):
        stages.close_meeting(settings, CODE)
    with pytest.raises(InputError, match="giờ kết thúc 07:45 phải sau giờ bắt đầu 08:00"):
        stages.close_meeting(settings, CODE, time(7, 45))
    assert stages.close_meeting(settings, CODE, time(11, 30)).end_time == time(11, 30)

    after = stages.rank(settings, CODE)
    assert after.waiting == ""
    [minutes] = _issued(settings, CODE, "bien_ban_hop_hoi_dong")
    text = docx_text(minutes.file)
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 20 tháng 10 năm 2020" in text
    assert ("Tổ thư ký báo cáo kết quả tiếp nhận, kiểm tra hồ sơ: tiếp nhận 12 hồ sơ đăng ký; 1 hồ sơ không đủ "
            "điều kiện; 11 sản phẩm đủ điều kiện đưa ra Hội đồng đánh giá, phân hạng.") in text
    assert ("Có 6 sản phẩm đạt từ 50 điểm trở lên, được đề nghị chuyển hồ sơ đến Sở Nông nghiệp và Phát triển nông "
            "thôn để đánh giá, phân hạng.") in text
    paragraphs = [p for p in text.split("\n") if p]
    read_back = paragraphs.index("Biên bản đã được đọc lại cho các thành viên dự họp nghe và nhất trí thông qua.")
    assert paragraphs[read_back + 1] == "Cuộc họp kết thúc vào hồi 11 giờ 30 phút cùng ngày./."
    assert text.count("kết thúc vào") == 1 and "thông qua.;" not in text
    for line in ("THƯ KÝ", "CHỦ TRÌ", "CHỦ TỊCH HỘI ĐỒNG", "Ngô Thị Thu Hằng", "Lương Thế Tuấn"):
        assert line in paragraphs[read_back + 2:]
    assert len(_issued(settings, CODE, "thong_bao_ket_qua")) == 11
    assert len(stages.refer(settings, CODE).referred) == 6

    stages.close_meeting(settings, CODE, time(11, 45))  # a corrected end time: the minutes are issued anew
    stages.rank(settings, CODE)
    [minutes] = _issued(settings, CODE, "bien_ban_hop_hoi_dong")
    assert "Cuộc họp kết thúc vào hồi 11 giờ 45 phút cùng ngày./." in docx_text(minutes.file)


def test_the_flags_say_whose_sheet_decides_the_star(sample_campaign) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    flags = {r.code: r.flags for r in stages.rank(sample_campaign, CODE).ranking}
    said = "nếu không tính phiếu đánh giá của ông/bà Lương Thế Tuấn thì sản phẩm đạt 2 sao"
    assert said in flags["LN-06"]  # 50,00 → 2★ without the chair's 52
    [minutes] = _issued(sample_campaign, CODE, "bien_ban_hop_hoi_dong")
    [table] = _issued(sample_campaign, CODE, "bang_tong_hop")
    for text in (docx_text(minutes.file), docx_text(table.file)):
        assert said in text and "bỏ phiếu" not in text and "thì còn" not in text


def test_a_1048_notice_below_the_threshold_says_what_the_district_does(sample_campaign) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    notices = {d.subject: docx_text(d.file) for d in _issued(sample_campaign, CODE, "thong_bao_ket_qua")}
    ln07 = notices["LN-07"]  # 46,00: 2★
    assert ("Kết quả: Không đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng "
            "(chưa đạt 50 điểm)") in ln07
    assert not any("công nhận" in text for text in notices.values())  # under 1048 the district recognises nothing
    # the criteria that cost LN-07 the most points, from the members' itemised sheets
    assert "Các tiêu chí bị trừ nhiều điểm nhất, cần cải thiện (điểm):" in ln07
    assert "Màu sắc, độ chín" in ln07 and "6,29" in ln07  # 6.2: max 8, mean 1,71
    assert "chú trọng các tiêu chí bị trừ nhiều điểm nêu trên./." in ln07


def test_a_notice_from_part_totals_says_nothing_about_criteria(sample_campaign, tmp_path: Path) -> None:
    criteria = load_set("qd1048-2019", "1")
    part = {c.code: c.part for c in criteria.criteria}
    totals: dict[tuple[str, str], dict[str, int]] = {}
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as fh:
        for row in list(csv.reader(fh))[1:]:
            sheet = totals.setdefault((row[0], row[1]), {"A": 0, "B": 0, "C": 0})
            sheet[part[row[2]]] += int(row[3])
    path = tmp_path / "tong-phan.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Phần A", "Phần B", "Phần C"])
        out.writerows([code, member, s["A"], s["B"], s["C"]] for (code, member), s in totals.items())
    stages.score(sample_campaign, CODE, path)
    stages.rank(sample_campaign, CODE)
    ln07 = next(docx_text(d.file) for d in _issued(sample_campaign, CODE, "thong_bao_ket_qua") if d.subject == "LN-07")
    assert "Điểm trung bình: 46,00 điểm; hạng: 2 sao" in ln07
    assert "bị trừ" not in ln07 and "nêu trên" not in ln07
    assert "Đề nghị Hộ kinh doanh Nguyễn Văn Bình tiếp tục hoàn thiện sản phẩm./." in ln07


def test_148_minutes_and_referral_say_why_a_capped_product_is_not_referred(settings, tmp_path: Path) -> None:
    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    _register(settings, tmp_path, [
        ["T-1", "Na sấy dẻo", "7", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
        ["T-2", "Vải sấy", "7", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
        ["T-3", "Mít sấy", "7", "HTX Mít Trường Sơn", "HTX", "Trường Sơn", "Không"],
    ])
    criteria = load_set("qd148-2023", "7")
    scores = tmp_path / "diem.csv"
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product in ("T-1", "T-2"):
            for i, member in enumerate(MEMBERS):
                for c in criteria.criteria:
                    low = product == "T-2" and c.code == "1.3" and i < 4  # capped: 1.3 met on 3/7 sheets
                    out.writerow([product, member, c.code, 1 if low else c.max_points])
    stages.score(settings, "luc-nam-2024", scores)
    t2 = next(r for r in stages.rank(settings, "luc-nam-2024").ranking if r.code == "T-2")
    assert (t2.star_by_score, t2.stars) == (5, 3)
    minutes = docx_text(_issued(settings, "luc-nam-2024", "bien_ban_hop_hoi_dong")[0].file)
    assert "tiếp nhận 3 hồ sơ đăng ký; 1 hồ sơ không đủ điều kiện; 2 sản phẩm đủ điều kiện" in minutes
    counted = ("Có 2 sản phẩm đạt từ 70 điểm trở lên; 1 sản phẩm được đề nghị chuyển hồ sơ đến Sở Nông nghiệp và "
               "Phát triển nông thôn để đánh giá, phân hạng; sản phẩm Vải sấy (98,86 điểm) không đủ điều kiện đề "
               "nghị do bị hạ từ 5 sao xuống 3 sao vì tiêu chí bắt buộc")
    assert counted in minutes and "chỉ đạt ở 3/7 phiếu." in minutes
    stages.refer(settings, "luc-nam-2024")
    referral = docx_text(_issued(settings, "luc-nam-2024", "to_trinh_de_nghi_tinh")[0].file)
    assert "đã tổ chức đánh giá, phân hạng 2 sản phẩm. " + counted in referral


def test_a_later_start_drops_the_campaign_files_end_time(sample_campaign) -> None:
    stages.schedule(sample_campaign, CODE, at=time(14, 0))  # the file's 11:30 can no longer be the end
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    assert stages.rank(sample_campaign, CODE).waiting
    stages.close_meeting(sample_campaign, CODE, time(16, 15))
    stages.rank(sample_campaign, CODE)
    [minutes] = _issued(sample_campaign, CODE, "bien_ban_hop_hoi_dong")
    text = docx_text(minutes.file)
    assert "Thời gian bắt đầu: 14 giờ 00 phút" in text and "kết thúc vào hồi 16 giờ 15 phút cùng ngày./." in text
