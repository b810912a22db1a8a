"""What every use case needs: the database, the register with its renderer, and the summaries
of the documents a stage produced."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select

from ocop.documents.renderer import Renderer
from ocop.persistence.db import migrate, unit_of_work
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork.register import Register
from ocop.settings import Settings


def prepare_database(settings: Settings) -> str:
    """Create or upgrade the project's database; returns its URL."""
    migrate(settings.database_url)
    return settings.database_url


def register_for(settings: Settings, session, campaign) -> Register:  # noqa: ANN001
    auto = campaign.rules.auto_sign_off
    return Register(session, campaign, Renderer(settings.templates_dir), settings.out_dir, auto_approve=auto,
                    pdf=settings.pdf)


def merge_summaries(*summaries) -> dict[str, Any]:  # noqa: ANN002
    merged = {"issued": 0, "unchanged": 0, "replaced": 0, "pending": [], "pdf": 0, "notes": []}
    for summary in summaries:
        for key, value in asdict(summary).items():
            merged[key] = merged[key] + value if key != "notes" else merged[key] + [
                n for n in value if n not in merged[key]]
    return merged


def count_rows(session, campaign, model, *where) -> int:  # noqa: ANN001
    """Rows of one campaign's table: the total of a batch, for progress reports."""
    return session.scalar(select(func.count()).select_from(model).where(model.campaign_id == campaign.id, *where))


def issue_all(settings: Settings, session, campaign, specs) -> dict[str, Any]:  # noqa: ANN001
    return asdict(register_for(settings, session, campaign).produce(specs))


def campaign_code(settings: Settings, code: str | None) -> str:
    """The code of the campaign meant: this one, or the most recent."""
    with unit_of_work(settings.database_url) as s:
        return get_campaign(s, code).code
