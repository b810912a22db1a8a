"""What a level does with a ranked product at the band edges: refer, recognise, or neither."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ocop.rules.editions import get_edition
from ocop.rules.outcome import NONE, RECOGNISED, REFERRED, no_outcome_text, outcome_for


def _outcome(edition_code: str, level: str, mean: str, stars: int) -> str:
    edition = get_edition(edition_code)
    return outcome_for(edition.level(level), edition, Fraction(mean), stars)


@pytest.mark.parametrize(
    ("mean", "stars", "outcome"),
    [
        ("70", 4, REFERRED),  # 148 district: 70 refers
        ("6999/100", 3, RECOGNISED),  # just below 70: the district recognises 3★ itself
        ("50", 3, RECOGNISED),
        ("4999/100", 2, NONE),
        ("90", 5, REFERRED),
        ("75", 3, RECOGNISED),  # capped at 3★ by a mandatory criterion: not referred, recognised here
        ("75", 2, NONE),  # capped at 2★: neither
    ],
)
def test_148_district(mean: str, stars: int, outcome: str) -> None:
    assert _outcome("148/2023", "district", mean, stars) == outcome


@pytest.mark.parametrize(
    ("mean", "stars", "outcome"),
    [
        ("50", 3, REFERRED),  # 1048 district: ≥ 50 refers
        ("4999/100", 2, NONE),
        ("60", 3, REFERRED),  # the 1048 district recognises nothing itself
        ("95", 5, REFERRED),
        ("60", 2, NONE),  # capped below the threshold's star: not referred
    ],
)
def test_1048_district(mean: str, stars: int, outcome: str) -> None:
    assert _outcome("1048/2019", "district", mean, stars) == outcome


@pytest.mark.parametrize(
    ("mean", "stars", "outcome"),
    [
        ("90", 5, REFERRED),  # 1489 province: ≥ 90 refers
        ("8999/100", 4, RECOGNISED),  # 3–4★ recognised by the province
        ("70", 4, RECOGNISED),
        ("50", 3, RECOGNISED),
        ("4999/100", 2, NONE),
        ("92", 4, RECOGNISED),  # capped at 4★: recognised here, not referred
        ("92", 2, NONE),
    ],
)
def test_1489_province(mean: str, stars: int, outcome: str) -> None:
    assert _outcome("148/2023+1489/2025", "province", mean, stars) == outcome


def test_1489_commune_never_refers_or_recognises() -> None:
    assert _outcome("148/2023+1489/2025", "commune", "95", 5) == NONE


@pytest.mark.parametrize(
    ("edition_code", "level", "mean", "stars", "said"),
    [
        # 1048: the district proposes to the province and recognises nothing: no word of recognition
        ("1048/2019", "district", "46", 2,
         "Không đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng (chưa đạt 50 điểm)"),
        ("1048/2019", "district", "60", 2,
         "Không đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng "
         "(hạng sao bị hạ do chưa đạt tiêu chí bắt buộc)"),
        # 148: the district recognises 3★ itself, so a 2★ notice also says it is not recognised
        ("148/2023", "district", "46", 2,
         "Không đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng (chưa đạt 70 điểm); "
         "không công nhận hạng sao tại cấp huyện (chưa đạt 3 sao)"),
        ("148/2023+1489/2025", "commune", "95", 5, "Cấp xã không đề nghị, không công nhận"),
    ],
)
def test_the_notice_says_what_the_level_does_not_do(edition_code: str, level: str, mean: str, stars: int,
                                                    said: str) -> None:
    edition = get_edition(edition_code)
    assert _outcome(edition_code, level, mean, stars) == NONE
    assert no_outcome_text(edition.level(level), Fraction(mean), stars) == said
