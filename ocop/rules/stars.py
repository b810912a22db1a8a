"""Star classes: half-open bands on the unrounded mean, capped by mandatory criteria.

The one place that decides whether a product "misses" a mandatory requirement is
:func:`missed_counted`, from how many of its sheets meet it: :func:`missed_requirements` counts them
from the sheets' options, the rank stage in SQL. Everything else asks these.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from ocop import present
from ocop.errors import ScoringError
from ocop.rules.criteria import CriteriaSet


def star_for(mean: float | Fraction, lower_bounds: Sequence[float], max_points: float) -> int:
    """Stars for an unrounded mean: [0,30) 1★, [30,50) 2★, [50,70) 3★, [70,90) 4★, [90,100] 5★.

    Callers pass the exact mean as a Fraction where they have one: an exact band edge stays exact."""
    if isinstance(mean, Fraction):
        return star_of(mean.numerator, mean.denominator, lower_bounds, max_points)
    if not 0 <= mean <= max_points:
        raise ScoringError(f"Điểm trung bình {present.mean(mean)} nằm ngoài thang 0–{present.points(max_points)}.")
    return bisect_right(list(lower_bounds), mean)


def star_of(total: int, sheets: int, lower_bounds: Sequence[float], max_points: float) -> int:
    """:func:`star_for` of the exact mean ``total / sheets`` (``sheets`` > 0), in integer arithmetic.

    The same bands as comparing the Fraction, without building one: the ranking of a national round
    asks this for every product and, for the leave-one-out flag, for every member's sheet left out."""
    top, top_den = exact(max_points)
    if not 0 <= total * top_den <= top * sheets:
        raise ScoringError(f"Điểm trung bình {present.mean(Fraction(total, sheets))} nằm ngoài thang "
                           f"0–{present.points(max_points)}.")
    whole = _whole_bounds(tuple(lower_bounds))
    if whole is not None:  # a whole-number bound b is reached exactly when floor(mean) reaches it
        return bisect_right(whole, total // sheets)
    return bisect_right(list(lower_bounds), Fraction(total, sheets))


@cache
def exact(value: float) -> tuple[int, int]:
    """A number of points as the exact ratio of two integers (the denominator positive)."""
    f = Fraction(value)
    return f.numerator, f.denominator


@cache
def _whole_bounds(lower_bounds: tuple[float, ...]) -> tuple[int, ...] | None:
    """The band edges as integers, or None when one is not a whole number of points."""
    ratios = [exact(b) for b in lower_bounds]
    return tuple(n for n, _ in ratios) if all(d == 1 for _, d in ratios) else None


@dataclass(frozen=True)
class Missed:
    """A mandatory requirement the product's sheets did not meet."""

    star: int
    code: str
    title: str
    min_points: int
    sheets_meeting: int
    sheets: int

    def reason(self) -> str:
        return (
            f"tiêu chí bắt buộc {self.star} sao {self.code} \"{self.title}\" (cần ≥ {self.min_points} "
            f"điểm) chỉ đạt ở {self.sheets_meeting}/{self.sheets} phiếu"
        )


def missed_requirements(
    criteria: CriteriaSet, sheets: Sequence[Mapping[str, int]]
) -> list[Missed]:
    """Mandatory requirements (148's starred options) the product misses.

    Rule: each sheet maps criterion code -> points chosen. A requirement "star s needs
    criterion c at >= p points" is met when MORE THAN HALF of the member sheets chose an option
    worth at least p points; a tie or fewer counts as missed, because a star must be shown to be
    deserved, not merely not disproven. Sheets recorded as part totals carry no options and so
    cannot show a requirement is met: they count as not meeting it.
    """
    return missed_counted(criteria, meeting_counts(criteria, sheets), len(sheets))


def requirement_keys(criteria: CriteriaSet) -> tuple[tuple[str, int], ...]:
    """The set's mandatory requirements as (criterion code, min points), each once, in sheet order:
    what :func:`missed_counted` needs counted (two stars may require the same points of one criterion)."""
    return tuple(dict.fromkeys((c.code, req.min_points) for c in criteria.criteria for req in c.requirements))


def meeting_counts(criteria: CriteriaSet, sheets: Sequence[Mapping[str, int]]) -> dict[tuple[str, int], int]:
    """Per mandatory requirement (criterion code, min points): how many of the sheets chose an option
    worth at least that many points."""
    return {(code, points): sum(1 for s in sheets if s.get(code, -1) >= points)
            for code, points in requirement_keys(criteria)}


def missed_counted(criteria: CriteriaSet, meeting: Mapping[tuple[str, int], int], sheets: int) -> list[Missed]:
    """The requirements a product misses, from counts: ``meeting`` gives, per requirement (criterion code,
    min points), how many of the product's ``sheets`` sheets chose an option worth at least that much (none
    where absent), as the ranking reads them from the database without loading every sheet's options.
    Missed unless MORE THAN HALF of the sheets meet it (the rule of :func:`missed_requirements`)."""
    missed: list[Missed] = []
    for criterion in criteria.criteria:
        for req in criterion.requirements:
            count = meeting.get((criterion.code, req.min_points), 0)
            if count * 2 <= sheets:
                missed.append(Missed(req.star, criterion.code, criterion.title, req.min_points, count, sheets))
    return missed


def capped_star(star_by_score: int, missed: Sequence[Missed]) -> int:
    """The star after mandatory requirements: below the lowest star whose requirement is missed."""
    blocked = [m.star for m in missed if m.star <= star_by_score]
    return min(blocked) - 1 if blocked else star_by_score
