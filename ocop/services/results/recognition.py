"""Recognise stage: where the edition lets this level recognise a star (148: the district, 3★),
the decision recognising the results and one certificate per product, valid 36 months."""

from __future__ import annotations

from datetime import date

from ocop import present
from ocop.documents.decree30 import CERTIFICATE_TYPE, EFFECT_CLAUSE, certificate_symbol
from ocop.persistence.models import Campaign, Document
from ocop.rules.certificates import valid_until
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition
from ocop.rules.outcome import RECOGNISED
from ocop.services.paperwork import bases
from ocop.services.paperwork.register import DocSpec
from ocop.services.paperwork.specs import (
    chief_of_staff,
    decision_recipients,
    head_of,
    set_label,
    signature_block,
    spec_for,
)
from ocop.services.results.ranking import Ranked, RankSummary


def recognised(summary: RankSummary) -> list[Ranked]:
    return [r for r in summary.results if r.outcome == RECOGNISED]


def decision(campaign: Campaign, summary: RankSummary, on: date | None = None) -> DocSpec | None:
    """Quyết định công nhận kết quả đánh giá, phân hạng (None when nothing is recognised here;
    ``on``: a later date, once results were reopened)."""
    products = recognised(summary)
    if not products:
        return None
    edition = get_edition(campaign.edition_code)
    sets = load_sets(edition.criteria_dir)
    on = on or campaign.details.recognition_date or campaign.deadline_referral
    signer = campaign.details.signer("issuer")
    until = valid_until(on, edition.certificate_months)  # the last day it is valid
    # a product whose star a mandatory criterion holds below what its mean gives: a numbered note under the table
    marks = {r.code: n for n, r in enumerate((r for r in products if r.cap_reason), 1)}
    return spec_for(
        campaign, "qd_cong_nhan", "Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP", "06-cong-nhan",
        on, body="issuer", type_code="QĐ", numbered=True, signer=signer,
        chu_ky=signature_block(signer, collective=False),
        trich_yeu=f"Về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP năm {campaign.year}",
        tham_quyen=f"CHỦ TỊCH {campaign.issuing_body.upper()}",
        can_cu=[*[f"Căn cứ {b};" for b in bases.citations(campaign, "qd_cong_nhan", on, "Quyết định công nhận")],
                f"Theo đề nghị của {head_of(campaign.office)}."],
        dieu_1=(f"Công nhận {present.count(len(products))} sản phẩm OCOP năm {campaign.year} đạt hạng "
                f"{present.join_and([present.stars(s) for s in sorted({r.stars for r in products})])}, "
                "cụ thể như sau:"),
        san_pham=[{"stt": i, "ten_san_pham": r.name, "chu_the": r.producer,
                   "dia_chi": present.producer_address(r.commune, campaign.district),
                   "bo_san_pham": set_label(sets, r.set_code),
                   "diem_tb": present.mean(r.mean),
                   "sao": " ".join([present.stars(r.stars), *([present.note_marks([marks[r.code]])] if r.code in marks
                                                             else [])])}
                  for i, r in enumerate(products, 1)],
        ghi_chu=[{"so": present.note_marks([marks[r.code]]),
                  "noi_dung": f"Sản phẩm {r.name}: hạng sao xét theo tiêu chí bắt buộc, {r.cap_reason[:1].lower()}"
                              f"{r.cap_reason[1:]}"}
                 for r in products if r.code in marks],
        dieu_khac=[
            f"Các sản phẩm tại Điều 1 được cấp Giấy chứng nhận sản phẩm OCOP, có giá trị {edition.certificate_months} "
            f"tháng kể từ ngày ký Quyết định này (đến {present.date_long(until)}).",
            EFFECT_CLAUSE,
            f"{chief_of_staff(campaign)}, {head_of(campaign.office)}, các chủ thể có sản phẩm "
            "tại Điều 1 và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."],
        noi_nhan=decision_recipients(campaign, 4),
    )


def certificates(campaign: Campaign, summary: RankSummary, issued_decision: Document) -> list[DocSpec]:
    """One Giấy chứng nhận per recognised product, citing the issued decision and numbered with it:
    the certificate of the decision's row i carries the number that row prints (certificate_symbol)."""
    edition = get_edition(campaign.edition_code)
    sets = load_sets(edition.criteria_dir)
    on = issued_decision.issued_on
    signer = campaign.details.signer("issuer")
    cited = f"Quyết định số {issued_decision.symbol} ngày {present.date_short(on)} của Chủ tịch {campaign.issuing_body}"
    return [
        spec_for(
            campaign, "giay_chung_nhan", f"Giấy chứng nhận sản phẩm OCOP - {r.code}", "06-cong-nhan/giay-chung-nhan",
            on, body="issuer", type_code=CERTIFICATE_TYPE, numbered=True, signer=signer, subject=r.code,
            symbol=certificate_symbol(issued_decision.symbol, i),
            chu_ky=signature_block(signer, collective=False),
            ten_san_pham=r.name, chu_the=r.producer,
            dia_chi=present.producer_address(r.commune, campaign.district, campaign.province),
            bo_san_pham=set_label(sets, r.set_code), sao=r.stars, sao_ky_hieu=present.star_symbols(r.stars),
            diem_tb=present.mean(r.mean), quyet_dinh=cited,
            hieu_luc_den=present.date_long(valid_until(on, edition.certificate_months)),
        )
        for i, r in enumerate(recognised(summary), 1)
    ]
