"""Set-up stage: create or update a campaign and its council from a campaign file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.errors import NotFoundError, RulesError
from ocop.persistence.models import Campaign, Person
from ocop.rules.editions import Edition, get_edition
from ocop.services.set_up.campaign_file import CampaignFile, load_campaign_file


@dataclass(frozen=True)
class SetUpSummary:
    code: str
    created: bool
    changed: bool
    council: int
    secretariat: int


def _fields(spec: CampaignFile) -> dict[str, object]:
    file_data = {
        "council_decision_date": spec.council_decision_date.isoformat(),
        "referral_date": spec.referral_date.isoformat() if spec.referral_date else None,
        "rules_decision_date": spec.rules_decision_date.isoformat() if spec.rules_decision_date else None,
        "verification_notice_date": (
            spec.verification_notice_date.isoformat() if spec.verification_notice_date else None),
        "recognition_date": spec.recognition_date.isoformat() if spec.recognition_date else None,
        "plan": spec.plan.model_dump(mode="json") if spec.plan else None,
        "invitation_date": (
            spec.meeting.invitation_date.isoformat()
            if spec.meeting and spec.meeting.invitation_date
            else None
        ),
        "rules": spec.rules.model_dump(),
        "numbering": dict(spec.numbering),
        "signers": {k: v.model_dump() for k, v in spec.signers.items()},
        "communes": list(spec.communes),
    }
    return {
        "name": spec.name,
        "year": spec.year,
        "edition_code": spec.edition,
        "level": spec.level,
        "province": spec.province,
        "district": spec.district,
        "place_name": spec.place_name,
        "issuing_body": spec.issuing_body,
        "parent_body": spec.parent_body,
        "issuer_code": spec.issuer_code,
        "office": spec.office,
        "office_code": spec.office_code,
        "council_name": spec.council_name,
        "council_code": spec.council_code,
        "deadline_verification": spec.deadlines.verification,
        "deadline_evaluation": spec.deadlines.evaluation,
        "deadline_referral": spec.deadlines.referral,
        "legal_bases": list(spec.legal_bases),
        "file_data": file_data,
        "meeting_date": spec.meeting.date if spec.meeting else None,
        "meeting_time": spec.meeting.time if spec.meeting else None,
        "meeting_venue": spec.meeting.venue if spec.meeting else None,
    }


def _check_rules(spec: CampaignFile) -> Edition:
    edition = get_edition(spec.edition)
    level = edition.level(spec.level)
    if not level.scores:
        raise RulesError(
            f"Theo {edition.code}, {level.name} không chấm điểm, phân hạng sản phẩm; "
            "hãy lập kế hoạch ở cấp có Hội đồng đánh giá."
        )
    chairs = [p for p in spec.council if p.role == "chair"]
    if len(chairs) != 1:
        raise RulesError(f"Hội đồng phải có đúng một Chủ tịch (tệp có {len(chairs)}).")
    return edition


def set_up(session: Session, path: Path) -> SetUpSummary:
    """Create the campaign in the file, or bring an existing one (same code) up to date."""
    spec = load_campaign_file(path)
    _check_rules(spec)
    campaign = session.scalar(select(Campaign).where(Campaign.code == spec.code))
    created = campaign is None
    if campaign is None:
        campaign = Campaign(code=spec.code)
        session.add(campaign)
    changed = created
    for attr, value in _fields(spec).items():
        if getattr(campaign, attr) != value:
            setattr(campaign, attr, value)
            changed = True
    wanted = [("council", p, i) for i, p in enumerate(spec.council)] + [
        ("secretariat", p, i) for i, p in enumerate(spec.secretariat)
    ]
    existing = {(p.body, p.name): p for p in campaign.people}
    keep = set()
    for body, person, order in wanted:
        row = existing.get((body, person.name))
        values = {"role": person.role, "position": person.position, "sort_order": order}
        if row is None:
            row = Person(body=body, name=person.name, **values)
            campaign.people.append(row)
            changed = True
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed = True
        keep.add((body, person.name))
    for key, row in existing.items():
        if key not in keep:
            campaign.people.remove(row)
            changed = True
    session.flush()
    return SetUpSummary(spec.code, created, changed, len(spec.council), len(spec.secretariat))


def get_campaign(session: Session, code: str | None) -> Campaign:
    """The campaign with this code; without a code, the only (or most recent) campaign."""
    if code:
        campaign = session.scalar(select(Campaign).where(Campaign.code == code))
        if campaign is None:
            raise NotFoundError(f"Không có kế hoạch (chiến dịch) mã '{code}' trong cơ sở dữ liệu.")
        return campaign
    campaign = session.scalar(select(Campaign).order_by(Campaign.id.desc()).limit(1))
    if campaign is None:
        raise NotFoundError(
            "Cơ sở dữ liệu chưa có kế hoạch nào: chạy 'ocop campaign create TỆP' trước."
        )
    return campaign


def council(campaign: Campaign) -> list[Person]:
    return [p for p in campaign.people if p.body == "council"]


def secretariat(campaign: Campaign) -> list[Person]:
    return [p for p in campaign.people if p.body == "secretariat"]
