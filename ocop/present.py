"""Everything a person reads, formatted one way: numbers, means, dates, times, stars and labels.

The documents, the CLI, the Prefect artifacts and the messages all format through this module, so
a mean reads the same everywhere: two decimals, rounded half-up from the exact value, with the
Vietnamese decimal comma (553/8 = 69.125 -> "69,13"). Results keep numbers as numbers (a mean
is an exact ``Fraction``, a date a ``date``); they become text only here.
"""

from __future__ import annotations

import math
from datetime import date, time
from decimal import Decimal
from fractions import Fraction

from ocop.errors import DocumentError

# --- labels -----------------------------------------------------------------------------------------

DOCUMENT_STATUS = {"draft": "Dự thảo", "approved": "Đã duyệt", "issued": "Đã ban hành",
                   "replaced": "Đã thay thế", "cancelled": "Đã hủy"}
REGISTRATION_STATUS = {"registered": "Chưa kiểm tra", "eligible": "Đủ điều kiện",
                       "needs_supplement": "Cần bổ sung", "ineligible": "Không đủ điều kiện"}
OUTCOME = {"referred": "Đề nghị cấp trên", "recognised": "Công nhận tại cấp này", "none": "—"}
# the outcome as the result notice tells the producer
OUTCOME_NOTICE = {"referred": "Đề nghị cấp trên đánh giá, phân hạng", "recognised": "Đề nghị công nhận tại cấp này",
                  "none": "Chưa đủ điều kiện đề nghị công nhận"}
WEEKDAY = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


# --- numbers ----------------------------------------------------------------------------------------


def _exact(x: Fraction | Decimal | int | float) -> Fraction:
    if isinstance(x, bool):
        raise TypeError(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(x)
        return Fraction(str(x))  # the number as written: 84.4286, not its binary neighbour
    if isinstance(x, Decimal) and not x.is_finite():
        raise ValueError(x)
    return Fraction(x)


def number(x: Fraction | Decimal | int | float, places: int = 2) -> str:
    """84.4286 -> '84,43'; 1234.5 -> '1.234,50'; Fraction(553, 8) -> '69,13' (comma decimal, dot
    thousands, rounded half-up from the exact value)."""
    try:
        value = _exact(x)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise DocumentError(f"Không định dạng được số: {x!r}.") from exc
    scaled = abs(value) * 10 ** places
    rounded = math.floor(scaled + Fraction(1, 2))
    q = Decimal(rounded).scaleb(-places)
    text = f"{q:,.{places}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if value < 0 and rounded else "") + text


def mean(x: Fraction | Decimal | int | float) -> str:
    """A mean of points: two decimals, half-up from the exact value, decimal comma ('69,13')."""
    return number(x, 2)


def points(x: Fraction | Decimal | int | float) -> str:
    """Points, a threshold or a limit as a sentence says them, without trailing zeros: 50 -> '50',
    7.5 -> '7,5', 69.125 -> '69,13' (at most two decimals, half-up)."""
    text = number(x, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def stars(n: int) -> str:
    """'3 sao'."""
    return f"{n} sao"


def star_counts(counts: dict[int, int]) -> str:
    """'1 × 5★, 3 × 4★, 6 × 3★, 0 × 2★, 0 × 1★'."""
    return ", ".join(f"{counts.get(s, 0)} × {s}★" for s in range(5, 0, -1))


# --- dates and times --------------------------------------------------------------------------------


def date_short(d: date) -> str:
    """'07/01/2020'."""
    return f"{d:%d/%m/%Y}"


def date_long(d: date) -> str:
    """'ngày 07 tháng 01 năm 2020', 'ngày 29 tháng 6 năm 2019' (Decree 30 leading-zero rule)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def clock(t: time) -> str:
    """'08:00'."""
    return f"{t:%H:%M}"


def time_long(t: time, d: date) -> str:
    """'08 giờ 00 phút, ngày 20 tháng 10 năm 2020'."""
    return f"{t.hour:02d} giờ {t.minute:02d} phút, {date_long(d)}"


def weekday(d: date) -> str:
    """'thứ Hai' … 'Chủ nhật'."""
    return WEEKDAY[d.weekday()]


def day(d: date) -> str:
    """'23/10/2020 (thứ Sáu)'."""
    return f"{date_short(d)} ({weekday(d)})"
