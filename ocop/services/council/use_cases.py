"""Schedule and score stages: the meeting, the invitation and blank sheets, attendance, the members' sheets."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.documents.pack import pack
from ocop.documents.pdf import to_pdf
from ocop.inputs import Row
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Document, Registration, ScoreSheet
from ocop.rules.council import Quorum
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition
from ocop.services.campaigns import council, get_campaign
from ocop.services.council import meeting, scoring
from ocop.services.council.scoring import Progress, ScoresSummary
from ocop.services.paperwork import specs
from ocop.services.paperwork.register import Register
from ocop.services.paperwork.use_cases import SignOffResult
from ocop.services.reminders.report import today
from ocop.services.results import freeze
from ocop.services.results.ranking import council_quorum
from ocop.services.runtime import DocumentsSummary, count_rows, merge_summaries, register_for
from ocop.settings import Settings
from ocop.text import ascii_key

# a member's print pack: the blank sheets merged for printing (made from the issued PDFs, not issued)
PRINT_PACK = "in-phieu-trang_"


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    campaign: str
    meeting_date: date
    meeting_time: time
    venue: str
    invitation_date: date  # dossiers and invitation sent
    lead_working_days: int
    changed: bool
    documents: DocumentsSummary
    print_packs: tuple[str, ...] = ()  # one PDF per member
    sign_off: SignOffResult | None = None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Sheets read from a file; the score flow adds the members who answered its form and the
    filled sheets it printed."""

    file: str
    sheets: int
    new: int
    replaced: int
    unchanged: int
    from_form: tuple[str, ...] = ()  # members who scored in the Prefect UI
    documents: DocumentsSummary | None = None

    @classmethod
    def of(cls, summary: ScoresSummary) -> ScoreResult:
        return cls(summary.file, summary.sheets, summary.new, summary.replaced, summary.unchanged)


@dataclass(frozen=True, slots=True)
class MissingSheet:
    """A product a member has still to score, with each part's maximum (never anyone's points)."""

    code: str
    name: str
    a: int
    b: int
    c: int


@dataclass(frozen=True, slots=True)
class AttendanceResult:
    absent: tuple[str, ...]  # names given as absent that are not council members
    present: tuple[str, ...]
    quorum: Quorum


@dataclass(frozen=True, slots=True)
class MeetingClosed:
    status: str
    meeting_date: date | None
    end_time: time  # the minutes state it


def schedule(settings: Settings, code: str | None, on: date | None = None, at: time | None = None,
             venue: str | None = None, invitation_date: date | None = None,
             packs: bool = False) -> ScheduleResult:
    """Fix the meeting, issue the invitation and the blank score sheets; with ``packs``, one
    printable PDF per member of all that member's blank sheets in agenda order."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = meeting.schedule(campaign, on, at, venue, invitation_date)
        s.flush()
        register = register_for(settings, s, campaign)
        docs = register.produce([specs.invitation(s, campaign)])
        sheets = count_rows(s, campaign, Registration, Registration.status == "eligible") * len(council(campaign))
        blank = register.produce(specs.blank_score_sheets(s, campaign), sheets, "Phiếu đánh giá trắng")
        printed = print_packs(s, campaign, settings, register) if packs else []
        return ScheduleResult(campaign.code, summary.date, summary.time, summary.venue, summary.invitation_date,
                              summary.lead_working_days, summary.changed, merge_summaries(docs, blank), tuple(printed))


def print_packs(session: Session, campaign: Campaign, settings: Settings, register: Register) -> list[str]:
    """One PDF per council member with all of that member's blank score sheets, in agenda order: the sheets
    joined into one document (:mod:`ocop.documents.pack`), one LibreOffice conversion per member."""
    order = {r.product.code: i for i, r in enumerate(specs.agenda(session, campaign))}
    jobs: list[tuple[list[Path], Path]] = []
    for member in council(campaign):
        docs = session.scalars(
            select(Document).where(Document.campaign_id == campaign.id, Document.kind == "phieu_danh_gia",
                                   Document.subject.like(f"trang/{member.id}/%"), Document.status == "issued")
        ).all()
        if docs:
            ordered = sorted(docs, key=lambda d: order.get(d.subject.rsplit("/", 1)[1], len(order)))
            out = settings.out_dir / campaign.code / "02-hop-hoi-dong" / f"{PRINT_PACK}{ascii_key(member.name)}.pdf"
            jobs.append(([register.readable(register.located(d.file_path)) for d in ordered], out))
    with tempfile.TemporaryDirectory(prefix="ocop-pack-") as tmp:
        joined = [pack(sources, Path(tmp) / f"{i:03d}.docx") for i, (sources, _) in enumerate(jobs)]
        to_pdf(joined, targets=[register.staging.path(out) for _, out in jobs])
    return [str(out) for _, out in jobs]  # in place once the unit of work commits


def score(settings: Settings, code: str | None, path: Path, reason: str = "") -> ScoreResult:
    """Long-form CSV/XLSX, or a member's workbook from `ocop scores template`: same validation."""
    from ocop.services.council import member_workbooks  # openpyxl: not for read-only commands

    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        if member_workbooks.is_member_workbook(path):
            return ScoreResult.of(member_workbooks.import_member_workbook(s, campaign, path, reason))
        return ScoreResult.of(scoring.score(s, campaign, path, reason))


def scores_templates(settings: Settings, code: str | None, folder: Path, member: str | None) -> list[str]:
    from ocop.services.council import member_workbooks

    with unit_of_work(settings.database_url) as s:
        return [str(p) for p in member_workbooks.write_templates(s, get_campaign(s, code), folder, member)]


def missing_sheets(settings: Settings, code: str | None) -> dict[str, list[MissingSheet]]:
    """Per present member, the products still without their sheet, with each part's maximum."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
        regs = {r.product.code: r for r in specs.agenda(s, campaign)}
        out: dict[str, list[MissingSheet]] = {}
        for p in scoring.progress(s, campaign):
            parts = sets[regs[p.code].set_code].parts
            for name in p.missing:
                out.setdefault(name, []).append(MissingSheet(p.code, p.name, parts["A"], parts["B"], parts["C"]))
        return out


@dataclass(frozen=True, slots=True)
class PartTotals:
    """One member's totals of parts A, B and C for one product, as a form gives them."""

    product: str  # the product's code
    a: int
    b: int
    c: int


def record_part_totals(settings: Settings, code: str | None, member: str, totals: Sequence[PartTotals],
                       source: str) -> ScoreResult:
    """One member's part totals per product (from a form), through the same validation as a file."""
    rows = [Row(i, {"ma_san_pham": t.product, "thanh_vien": member, "phan_a": t.a, "phan_b": t.b, "phan_c": t.c})
            for i, t in enumerate(totals, start=1)]
    with unit_of_work(settings.database_url) as s:
        return ScoreResult.of(scoring.store_rows(s, get_campaign(s, code), Path(source), rows))


def scores_progress(settings: Settings, code: str | None) -> list[Progress]:
    with unit_of_work(settings.database_url) as s:
        return scoring.progress(s, get_campaign(s, code))


def attendance(settings: Settings, code: str | None, absent: list[str], present: list[str]) -> AttendanceResult:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        missing = scoring.set_attendance(campaign, absent, present)
        _, here, q = council_quorum(campaign)
        return AttendanceResult(tuple(missing), tuple(p.name for p in here), q)


def close_meeting(settings: Settings, code: str | None, at: time | None = None) -> MeetingClosed:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        end = scoring.close_meeting(campaign, at)
        return MeetingClosed(campaign.meeting_status, campaign.meeting_date, end)


@dataclass(frozen=True, slots=True)
class ReopenResult:
    """A recorded reopening of issued results: who asked, why, on which date, and what it opens."""

    campaign: str
    by: str
    reason: str
    on: date
    documents: int  # issued result documents that may now be replaced


def reopen(settings: Settings, code: str | None, by: str, reason: str, on: date | None = None) -> ReopenResult:
    """Open issued results again for a change of scores (see :mod:`ocop.services.results.freeze`)."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        docs = len(freeze.issued_results(s, campaign))
        row = freeze.reopen(s, campaign, by, reason, on or today(settings.timezone))
        return ReopenResult(campaign.code, row.by, row.reason, row.on, docs)


def issue_score_sheets(settings: Settings, code: str | None) -> DocumentsSummary:
    """The filled sheets of every product all present members have scored; nothing at all (no
    register, no documents read) while no product has all its sheets: members' files still coming in."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        complete = specs.scored_products(s, campaign)
        if not complete:
            return DocumentsSummary()
        sheets = count_rows(s, campaign, ScoreSheet)  # an upper bound: sheets of products not fully scored wait
        summary = register_for(settings, s, campaign).produce(specs.score_sheets(s, campaign, complete), sheets,
                                                              "Phiếu đánh giá đã chấm")
        return merge_summaries(summary)
