"""Verify stage: decide for every registration whether it goes before the council."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ocop.persistence.models import Campaign, Product, Registration
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition

ELIGIBLE, INELIGIBLE = "eligible", "ineligible"
STATUS_VN = {
    "registered": "Chưa kiểm tra",
    ELIGIBLE: "Đủ điều kiện",
    "needs_supplement": "Cần bổ sung",
    INELIGIBLE: "Không đủ điều kiện",
}


@dataclass(frozen=True)
class VerifySummary:
    counts: dict[str, int]
    changed: int
    by_commune: dict[str, dict[str, int]] = field(default_factory=dict)
    ineligible: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, reason


def decide(reg: Registration, campaign: Campaign) -> tuple[str, str]:
    """Status and reason for one registration under the campaign's rules.

    The founding plan makes the commune's confirmation of the registration form a condition
    (founding-plan.md, IV.5); the campaign setting ``rules.require_commune_confirmation`` says so.
    """
    rules = campaign.settings.get("rules", {})
    if rules.get("require_commune_confirmation", True) and not reg.commune_confirmed:
        return INELIGIBLE, "Phiếu đăng ký chưa có xác nhận của UBND xã."
    return ELIGIBLE, ""


def verify_registrations(session: Session, campaign: Campaign) -> VerifySummary:
    """Apply :func:`decide` to every registration; unchanged decisions are left untouched."""
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    regs = session.scalars(
        select(Registration)
        .where(Registration.campaign_id == campaign.id)
        .options(joinedload(Registration.product).joinedload(Product.producer))
    ).all()
    changed = 0
    counts: Counter[str] = Counter()
    by_commune: dict[str, Counter[str]] = defaultdict(Counter)
    ineligible = []
    for reg in regs:
        status, reason = decide(reg, campaign)
        criteria = sets.get(reg.set_code)
        if status == ELIGIBLE and criteria is not None and not criteria.verified:
            reason = f"Bộ tiêu chí {criteria.code} chưa được kiểm chứng; chưa thể chấm điểm."
        if (reg.status, reg.reason) != (status, reason):
            reg.status, reg.reason = status, reason
            changed += 1
        counts[status] += 1
        by_commune[reg.product.producer.commune][status] += 1
        if status == INELIGIBLE:
            ineligible.append((reg.product.code or "", reg.product.name, reason))
    session.flush()
    return VerifySummary(
        counts=dict(counts), changed=changed,
        by_commune={k: dict(v) for k, v in sorted(by_commune.items())}, ineligible=ineligible,
    )
