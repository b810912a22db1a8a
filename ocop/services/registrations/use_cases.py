"""Collect and verify stages: registrations from the communes, field inspections, the dossier check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ocop.inputs import text_argument
from ocop.persistence.db import unit_of_work
from ocop.rules import limits
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import notices
from ocop.services.paperwork.use_cases import SignOffResult
from ocop.services.registrations import collect as collecting
from ocop.services.registrations import communes, verification, workbooks
from ocop.services.registrations.collect import FileResult
from ocop.services.registrations.communes import CommuneReport
from ocop.services.registrations.corrections import Change
from ocop.services.registrations.verification import (
    Checked,
    CommuneCounts,
    Ineligible,
    InspectionResult,
    Late,
)
from ocop.services.reminders.renewals import due_certificates
from ocop.services.runtime import DocumentsSummary, issue_all
from ocop.settings import Settings

# the lists for the council the verify stage writes (rewritten on each run: a working list, not an
# issued document; `ocop documents verify` leaves it out)
LISTS = "02-kiem-tra-ho-so/danh-sach-kiem-tra-ho-so.xlsx"


@dataclass(frozen=True, slots=True)
class CollectResult:
    """Registrations imported from a file or a folder: totals, then per file."""

    campaign: str
    file: str
    rows: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    partial: bool
    files: tuple[FileResult, ...]
    problems: tuple[str, ...]
    error_files: tuple[str, ...]
    changes: tuple[Change, ...] = ()  # fields of registered products the import corrected


@dataclass(frozen=True, slots=True)
class RegistrationTemplate:
    file: str
    campaign: str
    edition: str
    communes: int  # communes in the workbook's drop-down
    renewals: int = 0  # rows pre-filled for re-evaluation: certificates valid until ``renewal_until`` or earlier
    renewal_until: date | None = None


@dataclass(frozen=True, slots=True)
class VerifyResult:
    campaign: str
    counts: dict[str, int]  # status -> registrations
    changed: int
    by_commune: dict[str, CommuneCounts]
    ineligible: tuple[Ineligible, ...]
    needs_supplement: tuple[Checked, ...]
    eligible: tuple[Checked, ...]
    late: tuple[Late, ...]
    due: date | None  # supplements due by
    lists: str  # the workbook of lists for the council
    documents: DocumentsSummary
    sign_off: SignOffResult | None = None


def collect(settings: Settings, code: str | None, path: Path, partial: bool = False,
            reason: str = "") -> CollectResult:
    """Import one registration file, or a folder of commune workbooks; ``partial`` stores the
    valid rows of a file with errors and writes the rest to ``<stem>.loi.xlsx``. Rows with a
    registered product's code correct it; ``reason`` is needed once documents about it are issued."""
    reason = text_argument("--reason", reason, limits.PARAGRAPH) if reason else ""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        r = collecting.collect(s, campaign, path, partial, reason)
        return CollectResult(campaign.code, r.file, r.rows, r.new, r.updated, r.unchanged, r.rejected, r.partial,
                             tuple(r.files), tuple(r.problems), tuple(r.error_files), tuple(r.changes))


@dataclass(frozen=True, slots=True)
class PreAssessResult:
    """The commune stage (1489): one report per commune, with what each proposes."""

    campaign: str
    reports: tuple[CommuneReport, ...]
    documents: DocumentsSummary
    sign_off: SignOffResult | None = None


def has_commune_stage(settings: Settings, code: str | None) -> bool:
    """Whether the campaign has the commune stage (``pre_assess``): a province's plan under 1489."""
    from ocop.rules.editions import get_edition

    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        return get_edition(campaign.edition_code).pre_assessing(campaign.level) is not None


def pre_assess(settings: Settings, code: str | None) -> PreAssessResult:
    """Issue each commune's pre-assessment report from the lists the province imported (1489)."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        specs, reports = communes.commune_reports(s, campaign)
        return PreAssessResult(campaign.code, tuple(reports), issue_all(settings, s, campaign, specs))


def registration_template(settings: Settings, code: str | None, path: Path) -> RegistrationTemplate:
    """Write the registration workbook communes fill, for the campaign's edition and communes, with
    a row pre-filled for each product of its communes whose certificate (from any campaign in the
    database) expires within a year of the campaign's evaluation deadline or has expired. Read-only."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        due = due_certificates(s, campaign.deadline_evaluation)
        rows = workbooks.renewal_rows(campaign, due.certificates)
        file = workbooks.write_template(path, campaign, rows)
        s.rollback()  # nothing read here is written back
        return RegistrationTemplate(str(file), campaign.code, campaign.edition_code, len(campaign.details.communes),
                                    len(rows), due.until)


def record_inspection(settings: Settings, code: str | None, product: str, on: date, inspectors: list[str],
                      findings: str, passed: bool = True) -> InspectionResult:
    with unit_of_work(settings.database_url) as s:
        return verification.record_inspection(s, get_campaign(s, code), product, on, inspectors, findings, passed)


def verify(settings: Settings, code: str | None) -> VerifyResult:
    """Decide every registration, write the lists for the council, then each producer's
    dossier-check notice."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = verification.verify(s, campaign)
        s.flush()
        lists = workbooks.write_lists(
            settings.out_dir / campaign.code / LISTS,
            verification.list_sections(summary))
        return VerifyResult(campaign.code, summary.counts, summary.changed, summary.by_commune, summary.ineligible,
                            summary.needs_supplement, summary.eligible, summary.late, summary.due, str(lists),
                            issue_all(settings, s, campaign, notices.dossier_notices(s, campaign)))
