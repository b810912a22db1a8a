"""Deadline reminders: what is still open before each of a plan's three deadlines. Read-only.

A plan has three deadlines: the dossier check (``deadline_verification``), the council's
evaluation (``deadline_evaluation``) and the referral to the next level (``deadline_referral``).
Lead times count working days on Vietnam's calendar (``ocop.rules.calendar``: weekends, public
holidays, Tết, compensatory days, government swaps):

* A deadline X is **due for a reminder** with lead time n on the working day ``on`` that has
  exactly n working days in ``[on, X)`` — ``on`` itself counted, X not; that day is
  ``working_days_before(X, n)``. 30/10/2020 is a Friday: 23/10 (a week before) is 5 working days
  before it (23, 26, 27, 28, 29/10) and 29/10 is 1. 05/07/2020 is a Sunday: Friday 03/07 is 1
  working day before it and 29/06 is 5.
* On the **first working day after X**, whatever is still open is reported overdue (QUÁ HẠN):
  that day only, so a daily run does not repeat it.
* On a day off nothing is due.

What is open, per deadline:

* verification: registrations awaiting a decision (status ``registered``: never checked, or
  changed since the last check) and those that need a supplement (the items, their due date);
* evaluation: the meeting not scheduled (no Giấy mời issued), each present member's missing
  score sheets (product codes only: never anyone's points), eligible products without a result
  (ranking not done);
* referral: the Tờ trình đề nghị cấp trên not issued.

One query reads the campaigns; then one query per kind of open item covers every campaign with
a deadline due that day (no query per campaign or per registration). Nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Row, exists, inspect, select, true
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import InputError, NotFoundError
from ocop.persistence.db import engine_for
from ocop.persistence.models import Campaign, Document, Person, Producer, Product, Registration, Result, ScoreSheet
from ocop.rules.calendar import holidays, is_working_day, next_working_day, working_days_between
from ocop.rules.dossier import ELIGIBLE, SUPPLEMENT
from ocop.services.paperwork.register import OPEN
from ocop.services.registrations.store import chunks
from ocop.services.reminders.renewals import RenewalsReport

DEFAULT_DAYS_BEFORE = (5, 1)
VERIFICATION, EVALUATION, REFERRAL = "verification", "evaluation", "referral"
DEADLINES = {  # deadline -> what the plan asks by then
    VERIFICATION: "Kiểm tra, xét chọn hồ sơ đăng ký",
    EVALUATION: "Hoàn thành đánh giá, phân hạng",
    REFERRAL: "Gửi Tờ trình đề nghị cấp trên",
}
INVITATION, REFERRAL_LETTER = "giay_moi_hop_hoi_dong", "to_trinh_de_nghi_tinh"  # document kinds in the register
LISTED = 30  # product codes written out in one item's detail; the item's ``codes`` has them all
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One thing still open before a deadline: codes and names only, never anyone's points."""

    item: str  # unverified, supplement, meeting, score_sheets, ranking, referral
    title: str
    detail: str
    codes: tuple[str, ...] = ()
    member: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineReminder:
    campaign: str
    campaign_name: str
    deadline: str  # verification, evaluation, referral
    label: str  # what the plan asks by then
    due_on: date
    working_days_left: int  # 0: overdue
    overdue: bool
    status: str  # "còn 5 ngày làm việc", "QUÁ HẠN"
    open: tuple[OpenItem, ...]


@dataclass(frozen=True, slots=True)
class RemindersReport:
    on: date
    working_day: bool
    day_off: str  # why ``on`` is a day off ("" on a working day)
    days_before: tuple[int, ...]
    campaign: str | None
    campaigns: int  # campaigns looked at
    deadlines: tuple[DeadlineReminder, ...] = ()
    open: int = 0  # open items in all
    overdue: int = 0  # open items past their deadline
    # certificates of every campaign due for re-evaluation (ocop.services.reminders.renewals), on a working day
    renewals: RenewalsReport | None = None


@dataclass(frozen=True)
class _Plan:
    id: int
    code: str
    name: str
    deadlines: dict[str, date]


# --- input -----------------------------------------------------------------------------------------


def parse_date(value: str) -> date:
    """A day written ``dd/mm/yyyy`` or ``yyyy-mm-dd``."""
    text = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise InputError(f"Ngày '{value}' không hợp lệ: cần dd/mm/yyyy (ví dụ 23/10/2020) hoặc yyyy-mm-dd.")


def lead_times(days: Iterable[int] | None) -> list[int]:
    """Lead times in working days, largest first, each once; ``None`` gives the default 5 and 1."""
    if days is None:
        return list(DEFAULT_DAYS_BEFORE)
    values = list(days)
    bad = [d for d in values if isinstance(d, bool) or not isinstance(d, int) or d < 1]
    if bad:
        raise InputError("Số ngày nhắc trước hạn phải là số nguyên từ 1 trở lên (không nhận: "
                         + ", ".join(str(d) for d in bad) + ").")
    return sorted(set(values), reverse=True)


def renewal_months(months: int) -> int:
    """The months ahead in which expiring certificates are listed: a whole number from 0 (expired
    ones and those ending that day) to 120."""
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 120:
        raise InputError(f"Số tháng xét giấy chứng nhận sắp hết hạn phải là số nguyên từ 0 đến 120 (không nhận: "
                         f"{months}).")
    return months


def today(timezone: str) -> date:
    """The current date in ``timezone`` (the office's: Asia/Ho_Chi_Minh)."""
    return datetime.now(ZoneInfo(timezone)).date()


def require_database(url: str) -> None:
    """Refuse a database that holds no campaign table, without creating anything (a missing
    SQLite file is not created)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        raise NotFoundError(f"Không có cơ sở dữ liệu {parsed.database}: chạy 'ocop campaign create TỆP' trước.")
    if not inspect(engine_for(url)).has_table(Campaign.__tablename__):
        raise NotFoundError("Cơ sở dữ liệu chưa có kế hoạch nào: chạy 'ocop campaign create TỆP' trước.")


# --- the calendar ----------------------------------------------------------------------------------


def day_off(on: date) -> str:
    """Why ``on`` is not a working day ("" when it is one): the holiday's name, or the weekday."""
    if is_working_day(on):
        return ""
    return holidays(on.year).get(on) or present.weekday(on)


def working_days_left(on: date, deadline: date) -> int:
    """Working days in ``[on, deadline)``: ``on`` counted, the deadline not (0 from the deadline on)."""
    return working_days_between(on - _ONE_DAY, deadline) if on < deadline else 0


def status(on: date, deadline: date, days_before: Sequence[int]) -> int | None:
    """On the working day ``on``: the working days left when a reminder of ``deadline`` is due,
    0 when ``on`` is the first working day after it (overdue), ``None`` when nothing is due."""
    if on > deadline:
        return 0 if on == next_working_day(deadline) else None
    left = working_days_left(on, deadline)
    return left if left in days_before else None


# --- open items ------------------------------------------------------------------------------------


def _codes(codes: Sequence[str]) -> str:
    shown = ", ".join(codes[:LISTED])
    return shown + (f" và {len(codes) - LISTED} sản phẩm khác" if len(codes) > LISTED else "")


def _item(item: str, title: str, detail: str, codes: Sequence[str] = (), member: str = "") -> OpenItem:
    return OpenItem(item, title, detail, tuple(codes), member)


def _verification(session: Session, ids: Sequence[int]) -> dict[int, list[OpenItem]]:
    """Registrations awaiting a decision, and those whose supplement is still missing."""
    out: dict[int, list[OpenItem]] = defaultdict(list)
    # campaign_id, status, missing, due_on, code, name, producer, commune
    rows: list[Row[int, str, list[str], date | None, str | None, str, str, str]] = []
    for part in chunks(list(ids)):
        rows += session.execute(
            select(Registration.campaign_id, Registration.status, Registration.missing, Registration.due_on,
                   Product.code, Product.name, Producer.name.label("producer"), Producer.commune)
            .join(Product, Product.id == Registration.product_id).join(Producer, Producer.id == Product.producer_id)
            .where(Registration.campaign_id.in_(part), Registration.status.in_(("registered", SUPPLEMENT)))).all()
    for r in sorted(rows, key=lambda r: (r.status != "registered", r.code or "", r.name)):
        who = f"{r.code or '—'} {r.name} — {r.producer} ({r.commune})"
        if r.status == "registered":
            out[r.campaign_id].append(_item("unverified", "Hồ sơ chưa kiểm tra", who, [r.code or ""]))
        elif r.missing:
            due = f"; hạn bổ sung {present.date_short(r.due_on)}" if r.due_on else ""
            out[r.campaign_id].append(_item("supplement", "Hồ sơ chờ bổ sung",
                                            f"{who}: {'; '.join(r.missing)}{due}", [r.code or ""]))
    return out


def _documents(session: Session, ids: Sequence[int], kind: str) -> dict[int, list[tuple[int, str]]]:
    """Current versions (draft, approved, issued) of one kind of document, per campaign."""
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for part in chunks(list(ids)):
        for campaign_id, doc_id, doc_status in session.execute(
                select(Document.campaign_id, Document.id, Document.status)
                .where(Document.campaign_id.in_(part), Document.kind == kind, Document.status.in_(OPEN))
                .order_by(Document.id)):
            out[campaign_id].append((doc_id, doc_status))
    return out


def _unissued(docs: list[tuple[int, str]], what: str, command: str) -> str:
    """Why ``what`` is not issued ("" when it is): its drafts await sign-off, or it was never drafted."""
    if any(s == "issued" for _, s in docs):
        return ""
    if not docs:
        return f"chưa lập {what} ({command})"
    ids = [str(i) for i, _ in docs]
    return (f"{what}: dự thảo #{', #'.join(ids)} chờ ký duyệt "
            f"(ocop documents approve {' '.join(ids)}; ocop documents issue {' '.join(ids)})")


def _evaluation(session: Session, ids: Sequence[int]) -> dict[int, list[OpenItem]]:
    """Meeting not scheduled, present members' missing sheets (codes only), products without a result."""
    out: dict[int, list[OpenItem]] = defaultdict(list)
    invitations = _documents(session, ids, INVITATION)
    sheets: dict[tuple[int, int], list[str]] = defaultdict(list)
    members: dict[tuple[int, int], tuple[int, str]] = {}
    unranked: dict[int, list[str]] = defaultdict(list)
    for part in chunks(list(ids)):
        has_sheet = exists().where(ScoreSheet.campaign_id == Registration.campaign_id,
                                   ScoreSheet.product_id == Registration.product_id,
                                   ScoreSheet.member_id == Person.id)
        for campaign_id, member_id, name, order, code in session.execute(
                select(Person.campaign_id, Person.id, Person.name, Person.sort_order, Product.code)
                .join(Registration, Registration.campaign_id == Person.campaign_id)
                .join(Product, Product.id == Registration.product_id)
                .where(Person.campaign_id.in_(part), Person.body == "council", Person.attended == true(),
                       Registration.status == ELIGIBLE, ~has_sheet)):
            sheets[(campaign_id, member_id)].append(code or "")
            members[(campaign_id, member_id)] = (order, name)
        has_result = exists().where(Result.campaign_id == Registration.campaign_id,
                                    Result.product_id == Registration.product_id)
        for campaign_id, code in session.execute(
                select(Registration.campaign_id, Product.code).join(Product, Product.id == Registration.product_id)
                .where(Registration.campaign_id.in_(part), Registration.status == ELIGIBLE, ~has_result)):
            unranked[campaign_id].append(code or "")
    for campaign_id in ids:
        detail = _unissued(invitations.get(campaign_id, []), "Giấy mời họp Hội đồng", "ocop meeting schedule")
        if detail:
            out[campaign_id].append(_item("meeting", "Chưa lên lịch họp Hội đồng", detail))
    for key in sorted(sheets, key=lambda k: (k[0], members[k])):
        codes = sorted(sheets[key])
        name = members[key][1]
        out[key[0]].append(_item("score_sheets", "Phiếu đánh giá chưa nộp",
                                 f"{name}: {len(codes)} phiếu — {_codes(codes)}", codes, name))
    for campaign_id, codes in unranked.items():
        codes = sorted(codes)
        out[campaign_id].append(_item("ranking", "Chưa tổng hợp điểm, phân hạng",
                                      f"{len(codes)} sản phẩm chưa có kết quả: {_codes(codes)}", codes))
    return out


def _referral(session: Session, ids: Sequence[int]) -> dict[int, list[OpenItem]]:
    """The Tờ trình đề nghị cấp trên, when not issued."""
    letters = _documents(session, ids, REFERRAL_LETTER)
    out: dict[int, list[OpenItem]] = defaultdict(list)
    for campaign_id in ids:
        detail = _unissued(letters.get(campaign_id, []), "Tờ trình đề nghị cấp trên",
                           "ocop refer, sau khi tổng hợp điểm và phân hạng")
        if detail:
            out[campaign_id].append(_item("referral", "Chưa ban hành Tờ trình đề nghị cấp trên", detail))
    return out


OPEN_ITEMS = {VERIFICATION: _verification, EVALUATION: _evaluation, REFERRAL: _referral}


# --- the report ------------------------------------------------------------------------------------


def _plans(session: Session, code: str | None) -> list[_Plan]:
    query = select(Campaign.id, Campaign.code, Campaign.name, Campaign.deadline_verification,
                   Campaign.deadline_evaluation, Campaign.deadline_referral).order_by(Campaign.code)
    if code:
        query = query.where(Campaign.code == code)
    plans = [_Plan(r.id, r.code, r.name, {VERIFICATION: r.deadline_verification, EVALUATION: r.deadline_evaluation,
                                          REFERRAL: r.deadline_referral}) for r in session.execute(query)]
    if code and not plans:
        raise NotFoundError(f"Không có kế hoạch (chiến dịch) mã '{code}' trong cơ sở dữ liệu.")
    return plans


def report(session: Session, on: date, days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
           code: str | None = None) -> RemindersReport:
    """What is open before each deadline due on ``on``, for one campaign (``code``) or all.

    Every deadline due for a reminder is listed, with its open items (none when all is done);
    a deadline passed is listed on the first working day after it only if something is still open.
    """
    leads = lead_times(days_before)
    plans = _plans(session, code)
    off = day_off(on)
    report = RemindersReport(on=on, working_day=not off, day_off=off, days_before=tuple(leads), campaign=code,
                             campaigns=len(plans))
    if off:
        return report
    due: list[tuple[_Plan, str, int]] = []
    for plan in plans:
        for kind, deadline in plan.deadlines.items():
            left = status(on, deadline, leads)
            if left is not None:
                due.append((plan, kind, left))
    items = {kind: OPEN_ITEMS[kind](session, sorted({p.id for p, k, _ in due if k == kind}))
             for kind in DEADLINES if any(k == kind for _, k, _ in due)}
    deadlines: list[DeadlineReminder] = []
    for plan, kind, left in sorted(due, key=lambda d: (d[0].code, d[0].deadlines[d[1]], list(DEADLINES).index(d[1]))):
        open_items = items[kind].get(plan.id, [])
        if left == 0 and not open_items:
            continue  # done in time: nothing to report the day after
        deadlines.append(DeadlineReminder(
            plan.code, plan.name, kind, DEADLINES[kind], plan.deadlines[kind], left, left == 0,
            present.deadline_status(left), tuple(open_items)))
    return replace(report, deadlines=tuple(deadlines), open=sum(len(d.open) for d in deadlines),
                   overdue=sum(len(d.open) for d in deadlines if d.overdue))
