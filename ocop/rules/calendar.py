"""Working days for lead times and deadlines.

Only weekends are non-working here; Vietnam's public holidays (Tết, Hùng Kings' day …) are
added by the working-day calendar of the scheduling issue. Until then a lead time that spans
a holiday is counted as if the holiday were worked, which can only make a check more lenient.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(d: date) -> bool:
    return d.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days strictly after ``start`` and strictly before ``end``."""
    days, d = 0, start + timedelta(days=1)
    while d < end:
        days += is_working_day(d)
        d += timedelta(days=1)
    return days
