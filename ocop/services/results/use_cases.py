"""Rank, recognise and refer stages: means and stars, the minutes, recognition and certificates, the referral."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ocop.errors import DocumentError, ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Referral
from ocop.rules.council import Quorum
from ocop.rules.editions import get_edition
from ocop.rules.outcome import REFERRED
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import notices, specs
from ocop.services.paperwork.files import located
from ocop.services.paperwork.packet import write_packet
from ocop.services.paperwork.register import DocSpec, current_document, list_documents
from ocop.services.paperwork.use_cases import SignOffResult
from ocop.services.registrations.verification import dossier_totals
from ocop.services.results import freeze, ranking, recognition
from ocop.services.results.ranking import RankSummary, stored_ranking
from ocop.services.runtime import DocumentsSummary, issue_all, merge_summaries, register_for
from ocop.settings import Settings

S = TypeVar("S", DocSpec, DocSpec | None)


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One product's result as the council's table shows it; the mean is exact (present.mean formats it)."""

    code: str
    product: str
    producer: str
    commune: str
    mean: Fraction
    star_by_score: int
    stars: int
    cap_reason: str
    outcome: str  # referred, recognised, none (present.OUTCOME)
    spread: int
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RankResult:
    campaign: str
    changed: int
    counts: dict[int, int]  # stars -> products
    present: int  # members present
    council: int  # members
    quorum: Quorum
    blocked: tuple[str, ...]  # products held back by the spread rule, as the minutes say it
    rescores: tuple[str, ...]
    ranking: tuple[RankedRow, ...]
    documents: DocumentsSummary
    sign_off: SignOffResult | None = None
    waiting: str = ""  # why the minutes and the result notices are not issued yet (no end time)


# the minutes state when the meeting ended; until it is recorded they and the notices that follow them wait
MINUTES_WAIT = ("Biên bản họp và thông báo kết quả chờ giờ kết thúc phiên họp: ghi bằng ocop meeting close "
                "--at HH:MM, rồi chạy lại bước tổng hợp điểm và phân hạng.")


@dataclass(frozen=True, slots=True)
class RecognisedRow:
    code: str
    product: str
    stars: int


@dataclass(frozen=True, slots=True)
class RecogniseResult:
    campaign: str
    recognised: tuple[RecognisedRow, ...]
    decision: str  # the recognising decision's number and symbol, once issued
    documents: DocumentsSummary
    follow_up: bool  # certificates wait for the decision: run again after sign-off
    reason: str  # why nothing (or not everything) was recognised
    sign_off: SignOffResult | None = None


@dataclass(frozen=True, slots=True)
class ReferredRow:
    code: str
    product: str
    mean: Fraction
    stars: int


@dataclass(frozen=True, slots=True)
class ReferResult:
    campaign: str
    referred: tuple[ReferredRow, ...]
    document: str  # the Tờ trình's number and symbol, or "dự thảo #id"
    issued_on: date
    overdue: bool  # after the plan's referral deadline
    documents: DocumentsSummary
    sign_off: SignOffResult | None = None
    # the files of what the Tờ trình attaches (the minutes, the summary table): PDF where there is one
    attachments: tuple[str, ...] = ()
    # the referral packet: the issued Tờ trình and its attachments in one ZIP with a hash manifest
    packet: str = ""


def rank(settings: Settings, code: str | None) -> RankResult:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = ranking.rank(s, campaign)
        register = register_for(settings, s, campaign)
        ended = campaign.meeting_end_time is not None
        results = [d for d in specs.results_documents(campaign, summary, dossiers=dossier_totals(s, campaign))
                   if ended or d.kind != "bien_ban_hop_hoi_dong"]
        docs = merge_summaries(register.produce(results),
                      register.produce(notices.result_notices(s, campaign, summary) if ended else iter(()),
                                       len(summary.results), "Thông báo kết quả đánh giá"))
        if ended:
            register.withdraw("thong_bao_ket_qua", {r.code for r in summary.results},
                              "Sản phẩm không còn kết quả trong lần phân hạng mới")
        return RankResult(campaign.code, summary.changed, summary.counts, len(summary.present), len(summary.council),
                          summary.quorum, tuple(b.text(summary.max_spread) for b in summary.blocked),
                          tuple(r.text() for r in summary.rescores), ranking_rows(summary), docs,
                          waiting="" if ended else MINUTES_WAIT)


def require_minutes(session: Session, campaign: Campaign) -> None:
    """Recognition and referral rest on the minutes: refused until the rank stage has issued them."""
    if current_document(session, campaign, "bien_ban_hop_hoi_dong") is None:
        raise ScoringError("Chưa có biên bản họp Hội đồng: " + MINUTES_WAIT)


def recognise(settings: Settings, code: str | None) -> RecogniseResult:
    """Where this level recognises stars itself: the recognising decision, then the certificates."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        level = get_edition(campaign.edition_code).level(campaign.level)
        if not level.recognises:
            return RecogniseResult(campaign.code, (), "", merge_summaries(), False,
                                   f"Theo {campaign.edition_code}, {level.name} không công nhận hạng sao; "
                                   f"sản phẩm đạt ngưỡng được đề nghị {level.refers_to}.")
        summary = stored_ranking(s, campaign)
        require_minutes(s, campaign)
        register = register_for(settings, s, campaign)
        spec = _dated(s, campaign, "qd_cong_nhan", lambda on: recognition.decision(campaign, summary, on))
        first = register.produce([spec] if spec else [])
        current = current_document(s, campaign, "qd_cong_nhan")
        issued = current if current is not None and current.status == "issued" else None
        ready = issued is not None
        second = register.produce(recognition.certificates(campaign, summary, issued) if issued is not None else [])
        if spec is None:
            register.withdraw("qd_cong_nhan", (), "Không còn sản phẩm được công nhận theo kết quả mới")
        if spec is None or issued is not None:
            register.withdraw("giay_chung_nhan", {r.code for r in recognition.recognised(summary)},
                              "Sản phẩm không còn được công nhận theo kết quả mới")
        return RecogniseResult(
            campaign.code, tuple(RecognisedRow(r.code, r.name, r.stars) for r in recognition.recognised(summary)),
            issued.symbol if issued is not None else "", merge_summaries(first, second), spec is not None and not ready,
            "" if ready or spec is None else "Giấy chứng nhận chờ Quyết định công nhận được ban hành.")


def _dated(session: Session, campaign: Campaign, kind: str, build: Callable[[date | None], S]) -> S:
    """A result document's spec at its own date; once results were reopened, at the reopening's date
    if it changes (what it replaces, and what it cites anew, were issued before the reopening) or
    cannot be drawn up at its own date (it cites a document re-issued since)."""
    reopened = freeze.last_reopening(session, campaign)
    if reopened is None:
        return build(None)
    try:
        spec = build(None)
    except DocumentError:
        return build(reopened.on)
    if spec is None or spec.issued_on >= reopened.on:
        return spec
    current = current_document(session, campaign, kind)
    if current is not None and current.status == "issued" and current.context_sha256 == spec.fingerprint():
        return spec  # unchanged: it stays as issued
    return build(reopened.on)


def ranking_rows(summary: RankSummary) -> tuple[RankedRow, ...]:
    return tuple(RankedRow(r.code, r.name, r.producer, r.commune, r.mean, r.star_by_score, r.stars, r.cap_reason,
                           r.outcome, r.spread, tuple(r.flags)) for r in summary.results)


def refer(settings: Settings, code: str | None) -> ReferResult:
    """Record the referral of every product at or above the edition's threshold and issue the Tờ trình."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = stored_ranking(s, campaign)
        if not summary.quorum.met:
            raise ScoringError(f"Không lập tờ trình: {summary.quorum.text()}")
        require_minutes(s, campaign)
        referred = [r for r in summary.results if r.outcome == REFERRED]
        spec = _dated(s, campaign, "to_trinh_de_nghi_tinh", lambda on: specs.referral(campaign, summary, on))
        docs = issue_all(settings, s, campaign, [spec])
        doc = next(d for d in reversed(list_documents(s, campaign))
                   if d.kind == spec.kind and d.status in ("draft", "approved", "issued"))
        existing = {r.product_id: r for r in s.scalars(select(Referral).where(Referral.campaign_id == campaign.id))}
        wanted = {r.product_id for r in referred}
        stale = [pid for pid in existing if pid not in wanted]
        if stale:
            s.execute(delete(Referral).where(Referral.campaign_id == campaign.id, Referral.product_id.in_(stale)))
        for pid in wanted:
            row = existing.get(pid) or Referral(campaign_id=campaign.id, product_id=pid)
            row.document_id = doc.id
            s.add(row)
        on = doc.issued_on
        attached = [current_document(s, campaign, kind) for kind in specs.REFERRAL_ATTACHMENTS]
        files = tuple(str(located(settings.out_dir, d.pdf_path or d.file_path))
                      for d in attached if d is not None and d.status == "issued")
        result = ReferResult(campaign.code, tuple(ReferredRow(r.code, r.name, r.mean, r.stars) for r in referred),
                             doc.symbol or f"dự thảo #{doc.id}", on, on > campaign.deadline_referral, docs,
                             attachments=files)
    path, note = write_packet(settings, result.campaign)
    documents = replace(result.documents, notes=(*result.documents.notes, note)) if note else result.documents
    return replace(result, packet=path, documents=documents)
