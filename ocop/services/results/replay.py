"""What-if replay: a ranked campaign's sheets re-ranked under another edition, changing nothing.

The old side is what the rank stage stored (:func:`ranking.stored_ranking`, which refuses a campaign not
ranked yet or whose sheets changed since). The new side is the same ranking code path
(:func:`ranking.rank_products`) run with the other edition: its star bands, its mandatory criteria, its
level's referral threshold and the stars it recognises. Where both editions use the same criteria sheets
the members' sheets are taken as they are. Where the sheets differ, each sheet's chosen options are read
through the correspondence data (ocop/rules/correspondence.py): a criterion, or a chosen option, without a
counterpart scores 0 points and meets no mandatory requirement, and the result says which; a product whose
set has no counterpart, or with a sheet recorded as part totals (no options to read), is not comparable.
Two queries read the sheets and their options; nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.errors import ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, ScoreItem, ScoreSheet
from ocop.rules.correspondence import NONE, SAME, Correspondence, SetMatch, correspondence
from ocop.rules.criteria import load_sets
from ocop.rules.editions import Edition, get_edition
from ocop.rules.stars import meeting_counts
from ocop.services.campaigns import get_campaign
from ocop.services.results.ranking import (
    Blocked,
    Entry,
    Meeting,
    Ranked,
    SheetTotals,
    council_quorum,
    eligible,
    rank_products,
    stored_ranking,
)
from ocop.settings import Settings


@dataclass(frozen=True, slots=True)
class CriterionFate:
    """How one criterion of the new sheet was scored for one product."""

    code: str  # criterion of the new edition's sheet
    title: str
    source: str  # the old sheet's criterion that decides it; "" when none does
    match: str  # same | approx | none (ocop.rules.correspondence)
    unmatched: int  # sheets whose chosen option has no counterpart (scored 0 here)
    sheets: int

    @property
    def corresponds(self) -> bool:
        return self.match == SAME and self.unmatched == 0

    def unmatched_text(self) -> str:
        """'1.5 ở 2/7 phiếu': the sheets whose chosen option has no counterpart here."""
        return f"{self.code} ở {self.unmatched}/{self.sheets} phiếu"


@dataclass(frozen=True, slots=True)
class ReplayedProduct:
    """One product's stored result beside its result under the other edition."""

    code: str
    name: str
    set_code: str  # the product's set in the campaign's edition
    new_set_code: str  # its set in the other edition ("" when it has none)
    old: Ranked | None  # None: the stored ranking left it out (held back by the spread rule)
    new: Ranked | None  # None: held back under the other edition (new_blocked), or not comparable
    new_blocked: Blocked | None = None
    not_comparable: str = ""  # why the sheets cannot be read under the other edition
    criteria: tuple[CriterionFate, ...] = ()  # every criterion of the new sheet (empty: same sheets)

    @property
    def differing(self) -> tuple[CriterionFate, ...]:
        """The new sheet's criteria that do not correspond one to one, for this product's sheets."""
        return tuple(c for c in self.criteria if not c.corresponds)


@dataclass(frozen=True, slots=True)
class Replay:
    """A campaign's results under its own edition and under another one, side by side."""

    campaign: str
    old_edition: str
    new_edition: str
    level: str  # the level's name under the new edition ("cấp huyện")
    same_sheets: bool  # both editions score on the same criteria sheets
    products: tuple[ReplayedProduct, ...]
    max_spread: float  # the council's spread rule (points between members' totals)
    sets: tuple[SetMatch, ...] = ()  # the correspondences used (empty: same sheets)
    correspondence_file: str = ""


def replay(settings: Settings, code: str | None, edition_code: str) -> Replay:
    """Re-rank a ranked campaign's sheets under ``edition_code``; read-only."""
    with unit_of_work(settings.database_url) as s:
        return replay_campaign(s, get_campaign(s, code), edition_code)


def replay_campaign(session: Session, campaign: Campaign, edition_code: str) -> Replay:
    new_edition = get_edition(edition_code)
    old_edition = get_edition(campaign.edition_code)
    level = new_edition.level(campaign.level)
    stored = stored_ranking(session, campaign)  # a campaign not ranked yet, or re-scored since: refused here
    _, present, q = council_quorum(campaign)
    if not q.met:
        raise ScoringError("Hội đồng không đủ số thành viên có mặt nên kế hoạch chưa có kết quả phân hạng để so sánh.")
    regs = eligible(session, campaign)
    sheets, chosen, modes = _sheets(session, campaign, [m.id for m in present])
    names = {m.id: m.name for m in present}
    old = {r.product_id: r for r in stored.results}
    same = old_edition.criteria_dir == new_edition.criteria_dir
    if same:
        meeting = _meeting(new_edition, {r.product_id: r.set_code for r in regs}, chosen)
        new, blocked = rank_products(regs, sheets, meeting, new_edition, level, names, campaign.rules.max_spread)
        return _replay(campaign, old_edition, new_edition, level.name, True, regs, old, new, blocked, {}, {})
    table = correspondence(old_edition.criteria_dir, new_edition.criteria_dir)
    refused: dict[int, str] = {}
    fates: dict[int, tuple[CriterionFate, ...]] = {}
    read: list[Entry] = []
    new_sheets: dict[int, list[SheetTotals]] = {}
    new_chosen: dict[int, list[dict[str, int]]] = {}
    set_codes: dict[int, str] = {}
    for reg in regs:
        why = _not_comparable(reg, table, old_edition, new_edition, modes[reg.product_id])
        if why:
            refused[reg.product_id] = why
            continue
        assert table is not None  # _not_comparable refuses every product without one
        match = table.sets[reg.set_code]
        rows, options, fates[reg.product_id] = _translate(match, new_edition, sheets[reg.product_id],
                                                          chosen[reg.product_id])
        new_sheets[reg.product_id], new_chosen[reg.product_id] = rows, options
        set_codes[reg.product_id] = match.target.code
        read.append(reg)
    new, blocked = rank_products(read, new_sheets, _meeting(new_edition, set_codes, new_chosen), new_edition, level,
                                 names, campaign.rules.max_spread, set_codes)
    used = {table.sets[r.set_code].source.code: table.sets[r.set_code] for r in read} if table else {}
    return _replay(campaign, old_edition, new_edition, level.name, False, regs, old, new, blocked, refused, fates,
                   set_codes, tuple(used[k] for k in sorted(used)), table.source if table else "")


def _replay(
    campaign: Campaign, old_edition: Edition, new_edition: Edition, level: str, same: bool,
    regs: Sequence[Entry], old: dict[int, Ranked], new: list[Ranked], blocked: list[Blocked],
    refused: dict[int, str], fates: dict[int, tuple[CriterionFate, ...]], set_codes: dict[int, str] | None = None,
    sets: tuple[SetMatch, ...] = (), source: str = "",
) -> Replay:
    by_id = {r.product_id: r for r in new}
    held = {b.code: b for b in blocked}
    products = [
        ReplayedProduct(
            reg.code, reg.name, reg.set_code,
            reg.set_code if same else (set_codes or {}).get(reg.product_id, ""),
            old.get(reg.product_id), by_id.get(reg.product_id), held.get(reg.code),
            refused.get(reg.product_id, ""), fates.get(reg.product_id, ()),
        )
        for reg in regs
        if reg.product_id in old or reg.product_id in by_id or reg.code in held
        or reg.product_id in refused
    ]
    # the stored order (best mean first), then what only the new edition ranks
    products.sort(key=lambda p: (p.old is None, -p.old.mean if p.old else 0, p.code))
    return Replay(campaign.code, old_edition.code, new_edition.code, level, same, tuple(products),
                  campaign.rules.max_spread, sets, source)


def _sheets(
    session: Session, campaign: Campaign, member_ids: list[int]
) -> tuple[dict[int, list[SheetTotals]], dict[int, list[dict[str, int]]], dict[int, set[str]]]:
    """Per product: the present members' sheets, each one's options (criterion -> points), their modes."""
    rows: dict[int, list[SheetTotals]] = defaultdict(list)
    modes: dict[int, set[str]] = defaultdict(set)
    options: dict[int, dict[str, int]] = {}
    order: dict[int, list[int]] = defaultdict(list)
    for sheet_id, product_id, member_id, mode, total, a, b, c in session.execute(
        select(ScoreSheet.id, ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.mode, ScoreSheet.total,
               ScoreSheet.part_a, ScoreSheet.part_b, ScoreSheet.part_c)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
        .order_by(ScoreSheet.product_id, ScoreSheet.member_id)
    ):
        rows[product_id].append(SheetTotals(product_id, member_id, total, a, b, c))
        modes[product_id].add(mode)
        options[sheet_id] = {}
        order[product_id].append(sheet_id)
    for sheet_id, criterion, points in session.execute(
        select(ScoreItem.sheet_id, ScoreItem.criterion_code, ScoreItem.points)
        .join(ScoreSheet, ScoreSheet.id == ScoreItem.sheet_id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(member_ids))
    ):
        options[sheet_id][criterion] = points
    chosen = {pid: [options[i] for i in ids] for pid, ids in order.items()}
    return rows, chosen, modes


def _meeting(
    edition: Edition, set_codes: dict[int, str], chosen: dict[int, list[dict[str, int]]]
) -> dict[int, Meeting]:
    """Per product, how many of its sheets meet each mandatory requirement of its set under ``edition``."""
    sets = load_sets(edition.criteria_dir)
    return {pid: meeting_counts(sets[code], chosen[pid]) for pid, code in set_codes.items()
            if code in sets and pid in chosen}


def _not_comparable(reg: Entry, table: Correspondence | None, old: Edition, new: Edition,
                    modes: set[str]) -> str:
    if table is None:
        return (f"chưa có bảng đối chiếu bộ tiêu chí {old.criteria_dir} sang {new.criteria_dir} "
                "(ocop/rules/data/correspondence)")
    if reg.set_code not in table.sets:
        return f"bộ sản phẩm {reg.set_code} theo {old.code} không có bộ tương ứng trong bảng đối chiếu {table.source}"
    if "parts" in modes:
        return "có phiếu chỉ ghi tổng điểm các phần, không có lựa chọn từng tiêu chí để đối chiếu"
    return ""


def _translate(
    match: SetMatch, edition: Edition, rows: Sequence[SheetTotals], chosen: Sequence[dict[str, int]]
) -> tuple[list[SheetTotals], list[dict[str, int]], tuple[CriterionFate, ...]]:
    """Each sheet read as a sheet of the new edition: its options, totals and part totals; and per new
    criterion, on how many sheets the chosen option had no counterpart."""
    parts = list(edition.parts)
    unmatched: dict[str, int] = defaultdict(int)
    new_rows, new_options = [], []
    for row, options in zip(rows, chosen, strict=True):
        translated: dict[str, int] = {}
        for m in match.criteria:
            points = m.translate(options)
            if points is None:
                if m.match != NONE:
                    unmatched[m.criterion.code] += 1
                continue
            translated[m.criterion.code] = points
        by_part = dict.fromkeys(parts, 0)
        for m in match.criteria:
            by_part[m.criterion.part] += translated.get(m.criterion.code, 0)
        a, b, c = (by_part[p] for p in parts)
        new_rows.append(SheetTotals(row.product_id, row.member_id, a + b + c, a, b, c))
        new_options.append(translated)
    fates = tuple(CriterionFate(m.criterion.code, m.criterion.title, m.source.code if m.source else "", m.match,
                                unmatched[m.criterion.code], len(rows)) for m in match.criteria)
    return new_rows, new_options, fates
