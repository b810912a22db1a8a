"""Typed SQLAlchemy 2 models of a campaign and everything it produces."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from ocop.rules.campaign import CampaignDetails, CampaignRules

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[object, type[TypeEngine[Any]]]] = {dict[str, Any]: JSON, list[str]: JSON}


class Campaign(Base):
    """One yearly evaluation plan of an issuing body, pinned to one legal edition."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int]
    # the round (đợt) within the year: an office running two a year has one campaign per round, each
    # with its own file, council meeting and documents; the body's number series runs on through them
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    edition_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100))
    place_name: Mapped[str] = mapped_column(String(100))
    issuing_body: Mapped[str] = mapped_column(String(200))
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    issuer_code: Mapped[str] = mapped_column(String(20))
    office: Mapped[str] = mapped_column(String(200))
    office_code: Mapped[str] = mapped_column(String(20))
    council_name: Mapped[str] = mapped_column(String(300))
    council_code: Mapped[str] = mapped_column(String(20))
    deadline_verification: Mapped[date] = mapped_column(Date)
    deadline_evaluation: Mapped[date] = mapped_column(Date)
    deadline_referral: Mapped[date] = mapped_column(Date)
    # the campaign file's [[legal_bases]] as stored (kind, number, date, issuer, title); read them
    # through ocop.services.paperwork.bases, never raw
    legal_bases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # the campaign file's rules, dates, signers, numbering and plan texts as stored (column "settings");
    # read them through ``rules`` and ``details``, never raw
    file_data: Mapped[dict[str, Any]] = mapped_column("settings", JSON, default=dict)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    meeting_time: Mapped[time | None] = mapped_column(Time)
    meeting_venue: Mapped[str | None] = mapped_column(String(300))
    # when the meeting ended: ``meeting close --at``, or the campaign file's meeting.end_time; the minutes wait for it
    meeting_end_time: Mapped[time | None] = mapped_column(Time)
    # planned -> open (scores come in; a new sheet replaces the old) -> closed (sheets locked)
    meeting_status: Mapped[str] = mapped_column(String(10), default="planned")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    people: Mapped[list[Person]] = relationship(
        back_populates="campaign", order_by="[Person.body, Person.sort_order, Person.id]",
        cascade="all, delete-orphan",
    )

    @property
    def rules(self) -> CampaignRules:
        """The campaign file's [rules], typed; a rule an older stored campaign lacks reads its default."""
        return CampaignRules.from_mapping((self.file_data or {}).get("rules"))

    @property
    def details(self) -> CampaignDetails:
        """The rest of the campaign file, typed: dates, plan texts, numbering, signers, communes."""
        return CampaignDetails.from_mapping(self.file_data)


class Person(Base):
    """A council member or a secretariat member of one campaign."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("campaign_id", "body", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(20))  # council | secretariat
    role: Mapped[str] = mapped_column(String(20))  # chair | vice_chair | member | head
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[bool] = mapped_column(Boolean, default=True)

    campaign: Mapped[Campaign] = relationship(back_populates="people")


class Producer(Base):
    """A producer (chủ thể): enterprise, co-op, co-operative group or household."""

    __tablename__ = "producer"
    __table_args__ = (UniqueConstraint("name_key", "commune"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))  # DN | HTX | THT | HKD
    commune: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    representative: Mapped[str] = mapped_column(String(100), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")


class Product(Base):
    """A product of a producer; the code is the office's own identifier."""

    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("producer_id", "name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"))
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))

    producer: Mapped[Producer] = relationship()


class Registration(Base):
    """A product registered into a campaign, with its dossier-check status."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    set_code: Mapped[str] = mapped_column(String(10))
    commune_confirmed: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="registered")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    # first | upgrade | reevaluation; the last two refer to an earlier certificate
    kind: Mapped[str] = mapped_column(String(20), default="first", server_default="first")
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    certificate_date: Mapped[date | None] = mapped_column(Date)
    certificate_stars: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[date | None] = mapped_column(Date)
    # dossier items declared by the file, {item key: submitted}; {} when the file declares none
    dossier: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # the commune's pre-assessment (1489): criterion -> met, as its list gave it; empty where the edition has none
    pre_assessment: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # set by the verify stage: items to supplement, their due date, registered after the deadline
    missing: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    due_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    product: Mapped[Product] = relationship()


class FieldInspection(Base):
    """An on-site check of a registration's producer (kiểm tra thực tế tại cơ sở)."""

    __tablename__ = "field_inspection"
    __table_args__ = (UniqueConstraint("registration_id", "inspected_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    inspected_on: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    findings: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool] = mapped_column(Boolean, default=True)


class ScoreSheet(Base):
    """One member's score sheet for one product: options per criterion, or part totals."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    mode: Mapped[str] = mapped_column(String(10))  # criteria | parts
    part_a: Mapped[int]
    part_b: Mapped[int]
    part_c: Mapped[int]
    total: Mapped[int]
    source: Mapped[str] = mapped_column(String(300), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)  # raised by every change of the sheet

    items: Mapped[list[ScoreItem]] = relationship(cascade="all, delete-orphan")
    member: Mapped[Person] = relationship()


class ScoreItem(Base):
    """The points of the option a member chose for one criterion."""

    __tablename__ = "score_item"
    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("score_sheet.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    points: Mapped[int]


class Result(Base):
    """A product's aggregated result: mean of member totals, stars and what happens next."""

    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    sheets: Mapped[int]
    points_sum: Mapped[int]
    mean: Mapped[float] = mapped_column(Float)
    mean_a: Mapped[float] = mapped_column(Float)
    mean_b: Mapped[float] = mapped_column(Float)
    mean_c: Mapped[float] = mapped_column(Float)
    star_by_score: Mapped[int]
    stars: Mapped[int]
    cap_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20))  # referred | recognised | none
    spread: Mapped[int] = mapped_column(Integer, default=0)  # highest minus lowest member total
    flags: Mapped[str] = mapped_column(Text, default="")  # decision-support flags for the council
    # which sheets, at which revision, the result was computed from (ranking.sheets_stamp); "" before 0006
    sheets_stamp: Mapped[str] = mapped_column(String(64), default="")

    product: Mapped[Product] = relationship()


class Referral(Base):
    """A product sent up to the next level, with the referral document that lists it."""

    __tablename__ = "referral"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    product: Mapped[Product] = relationship()


class NumberSeries(Base):
    """Last number taken in one issuer's series for one calendar year (Decree 30, Điều 15).

    ``owner`` names the issuing organ within its locality (see ``series_owner``): every district
    has its own "UBND" and "Phòng Nông nghiệp…", each with its own register.
    """

    __tablename__ = "number_series"
    owner: Mapped[str] = mapped_column(String(400), primary_key=True)
    issuer_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    """The document register: every document produced, numbered or not, and its life.

    Numbered documents go draft -> approved -> issued; the number is taken at issue. An issued
    document is replaced by a new version (new number, new file) or cancelled (keeps its number).
    Forms such as score sheets are not numbered and are registered as issued when produced.
    """

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("series_owner", "issuer_code", "year", "number"),
        Index("ix_document_campaign_kind_subject", "campaign_id", "kind", "subject"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))  # template name
    subject: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    folder: Mapped[str] = mapped_column(String(200), default="")
    numbered: Mapped[bool] = mapped_column(Boolean, default=True)
    type_code: Mapped[str | None] = mapped_column(String(10))
    issuer_code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    number: Mapped[int | None]
    symbol: Mapped[str] = mapped_column(String(60), default="")
    issuer: Mapped[str] = mapped_column(String(200))
    series_owner: Mapped[str] = mapped_column(String(400))  # whose number series (register.series_owner)
    issued_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_authority: Mapped[str] = mapped_column(String(10), default="")
    signature: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    context_sha256: Mapped[str] = mapped_column(String(64))
    # paths relative to the documents folder (Settings.out_dir): a moved or restored folder still
    # verifies; a path kept absolute lies outside it (migration 0008 names such rows)
    draft_path: Mapped[str] = mapped_column(String(500), default="")
    file_path: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_path: Mapped[str] = mapped_column(String(500), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    # size and modification time (ns) of the issued files as written: the cheap check a stage and
    # `documents list` make (ocop.services.paperwork.verify.quick_check); None for files issued
    # before they were recorded, which that check hashes instead
    size: Mapped[int | None] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    pdf_size: Mapped[int | None] = mapped_column(BigInteger)
    pdf_mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ScoreChange(Base):
    """A member's sheet replaced before the meeting closed, or re-scored (with a reason) after
    the spread rule blocked a product or the meeting closed; re-scorings go into the minutes."""

    __tablename__ = "score_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(10))  # replace | rescore
    old_total: Mapped[int]
    new_total: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    member: Mapped[Person] = relationship()
    product: Mapped[Product] = relationship()


class RegistrationChange(Base):
    """A field of a registered product changed by a re-imported (corrected) row: what it was,
    what it became, and why when documents about the product were already issued."""

    __tablename__ = "registration_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Reopening(Base):
    """Issued results opened again for a change of scores: who asked, why, on which date.

    Results are frozen once issued (ocop.services.results.freeze); a reopening lets score
    changes through until the results are issued again.
    """

    __tablename__ = "reopening"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
