"""Legal editions as data."""

from __future__ import annotations

import pytest

from ocop.errors import RulesError
from ocop.rules.editions import editions, get_edition


def test_three_editions_with_their_part_totals() -> None:
    assert {e: editions()[e].parts for e in editions()} == {
        "1048/2019": {"A": 35, "B": 25, "C": 40},
        "148/2023": {"A": 40, "B": 25, "C": 35},
        "148/2023+1489/2025": {"A": 40, "B": 25, "C": 35},
    }


@pytest.mark.parametrize(
    ("code", "level", "refers_at", "recognises"),
    [
        ("1048/2019", "district", 50, ()),
        ("148/2023", "district", 70, (3,)),
        ("148/2023+1489/2025", "province", 90, (3, 4)),
    ],
)
def test_what_each_level_does(code: str, level: str, refers_at: float, recognises: tuple) -> None:
    lv = get_edition(code).level(level)
    assert (lv.refers_at, lv.recognises, lv.scores) == (refers_at, recognises, True)


def test_1489_has_no_district_and_the_commune_does_not_score() -> None:
    edition = get_edition("148/2023+1489/2025")
    with pytest.raises(RulesError, match="không có cấp 'district'"):
        edition.level("district")
    assert edition.level("commune").scores is False
    assert len(edition.level("commune").pre_assessed_criteria) == 4


def test_unknown_edition_lists_the_known_ones() -> None:
    with pytest.raises(RulesError, match="1048/2019"):
        get_edition("999/2030")
