"""Verify stage: decide every registration (ocop.rules.dossier) in one pass over the campaign.

One query reads the registrations, one their field inspections, one bulk update writes the
decisions that changed; the summary gives the lists for the council and a count per commune.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocop import present
from ocop.batches import many_rows
from ocop.errors import NotFoundError
from ocop.inputs import text_argument
from ocop.persistence.db import JsonValues, json_text
from ocop.persistence.models import Campaign, FieldInspection, Producer, Product, Registration
from ocop.rules import limits
from ocop.rules.criteria import load_sets
from ocop.rules.dossier import (
    ELIGIBLE,
    INELIGIBLE,
    SUPPLEMENT,
    Facts,
    Inspection,
    Policy,
    decide,
    dossier_rules,
    supplement_due,
)
from ocop.rules.editions import get_edition
from ocop.services.registrations.store import update_by_id
from ocop.text import ascii_key

COMMUNE_KEYS = ("registered", ELIGIBLE, SUPPLEMENT, INELIGIBLE)


@dataclass(frozen=True, slots=True)
class CommuneCounts:
    registered: int = 0  # all registrations of the commune
    eligible: int = 0
    needs_supplement: int = 0
    ineligible: int = 0


@dataclass(frozen=True, slots=True)
class Checked:
    """A registration as the lists for the council show it; ``missing`` and ``due`` when it needs a supplement."""

    code: str
    name: str
    producer: str
    commune: str
    set_code: str
    kind: str
    reason: str
    missing: tuple[str, ...] = ()
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Ineligible:
    code: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Late:
    """Registered after the verification deadline."""

    code: str
    name: str
    registered_on: date


@dataclass(frozen=True, slots=True)
class VerifySummary:
    counts: dict[str, int]
    changed: int
    by_commune: dict[str, CommuneCounts] = field(default_factory=dict)
    ineligible: tuple[Ineligible, ...] = ()
    needs_supplement: tuple[Checked, ...] = ()
    eligible: tuple[Checked, ...] = ()
    late: tuple[Late, ...] = ()
    due: date | None = None  # supplements due by (when any is needed)


@dataclass(frozen=True, slots=True)
class InspectionResult:
    code: str
    inspected_on: date
    created: bool
    passed: bool
    inspectors: tuple[str, ...]
    findings: str


def policy_of(campaign: Campaign) -> Policy:
    rules = campaign.rules
    return Policy(campaign.deadline_verification, campaign.deadline_evaluation,
                  rules.require_commune_confirmation, rules.late_registrations)


def notice_date(campaign: Campaign) -> date:
    return campaign.details.verification_notice_date or campaign.deadline_verification


def due_date(campaign: Campaign) -> date:
    return supplement_due(notice_date(campaign), campaign.rules.supplement_working_days)


def _inspections(session: Session, campaign: Campaign) -> dict[int, Inspection]:
    latest: dict[int, Inspection] = {}
    for reg_id, on, passed, findings in session.execute(
            select(FieldInspection.registration_id, FieldInspection.inspected_on, FieldInspection.passed,
                   FieldInspection.findings)
            .join(Registration, Registration.id == FieldInspection.registration_id)
            .where(Registration.campaign_id == campaign.id).order_by(FieldInspection.inspected_on)):
        latest[reg_id] = Inspection(on, passed, findings)
    return latest


def verify(session: Session, campaign: Campaign) -> VerifySummary:
    """Decide every registration; only decisions that changed are written."""
    with many_rows():
        return _verify(session, campaign)


def _verify(session: Session, campaign: Campaign) -> VerifySummary:
    rules, policy = dossier_rules(campaign.edition_code), policy_of(campaign)
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    due = due_date(campaign)
    inspections = _inspections(session, campaign)
    tables = Registration.__table__, Product.__table__, Producer.__table__
    reg, product, producer = (t.c for t in tables)
    decoded = JsonValues()
    result = session.execute(  # Core (table columns): the ORM's row handling would cost as much as the query
        select(reg.id, reg.set_code, reg.commune_confirmed, json_text(reg.dossier), json_text(reg.pre_assessment),
               reg.kind, reg.certificate_number, reg.certificate_date, reg.certificate_stars, reg.registered_on,
               reg.status, reg.reason, json_text(reg.missing), reg.due_on, reg.late, product.code, product.name,
               producer.name.label("producer"), producer.kind.label("producer_kind"), producer.commune)
        .select_from(tables[0].join(tables[1], product.id == reg.product_id)
                     .join(tables[2], producer.id == product.producer_id))
        .where(reg.campaign_id == campaign.id))
    fetched = result.tuples().all()  # fetchall: iterating the result fetches one row at a time
    keys = {commune: ascii_key(commune) for commune in {r[-1] for r in fetched}}
    rows = sorted(fetched, key=lambda r: (keys[r[-1]], r[-1], r[15] or ""))  # commune, code: as on every database
    changes: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    by_commune: dict[str, Counter[str]] = {}
    eligible: list[Checked] = []
    supplement: list[Checked] = []
    ineligible: list[Ineligible] = []
    late: list[Late] = []
    for (reg_id, set_code, confirmed, dossier, pre_assessment, kind, number, issued, stars, registered_on, status,
         reason, missing, due_on, was_late, code, name, producer_name, producer_kind, commune) in rows:
        decision = decide(Facts(set_code, producer_kind, confirmed, decoded(dossier) or {}, kind, number, issued,
                                stars, registered_on, inspections.get(reg_id), decoded(pre_assessment) or {}),
                          rules, policy)
        note = decision.reason
        criteria = sets.get(set_code)
        if decision.status == ELIGIBLE and criteria is not None and not criteria.verified:
            note = " ".join(filter(None, [note, f"Bộ tiêu chí {criteria.code} chưa được kiểm chứng; "
                                                "chưa thể chấm điểm."]))
        new = (decision.status, note, list(decision.missing), due if decision.status == SUPPLEMENT else None,
               decision.late)
        if (status, reason, decoded(missing), due_on, was_late) != new:
            changes.append(dict(zip(("id", "status", "reason", "missing", "due_on", "late"), (reg_id, *new),
                                    strict=True)))
        counts[decision.status] += 1
        if commune not in by_commune:
            by_commune[commune] = Counter(dict.fromkeys(COMMUNE_KEYS, 0))
        by_commune[commune]["registered"] += 1
        by_commune[commune][decision.status] += 1
        if decision.status == INELIGIBLE:
            ineligible.append(Ineligible(code or "", name, note))
        elif decision.status == SUPPLEMENT:
            supplement.append(Checked(code or "", name, producer_name, commune, set_code, kind, note,
                                      tuple(decision.missing), due))
        else:
            eligible.append(Checked(code or "", name, producer_name, commune, set_code, kind, note))
        if decision.late:
            late.append(Late(code or "", name, registered_on))
    update_by_id(session, Registration, changes)
    return VerifySummary(
        counts=dict(counts), changed=len(changes),
        by_commune={k: CommuneCounts(**v) for k, v in by_commune.items()}, ineligible=tuple(ineligible),
        needs_supplement=tuple(supplement), eligible=tuple(eligible), late=tuple(late),
        due=due if supplement else None)


def record_inspection(session: Session, campaign: Campaign, code: str, on: date, inspectors: list[str],
                      findings: str, passed: bool = True) -> InspectionResult:
    """Attach a field inspection to a product's registration; the same date again replaces it."""
    reg = session.scalar(select(Registration).join(Product, Product.id == Registration.product_id)
                         .where(Registration.campaign_id == campaign.id, Product.code == code.strip()))
    if reg is None:
        raise NotFoundError(f"Không có sản phẩm mã '{code}' đăng ký trong kế hoạch {campaign.code}.")
    row = session.scalar(select(FieldInspection).where(FieldInspection.registration_id == reg.id,
                                                       FieldInspection.inspected_on == on))
    created = row is None
    row = row or FieldInspection(registration_id=reg.id, inspected_on=on)
    inspectors = [text_argument("--inspector", name, limits.PERSON_NAME) for name in inspectors]
    findings = text_argument("--findings", findings, limits.PARAGRAPH)
    row.inspectors, row.findings, row.passed = list(inspectors), findings, passed
    session.add(row)
    session.flush()
    return InspectionResult(code, on, created, passed, tuple(inspectors), findings)


def list_sections(summary: VerifySummary) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The verify stage's lists for the council, one sheet each: eligible products, products
    whose dossier needs a supplement, ineligible products, and the count per commune."""
    head = ["STT", "Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Xã"]
    eligible = [[i, e.code, e.name, e.set_code, e.producer, e.commune, present.REGISTRATION_KIND.get(e.kind, ""),
                 e.reason] for i, e in enumerate(summary.eligible, 1)]
    supplement = [[i, e.code, e.name, e.set_code, e.producer, e.commune, "; ".join(e.missing),
                   present.date_short(e.due) if e.due else ""] for i, e in enumerate(summary.needs_supplement, 1)]
    ineligible = [[i, e.code, e.name, e.reason] for i, e in enumerate(summary.ineligible, 1)]
    totals: Counter[str] = Counter()
    communes: list[list[Any]] = []
    for commune, c in summary.by_commune.items():
        communes.append([commune, *(getattr(c, k) for k in COMMUNE_KEYS)])
        totals.update({k: getattr(c, k) for k in COMMUNE_KEYS})
    communes.append(["Tổng cộng", *(totals[k] for k in COMMUNE_KEYS)])
    return {
        "Đủ điều kiện": ([*head, "Hình thức đăng ký", "Ghi chú"], eligible),
        "Cần bổ sung": ([*head, "Nội dung cần bổ sung", "Hạn bổ sung"], supplement),
        "Không đủ điều kiện": (["STT", "Mã sản phẩm", "Tên sản phẩm", "Lý do"], ineligible),
        "Tổng hợp theo xã": (["Xã", "Đăng ký", "Đủ điều kiện", "Cần bổ sung", "Không đủ điều kiện"], communes),
    }


def dossier_totals(session: Session, campaign: Campaign) -> CommuneCounts:
    """The campaign's registrations by their stored decision (the minutes report them): received, eligible,
    still needing a supplement, ineligible; a registration not yet checked counts as received only."""
    by_status: Counter[str] = Counter(dict(session.execute(
        select(Registration.status, func.count()).where(Registration.campaign_id == campaign.id)
        .group_by(Registration.status)).tuples().all()))
    return CommuneCounts(sum(by_status.values()), by_status[ELIGIBLE], by_status[SUPPLEMENT], by_status[INELIGIBLE])
