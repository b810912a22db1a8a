"""Council rules: quorum, the spread rule and the decision-support flags. Pure functions.

Quorum and the spread are local settings, not national rules (domain.md §3.3: Tây Ninh ≥ 3/4
including the chair, the central council 5/7, a 10-point spread with re-scoring).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from ocop.rules.stars import exact, star_of

EDGE_MARGIN = 1  # points: a mean this close to a band edge is flagged for discussion


@dataclass(frozen=True)
class Quorum:
    met: bool
    present: int
    size: int
    needed: int
    chair_required: bool
    chair_present: bool

    def text(self) -> str:
        """The quorum sentence of the minutes."""
        head = f"Có mặt {self.present}/{self.size} thành viên (cần tối thiểu {self.needed}"
        head += ", trong đó có Chủ tịch Hội đồng)" if self.chair_required else ")"
        if self.met:
            return head + ", đủ điều kiện tiến hành họp."
        why = "vắng Chủ tịch Hội đồng" if self.chair_required and not self.chair_present else "không đủ số thành viên"
        return head + f", {why}: Hội đồng không đủ điều kiện đánh giá, không có kết quả."


def quorum(present: int, size: int, fraction: float, chair_required: bool, chair_present: bool) -> Quorum:
    """At least ``fraction`` of the members (rounded up), and the chair when the rules say so."""
    needed = math.ceil(fraction * size - 1e-9)
    met = present >= needed and (chair_present or not chair_required)
    return Quorum(met, present, size, needed, chair_required, chair_present)


def spread(totals: Sequence[int]) -> int:
    """Highest minus lowest member total for one product."""
    return max(totals) - min(totals) if totals else 0


def edge_flags(mean: Fraction, lower_bounds: Sequence[float]) -> list[float]:
    """Band edges (30, 50, 70, 90) that the unrounded mean lies within EDGE_MARGIN of."""
    # |p/q - n/d| < m/e, in integers: |p·d - n·q|·e < m·q·d
    p, q = mean.numerator, mean.denominator
    return [b for b, n, d, m, e in _edges(tuple(lower_bounds)) if abs(p * d - n * q) * e < m * q * d]


@cache
def _edges(lower_bounds: tuple[float, ...]) -> tuple[tuple[float, int, int, int, int], ...]:
    """Each band edge above the lowest bound, with the simplest fraction it stands for (70.0 -> 70/1) and
    EDGE_MARGIN as a fraction: (edge, n, d, m, e)."""
    m, e = exact(EDGE_MARGIN)
    edges = [(b, Fraction(b).limit_denominator()) for b in lower_bounds[1:]]
    return tuple((b, f.numerator, f.denominator, m, e) for b, f in edges)


def leave_one_out(totals: Mapping[int, int], lower_bounds: Sequence[float], max_points: float) -> dict[int, int]:
    """Members whose sheet decides the star: member id -> the star without that member's sheet."""
    n = len(totals)
    if n < 2:
        return {}
    whole = sum(totals.values())
    star = star_of(whole, n, lower_bounds, max_points)
    changed = {}
    for member, total in totals.items():
        without = star_of(whole - total, n - 1, lower_bounds, max_points)
        if without != star:
            changed[member] = without
    return changed
