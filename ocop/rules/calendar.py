"""Working days in Vietnam: weekends, public holidays and government swaps.

The holidays come from the ``holidays`` package (``holidays.country_holidays("VN")``), which
follows the Labour Codes (2012 art. 115, 2019 art. 112), computes the lunar holidays on the
Vietnamese calendar (UTC+7), gives the compensatory days (*nghỉ bù*) for a holiday on a weekend,
places the Tết break and the day added to Quốc khánh as the government has decided them, has Ngày
Văn hóa Việt Nam (24/11) from 2026, and records the government's swaps year by year: a working day
given off (``"Ngày nghỉ (thay cho ngày dd/mm/yyyy)"``) for a Saturday worked instead (its
``weekend_workdays``). It matched the hand-written calendar this module had before for 2020–2025
day for day.

A swap the package has not recorded yet (a decision newer than its release) goes in
``data/holidays.toml``; it is applied on top of the package. An entry that says what the package
already says (the package caught up) changes nothing; one that contradicts it (its day off already
off, its day worked already worked) is refused with a ``RulesError`` naming the entry.

A day is a working day unless it is a Saturday or Sunday (the 40-hour week of state bodies, who
run OCOP councils) or a day off; a Saturday or Sunday made up for a swapped day off is a working day.

Only years from ``FIRST_YEAR`` (2014, the first Tết under the Labour Code 2012's five days) to
``LAST_YEAR`` (the last year of the package's lunar tables) are answered; other years raise
``CalendarRangeError`` rather than guess.

Everything is pure; per-year tables are computed once and cached (``is_working_day`` is a binary
search in a sorted tuple of the year's exceptions to Monday–Friday).
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from holidays import HolidayBase, country_holidays
from holidays.countries.vietnam import Vietnam, VietnamStaticHolidays

from ocop import present
from ocop.errors import InputError, RulesError

DATA_FILE = Path(__file__).parent / "data" / "holidays.toml"

FIRST_YEAR = 2014
LAST_YEAR: int = Vietnam.end_year
# how the package names a day off given for a weekend day worked; the data file's swaps are named alike
SWAP_LABEL: str = VietnamStaticHolidays.substituted_label  # "Ngày nghỉ (thay cho ngày %s)"

_ONE_DAY = timedelta(days=1)


class CalendarRangeError(InputError, ValueError):
    """A date outside the years whose holidays the calendar knows."""


@dataclass(frozen=True)
class Swap:
    """A government decision: ``off`` (a working day) is a day off, ``work`` (a weekend day) is worked."""

    off: date
    work: date
    source: str


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarRangeError(
            f"Lịch ngày làm việc chỉ tính cho các năm {FIRST_YEAR}–{LAST_YEAR}, không tính năm {year}.")


# --- the package ---------------------------------------------------------------------------------


@cache
def _package(year: int) -> HolidayBase:
    """The package's holidays of ``year``: names in Vietnamese whatever the locale, nothing added later."""
    return country_holidays("VN", years=year, language="vi", expand=False)


def _package_working(d: date) -> bool:
    return _package(d.year).is_working_day(d)


# --- swaps the package lacks (data) --------------------------------------------------------------


def _entry(i: int, entry: object) -> Swap:
    where = f"{DATA_FILE.name}, [[swap]] thứ {i}"
    if not isinstance(entry, dict) or set(entry) != {"off", "work", "source"}:
        keys = ", ".join(sorted(entry)) if isinstance(entry, dict) else type(entry).__name__
        raise RulesError(f"{where}: cần đúng các khóa off, work, source (có: {keys or 'không khóa nào'})")
    off, work, source = entry["off"], entry["work"], entry["source"]
    for key, value in (("off", off), ("work", work)):
        if type(value) is not date:
            shown = f"'{value}'" if isinstance(value, str) else value
            raise RulesError(f"{where}, khóa {key} = {shown}: phải là một ngày (YYYY-MM-DD, không có giờ)")
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise RulesError(f"{where}, khóa {key} = {value}: lịch chỉ tính các năm {FIRST_YEAR}–{LAST_YEAR}")
    if not isinstance(source, str) or not source.strip():
        raise RulesError(f"{where}, khóa source: thiếu nguồn (số văn bản hoặc nơi công bố)")
    return Swap(off, work, source.strip())


def _check_against_package(i: int, s: Swap) -> bool:
    """Whether the package lacks swap ``s`` (the ``i``-th entry); ``RulesError`` if it contradicts it."""
    off_already, work_already = not _package_working(s.off), _package_working(s.work)
    if off_already and work_already:
        return False  # the package has recorded this decision since: nothing to add
    if off_already or work_already:
        d, what = (s.off, "nghỉ") if off_already else (s.work, "làm việc")
        raise RulesError(
            f"{DATA_FILE.name}, [[swap]] thứ {i} (nghỉ {present.date_short(s.off)}, làm bù "
            f"{present.date_short(s.work)}): ngày {present.date_short(d)} đã là ngày {what} theo gói holidays "
            f"({_package(d.year).get(d) or present.weekday(d)})")
    return True


@cache
def _all_swaps() -> tuple[Swap, ...]:
    """The data file's swaps that the package lacks, checked against it and against each other."""
    try:
        raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RulesError(f"Không đọc được tệp ngày nghỉ {DATA_FILE.name}: {e}") from e
    unknown = set(raw) - {"swap"}
    if unknown:
        raise RulesError(f"{DATA_FILE.name}: khóa không dùng {', '.join(sorted(unknown))} (chỉ có [[swap]])")
    entries = raw.get("swap", [])
    if not isinstance(entries, list):
        raise RulesError(f"{DATA_FILE.name}: swap phải là các bảng [[swap]]")
    out: list[Swap] = []
    seen: dict[date, int] = {}
    for i, entry in enumerate(entries, 1):
        s = _entry(i, entry)
        if s.off == s.work:
            raise RulesError(f"{DATA_FILE.name}, [[swap]] thứ {i}: off và work là cùng một ngày "
                             f"{present.date_short(s.off)}")
        for d in (s.off, s.work):
            if d in seen:
                raise RulesError(f"{DATA_FILE.name}, [[swap]] thứ {i}: ngày {present.date_short(d)} đã có "
                                 f"trong [[swap]] thứ {seen[d]}")
            seen[d] = i
        if _check_against_package(i, s):
            out.append(s)
    return tuple(out)


@cache
def _swaps(year: int) -> tuple[Swap, ...]:
    return tuple(s for s in _all_swaps() if year in (s.off.year, s.work.year))


def swaps(year: int) -> tuple[Swap, ...]:
    """Swaps with either day in ``year`` that ``data/holidays.toml`` adds to the package's.

    The package's own swaps are in ``holidays``/``days_off`` (named ``"Ngày nghỉ (thay cho ngày …)"``)
    and ``is_working_day``; entries the package has caught up with are left out.
    """
    _check_year(year)
    return _swaps(year)


# --- the year's table ----------------------------------------------------------------------------


@cache
def _holidays(year: int) -> dict[date, str]:
    """The package's days off of ``year`` with the data file's swaps applied, in date order."""
    days = dict(_package(year).items())
    for s in _swaps(year):
        if s.off.year == year:
            days[s.off] = SWAP_LABEL % present.date_short(s.work)
        days.pop(s.work, None)  # a holiday made a working day
    return dict(sorted(days.items()))


@cache
def _exceptions(year: int) -> tuple[tuple[date, ...], tuple[int, ...]]:
    """Dates of ``year`` whose status differs from Monday–Friday working, with +1 (worked) / -1 (off)."""
    status = dict.fromkeys(_holidays(year), False)
    status.update((d, True) for d in _package(year).weekend_workdays if d.year == year)
    status.update((s.work, True) for s in _swaps(year) if s.work.year == year)
    changes = sorted((d, 1 if w else -1) for d, w in status.items() if w != (d.weekday() < 5))
    return tuple(d for d, _ in changes), tuple(v for _, v in changes)


def holidays(year: int) -> dict[date, str]:
    """Every holiday and day off of ``year`` in date order, with its Vietnamese name (the package's).

    Holidays falling on a weekend are listed too (they are what gives the compensatory days, named
    ``"<holiday> (nghỉ bù)"``); government swaps are applied: the day given off is named
    ``"Ngày nghỉ (thay cho ngày dd/mm/yyyy)"`` after the weekend day worked instead.
    """
    _check_year(year)
    return dict(_holidays(year))


def days_off(year: int) -> dict[date, str]:
    """The days off of ``year`` that fall Monday–Friday: every day off besides ordinary weekends."""
    _check_year(year)
    names = _holidays(year)
    dates, deltas = _exceptions(year)
    return {d: names[d] for d, v in zip(dates, deltas, strict=True) if v < 0}


# --- working days --------------------------------------------------------------------------------


def is_working_day(d: date) -> bool:
    """Monday–Friday and not a day off, or a weekend day worked for a swap."""
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
