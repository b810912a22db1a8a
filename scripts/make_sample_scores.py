"""Regenerate the sample campaign's score sheets (ocop/sample/luc-nam-2020/scores.csv).

Each member's total for a product is the product's target plus a small personal offset, so the
seven sheets are independent but agree within a few points; the options are then drawn at
random (fixed seed) until they add up to that total exactly. The targets span every star band
and put products on band edges (LN-06 averages exactly 50.00).

    .venv/bin/python scripts/make_sample_scores.py
"""

from __future__ import annotations

import csv
import random
import tomllib
from pathlib import Path

from ocop.rules.criteria import load_set

SAMPLE = Path(__file__).resolve().parents[1] / "ocop" / "sample" / "luc-nam-2020"
# Per product: each member's total, in council order (sum / 7 = the mean the tests expect).
TOTALS = {
    "LN-01": [93, 90, 92, 95, 91, 89, 92],  # 642 -> 91.71, 5★
    "LN-02": [80, 77, 78, 82, 76, 79, 75],  # 547 -> 78.14, 4★
    "LN-03": [72, 69, 71, 70, 73, 68, 68],  # 491 -> 70.14, 4★ (within 1 point of the edge)
    "LN-04": [64, 61, 62, 60, 65, 63, 59],  # 434 -> 62.00, 3★
    "LN-05": [57, 55, 54, 58, 53, 56, 52],  # 385 -> 55.00, 3★
    "LN-06": [52, 49, 50, 51, 48, 50, 50],  # 350 -> 50.00, 3★ (on the edge)
    "LN-07": [47, 45, 49, 44, 46, 48, 43],  # 322 -> 46.00, 2★
    "LN-08": [40, 37, 38, 39, 36, 38, 41],  # 269 -> 38.43, 2★
    "LN-09": [31, 29, 30, 32, 30, 31, 29],  # 212 -> 30.29, 2★
    "LN-10": [28, 26, 27, 29, 25, 27, 26],  # 188 -> 26.86, 1★
    "LN-11": [22, 20, 23, 21, 24, 19, 22],  # 151 -> 21.57, 1★
}


def draw(options: dict[str, list[int]], total: int, rng: random.Random) -> dict[str, int]:
    """Random options per criterion adding up to ``total`` exactly."""
    for _ in range(10_000):
        chosen = {code: min(points) for code, points in options.items()}
        remaining = total - sum(chosen.values())
        codes = list(options)
        while remaining > 0:
            rng.shuffle(codes)
            for code in codes:
                higher = sorted(p for p in options[code] if p > chosen[code])
                if higher and higher[0] - chosen[code] <= remaining:
                    remaining -= higher[0] - chosen[code]
                    chosen[code] = higher[0]
                    break
            else:
                break
        if remaining == 0:
            return chosen
    raise SystemExit(f"cannot reach {total}")


def main() -> None:
    campaign = tomllib.loads((SAMPLE / "campaign.toml").read_text(encoding="utf-8"))
    members = [p["name"] for p in campaign["council"]]
    criteria = load_set("qd1048-2019", "1")
    options = {c.code: sorted({o.points for o in c.options}) for c in criteria.criteria}
    rng = random.Random(2020)
    with (SAMPLE / "scores.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product, totals in TOTALS.items():
            for member, total in zip(members, totals, strict=True):
                for code, points in draw(options, total, rng).items():
                    out.writerow([product, member, code, points])


if __name__ == "__main__":
    main()
