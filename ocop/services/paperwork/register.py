"""The document register: drafts, sign-off, numbering at issue, new versions and cancellation.

A numbered document is drafted (no number), approved by its signer (name, title, authority
prefix), then issued: numbered in its issuer's series for the year, rendered final, hashed. An
issued file is never overwritten: issuing again makes a new version with a new number and marks
the old one replaced; a cancelled document keeps its number. Forms that carry no number (score
sheets, the summary table) are issued as soon as they are produced.

A stage that runs twice with the same data changes nothing: documents are keyed by (campaign,
kind, subject) and fingerprinted by their context.

Files are written into the unit of work's staging folder and moved into place once its register
rows are committed (``ocop.documents.staging``); every register starts by settling the staging
folders a killed process left: a stage killed at any instant is completed by running it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ocop import faults, present, progress
from ocop.documents.decree30 import number_symbol, place_date, signature_lines, type_name
from ocop.documents.pdf import PdfUnavailable, to_pdf
from ocop.documents.staging import Staging, leftovers, place
from ocop.errors import DocumentError
from ocop.persistence.models import Campaign, Document, NumberSeries
from ocop.rules.campaign import Signer
from ocop.services.paperwork.files import file_stat, issued_files, located, quick_check, sha256_of, stored
from ocop.services.registrations import corrections
from ocop.services.results import freeze
from ocop.text import ascii_key

if TYPE_CHECKING:
    from ocop.documents.renderer import Renderer  # python-docx: imported by those who render
    from ocop.documents.signing import OfficeSigner  # cryptography: imported by those who sign

BATCH = 500  # documents rendered and registered per batch; bounds memory at national scale
OPEN = ("draft", "approved", "issued")  # statuses of the current version of a document
# forms a numbered document attaches (the Tờ trình sends the summary table): a PDF like numbered ones
PDF_FORMS = frozenset({"bang_tong_hop"})


@dataclass
class DocSpec:
    """A document a stage wants; ``context`` has no number: that is taken at issue."""

    kind: str  # template name
    subject: str  # what it is about within the campaign ("" for one per campaign)
    title: str
    folder: str
    issuer: str
    series: str  # number series (issuer code): "UBND", "HĐOCOP", "NN"
    type_code: str | None
    numbered: bool
    issued_on: date
    signer_name: str
    signer_title: str
    signer_authority: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    # a number another document gives it (a certificate numbered with its decision): no number is
    # taken from the series at issue
    symbol: str = ""

    def fingerprint(self) -> str:
        payload = json.dumps(self.context, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssueSummary:
    issued: int
    unchanged: int
    replaced: int
    pending: list[int] = field(default_factory=list)  # ids of drafts awaiting sign-off
    pdf: int = 0  # PDF copies written
    notes: list[str] = field(default_factory=list)  # e.g. why no PDF was written


def series_owner(campaign: Campaign, issuer: str) -> str:
    """Whose register a number comes from: the campaign's own body, or an organ within it. A commune's People's
    Committee reporting under 1489 keeps its own register, named within the province's: communes of the same
    name in two provinces (many are) keep two registers (migration 0011)."""
    return issuer if issuer == campaign.issuing_body else f"{campaign.issuing_body} › {issuer}"


def take_number(session: Session, owner: str, series: str, year: int, start: int = 1) -> int:
    """Next number in a series: per issuing organ, code and calendar year, from 01, never reused.

    ``start`` lets an office whose series already ran outside this system continue it. Safe when
    campaigns of one organ issue at the same time: the row is created if missing without a race,
    then locked until the transaction ends.
    """
    key = {"owner": owner, "issuer_code": series, "year": year}
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(insert(NumberSeries).values(**key, last_number=0).on_conflict_do_nothing())
    row = session.scalar(select(NumberSeries).filter_by(**key).with_for_update())
    if row is None:
        row = NumberSeries(**key, last_number=0)
        session.add(row)
    row.last_number = max(row.last_number + 1, start)
    session.flush()
    return row.last_number


def latest_numbered(session: Session, doc: Document) -> Document | None:
    """The document holding the highest number so far in ``doc``'s series (organ, code, year), any campaign."""
    return session.scalar(
        select(Document).where(Document.series_owner == doc.series_owner, Document.issuer_code == doc.issuer_code,
                               Document.year == doc.issued_on.year, Document.number.is_not(None),
                               Document.id != doc.id)
        .order_by(Document.number.desc()).limit(1))


def _chunks(items: Iterable[DocSpec], size: int) -> Iterator[list[DocSpec]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Register:
    """Issues documents for one campaign: renders in batches, numbers at issue, cleans up on failure."""

    def __init__(self, session: Session, campaign: Campaign, renderer: Renderer, out_dir: Path,
                 auto_approve: bool, pdf: str = "off", signer: OfficeSigner | None = None) -> None:
        self.session, self.campaign, self.renderer = session, campaign, renderer
        self.out_dir, self.auto_approve, self.pdf, self.signer = out_dir, auto_approve, pdf, signer
        self.pdfs = 0
        self.notes: list[str] = []
        self._reopened_on: tuple[date, ...] | None = None  # the last reopening's date, once read
        self.staging = Staging(out_dir / campaign.code)
        event.listen(session, "before_commit", self._before_commit)
        event.listen(session, "after_commit", self._after_commit)
        event.listen(session, "after_rollback", self._after_rollback)
        self.settled = leftovers(self.staging.root, self._settle)  # what a killed stage left
        self._missing_pdfs()
        self._warn_tampered()

    def _before_commit(self, _: Session) -> None:
        if self.staging.dir is not None:
            self.staging.sync()

    def _after_commit(self, _: Session) -> None:
        if self.staging.dir is not None:
            faults.reach("committed")
            self.staging.publish()

    def _after_rollback(self, _: Session) -> None:
        self.staging.discard()

    def _settle(self, staged: Path, final: Path) -> None:
        """A file a killed stage left in its staging folder: placed when the register committed
        it (its SHA-256 as recorded; a draft as last drawn up), else left to be removed."""
        name = stored(self.out_dir, final)
        docs = self.session.scalars(select(Document).where(
            Document.campaign_id == self.campaign.id,
            or_(Document.file_path == name, Document.pdf_path == name, Document.draft_path == name))).all()
        if not docs:
            return
        sha = hashlib.sha256(staged.read_bytes()).hexdigest()
        for doc in docs:
            committed = ((doc.file_path == name and doc.sha256 == sha)
                         or (doc.pdf_path == name and doc.pdf_sha256 == sha)
                         or (doc.draft_path == name and doc.status in ("draft", "approved")))
            if committed:
                if not final.exists() or doc.draft_path == name:
                    place(staged, final)
                return

    def _missing_pdfs(self) -> None:
        """PDF copies of issued documents whose PDF file is gone (removed by hand, or never placed by a
        version that wrote in place) are made again, with their new SHA-256."""
        if self.pdf == "off":
            return
        docs = [d for d in self.session.scalars(select(Document).where(
            Document.campaign_id == self.campaign.id, Document.status == "issued", Document.pdf_path != ""))
            if not self.located(d.pdf_path).exists() and self._intact(d)]
        if not docs:
            return
        try:
            self._pdf_copies(docs, forms=True)
        except PdfUnavailable as exc:
            if self.pdf == "on":
                raise
            if str(exc) not in self.notes:
                self.notes.append(str(exc))

    def _warn_tampered(self) -> None:
        """A note (the stage prints it, yellow) naming the campaign's issued files found modified or
        missing: the cheap check (files.quick_check), with `ocop documents verify` as the hint."""
        problems = quick_check(issued_files(self.session, [self.campaign.id]),
                               lambda name: self.readable(self.located(name)))
        if problems:
            self.notes.append(present.tampered_warning([(p.kind, p.path) for p in problems]))

    def located(self, name: str) -> Path:
        """Where a file the register names lies (``located``)."""
        return located(self.out_dir, name)

    def _intact(self, doc: Document) -> bool:
        """The issued DOCX is there with its SHA-256: a PDF copy made from it again is the document's."""
        path = self.located(doc.file_path)
        return path.is_file() and sha256_of(path) == doc.sha256

    def readable(self, path: Path) -> Path:
        """Where a file of this unit of work can be read now: staged until the commit, then in place."""
        return self.staging.pending.get(path, path)

    def produce(self, specs: Iterable[DocSpec], total: int | None = None, label: str = "Văn bản") -> IssueSummary:
        """Draft, and where sign-off is automatic issue, every spec whose data is new or changed.

        ``total`` (the number of specs, when ``specs`` is a generator) lets progress be reported per batch.
        """
        issued = unchanged = replaced = done = 0
        pdfs = self.pdfs  # this call's PDF copies are counted, not the register's since it was made
        pending: list[int] = []
        total = len(specs) if total is None and isinstance(specs, Sized) else total
        try:
            for chunk in _chunks(specs, BATCH):
                to_issue, to_draft = [], []
                current = self._current(chunk)
                for spec in chunk:
                    doc = self._draft(spec, current.get((spec.kind, spec.subject)))
                    if doc is None:
                        unchanged += 1
                    elif not spec.numbered or self.auto_approve:
                        doc.status, doc.approved_by = "approved", doc.signer_name
                        doc.approved_at = datetime.now()
                        to_issue.append(doc)
                    else:
                        to_draft.append(doc)
                self.session.flush()
                self._render_drafts(to_draft)
                pending += [d.id for d in to_draft]
                counts = self.issue(to_issue)
                issued, replaced = issued + counts[0], replaced + counts[1]
                done += len(chunk)
                progress.report(label, done, total)
        except BaseException:
            self.discard_files()
            raise
        return IssueSummary(issued, unchanged, replaced, pending, self.pdfs - pdfs, list(self.notes))

    def discard_files(self) -> None:
        """Remove files written in this unit of work: its transaction is being rolled back."""
        self.staging.discard()

    def _current(self, chunk: list[DocSpec]) -> dict[tuple[str, str], Document]:
        docs = self.session.scalars(
            select(Document).where(
                Document.campaign_id == self.campaign.id, Document.kind.in_({s.kind for s in chunk}),
                Document.subject.in_({s.subject for s in chunk}), Document.status.in_(OPEN),
            ).order_by(Document.version)
        )
        return {(d.kind, d.subject): d for d in docs}  # the highest open version wins

    def _draft(self, spec: DocSpec, current: Document | None) -> Document | None:
        fingerprint = spec.fingerprint()
        if current is not None and current.context_sha256 == fingerprint:
            return None
        on = self.reissue_date(spec.kind, spec.issued_on) if spec.numbered else spec.issued_on
        context = spec.context
        if on != spec.issued_on and "dia_danh_ngay" in context:  # the date line follows (the fingerprint does not)
            context = {**context, "dia_danh_ngay": place_date(self.campaign.place_name, on)}
        fields = {
            "title": spec.title, "folder": spec.folder, "type_code": spec.type_code, "issuer_code": spec.series,
            "issuer": spec.issuer, "series_owner": series_owner(self.campaign, spec.issuer),
            "issued_on": on, "year": on.year,
            "signer_name": spec.signer_name, "signer_title": spec.signer_title,
            "signer_authority": spec.signer_authority,
            "signature": list(spec.context.get("chu_ky", {}).get("dong", [])),
            "numbered": spec.numbered, "context": context, "context_sha256": fingerprint,
            "symbol": spec.symbol,
            "status": "draft", "approved_by": "", "approved_at": None,
        }
        if current is not None and current.status in ("draft", "approved"):
            for key, value in fields.items():
                setattr(current, key, value)
            return current
        doc = Document(campaign_id=self.campaign.id, kind=spec.kind, subject=spec.subject,
                       version=current.version + 1 if current else 1, **fields)
        self.session.add(doc)
        return doc

    def _own_series(self, doc: Document) -> bool:
        """A number from one of the campaign's organs (not a commune reporting to it, 1489): the campaign
        file's ``numbering`` continues it, and its symbol alone names the file."""
        c = self.campaign
        return doc.issuer in (c.issuing_body, c.council_name, c.office)

    def _name(self, doc: Document, symbol: str) -> str:
        stem = ascii_key(symbol if self._own_series(doc) else f"{doc.subject} {symbol}".strip()) if symbol else \
            ascii_key(doc.subject)
        name = f"{stem}_{doc.kind}" if stem else doc.kind
        taken = symbol and doc.number is not None   # a number of its own: unique already
        return name if taken or doc.version == 1 else f"{name}_v{doc.version}"

    def _render_drafts(self, docs: list[Document]) -> None:
        from ocop.documents.renderer import DATE_KEY

        for kind, group in _by_kind(docs).items():
            jobs = []
            for doc in group:
                assert doc.context is not None, "a draft keeps its data until it is issued"
                path = self.out_dir / self.campaign.code / doc.folder / "du-thao" / f"{self._name(doc, '')}.docx"
                draft = doc.symbol or number_symbol(None, doc.type_code, doc.issuer_code)
                jobs.append(({**doc.context, "so_ky_hieu": draft, DATE_KEY: doc.issued_on.isoformat(),
                              **self._replacing(doc)}, path))
                doc.draft_path = stored(self.out_dir, path)
            staged = ((context, self.staging.path(path)) for context, path in jobs)
            for _ in self.renderer.render_many(kind, staged, durable=False):   # synced before the commit
                pass

    def _replacing(self, doc: Document) -> dict[str, str]:
        """``thay_the``: the line a new version of a numbered document carries under its title,
        naming the issued version it replaces ("Thay thế Biên bản số 03/BB-HĐOCOP ngày 20/10/2020")."""
        if not doc.numbered or doc.version == 1:
            return {}
        old = self.session.scalar(
            select(Document).where(Document.campaign_id == doc.campaign_id, Document.kind == doc.kind,
                                   Document.subject == doc.subject, Document.status == "issued",
                                   Document.version < doc.version, Document.id != doc.id)
            .order_by(Document.version.desc()).limit(1))
        if old is None or not old.symbol:
            return {}
        return {"thay_the": present.replaces(type_name(old.type_code), old.symbol, old.issued_on)}

    def issue(self, docs: list[Document]) -> tuple[int, int]:
        """Number, render final and hash approved documents; mark what they replace."""
        from ocop.documents.renderer import DATE_KEY

        if not docs:
            return 0, 0
        settings = self.campaign.details
        jobs: dict[str, list[tuple[Document, dict[str, Any], Path]]] = {}
        for doc in docs:
            if doc.status != "approved":
                raise DocumentError(f"Văn bản #{doc.id} ({doc.title}) chưa được duyệt, không thể ban hành.")
            context: dict[str, Any] = {**(doc.context or {}), DATE_KEY: doc.issued_on.isoformat(),
                                       **self._replacing(doc)}
            symbol = ""
            if doc.numbered and doc.symbol and doc.number is None:
                symbol = doc.symbol          # given by another document
                context["so_ky_hieu"] = symbol
            elif doc.numbered:
                before = latest_numbered(self.session, doc)
                doc.number = take_number(self.session, doc.series_owner, doc.issuer_code, doc.issued_on.year,
                                         settings.first_number(doc.issuer_code) if self._own_series(doc) else 1)
                symbol = number_symbol(doc.number, doc.type_code, doc.issuer_code)
                if before is not None and before.issued_on > doc.issued_on:
                    raise DocumentError(
                        f"Không ban hành được {doc.title} số {symbol} ngày {present.date_short(doc.issued_on)}: "
                        f"số liền trước trong sổ, {before.symbol} ({before.title}), mang ngày "
                        f"{present.date_short(before.issued_on)}, muộn hơn. Số sau không được mang ngày sớm hơn số "
                        "trước: sửa ngày ban hành trong tệp kế hoạch hoặc ban hành các văn bản theo thứ tự ngày.")
                context["so_ky_hieu"] = symbol
            if "chu_ky" in context:
                drafted = context["chu_ky"]      # the post drafted for the designated signer stays only with them
                post = drafted.get("chuc_vu", "") if drafted.get("ho_ten") == doc.signer_name else ""
                context["chu_ky"] = {"dong": list(doc.signature), "ho_ten": doc.signer_name, "chuc_vu": post}
            path = self.out_dir / self.campaign.code / doc.folder / f"{self._name(doc, symbol)}.docx"
            doc.symbol, doc.file_path = symbol, stored(self.out_dir, path)
            jobs.setdefault(doc.kind, []).append((doc, context, path))
        self._refuse_known([p for entries in jobs.values() for _, _, p in entries])
        for kind, entries in jobs.items():
            rendered = self.renderer.render_many(kind, ((c, self.staging.path(p)) for _, c, p in entries),
                                                 durable=False)                    # synced before the commit
            for (doc, _, path), (_, sha) in zip(entries, rendered, strict=True):
                self._adopt(doc, path, sha)
                doc.size, doc.mtime_ns = file_stat(self.readable(path))
                doc.sha256, doc.status, doc.issued_at = sha, "issued", datetime.now()
                if not doc.numbered:
                    doc.context = None  # forms are never issued again: don't keep their data twice
        self._pdf_copies([doc for entries in jobs.values() for doc, _, _ in entries])
        self.session.flush()
        return len(docs), self._mark_replaced(docs)

    def _refuse_known(self, paths: list[Path]) -> None:
        """An issued file is never overwritten: a path the register already gives another document is refused."""
        existing = [stored(self.out_dir, p) for p in paths if p.exists()]
        if not existing:
            return
        known = self.session.scalar(select(Document.file_path).where(
            Document.file_path.in_(existing), Document.status.not_in(("draft", "approved"))).limit(1))
        if known is not None:
            raise DocumentError(f"Tệp '{known}' đã có: văn bản đã ban hành không bao giờ bị ghi đè.")

    def _adopt(self, doc: Document, path: Path, sha: str) -> None:
        """A file already in ``path`` that the register does not know (left by a version of this program
        that wrote in place, then was stopped before its commit): kept when its bytes are the document's,
        else refused, naming it."""
        if not path.exists():
            return
        if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            self.staging.drop(path)
            return
        raise DocumentError(
            f"Tệp '{path}' đã có nhưng sổ văn bản không ghi nhận, và nội dung khác với {doc.title} sắp ban hành "
            "(có thể do một lần chạy trước bị dừng giữa chừng, hoặc tệp được chép vào tay). Văn bản đã ban hành "
            "không bao giờ bị ghi đè: chuyển tệp đó ra khỏi thư mục, rồi chạy lại đúng lệnh.")

    def _pdf_copies(self, docs: list[Document], forms: bool = False) -> None:
        """PDF beside each issued DOCX, one LibreOffice call per batch; skipped where it is missing.

        Forms (score sheets: ~6 pages, ~0.6 s each in LibreOffice) get PDFs only when asked
        (``forms=True``), e.g. for the members' print packs; numbered documents and the forms
        they attach (PDF_FORMS) always do. With the office's certificate each PDF is signed in its
        staging folder before it is hashed: the SHA-256 registered is the signed file's, so an
        unsigned copy a killed stage left is never placed as registered.
        """
        docs = [d for d in docs if d.numbered or forms or d.kind in PDF_FORMS]
        if self.pdf == "off" or not docs:
            return
        finals = [self.located(d.file_path).with_suffix(".pdf") for d in docs]
        try:
            pdfs = to_pdf([self.readable(self.located(d.file_path)) for d in docs],
                          targets=[self.staging.path(p) for p in finals])
        except PdfUnavailable as exc:
            for final in finals:
                self.staging.drop(final)
            if self.pdf == "on" or forms:
                raise
            if str(exc) not in self.notes:
                self.notes.append(str(exc))
            return
        from ocop.documents.signing import UNSIGNED, SignJob, sign_pdfs

        if self.signer is not None:
            sign_pdfs(self.signer, [SignJob(pdf, _signing_reason(doc)) for doc, pdf in zip(docs, pdfs, strict=True)],
                      location=self.campaign.place_name)
        elif UNSIGNED not in self.notes:
            self.notes.append(UNSIGNED)
        for doc, pdf, final in zip(docs, pdfs, finals, strict=True):
            doc.pdf_path, doc.pdf_sha256 = stored(self.out_dir, final), hashlib.sha256(pdf.read_bytes()).hexdigest()
            doc.pdf_size, doc.pdf_mtime_ns = file_stat(pdf)
        self.pdfs += len(pdfs)

    def pdf_copies(self, docs: list[Document]) -> int:
        """PDF copies of issued documents that have none yet, forms included; returns how many."""
        todo = [d for d in docs if d.status == "issued" and not d.pdf_path]
        before = self.pdfs
        for start in range(0, len(todo), BATCH):
            self._pdf_copies(todo[start:start + BATCH], forms=True)
        self.session.flush()
        return self.pdfs - before

    def _mark_replaced(self, docs: list[Document]) -> int:
        replaced = 0
        keys = {(d.kind, d.subject): d for d in docs}
        older = self.session.scalars(
            select(Document).where(
                Document.campaign_id == self.campaign.id, Document.kind.in_({k for k, _ in keys}),
                Document.subject.in_({s for _, s in keys}), Document.status == "issued",
            )
        )
        for old in older:
            new = keys.get((old.kind, old.subject))
            if new is not None and old.id != new.id and old.version < new.version:
                old.status, old.replaced_by_id = "replaced", new.id
                if new.symbol:
                    by = present.document_ref(type_name(new.type_code), new.symbol, new.issued_on)
                    why = self._reopened_since(old) + corrections.reasons_since(self.session, old)
                    old.note = f"Thay bằng {by}{why}"
                replaced += 1
        self.session.flush()
        return replaced

    def reissue_date(self, kind: str, on: date) -> date:
        """The date of a result document drawn up (new or changed): once results have been reopened,
        no earlier than the reopening — what it replaces was issued before, and a series never gives
        a later number an earlier date."""
        if kind not in freeze.RESULT_KINDS:
            return on
        if self._reopened_on is None:  # read once: a unit of work records no reopening while it issues
            reopened = freeze.last_reopening(self.session, self.campaign)
            self._reopened_on = (reopened.on,) if reopened is not None else ()
        return max((on, *self._reopened_on))

    def _reopened_since(self, doc: Document) -> str:
        """"; mở lại kết quả ngày … theo đề nghị của …: …" when results were reopened after ``doc`` was issued."""
        reopened = freeze.last_reopening(self.session, self.campaign)
        if reopened is None or doc.issued_at is None or reopened.at < doc.issued_at:
            return ""
        return "; " + present.reopening(reopened.by, reopened.reason, reopened.on)

    def withdraw(self, kind: str, keep: Iterable[str], why: str) -> int:
        """Cancel the open documents of ``kind`` whose subject the stage no longer produces (a product
        no longer ranked, recognised or referred): an issued one keeps its number, with ``why``."""
        wanted = set(keep)
        docs = [d for d in self.session.scalars(
            select(Document).where(Document.campaign_id == self.campaign.id, Document.kind == kind,
                                   Document.status.in_(OPEN))) if d.subject not in wanted]
        for doc in docs:
            doc.status, doc.note = "cancelled", why + self._reopened_since(doc)
        self.session.flush()
        return len(docs)


def _signing_reason(doc: Document) -> str:
    """The reason a PDF's signature states: "Ban hành văn bản số 05/QĐ-UBND" (forms: no number)."""
    from ocop.documents.signing import REASON

    return f"{REASON} số {doc.symbol}" if doc.symbol else REASON


def _by_kind(docs: list[Document]) -> dict[str, list[Document]]:
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(doc.kind, []).append(doc)
    return groups


def approve(doc: Document, signer: Signer | None = None) -> None:
    """Record the signer's approval; the signature block follows the signer's authority prefix."""
    if doc.status not in ("draft", "approved"):
        raise DocumentError(f"Văn bản #{doc.id} đang ở trạng thái '{present.DOCUMENT_STATUS[doc.status]}', không duyệt "
                            "được.")
    if signer is not None:
        lines = list(doc.signature)
        collective = lines[0][4:] if lines and lines[0].startswith("TM. ") else None
        if not signer.name.strip():
            raise DocumentError("Thiếu họ tên người ký.")
        doc.signature = signature_lines(signer.authority or None, signer.title, collective,
                                        head_title=signer.head_title or None)
        doc.signer_name, doc.signer_title, doc.signer_authority = signer.name.strip(), signer.title, signer.authority
    doc.status, doc.approved_by, doc.approved_at = "approved", doc.signer_name, datetime.now()


def new_version(session: Session, doc: Document) -> Document:
    """An issued document issued again: a new approved version that will take a new number."""
    if doc.status != "issued" or doc.context is None:
        raise DocumentError(f"Chỉ ban hành lại được văn bản có số đã ban hành (#{doc.id} là "
                            f"'{present.DOCUMENT_STATUS[doc.status]}').")
    copy = Document(
        campaign_id=doc.campaign_id, kind=doc.kind, subject=doc.subject, version=doc.version + 1,
        title=doc.title, folder=doc.folder, numbered=doc.numbered, type_code=doc.type_code, issuer_code=doc.issuer_code,
        issuer=doc.issuer, series_owner=doc.series_owner, issued_on=doc.issued_on, year=doc.year,
        signer_name=doc.signer_name,
        signer_title=doc.signer_title, signer_authority=doc.signer_authority, signature=list(doc.signature),
        symbol=doc.symbol if doc.number is None else "",  # a number given by another document stays
        context=doc.context, context_sha256=doc.context_sha256, status="approved",
        approved_by=doc.approved_by, approved_at=datetime.now(),
    )
    session.add(copy)
    session.flush()
    return copy


def cancel(doc: Document, reason: str) -> None:
    """Cancel an issued document: it keeps its number, marked cancelled, with the reason."""
    if doc.status != "issued":
        raise DocumentError(f"Chỉ hủy được văn bản đã ban hành (#{doc.id} là '{present.DOCUMENT_STATUS[doc.status]}').")
    if not reason.strip():
        raise DocumentError("Cần ghi lý do hủy văn bản.")
    doc.status, doc.note = "cancelled", reason.strip()


def current_document(session: Session, campaign: Campaign, kind: str, subject: str = "") -> Document | None:
    """The latest open version (draft, approved or issued) of a document, if any."""
    return session.scalar(
        select(Document).where(Document.campaign_id == campaign.id, Document.kind == kind,
                               Document.subject == subject, Document.status.in_(OPEN))
        .order_by(Document.version.desc()).limit(1)
    )


def list_documents(session: Session, campaign: Campaign) -> list[Document]:
    """The campaign's register in the order documents were registered."""
    return list(session.scalars(select(Document).where(Document.campaign_id == campaign.id).order_by(Document.id)))
