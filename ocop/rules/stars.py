"""Star classes: half-open bands on the unrounded mean, capped by mandatory criteria.

The one place that decides whether a product "misses" a mandatory requirement is
:func:`missed_requirements`; everything else asks it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ocop import present
from ocop.errors import ScoringError
from ocop.rules.criteria import CriteriaSet


def star_for(mean: float | Fraction, lower_bounds: Sequence[float], max_points: float) -> int:
    """Stars for an unrounded mean: [0,30) 1★, [30,50) 2★, [50,70) 3★, [70,90) 4★, [90,100] 5★.

    Callers pass the exact mean as a Fraction where they have one: an exact band edge stays exact."""
    if not 0 <= mean <= max_points:
        raise ScoringError(f"Điểm trung bình {present.mean(mean)} nằm ngoài thang 0–{present.points(max_points)}.")
    return bisect_right(list(lower_bounds), mean)


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
    missed: list[Missed] = []
    n = len(sheets)
    for criterion in criteria.criteria:
        for req in criterion.requirements:
            meeting = sum(1 for s in sheets if s.get(criterion.code, -1) >= req.min_points)
            if meeting * 2 <= n:
                missed.append(
                    Missed(req.star, criterion.code, criterion.title, req.min_points, meeting, n)
                )
    return missed


def capped_star(star_by_score: int, missed: Sequence[Missed]) -> int:
    """The star after mandatory requirements: below the lowest star whose requirement is missed."""
    blocked = [m.star for m in missed if m.star <= star_by_score]
    return min(blocked) - 1 if blocked else star_by_score
