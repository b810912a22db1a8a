"""Working-day calendar: the holidays package, the data file's swaps on top, counting."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import holidays as holidays_package
import pytest

from ocop.errors import RulesError
from ocop.rules import calendar as cal
from ocop.rules.calendar import (
    CalendarRangeError,
    add_working_days,
    days_off,
    holidays,
    is_working_day,
    next_working_day,
    previous_working_day,
    swaps,
    working_days_before,
    working_days_between,
)

D = date.fromisoformat


def _clear() -> None:
    for f in (cal._all_swaps, cal._swaps, cal._holidays, cal._exceptions):
        f.cache_clear()


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data file of the test's own in place of ocop/rules/data/holidays.toml (caches cleared around)."""
    path = tmp_path / "holidays.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(cal, "DATA_FILE", path)
    _clear()
    yield path
    _clear()


def _swap(off: str, work: str, source: str = '"Công văn thử"') -> str:
    return f"[[swap]]\noff = {off}\nwork = {work}\nsource = {source}\n\n"


def _off(first: str, last: str) -> None:
    """Every day from ``first`` to ``last`` is off, the day before and the day after are worked."""
    start, end = D(first), D(last)
    assert is_working_day(start - timedelta(days=1)), start - timedelta(days=1)
    assert is_working_day(end + timedelta(days=1)), end + timedelta(days=1)
    d = start
    while d <= end:
        assert not is_working_day(d), d
        d += timedelta(days=1)


# --- 2026 (what the hand-written calendar got wrong) ------------------------------------------------


def test_vietnam_culture_day_is_off_from_2026() -> None:
    assert D("2026-11-24").weekday() == 1  # a Tuesday
    assert not is_working_day(D("2026-11-24"))
    assert days_off(2026)[D("2026-11-24")] == "Ngày Văn hóa Việt Nam"
    assert is_working_day(D("2026-11-23")) and is_working_day(D("2026-11-25"))
    assert is_working_day(D("2025-11-24"))  # a Monday, before the resolution
    assert working_days_between(D("2026-11-20"), D("2026-11-27")) == 3  # Mon 23, Wed 25, Thu 26


def test_the_2026_national_day_swap() -> None:
    assert D("2026-08-31").weekday() == 0 and D("2026-08-22").weekday() == 5
    assert not is_working_day(D("2026-08-31"))
    assert is_working_day(D("2026-08-22"))  # the Saturday worked for it
    assert days_off(2026)[D("2026-08-31")] == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    _off("2026-08-29", "2026-09-02")  # Saturday to Wednesday 2/9
    assert {d: n for d, n in days_off(2026).items() if d.month == 9} == {
        D("2026-09-01"): "Quốc khánh", D("2026-09-02"): "Quốc khánh"}
    # Friday 21/8 + 1 working day is Saturday 22/8
    assert next_working_day(D("2026-08-21")) == D("2026-08-22")
    assert previous_working_day(D("2026-08-24")) == D("2026-08-22")


def test_tet_2026() -> None:
    _off("2026-02-14", "2026-02-22")  # Saturday 14/2 to Sunday 22/2
    assert [d for d in days_off(2026) if d.month == 2] == [
        D("2026-02-16"), D("2026-02-17"), D("2026-02-18"), D("2026-02-19"), D("2026-02-20")]
    assert days_off(2026)[D("2026-02-17")] == "Tết Nguyên Đán"  # mùng 1
    assert days_off(2026)[D("2026-02-16")] == "Giao thừa Tết Nguyên Đán"


def test_new_year_2026_swap_from_the_data_file() -> None:
    assert [(s.off, s.work) for s in swaps(2026)] == [(D("2026-01-02"), D("2026-01-10"))]
    _off("2026-01-01", "2026-01-04")
    assert is_working_day(D("2026-01-10"))
    assert days_off(2026)[D("2026-01-02")] == "Ngày nghỉ (thay cho ngày 10/01/2026)"
    # the package alone does not have it
    assert cal._package(2026).is_working_day(D("2026-01-02"))


def test_hung_kings_day_2026_on_a_sunday_gives_the_monday_off() -> None:
    assert D("2026-04-26").weekday() == 6
    assert holidays(2026)[D("2026-04-26")] == "Ngày Giỗ Tổ Hùng Vương"
    assert holidays(2026)[D("2026-04-27")] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not is_working_day(D("2026-04-27")) and is_working_day(D("2026-04-28"))
    assert add_working_days(D("2026-04-24"), 2) == D("2026-04-29")


# --- earlier years -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("off", "work"), [("2024-04-29", "2024-05-04"), ("2025-05-02", "2025-04-26"),
                                           ("2019-04-29", "2019-05-04")])
def test_earlier_swaps_the_package_records(off: str, work: str) -> None:
    assert not is_working_day(D(off)) and is_working_day(D(work))
    assert days_off(D(off).year)[D(off)] == f"Ngày nghỉ (thay cho ngày {D(work):%d/%m/%Y})"
    assert swaps(D(off).year) == ()  # nothing in the data file for them


def test_a_swap_across_new_year() -> None:
    """Monday 31/12/2018 off, made up on Saturday 5/1/2019: both years see it."""
    assert not is_working_day(D("2018-12-31")) and is_working_day(D("2019-01-05"))
    # Fri 28/12/2018 .. Mon 7/1/2019: 2, 3, 4 and Saturday 5 January
    assert working_days_between(D("2018-12-28"), D("2019-01-07")) == 4
    assert next_working_day(D("2019-01-04")) == D("2019-01-05")


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # Tết, civil-service breaks as announced (Bộ LĐTBXH / Bộ Nội vụ notices, as reported)
        ("2020-01-23", "2020-01-29"), ("2021-02-10", "2021-02-16"), ("2022-01-29", "2022-02-06"),
        ("2023-01-20", "2023-01-26"), ("2024-02-08", "2024-02-14"), ("2025-01-25", "2025-02-02"),
        # Quốc khánh
        ("2021-09-02", "2021-09-05"), ("2022-09-01", "2022-09-04"), ("2023-09-01", "2023-09-04"),
        ("2024-08-31", "2024-09-03"), ("2025-08-30", "2025-09-02"),
        # 30/4–1/5 (2024 and 2025 with a swap)
        ("2023-04-29", "2023-05-03"), ("2024-04-27", "2024-05-01"), ("2025-04-30", "2025-05-04"),
    ],
)
def test_official_breaks(first: str, last: str) -> None:
    _off(first, last)


@pytest.mark.parametrize(
    ("day", "name"),
    [("2022-01-03", "Tết Dương lịch (nghỉ bù)"), ("2021-05-03", "Ngày Quốc tế Lao động (nghỉ bù)"),
     ("2023-09-04", "Quốc khánh (nghỉ bù)"), ("2020-09-02", "Quốc khánh")],
)
def test_names_are_vietnamese(day: str, name: str) -> None:
    assert days_off(D(day).year)[D(day)] == name


def test_names_do_not_follow_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en_US")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    cal._package.cache_clear()
    _clear()
    try:
        assert days_off(2026)[D("2026-11-24")] == "Ngày Văn hóa Việt Nam"
    finally:
        cal._package.cache_clear()
        _clear()


@pytest.mark.parametrize("year", range(cal.FIRST_YEAR, cal.LAST_YEAR + 1))
def test_every_year_has_new_year_tet_and_national_day(year: int) -> None:
    """Up to LAST_YEAR the package has its lunar dates: five Tết days off Monday to Friday."""
    off = days_off(year)
    tet = [d for d, n in off.items() if "Tết" in n and "Dương lịch" not in n]
    assert len(tet) == 5 and tet[-1] - tet[0] <= timedelta(days=8), (year, tet)
    h = holidays(year)
    assert "Tết Dương lịch" in h[date(year, 1, 1)] and "Quốc khánh" in h[date(year, 9, 2)]
    assert "Ngày Giỗ Tổ Hùng Vương" in h.values()
    assert all(d.weekday() < 5 and not is_working_day(d) for d in off)


def test_agrees_with_the_package_except_the_data_files_swaps() -> None:
    mine = {d for s in cal._all_swaps() for d in (s.off, s.work)}
    d = date(cal.FIRST_YEAR, 1, 1)
    while d < date(2031, 1, 1):
        assert (is_working_day(d) != cal._package(d.year).is_working_day(d)) == (d in mine), d
        d += timedelta(days=1)


def test_years_outside_the_package_are_refused() -> None:
    assert holidays_package.Vietnam.end_year == cal.LAST_YEAR
    for bad in (D("2013-06-03"), date(cal.LAST_YEAR + 1, 6, 1)):
        with pytest.raises(CalendarRangeError, match=f"chỉ tính cho các năm 2014–{cal.LAST_YEAR}, không tính năm"):
            is_working_day(bad)
    with pytest.raises(ValueError):  # CalendarRangeError is also a ValueError
        holidays(cal.LAST_YEAR + 1)
    with pytest.raises(CalendarRangeError):
        working_days_between(D("2013-12-20"), D("2014-01-10"))


# --- the data file -------------------------------------------------------------------------------------


def test_a_swap_in_the_data_file_changes_the_working_days(data_file: Path) -> None:
    assert is_working_day(D("2027-11-26")) and not is_working_day(D("2027-11-20"))
    assert is_working_day(D("2026-01-02"))  # this file lacks the shipped file's 2026 swap
    data_file.write_text(_swap("2027-11-26", "2027-11-20"), encoding="utf-8")
    _clear()
    assert not is_working_day(D("2027-11-26")) and is_working_day(D("2027-11-20"))
    assert swaps(2027) == (cal.Swap(D("2027-11-26"), D("2027-11-20"), "Công văn thử"),)
    assert days_off(2027)[D("2027-11-26")] == "Ngày nghỉ (thay cho ngày 20/11/2027)"
    # Fri 19/11 .. Mon 29/11: Saturday 20, 22, 23, 24 is Ngày Văn hóa, 25
    assert working_days_between(D("2027-11-19"), D("2027-11-29")) == 4


def test_a_swap_across_new_year_in_the_data_file(data_file: Path) -> None:
    data_file.write_text(_swap("2027-12-31", "2028-01-08"), encoding="utf-8")
    _clear()
    assert not is_working_day(D("2027-12-31")) and is_working_day(D("2028-01-08"))
    assert swaps(2027) == swaps(2028) != ()
    assert D("2028-01-08") not in holidays(2028) and D("2027-12-31") in holidays(2027)


def test_a_swap_the_package_already_records_changes_nothing(data_file: Path) -> None:
    before = days_off(2026), cal._exceptions(2026)
    data_file.write_text(_swap("2026-08-31", "2026-08-22"), encoding="utf-8")
    _clear()
    assert swaps(2026) == ()
    assert (days_off(2026), cal._exceptions(2026)) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_swap("2026-11-24", "2026-11-28"),
         r"holidays\.toml, \[\[swap\]\] thứ 1 \(nghỉ 24/11/2026, làm bù 28/11/2026\): ngày 24/11/2026 đã là "
         r"ngày nghỉ theo gói holidays \(Ngày Văn hóa Việt Nam\)"),
        (_swap("2027-11-26", "2027-11-20") + _swap("2027-11-25", "2027-11-22"),
         r"\[\[swap\]\] thứ 2 \(nghỉ 25/11/2027, làm bù 22/11/2027\): ngày 22/11/2027 đã là ngày làm việc"),
        (_swap("2027-11-26", "2027-11-20") + _swap("2027-11-26", "2027-11-27"),
         r"\[\[swap\]\] thứ 2: ngày 26/11/2027 đã có trong \[\[swap\]\] thứ 1"),
        (_swap("2027-11-26", "2027-11-26"), r"thứ 1: off và work là cùng một ngày 26/11/2027"),
        ("[[swap]]\noff = 2027-11-26\nwork = 2027-11-20\n",
         r"thứ 1: cần đúng các khóa off, work, source \(có: off, work\)"),
        (_swap("2027-11-26T08:00:00", "2027-11-20"), r"thứ 1, khóa off = .*: phải là một ngày"),
        (_swap('"26/11/2027"', "2027-11-20"), r"thứ 1, khóa off = '26/11/2027': phải là một ngày"),
        (_swap("2027-11-26", "2027-11-20", '" "'), r"thứ 1, khóa source: thiếu nguồn"),
        (_swap("2013-05-02", "2013-05-04"), r"thứ 1, khóa off = 2013-05-02: lịch chỉ tính các năm 2014–"),
        ("[holiday]\noff = 2027-11-26\n", r"holidays\.toml: khóa không dùng holiday"),
        ("[[swap]\n", r"Không đọc được tệp ngày nghỉ holidays\.toml"),
    ],
)
def test_a_bad_data_file_is_refused_naming_the_entry(data_file: Path, text: str, message: str) -> None:
    data_file.write_text(text, encoding="utf-8")
    _clear()
    with pytest.raises(RulesError, match=message):
        is_working_day(D("2027-06-01"))


def test_the_shipped_data_file_holds_only_what_the_package_lacks() -> None:
    raw = tomllib.loads(cal.DATA_FILE.read_text(encoding="utf-8"))
    assert len(cal._all_swaps()) == len(raw["swap"]) >= 1
    for s in cal._all_swaps():
        assert s.source and s.off.weekday() < 5 and s.work.weekday() >= 5


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
     ("2026-11-23", 1, "2026-11-25"),  # over Ngày Văn hóa Việt Nam
     ("2024-02-16", 0, "2024-02-16"),
     ("2024-02-15", -1, "2024-02-07")],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [("2024-02-15", 1, "2024-02-07"), ("2024-02-16", 2, "2024-02-07"), ("2024-02-19", 3, "2024-02-07"),
     ("2024-09-04", 1, "2024-08-30"), ("2024-09-04", 0, "2024-09-04"), ("2026-09-03", 1, "2026-08-28")],
)
def test_working_days_before(d: str, n: int, expected: str) -> None:
    assert working_days_before(D(d), n) == D(expected)


def test_before_and_add_are_inverse_and_agree_with_between() -> None:
    d = D("2026-01-02")
    while d < D("2026-12-31"):
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
