"""Working days in Vietnam: weekends, public holidays computed for any year, government swaps.

A day is a working day unless it is a Saturday or Sunday (the 40-hour week of state bodies), a
public holiday, or a compensatory day for a holiday that fell on a weekend; government decisions
that swap a working day for a Saturday are applied on top, from ``data/holidays.toml``.

Public holidays (Bộ luật Lao động 2019 art. 112, in force from 2021; 2012 art. 115 before):

* Tết Dương lịch: 1/1.
* Tết Nguyên đán: 5 days. The law leaves their placement to the Prime Minister; the rule here
  (``TET_DAYS_BEFORE``) is the last **two** days of the lunar year and the first **three** of the
  new one. It reproduces every civil-service break from 2020 to 2026 (2020: 23/1–29/1,
  2021: 10/2–16/2, 2022: 31/1–4/2 plus weekends, 2023: 20/1–26/1, 2024: 8/2–14/2,
  2025: 27/1–31/1 plus weekends, 2026: 16/2–20/2 plus weekends); "last day + first four" gives
  the same days in 2022, 2025 and 2026 but one day late in 2020, 2021, 2023 and 2024.
* Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month (the regular month, not a leap 3rd month).
* Ngày Chiến thắng: 30/4. Ngày Quốc tế lao động: 1/5.
* Quốc khánh: 2/9; from 2021 also one adjacent day, which the Prime Minister picks each year.
  The rule (``_national_day_extra``) picks the day that joins the break to a weekend: 3/9 when
  2/9 is a Monday or a Thursday, 1/9 otherwise. That is what was decided in 2021 (3/9), 2022
  (1/9), 2023 (1/9), 2024 (3/9) and 2025 (1/9). Until 2020 (Labour Code 2012) 2/9 only.

Compensatory days (2019 art. 111(3); 2012 art. 115(3)): a holiday on a Saturday or Sunday gives
the next working day off, taken in date order so two weekend holidays give two days. When two
holidays fall on the same date (Giỗ Tổ can meet 30/4 or 1/5) the date counts once: the law
grants no extra day for that case.

Only years from ``FIRST_YEAR`` (2014, the first Tết under the Labour Code 2012, which gave it
five days instead of four) to ``LAST_YEAR`` are answered; other years raise
``CalendarRangeError`` rather than guess.

The lunar calendar is Hồ Ngọc Đức's astronomical algorithm for the Vietnamese calendar
(new moons and solar longitude after Jean Meeus, "Astronomical Algorithms"; time zone UTC+7
for every year, so dates before 1968, when North Vietnam still used UTC+8, may differ from
calendars printed then). Julian day numbers come from ``date.toordinal`` (proleptic Gregorian),
which equals jdFromDate for every Gregorian date.

Everything is pure; per-year tables are computed once and cached.
"""

from __future__ import annotations

import math
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ocop import present
from ocop.errors import InputError, RulesError

DATA_FILE = Path(__file__).parent / "data" / "holidays.toml"

FIRST_YEAR = 2014
LAST_YEAR = 2199
LUNAR_FIRST_YEAR = 1800
LUNAR_LAST_YEAR = 2199
LABOUR_CODE_2019_FROM = 2021  # two days for Quốc khánh
TET_DAYS = 5
TET_DAYS_BEFORE = 2  # days of the old lunar year in the Tết block; the rest start on mùng 1
TIME_ZONE = 7.0  # hours east of UTC

_ONE_DAY = timedelta(days=1)
_JD_OFFSET = 1721425  # Julian day number of date.fromordinal(1) - 1


class CalendarRangeError(InputError, ValueError):
    """A date outside the years whose holidays the calendar knows."""


class LunarDate(NamedTuple):
    year: int
    month: int
    day: int
    leap: bool = False


@dataclass(frozen=True)
class Swap:
    """A government decision: ``off`` (a working day) is a day off, ``work`` (a weekend day) is worked."""

    off: date
    work: date
    source: str


# --- lunar calendar (Hồ Ngọc Đức) ---------------------------------------------------------------


def _jd_from_date(d: date) -> int:
    return d.toordinal() + _JD_OFFSET


def _jd_to_date(jd: int) -> date:
    return date.fromordinal(jd - _JD_OFFSET)


def _new_moon(k: int) -> float:
    """Julian date (UT, fractional) of the k-th new moon after 1900-01-01 13:52 UT."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # moon's mean anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # moon's argument of latitude
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 = c1 - 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(dr * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - deltat


def _sun_longitude(jdn: float) -> float:
    """Sun's longitude in radians, in [0, 2π), at Julian date ``jdn`` (UT)."""
    t = (jdn - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2  # mean anomaly
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2  # mean longitude
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    return lon - 2 * math.pi * math.floor(lon / (2 * math.pi))


@cache
def _new_moon_day(k: int) -> int:
    """Julian day number of the local (UTC+7) day holding the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + TIME_ZONE / 24)


def _sun_segment(day_number: int) -> int:
    """Which of the 12 30° arcs (0 = from the March equinox) the sun is in at local midnight."""
    return math.floor(_sun_longitude(day_number - 0.5 - TIME_ZONE / 24) / math.pi * 6)


@cache
def _lunar_month_11(year: int) -> int:
    """Julian day number of the first day of the 11th lunar month (the one holding the winter solstice)."""
    off = _jd_from_date(date(year, 12, 31)) - 2415021
    k = math.floor(off / 29.530588853)
    nm = _new_moon_day(k)
    if _sun_segment(nm) >= 9:  # the sun is already past 270°: the solstice is in the month before
        nm = _new_moon_day(k - 1)
    return nm


@cache
def _leap_month_offset(a11: int) -> int:
    """Index, counted in months after month 11 at ``a11``, of the first month with no major term."""
    k = math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_segment(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_segment(_new_moon_day(k + i))
        if arc == last or i >= 14:
            return i - 1


def _check_lunar_range(d: date) -> None:
    if not LUNAR_FIRST_YEAR <= d.year <= LUNAR_LAST_YEAR:
        raise CalendarRangeError(
            f"Âm lịch chỉ tính cho các ngày dương lịch năm {LUNAR_FIRST_YEAR}–{LUNAR_LAST_YEAR}, "
            f"không tính ngày {present.date_short(d)}.")


def solar_to_lunar(d: date) -> LunarDate:
    """The Vietnamese lunar date of ``d``: ``(year, month, day, leap)`` (convertSolar2Lunar).

    ``d`` must lie in 1800–2199 (``CalendarRangeError`` otherwise).
    """
    _check_lunar_range(d)
    day_number = _jd_from_date(d)
    k = math.floor((day_number - 2415021.076998695) / 29.530588853)
    month_start = _new_moon_day(k + 1)
    while month_start > day_number:  # the original steps back once; near local midnight it takes two
        k -= 1
        month_start = _new_moon_day(k + 1)
    a11 = _lunar_month_11(d.year)
    b11 = a11
    if a11 >= month_start:
        lunar_year = d.year
        a11 = _lunar_month_11(d.year - 1)
    else:
        lunar_year = d.year + 1
        b11 = _lunar_month_11(d.year + 1)
    lunar_day = day_number - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:
        leap_diff = _leap_month_offset(a11)
        if diff >= leap_diff:
            lunar_month = diff + 10
            leap = diff == leap_diff
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_year, lunar_month, lunar_day, leap)


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a Vietnamese lunar date (convertLunar2Solar).

    Solar dates from 1800-01-01 to 2199-12-31 are answered (``CalendarRangeError`` otherwise).
    Raises ``ValueError`` for a date that does not exist: a month outside 1–12, a day past the
    end of its month (29 or 30 days), or ``leap=True`` for a month that is not the year's leap month.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"không có ngày âm lịch {day}/{month}/{year}")
    if not LUNAR_FIRST_YEAR - 1 <= year <= LUNAR_LAST_YEAR + 1:
        raise CalendarRangeError(
            f"Âm lịch chỉ tính cho các năm {LUNAR_FIRST_YEAR}–{LUNAR_LAST_YEAR}, không tính năm {year}.")
    if month < 11:
        a11, b11 = _lunar_month_11(year - 1), _lunar_month_11(year)
    else:
        a11, b11 = _lunar_month_11(year), _lunar_month_11(year + 1)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    off = month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = leap_off - 2
        if leap_month < 0:
            leap_month += 12
        if leap and month != leap_month:
            raise ValueError(f"năm âm lịch {year} không có tháng {month} nhuận")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"năm âm lịch {year} không có tháng nhuận")
    month_start = _new_moon_day(k + off)
    if day > _new_moon_day(k + off + 1) - month_start:
        raise ValueError(f"tháng {month}{' nhuận' if leap else ''} năm âm lịch {year} không có ngày {day}")
    result = _jd_to_date(month_start + day - 1)
    _check_lunar_range(result)
    return result


# --- holidays ------------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarRangeError(
            f"Lịch ngày làm việc chỉ tính cho các năm {FIRST_YEAR}–{LAST_YEAR}, không tính năm {year}.")


def _tet_name(d: date) -> str:
    lunar = solar_to_lunar(d)
    if lunar.month == 1:
        return f"Tết Nguyên đán (mùng {lunar.day} tháng Giêng)"
    return f"Tết Nguyên đán ({lunar.day} tháng Chạp)"


def _national_day_extra(year: int) -> date:
    """The day added to 2/9 from 2021: the one that joins the break to a weekend (see module doc)."""
    national_day = date(year, 9, 2)
    return national_day + _ONE_DAY if national_day.weekday() in (0, 3) else national_day - _ONE_DAY


def _statutory(year: int) -> dict[date, str]:
    days: dict[date, str] = {}

    def add(d: date, name: str) -> None:
        days[d] = f"{days[d]}; {name}" if d in days else name

    add(date(year, 1, 1), "Tết Dương lịch")
    new_year = lunar_to_solar(year, 1, 1)
    for i in range(-TET_DAYS_BEFORE, TET_DAYS - TET_DAYS_BEFORE):
        d = new_year + timedelta(days=i)
        add(d, _tet_name(d))
    add(lunar_to_solar(year, 3, 10), "Giỗ Tổ Hùng Vương (10/3 âm lịch)")
    add(date(year, 4, 30), "Ngày Chiến thắng (30/4)")
    add(date(year, 5, 1), "Ngày Quốc tế lao động (1/5)")
    add(date(year, 9, 2), "Quốc khánh (2/9)")
    if year >= LABOUR_CODE_2019_FROM:
        add(_national_day_extra(year), "Quốc khánh (ngày liền kề 2/9)")
    return days


@cache
def _holidays(year: int) -> dict[date, str]:
    statutory = _statutory(year)
    days = dict(statutory)
    for d in sorted(statutory):
        if d.weekday() >= 5:
            comp = d + _ONE_DAY
            while comp.weekday() >= 5 or comp in days:
                comp += _ONE_DAY
            days[comp] = f"Nghỉ bù {statutory[d]}"
    return dict(sorted(days.items()))


def holidays(year: int) -> dict[date, str]:
    """Public holidays of ``year`` by the rule, compensatory days included, in date order.

    Names are Vietnamese; a compensatory day is named ``"Nghỉ bù <holiday>"``. Weekend dates
    that are holidays are listed too (they are what gives the compensatory days). Government
    swaps are not applied here: see ``swaps`` and ``days_off``.
    """
    _check_year(year)
    return dict(_holidays(year))


# --- government swaps (data) ---------------------------------------------------------------------


@cache
def _all_swaps() -> tuple[Swap, ...]:
    try:
        raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(f"Không đọc được tệp ngày nghỉ {DATA_FILE.name}: {e}") from e
    unknown = set(raw) - {"swap"}
    if unknown:
        raise RulesError(f"{DATA_FILE.name}: khóa không dùng {sorted(unknown)}")
    out, seen = [], set()
    for i, entry in enumerate(raw.get("swap", []), 1):
        off, work, source = entry.get("off"), entry.get("work"), entry.get("source")
        where = f"{DATA_FILE.name}, [[swap]] thứ {i}"
        if set(entry) != {"off", "work", "source"}:
            raise RulesError(f"{where}: cần đúng các khóa off, work, source")
        if type(off) is not date or type(work) is not date:
            raise RulesError(f"{where}: off và work phải là ngày (YYYY-MM-DD, không có giờ)")
        if not isinstance(source, str) or not source.strip():
            raise RulesError(f"{where}: thiếu nguồn (source)")
        if off == work or off in seen or work in seen:
            raise RulesError(f"{where}: ngày {off} hoặc {work} đã có trong một hoán đổi khác")
        seen |= {off, work}
        out.append(Swap(off, work, source.strip()))
    return tuple(out)


@cache
def _swaps(year: int) -> tuple[Swap, ...]:
    return tuple(s for s in _all_swaps() if year in (s.off.year, s.work.year))


def swaps(year: int) -> tuple[Swap, ...]:
    """Government swaps with either day in ``year``, as recorded in ``data/holidays.toml``."""
    _check_year(year)
    return _swaps(year)


# --- working days --------------------------------------------------------------------------------


def _rule_working(d: date) -> bool:
    return d.weekday() < 5 and d not in _holidays(d.year)


@cache
def _exceptions(year: int) -> tuple[tuple[date, ...], tuple[int, ...]]:
    """Dates of ``year`` whose status differs from Monday–Friday working, with +1 (worked) / -1 (off)."""
    status: dict[date, bool] = {d: False for d in _holidays(year) if d.weekday() < 5}
    for s in _swaps(year):
        for d, working in ((s.off, False), (s.work, True)):
            if d.year != year:
                continue
            if _rule_working(d) == working:
                raise RulesError(
                    f"{DATA_FILE.name}: hoán đổi {s.off} ↔ {s.work}: ngày {d} đã là ngày "
                    f"{'làm việc' if working else 'nghỉ'} theo quy tắc")
            status[d] = working
    changes = sorted((d, 1 if w else -1) for d, w in status.items() if w != (d.weekday() < 5))
    return tuple(d for d, _ in changes), tuple(v for _, v in changes)


def days_off(year: int) -> dict[date, str]:
    """Every day of ``year`` that is off besides ordinary Saturdays and Sundays, swaps applied.

    A swapped-in day off is named ``"Nghỉ hoán đổi (làm bù dd/mm/yyyy)"``; holidays falling on
    a weekend are left out (the weekend was off anyway), their compensatory days are in.
    """
    _check_year(year)
    names = _holidays(year)
    dates, deltas = _exceptions(year)
    work_for = {s.off: s.work for s in _swaps(year)}
    return {d: names.get(d) or f"Nghỉ hoán đổi (làm bù {present.date_short(work_for[d])})"
            for d, v in zip(dates, deltas, strict=True) if v < 0}


def is_working_day(d: date) -> bool:
    """Monday–Friday, not a holiday or compensatory day, with government swaps applied."""
    _check_year(d.year)
    dates, deltas = _exceptions(d.year)
    i = bisect_left(dates, d)
    if i < len(dates) and dates[i] == d:
        return deltas[i] > 0
    return d.weekday() < 5


def _weekdays_upto(d: date) -> int:
    """Monday–Friday dates from an arbitrary fixed Monday up to and including ``d``."""
    n = d.toordinal()  # ordinal 1 (0001-01-01) is a Monday
    weeks, rest = divmod(n, 7)  # ordinal 7k is a Sunday
    return weeks * 5 + min(rest, 5)


def _count(first: date, last: date) -> int:
    """Working days in ``first`` .. ``last`` inclusive."""
    if last < first:
        return 0
    total = _weekdays_upto(last) - _weekdays_upto(first - _ONE_DAY)
    for year in range(first.year, last.year + 1):
        _check_year(year)
        dates, deltas = _exceptions(year)
        lo, hi = bisect_left(dates, first), bisect_left(dates, last + _ONE_DAY)
        total += sum(deltas[lo:hi])
    return total


def working_days_between(start: date, end: date) -> int:
    """Working days strictly after ``start`` and strictly before ``end`` (0 if there is no such day)."""
    return _count(start + _ONE_DAY, end - _ONE_DAY)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    d += _ONE_DAY
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def previous_working_day(d: date) -> date:
    """The last working day strictly before ``d``."""
    d -= _ONE_DAY
    while not is_working_day(d):
        d -= _ONE_DAY
    return d


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself does not count; ``n = 0`` gives ``d``).

    Friday + 1 is the next Monday when that is a working day. A negative ``n`` counts backwards
    like ``working_days_before``.
    """
    if n < 0:
        return working_days_before(d, -n)
    for _ in range(n):
        d = next_working_day(d)
    return d


def working_days_before(d: date, n: int) -> date:
    """The ``n``-th working day before ``d`` (``d`` itself does not count; ``n = 0`` gives ``d``).

    For example the latest day to send papers that must arrive "``n`` working days before"
    a meeting counted like ``working_days_between`` (days strictly between) is
    ``working_days_before(meeting, n + 1)``.
    """
    if n < 0:
        return add_working_days(d, -n)
    for _ in range(n):
        d = previous_working_day(d)
    return d
