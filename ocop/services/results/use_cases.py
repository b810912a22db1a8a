"""Rank, recognise and refer stages: means and stars, the minutes, recognition and certificates, the referral."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from ocop.errors import ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Referral
from ocop.rules.editions import get_edition
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import notices
from ocop.services.paperwork import specs as paperwork
from ocop.services.paperwork.register import current_document, list_documents
from ocop.services.results import recognition
from ocop.services.results.ranking import rank_products, stored_ranking
from ocop.services.runtime import issue_all, merge_summaries, register_for
from ocop.settings import Settings


def rank(settings: Settings, code: str | None) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = rank_products(s, campaign)
        register = register_for(settings, s, campaign)
        docs = merge_summaries(register.produce(paperwork.results_documents(campaign, summary)),
                      register.produce(notices.result_notices(s, campaign, summary), len(summary.results),
                                       "Thông báo kết quả đánh giá"))
        return {"campaign": campaign.code, "changed": summary.changed, "counts": summary.counts,
                "present": len(summary.present),
                "council": len(summary.council), "quorum_met": summary.quorum.met, "quorum": summary.quorum.text(),
                "blocked": [b.text(summary.max_spread) for b in summary.blocked],
                "rescores": [r.text() for r in summary.rescores],
                "ranking": ranking_rows(summary), "documents": docs}


def recognise(settings: Settings, code: str | None) -> dict[str, Any]:
    """Where this level recognises stars itself: the recognising decision, then the certificates."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        level = get_edition(campaign.edition_code).level(campaign.level)
        if not level.recognises:
            return {"campaign": campaign.code, "recognised": [], "documents": merge_summaries(), "decision": "", "follow_up": False,
                    "reason": f"Theo {campaign.edition_code}, {level.name} không công nhận hạng sao; "
                              f"sản phẩm đạt ngưỡng được đề nghị {level.refers_to}."}
        summary = stored_ranking(s, campaign)
        register = register_for(settings, s, campaign)
        spec = recognition.decision(campaign, summary)
        first = register.produce([spec] if spec else [])
        issued = current_document(s, campaign, "qd_cong_nhan")
        ready = issued is not None and issued.status == "issued"
        second = register.produce(recognition.certificates(campaign, summary, issued) if ready else [])
        return {"campaign": campaign.code, "recognised": [{"code": r.code, "product": r.name, "stars": r.stars}
                               for r in recognition.recognised(summary)],
                "decision": issued.symbol if ready else "", "documents": merge_summaries(first, second),
                "follow_up": spec is not None and not ready,
                "reason": "" if ready or spec is None else "Giấy chứng nhận chờ Quyết định công nhận được ban hành."}


def ranking_rows(summary) -> list[dict[str, Any]]:  # noqa: ANN001
    return [{"code": r.code, "product": r.name, "producer": r.producer, "commune": r.commune,
             "mean": float(r.mean), "mean_text": f"{float(r.mean):.2f}", "star_by_score": r.star_by_score,
             "stars": r.stars, "cap_reason": r.cap_reason, "outcome": r.outcome, "spread": r.spread,
             "flags": list(r.flags)} for r in summary.results]


def refer(settings: Settings, code: str | None) -> dict[str, Any]:
    """Record the referral of every product at or above the edition's threshold and issue the Tờ trình."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = stored_ranking(s, campaign)
        if not summary.quorum.met:
            raise ScoringError(f"Không lập tờ trình: {summary.quorum.text()}")
        referred = [r for r in summary.results if r.outcome == "referred"]
        spec = paperwork.referral(campaign, summary)
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
        return {"referred": [{"code": r.code, "product": r.name, "mean": float(r.mean), "stars": r.stars}
                             for r in referred],
                "campaign": campaign.code, "document": doc.symbol or f"dự thảo #{doc.id}", "date": on.isoformat(),
                "overdue": on > campaign.deadline_referral, "documents": docs}
