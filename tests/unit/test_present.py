"""The one voice for people: means, numbers, dates, times and labels (ocop/present.py)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from fractions import Fraction

import pytest

from ocop import present
from ocop.errors import DocumentError


@pytest.mark.parametrize(("d", "expected"), [
    (date(2020, 1, 1), "ngày 01 tháng 01 năm 2020"),
    (date(2020, 2, 9), "ngày 09 tháng 02 năm 2020"),
    (date(2020, 3, 10), "ngày 10 tháng 3 năm 2020"),
    (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
    (date(2020, 12, 31), "ngày 31 tháng 12 năm 2020"),
    (date(2020, 10, 5), "ngày 05 tháng 10 năm 2020"),
])
def test_date_long_leading_zero_rule(d, expected):
    assert present.date_long(d) == expected


def test_short_dates_times_and_weekdays():
    assert present.date_short(date(2020, 11, 5)) == "05/11/2020"
    assert present.time_long(time(8, 0), date(2020, 10, 20)) == "08 giờ 00 phút, ngày 20 tháng 10 năm 2020"
    assert present.clock(time(7, 5)) == "07:05"
    assert present.day(date(2020, 10, 23)) == "23/10/2020 (thứ Sáu)"
    assert present.weekday(date(2020, 10, 25)) == "Chủ nhật"


@pytest.mark.parametrize(("x", "places", "expected"), [
    (84.4286, 2, "84,43"),
    (84.425, 2, "84,43"),       # half-up on the decimal value, not on the binary float
    (100, 2, "100,00"),
    (71.785714, 2, "71,79"),
    (1234.5, 2, "1.234,50"),
    (-1.5, 1, "-1,5"),
    (89.6, 0, "90"),
    (Decimal("69.125"), 2, "69,13"),
    (Fraction(-1, 1000), 2, "0,00"),
])
def test_number(x, places, expected):
    assert present.number(x, places) == expected


@pytest.mark.parametrize(("total", "members", "expected"), [
    (553, 8, "69,13"),     # 69.125: a tie, half-up (float formatting gives 69.12)
    (555, 8, "69,38"),     # 69.375
    (557, 8, "69,63"),     # 69.625
    (484, 7, "69,14"),     # 69.142857…
    (1001, 16, "62,56"),   # 62.5625
])
def test_mean_is_rounded_half_up_from_the_exact_fraction(total, members, expected):
    assert present.mean(Fraction(total, members)) == expected


def test_number_refuses_nan_and_infinity():
    for bad in (float("nan"), float("inf"), Decimal("NaN")):
        with pytest.raises(DocumentError):
            present.number(bad)


def test_flags_and_end_time():
    # whether the star falls or rises without the sheet, the flag says what the product would reach
    assert present.leave_one_out_flag("Vũ Thị Lan", 3) == ("nếu không tính phiếu đánh giá của ông/bà Vũ Thị Lan thì "
                                                           "sản phẩm đạt 3 sao")
    assert present.near_edge_flag(70.0) == "sát ngưỡng 70 điểm"
    assert present.time_same_day(time(11, 5)) == "11 giờ 05 phút cùng ngày"


def test_labels_and_stars():
    assert present.DOCUMENT_STATUS["issued"] == "Đã ban hành"
    assert present.REGISTRATION_STATUS["needs_supplement"] == "Cần bổ sung"
    assert present.OUTCOME["referred"] == "Đề nghị cấp trên"
    assert present.stars(4) == "4 sao"
    assert present.star_counts({5: 1, 3: 2}) == "1 × 5★, 0 × 4★, 2 × 3★, 0 × 2★, 0 × 1★"


@pytest.mark.parametrize(("x", "expected"), [(50, "50"), (10.0, "10"), (7.5, "7,5"), (Fraction(553, 8), "69,13")])
def test_points_drop_trailing_zeros(x, expected):
    assert present.points(x) == expected


@pytest.mark.parametrize(("d", "expected"), [
    (date(2020, 7, 5), "05/7/2020"), (date(2020, 10, 30), "30/10/2020"), (date(2020, 1, 16), "16/01/2020"),
    (date(2020, 2, 29), "29/02/2020"), (date(2020, 12, 1), "01/12/2020"),
])
def test_date_numeric_follows_the_leading_zero_rule(d, expected):
    assert present.date_numeric(d) == expected


def test_capitalised_long_date_and_counts():
    assert present.date_long_capitalised(date(2020, 10, 20)) == "Ngày 20 tháng 10 năm 2020"
    assert (present.count(9), present.count(2), present.count(12)) == ("09", "02", "12")


@pytest.mark.parametrize(("x", "expected"), [
    (2 / 3, "2/3"), (Fraction(2, 3), "2/3"), (0.75, "3/4"), (5 / 7, "5/7"), (0.5, "1/2"),
    # a decimal of 3+ places that rounds a simple fraction is that fraction; a shorter one is exact
    (0.6667, "2/3"), (0.667, "2/3"), (Decimal("0.6667"), "2/3"), (0.714, "5/7"), (0.67, "67%"),
    (0.6666, "66,66%"), (1, "100%"), (0.51, "51%"),
])
def test_fraction_states_the_share_the_rules_apply(x, expected):
    assert present.fraction(x) == expected


def test_a_quorum_of_0_6667_is_applied_as_the_2_3_the_documents_state():
    from ocop.rules.campaign import CampaignRules, simple_fraction
    from ocop.rules.council import quorum

    assert simple_fraction("2/3") == simple_fraction(0.6667) == Fraction(2, 3)
    assert CampaignRules(quorum_fraction=0.6667).quorum_fraction == 2 / 3
    # 6 members: 2/3 needs 4 (0.6667 taken literally would have needed 5)
    assert quorum(4, 6, CampaignRules(quorum_fraction=0.6667).quorum_fraction, False, False).met
    with pytest.raises(ValueError):
        simple_fraction("2/0")


def test_a_quoted_value_is_one_harmless_line_cut_after_60_characters():
    assert present.quoted("Mật ong rừng") == "Mật ong rừng"
    assert present.quoted("Mật\x07 ong\x1b[2J\x00") == "Mật\\x07 ong\\x1b[2J\\x00"
    assert present.quoted("dòng một\ndòng hai\ttab\r") == "dòng một\\ndòng hai\\ttab\\r"
    assert present.quoted("\x9b\x7f\ud800\ufdd0\u200b") == "\\x9b\\x7f\\ud800\\ufdd0\\u200b"
    assert present.quoted("ậ" * 60) == "ậ" * 60
    assert present.quoted("ậ" * 5000) == "ậ" * 60 + "… (5000 ký tự)"


def test_label_maps_and_star_helpers():
    assert present.LEVEL_UNIT["district"] == "huyện" and present.level_heading("district") == "HUYỆN"
    assert present.level_heading("commune") == "XÃ"
    assert present.COUNCIL_ROLE["vice_chair"] == "Phó Chủ tịch Hội đồng"
    assert present.SECRETARIAT_ROLE["head"] == "Tổ trưởng"
    assert present.REGISTRATION_KIND["upgrade"] == "Nâng hạng" and present.PRODUCER_KIND["HTX"] == "hợp tác xã"
    assert present.star_symbols(3) == "★★★"
    assert present.star_counts_text({4: 2, 3: 1}) == (
        "0 sản phẩm 5 sao, 2 sản phẩm 4 sao, 1 sản phẩm 3 sao, 0 sản phẩm 2 sao, 0 sản phẩm 1 sao")
    assert (present.deadline_status(5), present.deadline_status(0)) == ("còn 5 ngày làm việc", "QUÁ HẠN")


def test_terminal_lines_show_control_characters_as_escapes_and_keep_vietnamese() -> None:
    name = "HTX \x1b[2J\x1b]0;pwned\x07Na\rdai\x00 \u202eHuyền Sơn\x7f\x9b\udc80"
    assert present.terminal(name) == (
        "HTX \\x1b[2J\\x1b]0;pwned\\x07Na\\x0ddai\\x00 \\u202eHuyền Sơn\\x7f\\x9b\\udc80")
    assert present.terminal("Mã\tSản phẩm\nLN-01 Na dai Huyền Sơn ★") == "Mã\tSản phẩm\nLN-01 Na dai Huyền Sơn ★"


def test_an_instant_reads_in_vietnam_time() -> None:
    from datetime import UTC, datetime

    assert present.moment(datetime(2026, 11, 30, 17, 5, tzinfo=UTC)) == "00:05 01/12/2026"



def test_producer_address_and_commune_in_follow_the_local_government_levels() -> None:
    assert present.producer_address("Huyền Sơn", "Lục Nam", "Bắc Giang") == "Huyền Sơn, Lục Nam, Bắc Giang"
    assert present.producer_address("Huyền Sơn", "Lục Nam") == "Huyền Sơn, Lục Nam"
    assert present.producer_address("Phù Lãng", "", "Bắc Ninh") == "xã Phù Lãng, tỉnh Bắc Ninh"
    assert present.producer_address("phường Chũ", "") == "phường Chũ"
    assert present.commune_in("Huyền Sơn", "Lục Nam") == "Huyền Sơn"
    assert present.commune_in("Cao Đức", "") == "xã Cao Đức"
