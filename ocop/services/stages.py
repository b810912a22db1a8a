"""Use cases, one per stage of the plan: each runs in one unit of work and returns plain data.

Flows call these through tasks; the CLI and tests may call them directly.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from ocop.documents.pdf import merge
from ocop.documents.renderer import Renderer
from ocop.errors import NotFoundError, ScoringError
from ocop.inputs import Row
from ocop.persistence.db import migrate, unit_of_work
from ocop.persistence.models import Document, Referral, Registration, Result, ScoreSheet
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition
from ocop.services import (
    notices,
    paperwork,
    plan_documents,
    recognition,
    scores_workbook,
    scoring,
)
from ocop.services.campaigns import council, get_campaign, setup_campaign
from ocop.services.meeting import schedule_meeting
from ocop.services.ranking import council_quorum, rank_products
from ocop.services.register import (
    STATUS_VN,
    Register,
    Signer,
    approve,
    cancel,
    current_document,
    list_documents,
    new_version,
)
from ocop.services.registrations import import_registrations
from ocop.services.scoring import import_scores
from ocop.services import registration_workbooks, verification
from ocop.services import reminders as deadline_reminders
from ocop.services.verification import verify_registrations
from ocop.settings import Settings
from ocop.text import ascii_key


def prepare_database(settings: Settings) -> str:
    """Create or upgrade the project's database; returns its URL."""
    migrate(settings.database_url)
    return settings.database_url


def register_for(settings: Settings, session, campaign) -> Register:  # noqa: ANN001
    auto = campaign.settings.get("rules", {}).get("sign_off", "manual") == "auto"
    return Register(session, campaign, Renderer(settings.templates_dir), settings.out_dir, auto_approve=auto,
                    pdf=settings.pdf)


def _merge(*summaries) -> dict[str, Any]:  # noqa: ANN002
    merged = {"issued": 0, "unchanged": 0, "replaced": 0, "pending": [], "pdf": 0, "notes": []}
    for summary in summaries:
        for key, value in asdict(summary).items():
            merged[key] = merged[key] + value if key != "notes" else merged[key] + [
                n for n in value if n not in merged[key]]
    return merged


def _count(session, campaign, model, *where) -> int:  # noqa: ANN001
    """Rows of one campaign's table: the total of a batch, for progress reports."""
    return session.scalar(select(func.count()).select_from(model).where(model.campaign_id == campaign.id, *where))


def _issue(settings: Settings, session, campaign, specs) -> dict[str, Any]:  # noqa: ANN001
    return asdict(register_for(settings, session, campaign).produce(specs))


def set_up_campaign(settings: Settings, path: Path) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        summary = setup_campaign(s, path)
        campaign = get_campaign(s, summary.code)
        register = register_for(settings, s, campaign)
        first = register.produce([paperwork.council_decision(campaign), plan_documents.council_rules(campaign)])
        decision = current_document(s, campaign, "qd_thanh_lap_hoi_dong")
        rules = current_document(s, campaign, "qd_ban_hanh_quy_che")
        # the plan cites both decisions by number: it is drafted once they are issued
        ready = all(d is not None and d.status == "issued" for d in (decision, rules))
        plan = plan_documents.plan(
            campaign,
            plan_documents.reference(decision, f"Chủ tịch {campaign.issuing_body}"),
            plan_documents.reference(rules, campaign.council_name)) if ready else None
        second = register.produce([plan] if plan else [])
        waiting = not ready and bool(campaign.settings.get("plan"))
        return {**asdict(summary), "documents": _merge(first, second), "follow_up": waiting}


def collect_registrations(settings: Settings, code: str | None, path: Path, partial: bool = False) -> dict[str, Any]:
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
                "edition": campaign.edition_code, "communes": len(campaign.settings.get("communes") or [])}


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
                "documents": _issue(settings, s, campaign, notices.dossier_notices(s, campaign))}


def schedule(settings: Settings, code: str | None, on: date | None = None, at: time | None = None,
             venue: str | None = None, invitation_date: date | None = None,
             packs: bool = False) -> dict[str, Any]:
    """Fix the meeting, issue the invitation and the blank score sheets; with ``packs``, one
    printable PDF per member of all that member's blank sheets in agenda order."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = schedule_meeting(campaign, on, at, venue, invitation_date)
        s.flush()
        register = register_for(settings, s, campaign)
        docs = register.produce([paperwork.invitation(s, campaign)])
        sheets = _count(s, campaign, Registration, Registration.status == "eligible") * len(council(campaign))
        blank = register.produce(paperwork.blank_score_sheets(s, campaign), sheets, "Phiếu đánh giá trắng")
        printed = print_packs(s, campaign, settings, register) if packs else []
        return {**asdict(summary), "campaign": campaign.code, "documents": _merge(docs, blank), "print_packs": printed}


def print_packs(session, campaign, settings: Settings, register: Register) -> list[str]:  # noqa: ANN001
    """One PDF per council member with all of that member's blank score sheets, in agenda order."""
    order = {r.product.code: i for i, r in enumerate(paperwork.agenda(session, campaign))}
    by_member = {}
    for member in council(campaign):
        docs = session.scalars(
            select(Document).where(Document.campaign_id == campaign.id, Document.kind == "phieu_danh_gia",
                                   Document.subject.like(f"trang/{member.id}/%"), Document.status == "issued")
        ).all()
        by_member[member.name] = sorted(docs, key=lambda d: order.get(d.subject.rsplit("/", 1)[1], len(order)))
    register.pdf_copies([d for docs in by_member.values() for d in docs])
    packs = []
    for name, docs in by_member.items():
        if docs:
            out = settings.out_dir / campaign.code / "02-hop-hoi-dong" / f"in-phieu-trang_{ascii_key(name)}.pdf"
            packs.append(str(merge([Path(d.pdf_path) for d in docs], out)))
    return packs


def record_scores(settings: Settings, code: str | None, path: Path, reason: str = "") -> dict[str, Any]:
    """Long-form CSV/XLSX, or a member's workbook from `ocop scores template`: same validation."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        if scores_workbook.is_member_workbook(path):
            return asdict(scores_workbook.import_member_workbook(s, campaign, path, reason))
        return asdict(import_scores(s, campaign, path, reason))


def scores_templates(settings: Settings, code: str | None, folder: Path, member: str | None) -> list[str]:
    with unit_of_work(settings.database_url) as s:
        return [str(p) for p in scores_workbook.write_templates(s, get_campaign(s, code), folder, member)]


def missing_sheets(settings: Settings, code: str | None) -> dict[str, list[dict[str, Any]]]:
    """Per present member, the products still without their sheet, with each part's maximum."""
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
        regs = {r.product.code: r for r in paperwork.agenda(s, campaign)}
        out: dict[str, list[dict[str, Any]]] = {}
        for p in scoring.progress(s, campaign):
            parts = sets[regs[p.code].set_code].parts
            for name in p.missing:
                out.setdefault(name, []).append({"code": p.code, "name": p.name, **{k.lower(): v for k, v in parts.items()}})
        return out


def record_part_totals(settings: Settings, code: str | None, member: str, totals: dict[str, dict[str, int]],
                       source: str) -> dict[str, Any]:
    """One member's part totals per product (from a form), through the same validation as a file."""
    rows = [Row(i, {"ma_san_pham": product, "thanh_vien": member, "phan_a": t["a"], "phan_b": t["b"], "phan_c": t["c"]})
            for i, (product, t) in enumerate(totals.items(), start=1)]
    with unit_of_work(settings.database_url) as s:
        return asdict(scoring.store_rows(s, get_campaign(s, code), Path(source), rows))


def campaign_code(settings: Settings, code: str | None) -> str:
    """The code of the campaign meant: this one, or the most recent."""
    with unit_of_work(settings.database_url) as s:
        return get_campaign(s, code).code


def scores_progress(settings: Settings, code: str | None) -> list[dict[str, Any]]:
    with unit_of_work(settings.database_url) as s:
        return [asdict(p) for p in scoring.progress(s, get_campaign(s, code))]


def attendance(settings: Settings, code: str | None, absent: list[str], present: list[str]) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        missing = scoring.set_attendance(campaign, absent, present)
        _, here, q = council_quorum(campaign)
        return {"absent": missing, "present": [p.name for p in here], "quorum_met": q.met, "quorum": q.text()}


def close_meeting(settings: Settings, code: str | None) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        scoring.close_meeting(campaign)
        return {"status": campaign.meeting_status}


def issue_score_sheets(settings: Settings, code: str | None) -> dict[str, int]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        sheets = _count(s, campaign, ScoreSheet)  # an upper bound: sheets of products not fully scored wait
        summary = register_for(settings, s, campaign).produce(paperwork.score_sheets(s, campaign), sheets,
                                                              "Phiếu đánh giá đã chấm")
        return asdict(summary)


def rank(settings: Settings, code: str | None) -> dict[str, Any]:
    with unit_of_work(settings.database_url) as s:
        campaign = get_campaign(s, code)
        summary = rank_products(s, campaign)
        register = register_for(settings, s, campaign)
        docs = _merge(register.produce(paperwork.results_documents(campaign, summary)),
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
            return {"campaign": campaign.code, "recognised": [], "documents": _merge(), "decision": "", "follow_up": False,
                    "reason": f"Theo {campaign.edition_code}, {level.name} không công nhận hạng sao; "
                              f"sản phẩm đạt ngưỡng được đề nghị {level.refers_to}."}
        summary = rank_products(s, campaign)
        register = register_for(settings, s, campaign)
        spec = recognition.decision(campaign, summary)
        first = register.produce([spec] if spec else [])
        issued = current_document(s, campaign, "qd_cong_nhan")
        ready = issued is not None and issued.status == "issued"
        second = register.produce(recognition.certificates(campaign, summary, issued) if ready else [])
        return {"campaign": campaign.code, "recognised": [{"code": r.code, "product": r.name, "stars": r.stars}
                               for r in recognition.recognised(summary)],
                "decision": issued.symbol if ready else "", "documents": _merge(first, second),
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
        if s.scalar(select(Result.id).where(Result.campaign_id == campaign.id).limit(1)) is None:
            raise ScoringError("Chưa có kết quả phân hạng: chạy bước tổng hợp điểm và phân hạng trước.")
        summary = rank_products(s, campaign)
        if not summary.quorum.met:
            raise ScoringError(f"Không lập tờ trình: {summary.quorum.text()}")
        referred = [r for r in summary.results if r.outcome == "referred"]
        spec = paperwork.referral(campaign, summary)
        docs = _issue(settings, s, campaign, [spec])
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


def reminders(settings: Settings, code: str | None, on: date | None = None,
              days_before: list[int] | None = None) -> dict[str, Any]:
    """Deadline reminders, read-only: on ``on`` (default: today in the settings' time zone), what
    is still open before each deadline due for a reminder ``days_before`` working days ahead
    (default 5 and 1), and what is overdue on the first working day after a deadline; for one
    campaign, or every campaign when ``code`` is None (ocop/services/reminders.py)."""
    on = on or deadline_reminders.today(settings.timezone)
    leads = deadline_reminders.lead_times(days_before)
    deadline_reminders.require_database(settings.database_url)
    with unit_of_work(settings.database_url) as s:
        report = deadline_reminders.report(s, on, leads, code)
        s.rollback()  # read-only: nothing loaded here is ever written back
        return report
