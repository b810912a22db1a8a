"""Results freeze once issued: a score change after the results went out needs a recorded reopening.

What the rank stage issues states results: the minutes (every ranked product) and each product's
result notice; recognition (the decision, the certificates) and referral (the Tờ trình) act on
all of them. Once any of these is issued, a score change that would alter what it says — a
sheet imported or re-scored for a product it covers, any attendance change, and after
recognition or referral any sheet at all — is refused until someone records a reopening (who,
why, on which date). The reopening lets changes through until results are issued again; then
the rank, recognise and refer stages issue new versions of what changed and mark the old ones
replaced (see ``paperwork.register``). A product the spread rule held back has no result yet,
so its members may re-score it until recognition or referral.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop import present
from ocop.documents.decree30 import type_name
from ocop.errors import InputError, ScoringError
from ocop.inputs import text_argument
from ocop.persistence.models import Campaign, Document, Product, Registration, Reopening, Result
from ocop.rules import limits

MINUTES = "bien_ban_hop_hoi_dong"  # states every ranked product's result
NOTICE = "thong_bao_ket_qua"  # states one product's result (subject: the product's code)
FINAL = ("qd_cong_nhan", "giay_chung_nhan", "to_trinh_de_nghi_tinh")  # recognition, referral: act on all results
RESULT_KINDS = (MINUTES, NOTICE, *FINAL)
REOPEN_COMMAND = 'ocop meeting reopen --by "Họ tên" --reason "Lý do"'


def last_reopening(session: Session, campaign: Campaign) -> Reopening | None:
    return session.scalar(select(Reopening).where(Reopening.campaign_id == campaign.id)
                          .order_by(Reopening.at.desc(), Reopening.id.desc()).limit(1))


def issued_results(session: Session, campaign: Campaign) -> list[Document]:
    """The result documents issued (and still standing) since the last reopening, in register order."""
    query = select(Document).where(Document.campaign_id == campaign.id, Document.kind.in_(RESULT_KINDS),
                                   Document.status == "issued")
    reopened = last_reopening(session, campaign)
    if reopened is not None:
        query = query.where(Document.issued_at > reopened.at)
    return list(session.scalars(query.order_by(Document.id)))


def describe(docs: list[Document]) -> str:
    """The issued result documents as a message names them: numbered ones by number, many by count."""
    by_kind: dict[str, list[Document]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc)
    parts = []
    for group in by_kind.values():
        first = group[0]
        if len(group) == 1:
            parts.append(present.document_ref(type_name(first.type_code), first.symbol, first.issued_on))
        else:
            parts.append(f"{first.title.split(' - ')[0]} ({len(group)} văn bản)")
    return "; ".join(parts)


def _refusal(docs: list[Document], what: str) -> ScoringError:
    return ScoringError(
        f"Kết quả đánh giá đã ban hành ({describe(docs)}): không {what}. Muốn sửa, ghi nhận việc mở lại kết quả "
        f"trước ({REOPEN_COMMAND}); sau khi sửa, chạy lại các bước phân hạng, công nhận, đề nghị để ban hành văn "
        "bản thay thế.")


def refuse_score_change(session: Session, campaign: Campaign, product_ids: Collection[int]) -> None:
    """Refuse a change of these products' sheets when an issued result document covers one of them."""
    refuse_change(session, campaign, product_ids, "sửa được phiếu đánh giá của sản phẩm ")


def refuse_change(session: Session, campaign: Campaign, product_ids: Collection[int], what: str) -> None:
    """Refuse a change of what these products' results rest on (their sheets, their registration)
    when an issued result document covers one of them; ``what`` is followed by their codes."""
    if not product_ids:
        return
    docs = issued_results(session, campaign)
    if not docs:
        return
    kinds = {d.kind for d in docs}
    if kinds & set(FINAL):
        frozen = set(product_ids)
    else:
        covered: set[int] = set()
        if MINUTES in kinds:
            covered |= set(session.scalars(select(Result.product_id).where(Result.campaign_id == campaign.id)))
        noticed = {d.subject for d in docs if d.kind == NOTICE}
        if noticed:
            covered |= set(session.scalars(
                select(Product.id).join(Registration, Registration.product_id == Product.id)
                .where(Registration.campaign_id == campaign.id, Product.code.in_(noticed))))
        frozen = covered & set(product_ids)
    if frozen:
        codes = sorted(c or "" for c in session.scalars(select(Product.code).where(Product.id.in_(frozen))))
        raise _refusal(docs, what + ", ".join(codes))


def refuse_attendance_change(session: Session, campaign: Campaign) -> None:
    """Attendance decides every result: refused once any result document is issued."""
    docs = issued_results(session, campaign)
    if docs:
        raise _refusal(docs, "sửa được danh sách thành viên có mặt")


def reopen(session: Session, campaign: Campaign, by: str, reason: str, on: date) -> Reopening:
    """Record that issued results are opened again for a change: who asked, why, on which date."""
    by, reason = text_argument("--by", by, limits.PERSON_NAME), text_argument("--reason", reason, limits.PARAGRAPH)
    if not by or not reason:
        raise InputError("Cần ghi người đề nghị mở lại (--by) và lý do (--reason).")
    docs = issued_results(session, campaign)
    if not docs:
        reopened = last_reopening(session, campaign)
        already = (f"; kết quả đã được {present.reopening(reopened.by, reopened.reason, reopened.on)}"
                   if reopened is not None else "")
        raise ScoringError(f"Chưa có văn bản kết quả nào ban hành{already}: phiếu đánh giá sửa được, không cần mở lại.")
    latest = max(d.issued_on for d in docs)
    if on < latest:
        raise InputError(f"Ngày mở lại {present.date_short(on)} trước ngày ban hành kết quả "
                         f"{present.date_short(latest)} (--on).")
    row = Reopening(campaign_id=campaign.id, by=by, reason=reason, on=on, at=datetime.now())
    session.add(row)
    session.flush()
    return row
