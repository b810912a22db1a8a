"""The document register as the signer and the clerk use it: list, approve, issue, cancel."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import NotFoundError
from ocop.inputs import text_argument
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Document
from ocop.rules import limits
from ocop.rules.campaign import Signer
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import packet
from ocop.services.paperwork.files import FileProblem, IssuedFile, issued_files, located, quick_check
from ocop.services.paperwork.register import approve, cancel, list_documents, new_version
from ocop.services.runtime import register_for
from ocop.settings import Settings


@dataclass(frozen=True, slots=True)
class RegisteredDocument:
    """One row of the document register."""

    id: int
    kind: str
    subject: str
    title: str
    symbol: str | None  # None while a draft
    issued_on: date
    status: str  # draft, approved, issued, replaced, cancelled (present.DOCUMENT_STATUS)
    version: int
    signer: str | None
    file: str
    sha256: str | None
    pdf: str | None
    note: str = ""  # why it was replaced or cancelled
    problems: tuple[FileProblem, ...] = ()  # its issued files found modified or missing (files.quick_check)


@dataclass(frozen=True, slots=True)
class ApprovedDocument:
    id: int
    title: str
    signer: str | None
    signature: tuple[str, ...]  # the lines above the signer's name


@dataclass(frozen=True, slots=True)
class IssuedDocument:
    id: int
    title: str
    symbol: str | None
    file: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CancelledDocument:
    id: int
    symbol: str | None
    status: str


@dataclass(frozen=True, slots=True)
class SignOffResult:
    """What the signer did with a stage's drafts: still pending, or issued (their symbols)."""

    pending: tuple[int, ...] = ()
    issued: tuple[str, ...] = ()
    note: str = ""


def documents(settings: Settings, code: str | None) -> list[RegisteredDocument]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        found: dict[int, tuple[FileProblem, ...]] = {}
        for problem, f in _checked(settings, s, campaign):
            found[f.document_id] = (*found.get(f.document_id, ()), problem)
        return [RegisteredDocument(
            id=d.id, kind=d.kind, subject=d.subject, title=d.title, symbol=d.symbol, issued_on=d.issued_on,
            status=d.status, version=d.version, signer=d.signer_name,
            file=_where(settings, d.file_path or d.draft_path), sha256=d.sha256, pdf=_where(settings, d.pdf_path),
            note=d.note, problems=found.get(d.id, ())) for d in list_documents(s, campaign)]


def _checked(settings: Settings, session: Session, campaign: Campaign) -> list[tuple[FileProblem, IssuedFile]]:
    """The campaign's issued files found modified or missing, cheaply (files.quick_check), with their row."""
    files = {f.name: f for f in issued_files(session, [campaign.id])}
    problems = quick_check(iter(files.values()), lambda name: located(settings.out_dir, name))
    return [(p, files[p.path]) for p in problems]


def _where(settings: Settings, name: str) -> str:
    """A file the register names, as people read it: its full path in this documents folder."""
    return str(located(settings.out_dir, name)) if name else ""


def _select(session: Session, campaign: Campaign, ids: list[int], status: tuple[str, ...]) -> list[Document]:
    query = select(Document).where(Document.campaign_id == campaign.id, Document.status.in_(status))
    if ids:
        query = query.where(Document.id.in_(ids))
    docs = list(session.scalars(query.order_by(Document.id)))
    missing = sorted(set(ids) - {d.id for d in docs})
    if missing:
        raise NotFoundError(
            "Không có văn bản " + ", ".join(f"#{i}" for i in missing)
            + f" ở trạng thái {' / '.join(present.DOCUMENT_STATUS[x] for x in status)} trong kế hoạch {campaign.code}.")
    return docs


def approve_documents(settings: Settings, code: str | None, ids: list[int],
                      signer: Signer | None) -> list[ApprovedDocument]:
    """The signer approves drafts (all pending ones when no ids are given)."""
    if signer is not None:   # typed on the command line or in a run form: the cell rule applies
        signer = replace(signer, name=text_argument("--signer", signer.name, limits.PERSON_NAME),
                         title=text_argument("--title", signer.title, limits.BODY),
                         head_title=text_argument("--head-title", signer.head_title, limits.BODY))
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        docs = _select(s, campaign, ids, ("draft", "approved"))
        for doc in docs:
            approve(doc, signer)
        return [ApprovedDocument(d.id, d.title, d.signer_name, tuple(d.signature or ())) for d in docs]


def issue_documents(settings: Settings, code: str | None, ids: list[int]) -> list[IssuedDocument]:
    """Issue approved documents; an already issued one is issued again as a new version."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        docs = _select(s, campaign, ids, ("approved", "issued") if ids else ("approved",))
        docs = [new_version(s, d) if d.status == "issued" else d for d in docs]
        register_for(settings, s, campaign).issue(docs)
        issued = [IssuedDocument(d.id, d.title, d.symbol, _where(settings, d.file_path), d.sha256) for d in docs]
        referral = any(d.kind == packet.REFERRAL for d in docs)
    if referral:  # the Tờ trình issued by hand or by the signer's form: its packet too
        _, note = packet.write_packet(settings, campaign.code)
        if note:
            logging.getLogger("ocop").warning("referral packet not written: %s", note)
    return issued


def cancel_document(settings: Settings, code: str | None, doc_id: int, reason: str) -> CancelledDocument:
    reason = text_argument("--reason", reason, limits.PARAGRAPH)
    with unit_of_work(settings.database_url) as s:
        doc = _select(s, get_campaign(s, code), [doc_id], ("issued",))[0]
        cancel(doc, reason)
        return CancelledDocument(doc.id, doc.symbol, doc.status)
