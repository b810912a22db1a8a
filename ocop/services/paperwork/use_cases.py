"""The document register as the signer and the clerk use it: list, approve, issue, cancel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ocop.errors import NotFoundError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Document
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork.register import STATUS_VN, Signer, approve, cancel, list_documents, new_version
from ocop.services.runtime import register_for
from ocop.settings import Settings


def documents(settings: Settings, code: str | None) -> list[dict[str, Any]]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        return [{"id": d.id, "kind": d.kind, "subject": d.subject, "title": d.title, "symbol": d.symbol, "date": d.issued_on.isoformat(),
                 "status": d.status, "version": d.version, "signer": d.signer_name, "file": d.file_path or d.draft_path,
                 "sha256": d.sha256, "pdf": d.pdf_path} for d in list_documents(s, campaign)]


def _select(session, campaign, ids: list[int], status: tuple[str, ...]) -> list[Document]:  # noqa: ANN001
    query = select(Document).where(Document.campaign_id == campaign.id, Document.status.in_(status))
    if ids:
        query = query.where(Document.id.in_(ids))
    docs = list(session.scalars(query.order_by(Document.id)))
    missing = sorted(set(ids) - {d.id for d in docs})
    if missing:
        raise NotFoundError(
            "Không có văn bản " + ", ".join(f"#{i}" for i in missing)
            + f" ở trạng thái {' / '.join(STATUS_VN[x] for x in status)} trong kế hoạch {campaign.code}.")
    return docs


def approve_documents(settings: Settings, code: str | None, ids: list[int], signer: Signer | None) -> list[dict[str, Any]]:
    """The signer approves drafts (all pending ones when no ids are given)."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        docs = _select(s, campaign, ids, ("draft", "approved"))
        for doc in docs:
            approve(doc, signer)
        return [{"id": d.id, "title": d.title, "signer": d.signer_name, "signature": d.signature} for d in docs]


def issue_documents(settings: Settings, code: str | None, ids: list[int]) -> list[dict[str, Any]]:
    """Issue approved documents; an already issued one is issued again as a new version."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        docs = _select(s, campaign, ids, ("approved", "issued") if ids else ("approved",))
        docs = [new_version(s, d) if d.status == "issued" else d for d in docs]
        register_for(settings, s, campaign).issue(docs)
        return [{"id": d.id, "title": d.title, "symbol": d.symbol, "file": d.file_path, "sha256": d.sha256}
                for d in docs]


def cancel_document(settings: Settings, code: str | None, doc_id: int, reason: str) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        doc = _select(s, get_campaign(s, code), [doc_id], ("issued",))[0]
        cancel(doc, reason)
        return {"id": doc.id, "symbol": doc.symbol, "status": doc.status}
