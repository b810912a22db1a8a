"""Council rules: quorum, spread, band-edge and leave-one-out flags."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ocop.rules.council import edge_flags, leave_one_out, quorum, spread

BOUNDS = (0, 30, 50, 70, 90)


@pytest.mark.parametrize(
    ("present", "fraction", "chair_required", "chair_present", "met", "needed"),
    [
        (5, 2 / 3, False, True, True, 5),   # 2/3 of 7 = 4.67 -> 5
        (4, 2 / 3, False, True, False, 5),
        (6, 0.75, True, True, True, 6),     # Tây Ninh: 3/4 including the chair
        (7, 0.75, True, False, False, 6),   # everyone but the chair: no quorum
        (5, 5 / 7, False, True, True, 5),   # the central council: 5 of 7
    ],
)
def test_quorum(present: int, fraction: float, chair_required: bool, chair_present: bool, met: bool,
                needed: int) -> None:
    q = quorum(present, 7, fraction, chair_required, chair_present)
    assert (q.met, q.needed) == (met, needed)
    assert ("đủ điều kiện tiến hành họp" in q.text()) is met


def test_spread_is_highest_minus_lowest() -> None:
    assert spread([70, 81, 75]) == 11 and spread([60]) == 0


@pytest.mark.parametrize(("mean", "edges"), [(Fraction(491, 7), [70]), (Fraction(350, 7), [50]),
                                             (Fraction(62), []), (Fraction(8905, 100), [90])])
def test_band_edge_flags(mean: Fraction, edges: list[int]) -> None:
    assert edge_flags(mean, BOUNDS) == edges


def test_leave_one_out_names_the_member_whose_sheet_decides_the_star() -> None:
    totals = {1: 72, 2: 70, 3: 71, 4: 69, 5: 95, 6: 68, 7: 66}  # mean 73 (4★); without member 5: 69.33 (3★)
    assert leave_one_out(totals, BOUNDS, 100) == {5: 3}
    assert leave_one_out({1: 80, 2: 81, 3: 79}, BOUNDS, 100) == {}
