"""Which texts each kind of document cites ("Căn cứ …"), and how: the one place for that rule.

A document cites only what exists on its date (ocop.rules.legal), each text once. The campaign's
own documents cite each other by number and date from the register: a document is drafted only
once what it cites is issued, and never cites a document dated after it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ocop import present
from ocop.errors import DocumentError, InputError
from ocop.persistence.models import Campaign, Document
from ocop.rules import legal
from ocop.rules.editions import get_edition

COMPETENCE = "competence"  # the Law on Local Government in force (the chair's competence to decide)
EDITION = "edition"  # the OCOP decision the campaign applies, with its amendments by then
CAMPAIGN = "campaign"  # the campaign file's [[legal_bases]]: the province's and district's plans
COUNCIL_DECISION = "qd_thanh_lap_hoi_dong"  # the campaign's own documents, by register kind
PLAN = "ke_hoach"
MINUTES = "bien_ban_hop_hoi_dong"
SUMMARY_TABLE = "bang_tong_hop"  # unnumbered: cited by its date, with the minutes it accompanies

# The bases of each kind of document, in the order it cites them.
BASES: dict[str, tuple[str, ...]] = {
    "qd_thanh_lap_hoi_dong": (COMPETENCE, EDITION, CAMPAIGN),
    "qd_ban_hanh_quy_che": (EDITION, COUNCIL_DECISION),
    "ke_hoach": (CAMPAIGN,),
    "thong_bao_kiem_tra_ho_so": (PLAN,),
    "bao_cao_danh_gia_so_bo": (PLAN,),  # a commune's report (1489) acts on the province's plan
    "qd_cong_nhan": (COMPETENCE, EDITION, CAMPAIGN, PLAN, MINUTES),
    "to_trinh_de_nghi_tinh": (EDITION, CAMPAIGN, PLAN, MINUTES),
}

# What a kind of document cites when its own bases give nothing: a province's plan whose campaign file names
# no [[legal_bases]] acts on the OCOP decision itself (a district's plan cites its province's plan there).
FALLBACK: dict[str, tuple[str, ...]] = {"ke_hoach": (EDITION,)}

# The campaign's own documents as a citing document names them when they are missing.
CITED_NAMES = {
    COUNCIL_DECISION: "Quyết định thành lập Hội đồng",
    PLAN: "Kế hoạch tổ chức đánh giá và phân hạng",
    MINUTES: "Biên bản họp Hội đồng",
    SUMMARY_TABLE: "Bảng tổng hợp kết quả đánh giá, phân hạng",
}


def campaign_bases(campaign: Campaign) -> tuple[legal.Instrument, ...]:
    """The campaign file's ``[[legal_bases]]`` as stored."""
    try:
        return tuple(legal.Instrument.from_mapping(b) for b in campaign.legal_bases or ())
    except (KeyError, TypeError, ValueError):  # stored before bases had a number and a date
        raise InputError(
            "Căn cứ pháp lý của kế hoạch được lưu theo dạng cũ (một dòng chữ): ghi lại mục 'legal_bases' của tệp "
            "kế hoạch thành các bảng [[legal_bases]] (kind, number, date, issuer, title) rồi chạy lại "
            "'ocop campaign create TỆP'."
        ) from None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _own(doc: Document, campaign: Campaign) -> legal.Instrument:
    """An issued document of the campaign as a text to cite, from its register entry."""
    subject = _lower_first(str((doc.context or {}).get("trich_yeu", "")))
    if doc.kind == COUNCIL_DECISION:
        return legal.Instrument("Quyết định", doc.symbol or "", doc.issued_on, f"Chủ tịch {campaign.issuing_body}",
                                subject)
    if doc.kind == PLAN:
        return legal.Instrument("Kế hoạch", doc.symbol or "", doc.issued_on, campaign.issuing_body,
                                f"về {subject}" if subject else "")
    return legal.Instrument("Biên bản", doc.symbol or "", doc.issued_on, doc.issuer)


def _session(campaign: Campaign) -> Session:
    session = object_session(campaign)
    assert session is not None, "a campaign is read in a unit of work"
    return session


def issued(session: Session, campaign: Campaign, kind: str) -> Document | None:
    """The issued document of this kind in the campaign (its latest version), if any."""
    return session.scalar(
        select(Document).where(Document.campaign_id == campaign.id, Document.kind == kind,
                               Document.subject == "", Document.status == "issued")
        .order_by(Document.version.desc()).limit(1))


def cited_document(campaign: Campaign, kind: str, citing: str, on: date) -> Document:
    """The issued document of ``kind`` a document titled ``citing`` dated ``on`` cites; refused when it is
    not issued yet or is dated after ``on``."""
    doc = issued(_session(campaign), campaign, kind)
    name = CITED_NAMES[kind]
    if doc is None:
        raise DocumentError(
            f"Chưa lập được {citing}: văn bản này dẫn số, ngày của {name}, mà {name} chưa được ban hành. "
            "Hãy ký duyệt, ban hành văn bản đó trước ('ocop documents list', 'ocop documents issue ID').")
    if doc.issued_on > on:
        raise DocumentError(
            f"Chưa lập được {citing} ngày {present.date_short(on)}: văn bản này dẫn {name} số {doc.symbol}, "
            f"ban hành sau đó (ngày {present.date_short(doc.issued_on)}). Sửa ngày của một trong hai văn bản "
            "trong tệp kế hoạch.")
    return doc


def citations(campaign: Campaign, kind: str, on: date, citing: str) -> list[str]:
    """What a document of ``kind`` dated ``on`` cites, in order, each text once and only what exists on ``on``.

    ``citing`` names the document in the message when a campaign document it cites is not issued yet;
    the register is read in the campaign's own session.
    """
    texts = _citations(campaign, BASES[kind], on, citing)
    return texts or _citations(campaign, FALLBACK.get(kind, ()), on, citing)


def _citations(campaign: Campaign, kinds: tuple[str, ...], on: date, citing: str) -> list[str]:
    edition = get_edition(campaign.edition_code)
    found: list[legal.Citation | None] = []
    for basis in kinds:
        if basis == COMPETENCE:
            found.append(legal.competence(on))
        elif basis == EDITION:
            found.append(edition.citation(on))
        elif basis == CAMPAIGN:
            found += [legal.cite(b, on) for b in campaign_bases(campaign)]
        elif basis == PLAN and not campaign.details.plan:
            continue  # a campaign without a [plan] issues no Kế hoạch to cite
        else:
            found.append(legal.cite(_own(cited_document(campaign, basis, citing, on), campaign), on))
    return [c.text for c in legal.unique(found)]


def acting_on(campaign: Campaign, kind: str, on: date, citing: str) -> str:
    """What a letter of ``kind`` acts on ("Thực hiện …"): 'Kế hoạch số 19/KH-UBND ngày 26/5/2020 của … về …',
    or the campaign's name where it has no plan document."""
    texts = citations(campaign, kind, on, citing)
    return "; ".join(texts) if texts else campaign.name
