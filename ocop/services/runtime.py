"""What every use case needs: the database, the register with its renderer, and the summaries
of the documents a stage produced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ocop.persistence.db import migrate, unit_of_work
from ocop.persistence.models import Campaign, Registration, ScoreSheet
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork.register import DocSpec, IssueSummary, Register
from ocop.settings import Settings


def prepare_database(settings: Settings) -> str:
    """Create or upgrade the project's database; returns its URL. The documents folder goes along:
    the register's paths are relative to it (migration 0008)."""
    migrate(settings.database_url, settings.out_dir)
    return settings.database_url


def register_for(settings: Settings, session: Session, campaign: Campaign) -> Register:
    from ocop.documents.renderer import Renderer  # python-docx: not for read-only commands
    from ocop.documents.signing import office_signer  # cryptography: likewise

    auto = campaign.rules.auto_sign_off
    signer = office_signer(settings) if settings.pdf != "off" else None  # a bad certificate stops here
    return Register(session, campaign, Renderer(settings.templates_dir), settings.out_dir, auto_approve=auto,
                    pdf=settings.pdf, signer=signer)


@dataclass(frozen=True, slots=True)
class DocumentsSummary:
    """The documents a stage produced: counts, drafts awaiting sign-off, PDF copies, notes."""

    issued: int = 0
    unchanged: int = 0
    replaced: int = 0
    pending: tuple[int, ...] = ()  # ids of drafts awaiting sign-off
    pdf: int = 0  # PDF copies written
    notes: tuple[str, ...] = ()  # e.g. why no PDF was written


def merge_summaries(*summaries: IssueSummary) -> DocumentsSummary:
    notes: list[str] = []
    for summary in summaries:
        notes += [n for n in summary.notes if n not in notes]
    return DocumentsSummary(
        issued=sum(s.issued for s in summaries), unchanged=sum(s.unchanged for s in summaries),
        replaced=sum(s.replaced for s in summaries), pending=tuple(i for s in summaries for i in s.pending),
        pdf=sum(s.pdf for s in summaries), notes=tuple(notes))


def count_rows(session: Session, campaign: Campaign, model: type[Registration] | type[ScoreSheet],
               *where: ColumnElement[bool]) -> int:
    """Rows of one campaign's table: the total of a batch, for progress reports."""
    query = select(func.count()).select_from(model).where(model.campaign_id == campaign.id, *where)
    return session.execute(query).scalar_one()


def issue_all(settings: Settings, session: Session, campaign: Campaign, specs: Iterable[DocSpec]) -> DocumentsSummary:
    return merge_summaries(register_for(settings, session, campaign).produce(specs))


def campaign_code(settings: Settings, code: str | None) -> str:
    """The code of the campaign meant: this one, or the most recent."""
    with unit_of_work(settings.database_url) as s:
        return get_campaign(s, code).code
