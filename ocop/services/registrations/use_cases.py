"""Collect and verify stages: registrations from the communes, field inspections, the dossier check."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any


from ocop.persistence.db import unit_of_work
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import notices
from ocop.services.registrations import verification
from ocop.services.registrations import workbooks as registration_workbooks
from ocop.services.registrations.collect import import_registrations
from ocop.services.registrations.verification import verify_registrations
from ocop.services.runtime import issue_all
from ocop.settings import Settings


def collect(settings: Settings, code: str | None, path: Path, partial: bool = False) -> dict[str, Any]:
    """Import one registration file, or a folder of commune workbooks; ``partial`` stores the
    valid rows of a file with errors and writes the rest to ``<stem>.loi.xlsx``."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        return {**asdict(import_registrations(s, campaign, path, partial)), "campaign": campaign.code}


def registration_template(settings: Settings, code: str | None, path: Path) -> dict[str, Any]:
    """Write the registration workbook communes fill, for the campaign's edition and communes."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        return {"file": str(registration_workbooks.write_template(path, campaign)), "campaign": campaign.code,
                "edition": campaign.edition_code, "communes": len(campaign.plan_settings.communes)}


def record_inspection(settings: Settings, code: str | None, product: str, on: date, inspectors: list[str],
                      findings: str, passed: bool = True) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        return verification.record_inspection(s, get_campaign(s, code), product, on, inspectors, findings, passed)


def verify(settings: Settings, code: str | None) -> dict[str, Any]:
    """Decide every registration, write the lists for the council, then each producer's
    dossier-check notice."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = verify_registrations(s, campaign)
        s.flush()
        lists = registration_workbooks.write_lists(
            settings.out_dir / campaign.code / "02-kiem-tra-ho-so" / "danh-sach-kiem-tra-ho-so.xlsx",
            verification.list_sections(summary))
        return {**asdict(summary), "campaign": campaign.code, "lists": str(lists),
                "documents": issue_all(settings, s, campaign, notices.dossier_notices(s, campaign))}
