"""Set-up stage: create or update a campaign and its council from a campaign file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import UnaryExpression, select
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import InputError, NotFoundError
from ocop.persistence.models import Campaign, Person
from ocop.rules.editions import Edition, editions

if TYPE_CHECKING:  # pydantic's models of the campaign file: imported by the commands that read one
    from ocop.services.set_up.campaign_file import CampaignFile


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
        "commune_report_date": spec.commune_report_date.isoformat() if spec.commune_report_date else None,
        "commune_signers": dict(spec.commune_signers),
        "plan": spec.plan.model_dump(mode="json") if spec.plan else None,
        "invitation_date": (
            spec.meeting.invitation_date.isoformat()
            if spec.meeting and spec.meeting.invitation_date
            else None
        ),
        "rules": spec.rules.model_dump(),
        "numbering": dict(spec.numbering),
        "signers": {k: v for k, v in spec.signers.model_dump().items() if v is not None},
        "communes": list(spec.communes),
    }
    # a recorded end time (`meeting close --at`) stays when the file gives none
    ended = {"meeting_end_time": spec.meeting.end_time} if spec.meeting and spec.meeting.end_time else {}
    return ended | {
        "name": spec.name,
        "year": spec.year,
        "round": spec.round,
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
        "legal_bases": [b.model_dump(mode="json") for b in spec.legal_bases],
        "file_data": file_data,
        "meeting_date": spec.meeting.date if spec.meeting else None,
        "meeting_time": spec.meeting.time if spec.meeting else None,
        "meeting_venue": spec.meeting.venue if spec.meeting else None,
    }


def _check_rules(spec: CampaignFile, path: Path) -> Edition:
    """The edition and the level the file names, refused with the file and the key when the rules do not have them.

    A RulesError from here on means the shipped rule data itself is broken.
    """
    known = editions()
    edition = known.get(spec.edition.strip())
    if edition is None:
        raise InputError(f"{path.name}: tệp kế hoạch có lỗi.", [
            f"{path.name}, mục 'edition': không có văn bản pháp lý này; các mã hợp lệ: {', '.join(known)} "
            f"(giá trị: {spec.edition!r})"])
    level = edition.levels.get(spec.level)
    if level is None:
        names = ", ".join(f"'{key}' ({lv.name})" for key, lv in edition.levels.items())
        problem = f"văn bản {edition.code} không có cấp '{spec.level}'; các cấp theo văn bản này: {names}"
    elif not level.scores:
        problem = (f"theo {edition.code}, {level.name} không chấm điểm, phân hạng sản phẩm; "
                   "hãy lập kế hoạch ở cấp có Hội đồng đánh giá")
    else:
        _check_communes(spec, path, edition)
        return edition
    raise InputError(f"{path.name}: tệp kế hoạch có lỗi.", [f"{path.name}, mục 'level': {problem}"])


def _check_communes(spec: CampaignFile, path: Path, edition: Edition) -> None:
    """Where the communes pre-assess and report (1489), the file names the communes, who signs each one's
    report and its date: each commune's report is a document the province's intake reads."""
    from ocop.text import fold

    below = edition.pre_assessing(spec.level)
    if below is None:
        return
    problems = []
    if not spec.communes:
        problems.append(f"{path.name}, mục 'communes': theo {edition.code}, UBND {below.name} đánh giá sơ bộ và gửi "
                        "báo cáo; cần danh sách các xã, phường của kế hoạch")
    if spec.commune_report_date is None:
        problems.append(f"{path.name}, mục 'commune_report_date': thiếu ngày báo cáo đánh giá sơ bộ của UBND "
                        f"{below.name} (dạng YYYY-MM-DD)")
    known = {fold(c) for c in spec.communes}
    signed = {fold(c) for c in spec.commune_signers}
    unsigned = [c for c in spec.communes if fold(c) not in signed]
    if unsigned:
        problems.append(f"{path.name}, mục 'commune_signers': thiếu người ký báo cáo (Chủ tịch UBND) của "
                        f"{', '.join(unsigned)}")
    strangers = [c for c in spec.commune_signers if fold(c) not in known]
    if strangers:
        problems.append(f"{path.name}, mục 'commune_signers': {', '.join(strangers)} không có trong danh sách "
                        "'communes'")
    if problems:
        raise InputError(f"{path.name}: tệp kế hoạch có lỗi.", problems)

def _check_round(session: Session, spec: CampaignFile, path: Path) -> None:
    """One campaign per issuing body, year and round: another code for the same round is refused
    (a copied file whose code was changed, or a second round that forgot ``round = 2``)."""
    other = session.scalar(select(Campaign.code).where(
        Campaign.issuing_body == spec.issuing_body, Campaign.year == spec.year, Campaign.round == spec.round,
        Campaign.code != spec.code).limit(1))
    if other is None:
        return
    taken = session.scalars(select(Campaign.round).where(
        Campaign.issuing_body == spec.issuing_body, Campaign.year == spec.year)).all()
    free = next(n for n in range(1, max(taken) + 2) if n not in taken)
    raise InputError(f"{path.name}: tệp kế hoạch có lỗi.", [
        f"{path.name}, mục 'round': {spec.issuing_body} đã có kế hoạch '{other}' năm {spec.year} "
        f"{present.round_name(spec.round)}; mỗi cơ quan mỗi đợt một kế hoạch: kế hoạch đợt khác ghi round = "
        f"{free}, còn sửa kế hoạch đó thì giữ code = \"{other}\" (giá trị: {spec.round})"])


def set_up(session: Session, path: Path) -> SetUpSummary:
    """Create the campaign in the file, or bring an existing one (same code) up to date."""
    from ocop.services.set_up.campaign_file import load_campaign_file

    spec = load_campaign_file(path)
    _check_rules(spec, path)
    _check_round(session, spec, path)
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
    """The campaign with this code; without a code, the only (or most recent) campaign: the latest
    year, then its latest round, then the one created last (see ``latest_first``)."""
    if code:
        campaign = session.scalar(select(Campaign).where(Campaign.code == code))
        if campaign is None:
            raise NotFoundError(f"Không có kế hoạch (chiến dịch) mã '{code}' trong cơ sở dữ liệu.")
        return campaign
    campaign = session.scalar(select(Campaign).order_by(*latest_first()).limit(1))
    if campaign is None:
        raise NotFoundError(
            "Cơ sở dữ liệu chưa có kế hoạch nào: chạy 'ocop campaign create TỆP' trước."
        )
    return campaign


def latest_first() -> tuple[UnaryExpression[Any], ...]:
    """The order "most recent campaign first": year, round, then when it was created (the id breaks a tie
    within the same second)."""
    return (Campaign.year.desc(), Campaign.round.desc(), Campaign.created_at.desc(), Campaign.id.desc())


def council(campaign: Campaign) -> list[Person]:
    return [p for p in campaign.people if p.body == "council"]


def secretariat(campaign: Campaign) -> list[Person]:
    return [p for p in campaign.people if p.body == "secretariat"]
