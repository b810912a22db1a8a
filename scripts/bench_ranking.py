"""Benchmark: aggregate and rank a national-size round of itemised score sheets.

Builds a 148/2023 campaign in a temporary SQLite database with N products (default 15,000) in
set 1, each scored per criterion by the 7 council members (random options, fixed seed), then
times ``ranking.rank``: means, part means, stars, the mandatory-criteria cap, the spread rule,
the band-edge and leave-one-out flags, and storing the results. As a baseline in the same run it
times the naive approach — one query per product for its sheets and one per sheet for its
options — on a sample of products, and extrapolates.

    .venv/bin/python scripts/bench_ranking.py [--products 15000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Producer, Product, Registration, ScoreItem, ScoreSheet
from ocop.rules.criteria import load_set
from ocop.services import stages
from ocop.services.campaigns import council, get_campaign
from ocop.services.results import ranking
from ocop.settings import Settings

SAMPLE = Path(__file__).resolve().parents[1] / "ocop" / "sample" / "luc-nam-2020"


def build(settings: Settings, n: int) -> str:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('edition = "1048/2019"', 'edition = "148/2023"').replace('"luc-nam-2020"', '"bench"')
    toml = Path(settings.out_dir) / "bench.toml"
    toml.parent.mkdir(parents=True, exist_ok=True)
    # random sheets disagree widely: lift the spread rule so every product is ranked
    toml.write_text(text.replace('sign_off = "auto"', 'sign_off = "auto"\nmax_spread = 100'), encoding="utf-8")
    stages.set_up(settings, toml)
    criteria = load_set("qd148-2023", "1").criteria
    rng = random.Random(15000)
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, "bench")
        members = [m.id for m in council(campaign)]
        s.execute(insert(Producer), [{"name": f"Chủ thể {i}", "name_key": f"chủ thể {i}", "kind": "HTX",
                                      "commune": "Huyền Sơn"} for i in range(n)])
        producers = s.scalars(select(Producer.id).order_by(Producer.id)).all()
        s.execute(insert(Product), [{"producer_id": p, "code": f"B-{i:05d}", "name": f"Sản phẩm {i}",
                                     "name_key": f"sản phẩm {i}"} for i, p in enumerate(producers)])
        products = s.scalars(select(Product.id).order_by(Product.id)).all()
        s.execute(insert(Registration), [{"campaign_id": campaign.id, "product_id": p, "set_code": "1",
                                          "commune_confirmed": True, "status": "eligible", "reason": "",
                                          "source": "bench"} for p in products])
        sheets, items = [], []
        for p in products:
            level = rng.random()
            for m in members:
                chosen = {c.code: max((o.points for o in c.options if rng.random() < 0.5 + level / 2),
                                      default=min(o.points for o in c.options)) for c in criteria}
                parts = {"A": 0, "B": 0, "C": 0}
                for c in criteria:
                    parts[c.part] += chosen[c.code]
                sheets.append({"campaign_id": campaign.id, "product_id": p, "member_id": m, "mode": "criteria",
                               "part_a": parts["A"], "part_b": parts["B"], "part_c": parts["C"],
                               "total": sum(parts.values()), "source": "bench"})
                items.append(chosen)
        s.execute(insert(ScoreSheet), sheets)
        ids = s.scalars(select(ScoreSheet.id).order_by(ScoreSheet.id)).all()
        batch = []
        for sheet_id, chosen in zip(ids, items, strict=True):
            batch += [{"sheet_id": sheet_id, "criterion_code": c, "points": v} for c, v in chosen.items()]
            if len(batch) > 200_000:
                s.execute(insert(ScoreItem), batch)
                batch = []
        if batch:
            s.execute(insert(ScoreItem), batch)
    return "bench"


def naive(settings: Settings, sample: int) -> float:
    """Per-product round trips: the shape of a first, row-by-row implementation."""
    start = time.perf_counter()
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, "bench")
        products = s.scalars(select(Registration.product_id).where(Registration.campaign_id == campaign.id)
                             .limit(sample)).all()
        for p in products:
            sheets = s.scalars(select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id,
                                                        ScoreSheet.product_id == p)).all()
            for sheet in sheets:
                s.scalars(select(ScoreItem).where(ScoreItem.sheet_id == sheet.id)).all()
            sum(sh.total for sh in sheets) / len(sheets)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=15_000)
    parser.add_argument("--baseline-sample", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp, database_url=f"sqlite:///{tmp}/bench.db")
        stages.prepare_database(settings)
        t0 = time.perf_counter()
        build(settings, args.products)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        with unit_of_work(settings.database_url) as s:
            summary = ranking.rank(s, get_campaign(s, "bench"))
        ranked = time.perf_counter() - t0
        base = naive(settings, args.baseline_sample)
        per = base / args.baseline_sample
        n = args.products
        capped = sum(r.stars < r.star_by_score for r in summary.results)
        print(f"data: {n} products x 7 members, itemised ({n * 7} sheets); built in {built:.1f} s")
        print(f"{'method':<38} {'products':>9} {'seconds':>8} {'products/s':>11}")
        print(f"{'project (ranking.rank, set-based)':<38} {n:>9} {ranked:>8.2f} {n / ranked:>11.0f}")
        print(f"{'baseline (per-product queries)':<38} {args.baseline_sample:>9} {base:>8.2f} {1 / per:>11.0f}"
              f"   -> {per * n:.1f} s extrapolated to {n}")
        print(f"ratio: {per * n / ranked:.1f}x; results {len(summary.results)}, "
              f"blocked by spread {len(summary.blocked)}, "
              f"capped by mandatory criteria {capped}, flagged {sum(bool(r.flags) for r in summary.results)}")


if __name__ == "__main__":
    main()
