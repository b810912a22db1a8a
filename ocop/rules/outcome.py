"""What a council's level does with a ranked product: refer it up, recognise it here, or neither.

The edition's ``[levels]`` table says, per level, the mean at or above which a product goes up a
level (1048 district: 50; 148 district: 70; 1489 province: 90) and the stars the level recognises
itself (148 district: 3★; 1048 and 1489 province: 3–4★). Pure functions.
"""

from __future__ import annotations

from fractions import Fraction

from ocop.rules.editions import Edition, Level
from ocop.rules.stars import star_for

REFERRED, RECOGNISED, NONE = "referred", "recognised", "none"


def outcome_for(level: Level, edition: Edition, mean: Fraction, stars: int) -> str:
    """Referred when the mean reaches the level's threshold and no cap holds the star below it;
    recognised when this level recognises the final star itself (148: the district, 3★)."""
    if level.refers_at is not None and mean >= Fraction(level.refers_at).limit_denominator() and (
        stars >= star_for(level.refers_at, edition.star_lower_bounds, edition.max_points)
    ):
        return REFERRED
    return RECOGNISED if stars in level.recognises else NONE
