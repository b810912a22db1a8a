"""Aggregate-and-rank stage: mean of member totals, stars, mandatory caps, council rules, flags.

Only present members' sheets count. Without quorum nothing is ranked. A product whose members'
totals spread wider than the council allows is blocked until they re-score. Products near a band
edge, and products whose star one member's sheet decides, are flagged for the council.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from ocop import present
from ocop.errors import ScoringError
from ocop.persistence.models import (
    Campaign,
    Person,
    Producer,
    Product,
    Registration,
    Result,
    ScoreChange,
    ScoreItem,
    ScoreSheet,
)
from ocop.rules.campaign import CampaignRules
from ocop.rules.council import Quorum, edge_flags, leave_one_out, quorum, spread
from ocop.rules.criteria import CriteriaSet, load_sets
from ocop.rules.editions import Edition, Level, get_edition
from ocop.rules.outcome import outcome_for
from ocop.rules.stars import Missed, capped_star, missed_requirements, star_for
from ocop.services.campaigns import council


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
    spread: int = 0
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Blocked:
    """A product held back by the spread rule until members re-score."""

    code: str
    name: str
    spread: int
    low: tuple[str, int]
    high: tuple[str, int]

    def text(self, limit: float) -> str:
        return (f"{self.code} {self.name}: chênh lệch {self.spread} điểm (> {present.points(limit)}) giữa "
                f"{self.high[0]} ({self.high[1]}) và {self.low[0]} ({self.low[1]}); chờ chấm lại")


@dataclass(frozen=True)
class Rescore:
    code: str
    member: str
    old_total: int
    new_total: int
    reason: str

    def text(self) -> str:
        return f"{self.member} chấm lại {self.code}: {self.old_total} → {self.new_total} điểm ({self.reason})"


@dataclass(frozen=True)
class RankSummary:
    results: list[Ranked]
    council: list[Person]
    present: list[Person]
    quorum: Quorum
    changed: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    blocked: list[Blocked] = field(default_factory=list)
    rescores: list[Rescore] = field(default_factory=list)
    max_spread: float = CampaignRules.max_spread


class SheetTotals(NamedTuple):
    """One member's score sheet for one product, as the ranking reads it."""

    product_id: int
    member_id: int
    total: int
    part_a: int
    part_b: int
    part_c: int



def council_quorum(campaign: Campaign) -> tuple[list[Person], list[Person], Quorum]:
    rules = campaign.rules
    members = council(campaign)
    present = [m for m in members if m.attended]
    chair = any(m.role == "chair" for m in present)
    q = quorum(len(present), len(members), rules.quorum_fraction, rules.quorum_requires_chair, chair)
    return members, present, q


def rank(session: Session, campaign: Campaign) -> RankSummary:
    """Compute and store every eligible product's result from the present members' sheets."""
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    members, present, q = council_quorum(campaign)
    limit = campaign.rules.max_spread
    rescores = _rescores(session, campaign)
    if not q.met:
        return RankSummary([], members, present, q, rescores=rescores, max_spread=limit)
    regs = session.scalars(
        select(Registration)
        .where(Registration.campaign_id == campaign.id, Registration.status == "eligible")
        .options(joinedload(Registration.product).joinedload(Product.producer))
    ).all()
    present_ids = [m.id for m in present]
    by_product: dict[int, list[SheetTotals]] = defaultdict(list)
    for row in session.execute(
        select(ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.total,
               ScoreSheet.part_a, ScoreSheet.part_b, ScoreSheet.part_c)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(present_ids))
    ):
        by_product[row.product_id].append(SheetTotals(*row))
    missing = _missing_sheets(regs, by_product, present)
    if missing:
        raise ScoringError("Chưa đủ phiếu đánh giá của các thành viên có mặt: " + "; ".join(missing) + ".")
    names = {m.id: m.name for m in present}
    chosen = _chosen_options(session, campaign, present_ids) if edition.mandatory_criteria else {}
    results, blocked = rank_products(regs, by_product, chosen, edition, level, names, limit)
    changed = _store(session, campaign, results, sheets_stamps(session, campaign, present_ids))
    counts: dict[int, int] = defaultdict(int)
    for r in results:
        counts[r.stars] += 1
    return RankSummary(results, members, present, q, changed, dict(counts), blocked, rescores, limit)


def rank_products(
    regs: Sequence[Registration], by_product: Mapping[int, Sequence[SheetTotals]],
    chosen: Mapping[int, list[dict[str, int]]], edition: Edition, level: Level, names: Mapping[int, str],
    limit: float, set_codes: Mapping[int, str] | None = None,
) -> tuple[list[Ranked], list[Blocked]]:
    """Each product's result under ``edition`` from its sheets (``chosen``: per product, the options of each
    sheet, as :func:`_chosen_options`), best first, and the products the spread rule holds back.

    Pure: the rank stage stores what it returns; the what-if replay (replay.py) shows it beside the stored
    results. ``set_codes`` gives a product's set in the edition's criteria where it is not its registration's
    (a replay under an edition with other sheets)."""
    sets = load_sets(edition.criteria_dir)
    results, blocked = [], []
    for reg in regs:
        rows = by_product[reg.product_id]
        totals = {r.member_id: r.total for r in rows}
        width = spread(list(totals.values()))
        if width > limit:
            low, high = min(rows, key=lambda r: r.total), max(rows, key=lambda r: r.total)
            blocked.append(Blocked(reg.product.code or "", reg.product.name, width,
                                   (names[low.member_id], low.total), (names[high.member_id], high.total)))
            continue
        set_code = set_codes[reg.product_id] if set_codes is not None else reg.set_code
        results.append(_result(reg, set_code, rows, totals, width, edition, level, sets, chosen, names))
    results.sort(key=lambda r: (-r.mean, r.code))
    return results, blocked


def _result(
    reg: Registration, set_code: str, rows: Sequence[SheetTotals], totals: dict[int, int], width: int,
    edition: Edition, level: Level, sets: Mapping[str, CriteriaSet], chosen: Mapping[int, list[dict[str, int]]],
    names: Mapping[int, str],
) -> Ranked:
    n = len(rows)
    mean = Fraction(sum(totals.values()), n)
    parts = (Fraction(sum(r.part_a for r in rows), n), Fraction(sum(r.part_b for r in rows), n),
             Fraction(sum(r.part_c for r in rows), n))
    by_score = star_for(mean, edition.star_lower_bounds, edition.max_points)
    missed = missed_requirements(sets[set_code], chosen.get(reg.product_id, [{}] * n)) \
        if edition.mandatory_criteria else []
    stars = capped_star(by_score, missed)
    # each criterion once, at the lowest star it misses (the one that holds the star down)
    first: dict[str, Missed] = {}
    for m in sorted((m for m in missed if m.star <= by_score), key=lambda m: m.star):
        first.setdefault(m.code, m)
    reason = "; ".join(m.reason() for m in first.values())
    flags = [present.near_edge_flag(b) for b in edge_flags(mean, edition.star_lower_bounds)]
    flags += [present.leave_one_out_flag(names[m], s)
              for m, s in leave_one_out(totals, edition.star_lower_bounds, edition.max_points).items()]
    return Ranked(
        reg.product_id, reg.product.code or "", reg.product.name, reg.product.producer.name,
        reg.product.producer.commune, set_code, n, mean, parts, by_score, stars,
        f"Hạ từ {by_score} sao xuống {stars} sao: {reason}." if stars < by_score else "",
        outcome_for(level, edition, mean, stars), totals, width, tuple(flags),
    )


def _missing_sheets(
    regs: Sequence[Registration], by_product: Mapping[int, list[SheetTotals]], present: Sequence[Person]
) -> list[str]:
    missing = []
    for reg in regs:
        have = {r.member_id for r in by_product.get(reg.product_id, [])}
        lacking = [m.name for m in present if m.id not in have]
        if lacking:
            missing.append(f"{reg.product.code} ({reg.product.name}) thiếu phiếu của {', '.join(lacking)}")
    return missing


def _rescores(session: Session, campaign: Campaign) -> list[Rescore]:
    changes = session.scalars(
        select(ScoreChange).where(ScoreChange.campaign_id == campaign.id, ScoreChange.kind == "rescore")
        .options(joinedload(ScoreChange.member), joinedload(ScoreChange.product)).order_by(ScoreChange.id)
    ).all()
    return [Rescore(c.product.code or "", c.member.name, c.old_total, c.new_total, c.reason) for c in changes]


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


def sheets_stamps(session: Session, campaign: Campaign, member_ids: list[int]) -> dict[int, str]:
    """Per product, a digest of which of these members' sheets exist and at which revision.

    Every stored change of a sheet raises its revision, so the digest moves with any change —
    also a change of options that leaves every part total as it was.
    """
    sheets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for product_id, sheet_id, revision in session.execute(
        select(ScoreSheet.product_id, ScoreSheet.id, ScoreSheet.revision)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
    ):
        sheets[product_id].append((sheet_id, revision))
    return {pid: hashlib.sha256(",".join(f"{i}:{r}" for i, r in sorted(rows)).encode()).hexdigest()
            for pid, rows in sheets.items()}


def _store(session: Session, campaign: Campaign, results: list[Ranked], stamps: Mapping[int, str]) -> int:
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
            "spread": r.spread, "flags": "; ".join(r.flags), "sheets_stamp": stamps.get(r.product_id, ""),
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


def stored_ranking(session: Session, campaign: Campaign) -> RankSummary:
    """The results the rank stage stored, as it computed them: what recognise and refer act on.

    Nothing is recomputed. One read of the present members' sheet totals checks that the stored
    results still stand, so that the decision and the referral never disagree with the minutes:
    a ranked product whose sheets (how many, their totals, their part totals) changed since the
    last ranking — a re-scoring, an added or removed sheet, an attendance change — and an
    eligible product the last ranking left out that could now be ranked (re-scored after the
    spread rule held it back, or made eligible since) are refused until the rank stage runs again
    and issues the minutes anew. A change of options that leaves every part total as it was is seen
    by the sheets' revisions (:func:`sheets_stamps`): it can move a mandatory-criterion cap.
    """
    stored = session.execute(
        select(Result, Registration.set_code, Product.code, Product.name, Producer.name, Producer.commune)
        .join(Product, Product.id == Result.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .join(Registration, (Registration.product_id == Result.product_id)
              & (Registration.campaign_id == Result.campaign_id))
        .where(Result.campaign_id == campaign.id)
    ).all()
    if not stored:
        raise ScoringError("Chưa có kết quả phân hạng: chạy bước tổng hợp điểm và phân hạng trước.")
    members, present, q = council_quorum(campaign)
    limit = campaign.rules.max_spread
    if not q.met:
        return RankSummary([], members, present, q, max_spread=limit)
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    parts: dict[int, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for product_id, member_id, total, a, b, c in session.execute(
        select(ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.total,
               ScoreSheet.part_a, ScoreSheet.part_b, ScoreSheet.part_c)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_([m.id for m in present]))
    ):
        totals[product_id][member_id] = total
        sums = parts[product_id]
        parts[product_id] = (sums[0] + a, sums[1] + b, sums[2] + c)
    stamps = sheets_stamps(session, campaign, [m.id for m in present])
    stale = [code or "" for result, _, code, *_ in stored
             if (len(totals[result.product_id]), sum(totals[result.product_id].values()), parts[result.product_id])
             != (result.sheets, result.points_sum, _part_sums(result))
             or (result.sheets_stamp and result.sheets_stamp != stamps.get(result.product_id, ""))]
    ranked = {result.product_id for result, *_ in stored}
    stale += [code or "" for product_id, code in session.execute(
        select(Registration.product_id, Product.code).join(Product, Product.id == Registration.product_id)
        .where(Registration.campaign_id == campaign.id, Registration.status == "eligible"))
        if product_id not in ranked and len(totals[product_id]) == len(present)
        and spread(list(totals[product_id].values())) <= limit]
    if stale:
        stale.sort()
        raise ScoringError(
            "Phiếu đánh giá hoặc thành phần có mặt đã thay đổi sau lần phân hạng gần nhất (sản phẩm "
            + ", ".join(stale) + "): chạy lại bước tổng hợp điểm và phân hạng trước.")
    results = [
        Ranked(
            result.product_id, code or "", name, producer, commune, set_code, result.sheets,
            Fraction(result.points_sum, result.sheets), _part_means(result),
            result.star_by_score, result.stars, result.cap_reason, result.outcome,
            totals[result.product_id], result.spread, tuple(f for f in result.flags.split("; ") if f),
        )
        for result, set_code, code, name, producer, commune in stored
    ]
    results.sort(key=lambda r: (-r.mean, r.code))
    counts: dict[int, int] = defaultdict(int)
    for r in results:
        counts[r.stars] += 1
    return RankSummary(results, members, present, q, 0, dict(counts), [], _rescores(session, campaign), limit)


def _part_sums(result: Result) -> tuple[int, int, int]:
    """The stored part means back as the sums of the members' part totals (integers over ``sheets``)."""
    n = result.sheets
    return round(result.mean_a * n), round(result.mean_b * n), round(result.mean_c * n)


def _part_means(result: Result) -> tuple[Fraction, Fraction, Fraction]:
    """The exact part means back from the stored floats."""
    a, b, c = _part_sums(result)
    n = result.sheets
    return Fraction(a, n), Fraction(b, n), Fraction(c, n)
