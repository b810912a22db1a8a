"""Aggregate-and-rank stage: mean of member totals, stars, mandatory caps, council rules, flags.

Only present members' sheets count. Without quorum nothing is ranked. A product whose members'
totals spread wider than the council allows is blocked until they re-score. Products near a band
edge, and products whose star one member's sheet decides, are flagged for the council.
"""

from __future__ import annotations

import hashlib
import math
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
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
from ocop.rules.stars import Missed, capped_star, missed_counted, requirement_keys, star_for
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


class Entry(NamedTuple):
    """An eligible product of the campaign, as the ranking reads it."""

    product_id: int
    set_code: str
    code: str
    name: str
    producer: str
    commune: str


# Per product: how many of its sheets meet each mandatory requirement, by (criterion code, min points);
# a requirement no sheet meets may be absent (ocop.rules.stars.missed_counted).
Meeting = Mapping[tuple[str, int], int]

_Row = Row[*tuple[Any, ...]]

# rows fetched at a time from the queries the ranking streams (server-side cursors on PostgreSQL)
CHUNK = 5000


def council_quorum(campaign: Campaign) -> tuple[list[Person], list[Person], Quorum]:
    rules = campaign.rules
    members = council(campaign)
    present = [m for m in members if m.attended]
    chair = any(m.role == "chair" for m in present)
    q = quorum(len(present), len(members), rules.quorum_fraction, rules.quorum_requires_chair, chair)
    return members, present, q


def rank(session: Session, campaign: Campaign) -> RankSummary:
    """Compute and store every eligible product's result from the present members' sheets.

    Set-based: the eligible products are read as tuples; the present members' sheet totals (one row per
    sheet) and, where the edition has mandatory criteria, per product how many of its sheets meet each
    requirement (:func:`_meeting_rows`) are streamed in product order and merged; the rules run product
    by product; the results are written with bulk statements. No score sheet or item is loaded as an
    ORM object, and no sheet's options leave the database."""
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    members, present, q = council_quorum(campaign)
    limit = campaign.rules.max_spread
    rescores = _rescores(session, campaign)
    if not q.met:
        return RankSummary([], members, present, q, rescores=rescores, max_spread=limit)
    entries = eligible(session, campaign)
    present_ids = [m.id for m in present]
    names = {m.id: m.name for m in present}
    sets = load_sets(edition.criteria_dir)
    used = {code: sets[code] for code in sorted({e.set_code for e in entries}) if code in sets}
    by_id = {e.product_id: e for e in entries}
    results: dict[int, Ranked] = {}
    blocked: dict[int, Blocked] = {}
    stamps: dict[int, str] = {}
    missing: dict[int, str] = {}
    errors: dict[int, ScoringError] = {}
    with _requirements(session, used if edition.mandatory_criteria else {}) as keys:
        sheets = _sheet_rows(session, campaign, present_ids)
        meeting = _meeting_rows(session, campaign, present_ids, keys, {e.product_id: e.set_code for e in entries})
        for product_id, rows, counts in _merge(sheets, meeting):
            entry = by_id.get(product_id)
            if entry is None:
                continue  # a product not (or no longer) eligible
            if len(rows) < len(present):
                have = {r[1] for r in rows}
                missing[product_id] = _missing_text(entry, [m for m in present if m.id not in have])
                continue
            stamps[product_id] = _stamp((r[6], r[7]) for r in rows)
            totals = [SheetTotals._make(r[:6]) for r in rows]
            try:
                outcome = rank_product(entry, entry.set_code, totals, counts, edition, level, sets, names, limit)
            except ScoringError as error:  # raised below, after any missing sheet (which is said first)
                errors[product_id] = error
                continue
            if isinstance(outcome, Blocked):
                blocked[product_id] = outcome
            else:
                results[product_id] = outcome
        for _ in meeting:  # read to its end, so that its query is done before its table is dropped
            pass
    for e in entries:  # products without any present member's sheet
        if e.product_id not in stamps and e.product_id not in missing:
            missing[e.product_id] = _missing_text(e, present)
    if missing:
        raise ScoringError("Chưa đủ phiếu đánh giá của các thành viên có mặt: "
                           + "; ".join(missing[e.product_id] for e in entries if e.product_id in missing) + ".")
    for e in entries:
        if e.product_id in errors:
            raise errors[e.product_id]
    ranked = best_first(results.values())
    changed = _store(session, campaign, ranked, stamps)
    counts_by_star: dict[int, int] = defaultdict(int)
    for r in ranked:
        counts_by_star[r.stars] += 1
    return RankSummary(ranked, members, present, q, changed, dict(counts_by_star),
                       [blocked[e.product_id] for e in entries if e.product_id in blocked], rescores, limit)


def eligible(session: Session, campaign: Campaign) -> list[Entry]:
    """The campaign's eligible products, in the order they were registered."""
    return [Entry(pid, set_code, code or "", name, producer, commune) for pid, set_code, code, name, producer, commune
            in session.execute(
                select(Registration.product_id, Registration.set_code, Product.code, Product.name, Producer.name,
                       Producer.commune)
                .join(Product, Product.id == Registration.product_id)
                .join(Producer, Producer.id == Product.producer_id)
                .where(Registration.campaign_id == campaign.id, Registration.status == "eligible")
                .order_by(Registration.id))]


def rank_products(
    entries: Sequence[Entry], by_product: Mapping[int, Sequence[SheetTotals]], meeting: Mapping[int, Meeting],
    edition: Edition, level: Level, names: Mapping[int, str], limit: float, set_codes: Mapping[int, str] | None = None,
) -> tuple[list[Ranked], list[Blocked]]:
    """Each product's result under ``edition`` from its sheets (``meeting``: per product, how many of its
    sheets meet each mandatory requirement, as :func:`ocop.rules.stars.meeting_counts`), best first, and the
    products the spread rule holds back.

    Pure: the what-if replay (replay.py) shows what it returns beside the stored results; the rank stage
    runs :func:`rank_product` on the same products as it streams their sheets. ``set_codes`` gives a
    product's set in the edition's criteria where it is not its registration's (a replay under an edition
    with other sheets)."""
    sets = load_sets(edition.criteria_dir)
    results, blocked = [], []
    for entry in entries:
        set_code = set_codes[entry.product_id] if set_codes is not None else entry.set_code
        outcome = rank_product(entry, set_code, by_product[entry.product_id], meeting.get(entry.product_id, {}),
                               edition, level, sets, names, limit)
        if isinstance(outcome, Blocked):
            blocked.append(outcome)
        else:
            results.append(outcome)
    return best_first(results), blocked


def best_first(results: Iterable[Ranked]) -> list[Ranked]:
    """Highest mean first, then by product code. The exact means compared as integers over a common
    denominator: the order of the Fractions, without comparing Fractions."""
    results = list(results)
    common = math.lcm(*(r.mean.denominator for r in results))
    return sorted(results, key=lambda r: (-r.mean.numerator * (common // r.mean.denominator), r.code))


def rank_product(
    entry: Entry, set_code: str, rows: Sequence[SheetTotals], meeting: Meeting, edition: Edition, level: Level,
    sets: Mapping[str, CriteriaSet], names: Mapping[int, str], limit: float,
) -> Ranked | Blocked:
    """One product's result from its present members' sheets, or why the spread rule holds it back."""
    totals = {r.member_id: r.total for r in rows}
    width = spread(list(totals.values()))
    if width > limit:
        low, high = min(rows, key=lambda r: r.total), max(rows, key=lambda r: r.total)
        return Blocked(entry.code, entry.name, width, (names[low.member_id], low.total),
                       (names[high.member_id], high.total))
    return _result(entry, set_code, rows, totals, width, edition, level, sets, meeting, names)


def _result(
    entry: Entry, set_code: str, rows: Sequence[SheetTotals], totals: dict[int, int], width: int,
    edition: Edition, level: Level, sets: Mapping[str, CriteriaSet], meeting: Meeting, names: Mapping[int, str],
) -> Ranked:
    n = len(rows)
    mean = Fraction(sum(totals.values()), n)
    parts = (Fraction(sum(r.part_a for r in rows), n), Fraction(sum(r.part_b for r in rows), n),
             Fraction(sum(r.part_c for r in rows), n))
    by_score = star_for(mean, edition.star_lower_bounds, edition.max_points)
    missed = missed_counted(sets[set_code], meeting, n) if edition.mandatory_criteria else []
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
        entry.product_id, entry.code, entry.name, entry.producer, entry.commune, set_code, n, mean, parts,
        by_score, stars, f"Hạ từ {by_score} sao xuống {stars} sao: {reason}." if stars < by_score else "",
        outcome_for(level, edition, mean, stars), totals, width, tuple(flags),
    )


def _missing_text(entry: Entry, lacking: Iterable[Person]) -> str:
    return f"{entry.code} ({entry.name}) thiếu phiếu của {', '.join(m.name for m in lacking)}"


def _stream(session: Session, statement: Select[*tuple[Any, ...]]) -> Iterator[_Row]:
    """A query's rows, fetched CHUNK at a time (a server-side cursor on PostgreSQL)."""
    result = session.connection().execute(statement.execution_options(yield_per=CHUNK))
    for part in result.partitions():
        yield from part


def _sheet_rows(session: Session, campaign: Campaign, member_ids: list[int]) -> Iterator[_Row]:
    """The present members' sheets, in product order: the SheetTotals fields, then id and revision."""
    return _stream(session, select(
        ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.total, ScoreSheet.part_a, ScoreSheet.part_b,
        ScoreSheet.part_c, ScoreSheet.id, ScoreSheet.revision)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
        .order_by(ScoreSheet.product_id, ScoreSheet.member_id))


# The mandatory requirements of the sets being ranked, for the join of one query (_meeting_rows): per set,
# its k-th requirement (ocop.rules.stars.requirement_keys order) is bit k % MASK_BITS of mask word
# k // MASK_BITS. A temporary table with a primary key rather than a VALUES list, so that SQLite looks a
# sheet's requirements up by its set instead of scanning them all for every score item.
_REQUIREMENT = Table(
    "ranking_requirement", MetaData(),
    Column("set_code", String(10), primary_key=True),
    Column("criterion_code", String(10), primary_key=True),
    Column("min_points", Integer, primary_key=True),
    Column("word", Integer, nullable=False),
    Column("bit", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)
MASK_BITS = 62  # bits used of a 64-bit signed integer, below the sign bit
Keys = Mapping[str, tuple[tuple[str, int], ...]]  # per set code, its requirements in bit order


@contextmanager
def _requirements(session: Session, sets: Mapping[str, CriteriaSet]) -> Iterator[Keys]:
    """The ranking_requirement table of ``sets``' mandatory requirements, for the length of the block;
    yields each set's requirements in bit order (empty: no set has any, and no table is made). Made and
    dropped inside the ranking's transaction: on an error, its rollback drops the table too."""
    keys = {code: k for code, criteria in sets.items() if (k := requirement_keys(criteria))}
    if not keys:
        yield {}
        return
    connection = session.connection()
    _REQUIREMENT.drop(connection, checkfirst=True)  # left by a transaction that went on after an error
    _REQUIREMENT.create(connection)
    connection.execute(insert(_REQUIREMENT), [
        {"set_code": code, "criterion_code": criterion, "min_points": points, "word": k // MASK_BITS,
         "bit": 1 << (k % MASK_BITS)}
        for code, pairs in keys.items() for k, (criterion, points) in enumerate(pairs)])
    yield keys
    _REQUIREMENT.drop(connection)


def _meeting_rows(
    session: Session, campaign: Campaign, member_ids: list[int], keys: Keys, set_of: Mapping[int, str],
) -> Iterator[tuple[int, Meeting]]:
    """Per product, in product order: how many of the present members' sheets meet each mandatory
    requirement of its set (``keys``: the requirements in the ranking_requirement table, per set;
    ``set_of``: product -> set code).

    One query, two GROUP BYs, both in the order the sheets are read (no sort of the score items): per
    sheet, a bit mask of the requirements of its product's set that its chosen options meet (each score
    item joined to the requirements of its criterion that its points reach: distinct bits, so their sum
    is the mask); per product, for each requirement, how many of its sheets have that bit. Products
    whose sheets meet no requirement are absent."""
    if not keys:
        return
    width = max(len(k) for k in keys.values())
    req = _REQUIREMENT.c
    masks = (
        select(ScoreSheet.product_id,
               *[cast(func.sum(case((req.word == w, req.bit), else_=0)), BigInteger).label(f"w{w}")
                 for w in range((width - 1) // MASK_BITS + 1)])
        .join(Registration, (Registration.campaign_id == ScoreSheet.campaign_id)
              & (Registration.product_id == ScoreSheet.product_id))
        .join(_REQUIREMENT, req.set_code == Registration.set_code)
        .join(ScoreItem, (ScoreItem.sheet_id == ScoreSheet.id) & (ScoreItem.criterion_code == req.criterion_code)
              & (ScoreItem.points >= req.min_points))
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
        .group_by(ScoreSheet.product_id, ScoreSheet.member_id)
        .subquery())
    bits = [masks.c[f"w{k // MASK_BITS}"].bitwise_rshift(literal(k % MASK_BITS, Integer)).bitwise_and(1)
            for k in range(width)]
    counts = [cast(func.sum(bit), Integer) for bit in bits]
    for row in _stream(session, select(masks.c.product_id, *counts).group_by(masks.c.product_id)
                       .order_by(masks.c.product_id)):
        pairs = keys.get(set_of.get(row[0], ""), ())
        yield row[0], dict(zip(pairs, row[1:1 + len(pairs)], strict=True))


def _merge(
    sheets: Iterator[_Row], meeting: Iterator[tuple[int, Meeting]]
) -> Iterator[tuple[int, list[_Row], Meeting]]:
    """The two product-ordered streams side by side: per product with sheets, its sheets and its counts."""
    pending = next(meeting, None)
    for product_id, group in groupby(sheets, key=itemgetter(0)):
        while pending is not None and pending[0] < product_id:
            pending = next(meeting, None)
        counts: Meeting = {}
        if pending is not None and pending[0] == product_id:
            counts = pending[1]
        yield product_id, list(group), counts


def _rescores(session: Session, campaign: Campaign) -> list[Rescore]:
    changes = session.scalars(
        select(ScoreChange).where(ScoreChange.campaign_id == campaign.id, ScoreChange.kind == "rescore")
        .options(joinedload(ScoreChange.member), joinedload(ScoreChange.product)).order_by(ScoreChange.id)
    ).all()
    return [Rescore(c.product.code or "", c.member.name, c.old_total, c.new_total, c.reason) for c in changes]


def _stamp(sheets: Iterable[tuple[int, int]]) -> str:
    """A digest of which sheets of one product count, and at which revision, from (id, revision) pairs:
    stored with its result (Result.sheets_stamp), compared by :func:`stored_ranking`.

    Every stored change of a sheet raises its revision, so the digest moves with any change —
    also a change of options that leaves every part total as it was."""
    return hashlib.sha256(",".join(f"{i}:{r}" for i, r in sorted(sheets)).encode()).hexdigest()


_STORED = ("sheets", "points_sum", "mean", "mean_a", "mean_b", "mean_c", "star_by_score", "stars", "cap_reason",
           "outcome", "spread", "flags", "sheets_stamp")


def _store(session: Session, campaign: Campaign, results: list[Ranked], stamps: Mapping[int, str]) -> int:
    """Write the results with bulk statements: new ones inserted, changed ones updated, stale ones deleted.
    How many changed (the stored rows are read as tuples, never as ORM objects)."""
    existing = {row[1]: row for row in session.execute(
        select(Result.id, Result.product_id, *[getattr(Result, k) for k in _STORED])
        .where(Result.campaign_id == campaign.id))}
    keep = {r.product_id for r in results}
    stale = [pid for pid in existing if pid not in keep]
    if stale:
        session.execute(delete(Result).where(Result.campaign_id == campaign.id, Result.product_id.in_(stale)))
    added: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    for r in results:
        values: tuple[Any, ...] = (
            r.sheets, int(r.mean * r.sheets), float(r.mean), float(r.part_means[0]), float(r.part_means[1]),
            float(r.part_means[2]), r.star_by_score, r.stars, r.cap_reason, r.outcome, r.spread, "; ".join(r.flags),
            stamps.get(r.product_id, ""))
        row = existing.get(r.product_id)
        if row is None:
            added.append({"campaign_id": campaign.id, "product_id": r.product_id,
                          **dict(zip(_STORED, values, strict=True))})
        elif tuple(row[2:]) != values:
            updated.append({"row_id": row[0], **dict(zip(_STORED, values, strict=True))})
    table = typing.cast(Table, Result.__table__)
    changes = update(table).where(table.c.id == bindparam("row_id")).values({k: bindparam(k) for k in _STORED})
    connection = session.connection()
    for start in range(0, len(added), CHUNK):
        connection.execute(insert(table), added[start:start + CHUNK])
    for start in range(0, len(updated), CHUNK):
        connection.execute(changes, updated[start:start + CHUNK])
    return len(stale) + len(added) + len(updated)


def stored_ranking(session: Session, campaign: Campaign) -> RankSummary:
    """The results the rank stage stored, as it computed them: what recognise and refer act on.

    Nothing is recomputed. One read of the present members' sheet totals checks that the stored
    results still stand, so that the decision and the referral never disagree with the minutes:
    a ranked product whose sheets (how many, their totals, their part totals) changed since the
    last ranking — a re-scoring, an added or removed sheet, an attendance change — and an
    eligible product the last ranking left out that could now be ranked (re-scored after the
    spread rule held it back, or made eligible since) are refused until the rank stage runs again
    and issues the minutes anew. A change of options that leaves every part total as it was is seen
    by the sheets' revisions (:func:`_stamp`): it can move a mandatory-criterion cap.
    """
    stored = [(_Stored._make(row[:len(_Stored._fields)]), *row[len(_Stored._fields):]) for row in session.execute(
        select(*[getattr(Result, f) for f in _Stored._fields], Registration.set_code, Product.code, Product.name,
               Producer.name, Producer.commune)
        .join(Product, Product.id == Result.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .join(Registration, (Registration.product_id == Result.product_id)
              & (Registration.campaign_id == Result.campaign_id))
        .where(Result.campaign_id == campaign.id))]
    if not stored:
        raise ScoringError("Chưa có kết quả phân hạng: chạy bước tổng hợp điểm và phân hạng trước.")
    members, present, q = council_quorum(campaign)
    limit = campaign.rules.max_spread
    if not q.met:
        return RankSummary([], members, present, q, max_spread=limit)
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    parts: dict[int, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    stamps: dict[int, str] = {}
    for product_id, group in groupby(_sheet_rows(session, campaign, [m.id for m in present]), key=itemgetter(0)):
        rows = list(group)
        totals[product_id] = {r[1]: r[2] for r in rows}
        parts[product_id] = (sum(r[3] for r in rows), sum(r[4] for r in rows), sum(r[5] for r in rows))
        stamps[product_id] = _stamp((r[6], r[7]) for r in rows)
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
    results = best_first(results)
    counts: dict[int, int] = defaultdict(int)
    for r in results:
        counts[r.stars] += 1
    return RankSummary(results, members, present, q, 0, dict(counts), [], _rescores(session, campaign), limit)


class _Stored(NamedTuple):
    """A stored result as stored_ranking reads it (Result's columns of the same names)."""

    product_id: int
    sheets: int
    points_sum: int
    mean_a: float
    mean_b: float
    mean_c: float
    star_by_score: int
    stars: int
    cap_reason: str
    outcome: str
    spread: int
    flags: str
    sheets_stamp: str


def _part_sums(result: _Stored) -> tuple[int, int, int]:
    """The stored part means back as the sums of the members' part totals (integers over ``sheets``)."""
    n = result.sheets
    return round(result.mean_a * n), round(result.mean_b * n), round(result.mean_c * n)


def _part_means(result: _Stored) -> tuple[Fraction, Fraction, Fraction]:
    """The exact part means back from the stored floats."""
    a, b, c = _part_sums(result)
    n = result.sheets
    return Fraction(a, n), Fraction(b, n), Fraction(c, n)
