"""The document register: numbering, rendering in batches, and idempotent re-issue.

A stage that runs twice with the same data issues nothing new: each document is keyed by
(campaign, kind, subject) and fingerprinted by its context. When the data changed, a new version
is issued with a new number and the old one is marked replaced; an issued file is never
overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.documents.decree30 import number_symbol
from ocop.documents.renderer import Renderer
from ocop.persistence.models import Campaign, Document, NumberSeries
from ocop.text import ascii_key

BATCH = 500  # documents rendered and registered per batch; bounds memory at national scale


@dataclass
class DocSpec:
    """A document a stage wants issued; ``context`` excludes the number, added at issue."""

    kind: str  # template name
    subject: str  # what it is about within the campaign ("" for one per campaign)
    title: str
    folder: str
    issuer: str
    series: str  # number series (issuer code): "UBND", "HĐOCOP"
    type_code: str | None
    numbered: bool
    issued_on: date
    signer_name: str
    signer_title: str
    context: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        payload = json.dumps(self.context, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssueSummary:
    issued: int
    unchanged: int
    replaced: int


def take_number(session: Session, series: str, year: int, start: int = 1) -> int:
    """Next number in a series: per issuer and calendar year, from 01, never reused.

    ``start`` lets an office whose series already ran outside this system continue it.
    """
    row = session.scalar(
        select(NumberSeries)
        .where(NumberSeries.issuer_code == series, NumberSeries.year == year)
        .with_for_update()
    )
    if row is None:
        row = NumberSeries(issuer_code=series, year=year, last_number=0)
        session.add(row)
    row.last_number = max(row.last_number + 1, start)
    session.flush()
    return row.last_number


def _chunks(items: Iterable[DocSpec], size: int) -> Iterator[list[DocSpec]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def issue_documents(
    session: Session,
    campaign: Campaign,
    specs: Iterable[DocSpec],
    renderer: Renderer,
    out_dir: Path,
) -> IssueSummary:
    """Number, render and register the documents that are new or whose data changed."""
    issued = unchanged = replaced = 0
    written: list[Path] = []
    try:
        for chunk in _chunks(specs, BATCH):
            counts = _issue_chunk(session, campaign, chunk, renderer, out_dir, written)
            issued, unchanged, replaced = issued + counts[0], unchanged + counts[1], replaced + counts[2]
    except BaseException:
        # The caller's transaction rolls back the register; remove the files it would have named.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return IssueSummary(issued, unchanged, replaced)


def _issue_chunk(
    session: Session, campaign: Campaign, chunk: list[DocSpec], renderer: Renderer, out_dir: Path,
    written: list[Path],
) -> tuple[int, int, int]:
    issued = unchanged = replaced = 0
    kinds, subjects = {s.kind for s in chunk}, {s.subject for s in chunk}
    current: dict[tuple[str, str], Document] = {}
    versions: dict[tuple[str, str], int] = {}
    for doc in session.scalars(
        select(Document).where(Document.campaign_id == campaign.id, Document.kind.in_(kinds),
                               Document.subject.in_(subjects))
    ):
        key = (doc.kind, doc.subject)
        versions[key] = versions.get(key, 0) + 1
        if doc.status == "issued":
            current[key] = doc
    todo: dict[str, list[tuple[Document, dict[str, Any], Path, Document | None]]] = {}
    for spec in chunk:
        key = (spec.kind, spec.subject)
        old = current.get(key)
        fingerprint = spec.fingerprint()
        if old is not None and old.context_sha256 == fingerprint and Path(old.file_path).is_file():
            unchanged += 1
            continue
        doc, context, path = _prepare(session, campaign, spec, fingerprint, versions.get(key, 0), out_dir)
        if old is not None:
            old.status = "replaced"
            replaced += 1
        todo.setdefault(spec.kind, []).append((doc, context, path, old))
        written.append(path)  # planned paths are new names: safe to remove if the batch fails
        issued += 1
    for kind, entries in todo.items():
        jobs = ((context, path) for _, context, path, _ in entries)
        for (doc, _, _, _), (path, sha) in zip(entries, renderer.render_many(kind, jobs), strict=True):
            doc.file_path, doc.sha256 = str(path), sha
    session.flush()
    for doc, _, _, old in (e for entries in todo.values() for e in entries):
        if old is not None:
            old.replaced_by_id = doc.id
    session.flush()
    return issued, unchanged, replaced


def _prepare(
    session: Session, campaign: Campaign, spec: DocSpec, fingerprint: str, version: int, out_dir: Path
) -> tuple[Document, dict[str, Any], Path]:
    numbering = campaign.settings.get("numbering", {})
    number = (
        take_number(session, spec.series, spec.issued_on.year, int(numbering.get(spec.series, 1)))
        if spec.numbered
        else None
    )
    symbol = number_symbol(number, spec.type_code, spec.series) if spec.numbered else ""
    stem = ascii_key(symbol or spec.subject)
    name = f"{stem}_{spec.kind}" if stem else spec.kind
    if version and not spec.numbered:
        name += f"_v{version + 1}"
    path = out_dir / campaign.code / spec.folder / f"{name}.docx"
    doc = Document(
        campaign_id=campaign.id, kind=spec.kind, subject=spec.subject, title=spec.title,
        type_code=spec.type_code, issuer_code=spec.series, year=spec.issued_on.year,
        number=number, symbol=symbol, issuer=spec.issuer, issued_on=spec.issued_on,
        signer_name=spec.signer_name, signer_title=spec.signer_title, file_path=str(path),
        sha256="", context_sha256=fingerprint, status="issued",
    )
    session.add(doc)
    context = {**spec.context, "so_ky_hieu": symbol} if spec.numbered else dict(spec.context)
    return doc, context, path


def list_documents(session: Session, campaign: Campaign) -> list[Document]:
    """The campaign's register in issue order."""
    return list(
        session.scalars(
            select(Document).where(Document.campaign_id == campaign.id).order_by(Document.id)
        )
    )
