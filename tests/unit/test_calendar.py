"""Working-day calendar: lunar calendar, computed holidays, swaps, counting."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from ocop.rules import calendar as cal
from ocop.rules.calendar import (
    CalendarRangeError,
    add_working_days,
    days_off,
    holidays,
    is_working_day,
    lunar_to_solar,
    next_working_day,
    solar_to_lunar,
    swaps,
    working_days_before,
    working_days_between,
)

D = date.fromisoformat


# --- lunar calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "new_year"),
    [(2020, "2020-01-25"), (2021, "2021-02-12"), (2022, "2022-02-01"), (2023, "2023-01-22"),
     (2024, "2024-02-10"), (2025, "2025-01-29"), (2026, "2026-02-17"), (2027, "2027-02-06")],
)
def test_lunar_new_year(year: int, new_year: str) -> None:
    assert lunar_to_solar(year, 1, 1) == D(new_year)
    assert solar_to_lunar(D(new_year)) == (year, 1, 1, False)
    assert solar_to_lunar(D(new_year) - timedelta(days=1)).month == 12


@pytest.mark.parametrize(
    ("year", "month", "first_day"),
    [(2020, 4, "2020-05-23"), (2023, 2, "2023-03-22"), (2025, 6, "2025-07-25")],
)
def test_leap_months(year: int, month: int, first_day: str) -> None:
    assert lunar_to_solar(year, month, 1, leap=True) == D(first_day)
    assert solar_to_lunar(D(first_day)) == (year, month, 1, True)
    assert solar_to_lunar(D(first_day) - timedelta(days=1)) == (year, month, 29, False) or \
        solar_to_lunar(D(first_day) - timedelta(days=1)) == (year, month, 30, False)


@pytest.mark.parametrize(
    ("year", "month", "day", "leap"),
    [(2024, 3, 1, True),  # 2024 has no leap month
     (2023, 3, 1, True),  # 2023's leap month is the 2nd
     (2024, 12, 30, False),  # the last month of Giáp Thìn has 29 days: no "30 Tết" in 2025
     (2024, 13, 1, False), (2024, 1, 0, False), (2024, 1, 31, False)],
)
def test_lunar_dates_that_do_not_exist(year: int, month: int, day: int, leap: bool) -> None:
    with pytest.raises(ValueError):
        lunar_to_solar(year, month, day, leap)


def test_round_trip_solar_lunar_solar_over_several_thousand_days() -> None:
    d, prev = D("2012-01-01"), None
    while d < D("2032-01-01"):  # 7305 days, 7 leap months
        lunar = solar_to_lunar(d)
        assert lunar_to_solar(*lunar) == d
        if prev is not None:  # days follow each other, months start on day 1 after day 29 or 30
            assert lunar.day == prev.day + 1 or (lunar.day == 1 and prev.day in (29, 30))
        prev, d = lunar, d + timedelta(days=1)


def test_round_trip_at_the_ends_of_the_supported_range() -> None:
    for d in (D("1800-01-01"), D("1968-01-29"), D("2199-12-31")):
        assert lunar_to_solar(*solar_to_lunar(d)) == d
    with pytest.raises(CalendarRangeError):
        solar_to_lunar(D("1799-12-31"))


# --- holidays by rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hung_kings_day"), ["2020-04-02", "2021-04-21", "2023-04-29", "2024-04-18", "2025-04-07", "2026-04-26"],
)
def test_hung_kings_day_is_the_10th_of_the_3rd_lunar_month(hung_kings_day: str) -> None:
    d = D(hung_kings_day)
    assert holidays(d.year)[d] == "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
    assert solar_to_lunar(d) == (d.year, 3, 10, False)


def test_hung_kings_day_on_a_sunday_gives_the_monday_off() -> None:
    assert D("2026-04-26").weekday() == 6
    assert holidays(2026)[D("2026-04-27")] == "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"
    assert not is_working_day(D("2026-04-27"))
    assert is_working_day(D("2026-04-28"))


def test_tet_2024_by_the_rule() -> None:
    h = holidays(2024)
    assert [d for d in h if D("2024-02-01") <= d <= D("2024-02-29")] == [
        D("2024-02-08"), D("2024-02-09"), D("2024-02-10"), D("2024-02-11"), D("2024-02-12"),
        D("2024-02-13"), D("2024-02-14")]
    assert h[D("2024-02-10")] == "Tết Nguyên đán (mùng 1 tháng Giêng)"
    assert h[D("2024-02-09")] == "Tết Nguyên đán (30 tháng Chạp)"
    assert h[D("2024-02-13")].startswith("Nghỉ bù Tết Nguyên đán")


@pytest.mark.parametrize("day", ["2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14"])
def test_tet_2024_weekdays_off(day: str) -> None:
    assert not is_working_day(D(day))


def test_tet_2024_back_to_work_on_the_15th() -> None:
    assert is_working_day(D("2024-02-07"))
    assert is_working_day(D("2024-02-15"))


def test_the_other_tet_pattern_would_differ_in_2024(monkeypatch: pytest.MonkeyPatch) -> None:
    """'Last day + first four' (the pattern the task described) gives 9–15/2, not the official 8–14/2."""
    cal._holidays.cache_clear()
    cal._exceptions.cache_clear()
    monkeypatch.setattr(cal, "TET_DAYS_BEFORE", 1)
    try:
        tet = [d for d in holidays(2024) if d.month == 2]
        assert tet == [D("2024-02-09"), D("2024-02-10"), D("2024-02-11"), D("2024-02-12"),
                       D("2024-02-13"), D("2024-02-14"), D("2024-02-15")]
    finally:
        cal._holidays.cache_clear()
        cal._exceptions.cache_clear()


@pytest.mark.parametrize(
    ("day", "working"),
    [("2020-09-02", False), ("2020-09-03", True), ("2020-09-01", True),  # 2/9 alone before 2021
     ("2024-09-02", False), ("2024-09-03", False), ("2024-09-04", True),
     ("2021-09-03", False), ("2022-09-01", False), ("2023-09-01", False), ("2023-09-04", False),
     ("2025-09-01", False), ("2025-09-03", True)],
)
def test_national_day(day: str, working: bool) -> None:
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("day", "name"),
    [("2021-09-03", "Quốc khánh (ngày liền kề 2/9)"), ("2022-09-01", "Quốc khánh (ngày liền kề 2/9)"),
     ("2023-09-01", "Quốc khánh (ngày liền kề 2/9)"), ("2023-09-04", "Nghỉ bù Quốc khánh (2/9)"),
     ("2024-09-03", "Quốc khánh (ngày liền kề 2/9)"), ("2025-09-01", "Quốc khánh (ngày liền kề 2/9)")],
)
def test_national_day_adjacent_day_as_decided(day: str, name: str) -> None:
    assert holidays(D(day).year)[D(day)] == name


@pytest.mark.parametrize("year", range(2014, 2031))
def test_fixed_holidays_every_year(year: int) -> None:
    h = holidays(year)
    for day, name in [((1, 1), "Tết Dương lịch"), ((4, 30), "Ngày Chiến thắng (30/4)"),
                      ((5, 1), "Ngày Quốc tế lao động (1/5)"), ((9, 2), "Quốc khánh (2/9)")]:
        assert name in h[date(year, *day)]
        if date(year, *day).weekday() < 5:
            assert not is_working_day(date(year, *day))
    tet = [d for d, n in h.items() if n.startswith("Tết Nguyên đán")]
    assert len(tet) == 5 and tet[-1] - tet[0] == timedelta(days=4)
    assert len([d for d, n in h.items() if n.startswith("Quốc khánh")]) == (2 if year >= 2021 else 1)
    # every holiday on a weekend has its own compensatory weekday
    assert sum(d.weekday() >= 5 for d, n in h.items() if not n.startswith("Nghỉ bù")) == \
        sum(n.startswith("Nghỉ bù") for n in h.values())


@pytest.mark.parametrize(
    ("day", "name"),
    [("2022-01-03", "Nghỉ bù Tết Dương lịch"), ("2021-05-03", "Nghỉ bù Ngày Quốc tế lao động (1/5)"),
     ("2022-05-02", "Nghỉ bù Ngày Chiến thắng (30/4)"), ("2022-05-03", "Nghỉ bù Ngày Quốc tế lao động (1/5)"),
     # 2023: Giỗ Tổ on Saturday 29/4, 30/4 on Sunday, 1/5 on Monday: two days, pushed past 1/5
     ("2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"), ("2023-05-03", "Nghỉ bù Ngày Chiến thắng (30/4)")],
)
def test_compensatory_days(day: str, name: str) -> None:
    assert holidays(D(day).year)[D(day)] == name


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # Tết, civil-service breaks as announced (Bộ LĐTBXH / Bộ Nội vụ notices, as reported)
        ("2020-01-23", "2020-01-29"),
        ("2021-02-10", "2021-02-16"),
        ("2022-01-29", "2022-02-06"),
        ("2023-01-20", "2023-01-26"),
        ("2024-02-08", "2024-02-14"),
        ("2025-01-25", "2025-02-02"),
        ("2026-02-14", "2026-02-22"),
        # Quốc khánh
        ("2021-09-02", "2021-09-05"),
        ("2022-09-01", "2022-09-04"),
        ("2023-09-01", "2023-09-04"),
        ("2024-08-31", "2024-09-03"),
        ("2025-08-30", "2025-09-02"),
        # 30/4–1/5 (2024 and 2025 with a swap from holidays.toml)
        ("2023-04-29", "2023-05-03"),
        ("2024-04-27", "2024-05-01"),
        ("2025-04-30", "2025-05-04"),
        # Tết Dương lịch 2026 (swap)
        ("2026-01-01", "2026-01-04"),
    ],
)
def test_official_breaks(first: str, last: str) -> None:
    start, end = D(first), D(last)
    assert is_working_day(start - timedelta(days=1))
    assert is_working_day(end + timedelta(days=1))
    d = start
    while d <= end:
        assert not is_working_day(d), d
        d += timedelta(days=1)


# --- swaps (data) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("off", "work"), [("2024-04-29", "2024-05-04"), ("2025-05-02", "2025-04-26"),
                                           ("2026-01-02", "2026-01-10")])
def test_swaps_from_the_data_file(off: str, work: str) -> None:
    assert (D(off), D(work)) in {(s.off, s.work) for s in swaps(D(off).year)}
    assert not is_working_day(D(off)) and is_working_day(D(work))
    assert days_off(D(off).year)[D(off)].startswith("Nghỉ hoán đổi")
    # the rule alone has them the other way round
    assert D(off).weekday() < 5 and D(off) not in holidays(D(off).year) and D(work).weekday() >= 5


def test_every_swap_has_a_source_and_agrees_with_the_rule() -> None:
    for year in sorted({y for s in cal._all_swaps() for y in (s.off.year, s.work.year)}):
        for s in swaps(year):
            assert s.source
        days_off(year)  # raises RulesError when a swap contradicts the rule


# --- counting ---------------------------------------------------------------------------------------


def test_working_days_between_across_tet() -> None:
    # 7/2/2024 (Wed) .. 16/2/2024 (Fri): only Thursday 15/2 is worked in between
    assert working_days_between(D("2024-02-07"), D("2024-02-16")) == 1
    # 1/2 (Thu) .. 20/2 (Tue): 2, 5, 6, 7 Feb, 15, 16, 19 Feb
    assert working_days_between(D("2024-02-01"), D("2024-02-20")) == 7


@pytest.mark.parametrize(("start", "end"), [("2024-02-10", "2024-02-10"), ("2024-02-10", "2024-02-11"),
                                            ("2024-03-01", "2024-02-01"), ("2024-02-14", "2024-02-15")])
def test_working_days_between_empty(start: str, end: str) -> None:
    assert working_days_between(D(start), D(end)) == 0


def test_working_days_between_matches_day_by_day_counting() -> None:
    rng = random.Random(20240210)
    for _ in range(300):
        start = D("2014-01-01") + timedelta(days=rng.randrange(0, 365 * 16))
        end = start + timedelta(days=rng.randrange(-5, 800))
        d, expected = start + timedelta(days=1), 0
        while d < end:
            expected += is_working_day(d)
            d += timedelta(days=1)
        assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [("2024-02-07", 1, "2024-02-15"),  # over the whole Tết break
     ("2024-04-17", 1, "2024-04-19"),  # over Giỗ Tổ (Thu 18/4)
     ("2024-04-26", 1, "2024-05-02"),  # over the swapped 29/4 and 30/4–1/5
     ("2024-05-03", 1, "2024-05-04"),  # the Saturday made up for 29/4 is a working day
     ("2026-04-24", 2, "2026-04-29"),  # Fri + 2: Monday 27/4 is the compensatory day for Giỗ Tổ
     ("2024-02-16", 0, "2024-02-16"),
     ("2024-02-15", -1, "2024-02-07")],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [("2024-02-15", 1, "2024-02-07"), ("2024-02-16", 2, "2024-02-07"), ("2024-02-19", 3, "2024-02-07"),
     ("2024-09-04", 1, "2024-08-30"), ("2024-09-04", 0, "2024-09-04")],
)
def test_working_days_before(d: str, n: int, expected: str) -> None:
    assert working_days_before(D(d), n) == D(expected)


def test_before_and_add_are_inverse_and_agree_with_between() -> None:
    d = D("2024-01-02")
    while d < D("2024-12-31"):
        if is_working_day(d):
            for n in (1, 2, 5):
                w = working_days_before(d, n)
                assert is_working_day(w) and add_working_days(w, n) == d
                assert working_days_between(w, d) == n - 1
        d += timedelta(days=1)


@pytest.mark.parametrize(("d", "expected"), [("2024-02-07", "2024-02-15"), ("2024-02-15", "2024-02-16"),
                                             ("2024-02-16", "2024-02-19"), ("2025-12-31", "2026-01-05")])
def test_next_working_day(d: str, expected: str) -> None:
    assert next_working_day(D(d)) == D(expected)


def test_years_outside_the_rules_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        is_working_day(D("2013-06-03"))
    with pytest.raises(ValueError):  # CalendarRangeError is also a ValueError
        holidays(2200)
