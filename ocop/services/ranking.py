"""Aggregate-and-rank stage: mean of member totals, stars, mandatory caps, and what happens next."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from ocop.errors import ScoringError
from ocop.persistence.models import Campaign, Person, Product, Registration, Result, ScoreItem, ScoreSheet
from ocop.rules.criteria import load_sets
from ocop.rules.editions import Edition, Level, get_edition
from ocop.rules.stars import capped_star, missed_requirements, star_for
from ocop.services.campaigns import council

REFERRED, RECOGNISED, NONE = "referred", "recognised", "none"
OUTCOME_VN = {REFERRED: "Đề nghị cấp trên", RECOGNISED: "Công nhận tại cấp này", NONE: "Không"}


@dataclass(frozen=True)
class Ranked:
    """One product's result, ready for the summary table and the CLI."""

    product_id: int
    code: str
    name: str
    producer: str
    commune: str
    set_code: str
    sheets: int
    mean: Fraction
    part_means: tuple[Fraction, Fraction, Fraction]
    star_by_score: int
    stars: int
    cap_reason: str
    outcome: str
    member_totals: dict[int, int]


@dataclass(frozen=True)
class RankSummary:
    results: list[Ranked]
    council: list[Person]
    present: list[Person]
    quorum: int
    changed: int = 0
    counts: dict[int, int] = field(default_factory=dict)


def outcome_for(level: Level, edition: Edition, mean: Fraction, stars: int) -> str:
    """Referred when the mean reaches the level's threshold and no cap holds the star below it;
    recognised when this level recognises the final star itself (148: the district, 3★)."""
    if level.refers_at is not None and mean >= Fraction(level.refers_at).limit_denominator() and (
        stars >= star_for(level.refers_at, edition.star_lower_bounds, edition.max_points)
    ):
        return REFERRED
    return RECOGNISED if stars in level.recognises else NONE


def quorum_needed(campaign: Campaign, size: int) -> int:
    fraction = float(campaign.settings.get("rules", {}).get("quorum_fraction", 2 / 3))
    return math.ceil(fraction * size - 1e-9)


def rank_products(session: Session, campaign: Campaign) -> RankSummary:
    """Compute and store every eligible product's result from the present members' sheets."""
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    members = council(campaign)
    present = [m for m in members if m.attended]
    quorum = quorum_needed(campaign, len(members))
    if len(present) < quorum:
        raise ScoringError(
            f"Không đủ số thành viên dự họp ({len(present)}/{len(members)}, cần {quorum}): "
            "Hội đồng không được công bố kết quả."
        )
    regs = session.scalars(
        select(Registration)
        .where(Registration.campaign_id == campaign.id, Registration.status == "eligible")
        .options(joinedload(Registration.product).joinedload(Product.producer))
    ).all()
    present_ids = [m.id for m in present]
    sheet_rows = session.execute(
        select(ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.total,
               ScoreSheet.part_a, ScoreSheet.part_b, ScoreSheet.part_c)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(present_ids))
    ).all()
    by_product: dict[int, list] = defaultdict(list)
    for row in sheet_rows:
        by_product[row.product_id].append(row)
    missing = _missing_sheets(regs, by_product, present)
    if missing:
        raise ScoringError(
            "Chưa đủ phiếu đánh giá của các thành viên có mặt: " + "; ".join(missing) + "."
        )
    chosen = _chosen_options(session, campaign, present_ids) if edition.mandatory_criteria else {}
    sets = load_sets(edition.criteria_dir)
    results = []
    for reg in regs:
        rows = by_product[reg.product_id]
        n = len(rows)
        mean = Fraction(sum(r.total for r in rows), n)
        parts = tuple(Fraction(sum(getattr(r, p) for r in rows), n) for p in ("part_a", "part_b", "part_c"))
        by_score = star_for(mean, edition.star_lower_bounds, edition.max_points)
        missed = missed_requirements(sets[reg.set_code], chosen.get(reg.product_id, [{}] * n)) if edition.mandatory_criteria else []
        stars = capped_star(by_score, missed)
        reason = "; ".join(m.reason() for m in missed if m.star <= by_score)
        results.append(Ranked(
            reg.product_id, reg.product.code or "", reg.product.name, reg.product.producer.name,
            reg.product.producer.commune, reg.set_code, n, mean, parts, by_score, stars,
            (f"Hạ từ {by_score} sao xuống {stars} sao: {reason}." if stars < by_score else ""),
            outcome_for(level, edition, mean, stars), {r.member_id: r.total for r in rows},
        ))
    results.sort(key=lambda r: (-r.mean, r.code))
    changed = _store(session, campaign, results)
    counts: dict[int, int] = defaultdict(int)
    for r in results:
        counts[r.stars] += 1
    return RankSummary(results, members, present, quorum, changed, dict(counts))


def _missing_sheets(regs, by_product, present) -> list[str]:  # noqa: ANN001 - internal rows
    missing = []
    for reg in regs:
        have = {r.member_id for r in by_product.get(reg.product_id, [])}
        lacking = [m.name for m in present if m.id not in have]
        if lacking:
            missing.append(f"{reg.product.code} ({reg.product.name}) thiếu phiếu của {', '.join(lacking)}")
    return missing


def _chosen_options(session: Session, campaign: Campaign, member_ids: list[int]) -> dict[int, list[dict[str, int]]]:
    """Per product, one dict per sheet of criterion code -> points (empty for part-total sheets)."""
    sheets: dict[int, dict[str, int]] = {}
    product_of: dict[int, int] = {}
    for sheet_id, product_id in session.execute(
        select(ScoreSheet.id, ScoreSheet.product_id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
    ):
        sheets[sheet_id], product_of[sheet_id] = {}, product_id
    for sheet_id, code, points in session.execute(
        select(ScoreItem.sheet_id, ScoreItem.criterion_code, ScoreItem.points)
        .join(ScoreSheet, ScoreSheet.id == ScoreItem.sheet_id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
    ):
        sheets[sheet_id][code] = points
    out: dict[int, list[dict[str, int]]] = defaultdict(list)
    for sheet_id, chosen in sheets.items():
        out[product_of[sheet_id]].append(chosen)
    return out


def _store(session: Session, campaign: Campaign, results: list[Ranked]) -> int:
    existing = {r.product_id: r for r in session.scalars(select(Result).where(Result.campaign_id == campaign.id))}
    keep = {r.product_id for r in results}
    stale = [pid for pid in existing if pid not in keep]
    if stale:
        session.execute(delete(Result).where(Result.campaign_id == campaign.id, Result.product_id.in_(stale)))
    changed = len(stale)
    for r in results:
        values = {
            "sheets": r.sheets, "points_sum": int(r.mean * r.sheets), "mean": float(r.mean),
            "mean_a": float(r.part_means[0]), "mean_b": float(r.part_means[1]), "mean_c": float(r.part_means[2]),
            "star_by_score": r.star_by_score, "stars": r.stars, "cap_reason": r.cap_reason, "outcome": r.outcome,
        }
        row = existing.get(r.product_id)
        if row is None:
            session.add(Result(campaign_id=campaign.id, product_id=r.product_id, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
    session.flush()
    return changed
