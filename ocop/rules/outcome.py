"""What a council's level does with a ranked product: refer it up, recognise it here, or neither.

The edition's ``[levels]`` table says, per level, the mean at or above which a product goes up a
level (1048 district: 50; 148 district: 70; 1489 province: 90) and the stars the level recognises
itself (148 district: 3★; 1048 and 1489 province: 3–4★). Pure functions.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

from ocop import present
from ocop.rules.editions import Edition, Level
from ocop.rules.stars import star_for

REFERRED, RECOGNISED, NONE = "referred", "recognised", "none"


def reaches_threshold(level: Level, mean: Fraction) -> bool:
    """The mean is at or above the level's referral threshold (never, at a level that does not refer)."""
    return level.refers_at is not None and mean >= _threshold(level.refers_at)


@cache
def _threshold(points: float) -> Fraction:
    """A referral threshold as the simplest fraction it stands for (70.0 -> 70)."""
    return Fraction(points).limit_denominator()


def outcome_for(level: Level, edition: Edition, mean: Fraction, stars: int) -> str:
    """Referred when the mean reaches the level's threshold and no cap holds the star below it;
    recognised when this level recognises the final star itself (148: the district, 3★)."""
    if reaches_threshold(level, mean) and level.refers_at is not None and (
        stars >= star_for(level.refers_at, edition.star_lower_bounds, edition.max_points)
    ):
        return REFERRED
    return RECOGNISED if stars in level.recognises else NONE


def no_outcome_text(level: Level, mean: Fraction, stars: int) -> str:
    """What the result notice says of a product the level neither refers nor recognises, true for the level:
    under 1048 a district only proposes products to the province (it recognises nothing), so its notice says
    the product is not proposed and why; under 148 the district also says it does not recognise the star."""
    said = []
    if level.refers_at is not None:
        why = ("hạng sao bị hạ do chưa đạt tiêu chí bắt buộc" if reaches_threshold(level, mean)
               else f"chưa đạt {present.points(level.refers_at)} điểm")
        said.append(f"không đề nghị {level.refers_to} đánh giá, phân hạng ({why})")
    if level.recognises and stars not in level.recognises:
        lowest = min(level.recognises)
        why = f"chưa đạt {present.stars(lowest)}" if stars < lowest else \
            f"{level.name} công nhận {', '.join(present.stars(s) for s in level.recognises)}"
        said.append(f"không công nhận hạng sao tại {level.name} ({why})")
    text = "; ".join(said) or f"{level.name} không đề nghị, không công nhận"
    return text[0].upper() + text[1:]
