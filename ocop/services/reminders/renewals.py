"""Certificates due for re-evaluation: those of every campaign in the database that expire within
some months of a day, and those already expired. Read-only.

A certificate is an issued Giấy chứng nhận (document kind ``giay_chung_nhan``, status ``issued``:
a replaced or cancelled one no longer counts), dated by its recognising decision; its validity is
the rule of ``ocop.rules.certificates`` with its campaign's edition's ``certificate_months``.
Only a product's latest certificate counts: one recognised again later (the same producer and
product name, folded as the registrations match them: ``ocop.text.fold``) is not due, whatever
became of its earlier certificate. One query, with a window function picking each product's
latest certificate; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocop import present
from ocop.persistence.models import Campaign, Document, Producer, Product, Registration, Result
from ocop.rules.certificates import RENEWAL_MONTHS, due_for_renewal, latest_issue_due, renewal_horizon, valid_until
from ocop.rules.editions import editions, get_edition

CERTIFICATE = "giay_chung_nhan"  # the document kind of a Giấy chứng nhận (recognise stage)


@dataclass(frozen=True, slots=True)
class DueCertificate:
    """One certificate due for re-evaluation, with what a registration of its product needs."""

    number: str  # "20-01/GCN-UBND"
    issued_on: date
    valid_until: date  # the last day it is valid
    days_left: int  # from the day asked about to ``valid_until``; negative once expired
    status: str  # "còn 362 ngày", "đã hết hạn 3 ngày"
    stars: int | None
    campaign: str  # the campaign that issued it
    edition: str
    product_code: str
    product: str
    producer: str
    producer_kind: str
    commune: str
    address: str
    representative: str
    phone: str
    set_code: str  # the product's set in the issuing campaign ("" if unknown)
    province: str  # of the issuing campaign
    district: str
    level: str

    @property
    def expired(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True, slots=True)
class RenewalsReport:
    """Certificates of every campaign valid until ``until`` or earlier, ordered by that day."""

    on: date
    months: int
    until: date  # the last validity end listed: ``months`` after ``on``
    certificates: tuple[DueCertificate, ...] = ()

    @property
    def expired(self) -> int:
        return sum(1 for c in self.certificates if c.expired)


def due_certificates(session: Session, on: date, months: int = RENEWAL_MONTHS) -> RenewalsReport:
    """Certificates in the database (every campaign) expiring within ``months`` of ``on``, and
    those already expired, that no later certificate of the same product supersedes."""
    until = renewal_horizon(on, months)
    shortest = min(e.certificate_months for e in editions().values())
    latest = func.row_number().over(
        partition_by=(Producer.name_key, Product.name_key),
        order_by=(Document.issued_on.desc(), Document.id.desc())).label("latest")
    ranked = (
        select(Document.id, Document.symbol, Document.issued_on, Document.campaign_id, Product.id.label("product_id"),
               latest)
        .join(Product, Product.code == Document.subject).join(Producer, Producer.id == Product.producer_id)
        .where(Document.kind == CERTIFICATE, Document.status == "issued")
        .subquery())
    rows = session.execute(
        select(ranked.c.symbol, ranked.c.issued_on, Campaign.code.label("campaign"), Campaign.edition_code,
               Campaign.province, Campaign.district, Campaign.level, Product.code, Product.name,
               Producer.name.label("producer"), Producer.kind, Producer.commune, Producer.address,
               Producer.representative, Producer.phone, Result.stars, Registration.set_code)
        .join(Campaign, Campaign.id == ranked.c.campaign_id)
        .join(Product, Product.id == ranked.c.product_id).join(Producer, Producer.id == Product.producer_id)
        .outerjoin(Result, (Result.campaign_id == ranked.c.campaign_id) & (Result.product_id == Product.id))
        .outerjoin(Registration, (Registration.campaign_id == ranked.c.campaign_id)
                   & (Registration.product_id == Product.id))
        .where(ranked.c.latest == 1, ranked.c.issued_on <= latest_issue_due(on, months, shortest))).all()
    found = []
    for r in rows:
        end = valid_until(r.issued_on, get_edition(r.edition_code).certificate_months)
        if not due_for_renewal(end, on, months):
            continue
        left = (end - on).days
        found.append(DueCertificate(
            r.symbol, r.issued_on, end, left, present.certificate_status(left), r.stars, r.campaign,
            r.edition_code, r.code or "", r.name, r.producer, r.kind, r.commune, r.address, r.representative,
            r.phone, r.set_code or "", r.province, r.district, r.level))
    found.sort(key=lambda c: (c.valid_until, c.campaign, c.number))
    return RenewalsReport(on, months, until, tuple(found))


HEADING = "Giấy chứng nhận sắp hết hạn — cần đánh giá lại"


def heading(report: RenewalsReport) -> str:
    """The section's heading, saying that it covers every campaign in the database."""
    counts = (f"{len(report.certificates)} giấy" + (f", trong đó {report.expired} đã hết hạn" if report.expired
                                                     else "")) if report.certificates else "không có giấy nào"
    return (f"{HEADING} (mọi kế hoạch trong cơ sở dữ liệu, hiệu lực đến hết ngày "
            f"{present.date_short(report.until)} trở về trước): {counts}.")


def describe(c: DueCertificate) -> str:
    """'Số 20-01/GCN-UBND — LN-02 Vải sấy — Hợp tác xã Vải Bình Sơn (Bình Sơn), 3 sao, cấp 30/10/2024,
    hiệu lực đến hết ngày 30/10/2027: còn 362 ngày'."""
    stars = f", {present.stars(c.stars)}" if c.stars else ""
    return (f"Số {c.number} — {c.product_code} {c.product} — {c.producer} ({c.commune}){stars}, cấp "
            f"{present.date_short(c.issued_on)}, hiệu lực đến hết ngày {present.date_short(c.valid_until)}: {c.status}")
