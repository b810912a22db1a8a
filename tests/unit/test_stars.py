"""Star bands on the unrounded mean and the mandatory-criteria cap."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ocop.errors import ScoringError
from ocop.rules.criteria import load_set
from ocop.rules.editions import get_edition
from ocop.rules.stars import capped_star, missed_requirements, star_for

BOUNDS = get_edition("148/2023").star_lower_bounds


@pytest.mark.parametrize(
    ("mean", "stars"),
    [(0, 1), (29.99, 1), (30, 2), (49.99, 2), (50, 3), (69.99, 3), (70, 4), (89.99, 4), (90, 5), (100, 5)],
)
def test_band_boundaries(mean: float, stars: int) -> None:
    assert star_for(mean, BOUNDS, 100) == stars


def test_exact_fraction_just_below_an_edge_stays_below() -> None:
    # 489/7 = 69.857… must not be rounded up into 4★ before classifying
    assert star_for(Fraction(489, 7), BOUNDS, 100) == 3
    assert star_for(Fraction(490, 7), BOUNDS, 100) == 4


@pytest.mark.parametrize("mean", [-0.01, 100.01])
def test_mean_outside_scale_is_refused(mean: float) -> None:
    with pytest.raises(ScoringError):
        star_for(mean, BOUNDS, 100)


def _sheet(criteria, **overrides: int) -> dict[str, int]:
    """A sheet choosing each criterion's best option, except the overrides (code with '_' for '.')."""
    chosen = {c.code: c.max_points for c in criteria.criteria}
    chosen.update({k.replace("_", "."): v for k, v in overrides.items()})
    return chosen


def test_missing_a_four_star_requirement_caps_at_three() -> None:
    criteria = load_set("qd148-2023", "7")
    capacity = criteria.criterion("1.3")  # medium capacity is a 4★ requirement (2 points)
    assert any(r.star == 4 and r.min_points == 2 for r in capacity.requirements)
    sheets = [_sheet(criteria, **{"1_3": 1})] * 4 + [_sheet(criteria)] * 3  # 4 of 7 sheets miss it
    missed = missed_requirements(criteria, sheets)
    assert [(m.star, m.code) for m in missed if m.code == "1.3"] == [(4, "1.3"), (5, "1.3")]
    assert capped_star(5, missed) == 3
    assert capped_star(4, missed) == 3
    assert capped_star(3, missed) == 3  # a 4★ requirement does not touch a 3★ product


def test_requirement_met_by_a_majority_of_sheets_does_not_cap() -> None:
    criteria = load_set("qd148-2023", "7")
    sheets = [_sheet(criteria, **{"1_3": 1})] * 3 + [_sheet(criteria)] * 4
    assert not [m for m in missed_requirements(criteria, sheets) if m.code == "1.3"]


def test_part_total_sheets_cannot_show_requirements() -> None:
    criteria = load_set("qd148-2023", "7")
    missed = missed_requirements(criteria, [{}] * 7)
    assert missed and min(m.star for m in missed) == 3
    assert capped_star(5, missed) == 2
