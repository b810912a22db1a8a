"""Schedule stage: fix the council meeting and check it against the edition's lead time and the deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, time

from ocop import present
from ocop.errors import InputError
from ocop.inputs import text_argument
from ocop.persistence.models import Campaign
from ocop.rules import limits
from ocop.rules.calendar import is_working_day, working_days_between
from ocop.rules.campaign import DEFAULT_MEETING_TIME
from ocop.rules.editions import get_edition


@dataclass(frozen=True)
class MeetingSummary:
    date: dt.date
    time: dt.time
    venue: str
    invitation_date: dt.date
    lead_working_days: int
    changed: bool


def schedule(
    campaign: Campaign,
    on: date | None = None,
    at: time | None = None,
    venue: str | None = None,
    invitation_date: date | None = None,
) -> MeetingSummary:
    """Set the meeting (arguments override the campaign file) after checking it can legally be held.

    Dossiers must reach members ``dossier_lead_working_days`` working days before the meeting
    (1048 guidance: 2; 148 Phụ lục II: 1), counted on Vietnam's working-day calendar (weekends,
    public holidays, Tết); the invitation carries them, so it must go out early enough.
    """
    on = on or campaign.meeting_date
    at = at or campaign.meeting_time or DEFAULT_MEETING_TIME
    venue = text_argument("--venue", venue, limits.TITLE) if venue else campaign.meeting_venue
    if on is None or not venue:
        raise InputError("Chưa có ngày hoặc địa điểm họp Hội đồng: ghi trong tệp kế hoạch hoặc dùng --date/--venue.")
    stored = campaign.details.invitation_date
    invited = invitation_date or stored
    if invited is None:
        raise InputError("Chưa có ngày gửi giấy mời và hồ sơ cho thành viên (--invitation-date).")
    lead = get_edition(campaign.edition_code).dossier_lead_working_days
    problems = []
    if not is_working_day(on):
        problems.append(f"ngày họp {present.date_short(on)} là ngày nghỉ (cuối tuần hoặc ngày lễ, Tết)")
    if on > campaign.deadline_evaluation:
        problems.append(
            f"ngày họp {present.date_short(on)} sau hạn hoàn thành đánh giá "
            f"{present.date_short(campaign.deadline_evaluation)}")
    gap = working_days_between(invited, on)
    if gap < lead:
        problems.append(
            f"hồ sơ gửi ngày {present.date_short(invited)} chỉ trước ngày họp {gap} ngày làm việc, "
            f"cần ít nhất {lead} theo {campaign.edition_code}")
    if problems:
        raise InputError("Không thể tổ chức họp Hội đồng vào ngày đã chọn.", problems)
    changed = (campaign.meeting_date, campaign.meeting_time, campaign.meeting_venue) != (on, at, venue) or (
        stored != invited)
    campaign.meeting_date, campaign.meeting_time, campaign.meeting_venue = on, at, venue
    if campaign.meeting_end_time is not None and campaign.meeting_end_time <= at:
        campaign.meeting_end_time = None  # the campaign file's end time no longer fits: `meeting close --at` records it
    if stored != invited:
        campaign.file_data = {**campaign.file_data, "invitation_date": invited.isoformat()}
    return MeetingSummary(on, at, venue, invited, gap, changed)
