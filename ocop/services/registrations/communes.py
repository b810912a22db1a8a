"""The commune stage of 1489: each commune's People's Committee pre-assesses its products on the edition's
criteria and sends the province one report with its list (one document per commune).

What the commune assesses and what it issues are the edition's data (``[levels.commune]``: its
``pre_assessed_criteria`` and ``report``); the results come from the communes' lists the province imported
(one Đạt/Không đạt column per criterion, ``ocop.services.registrations.form``). Each report is the commune's
own document: issued in the commune's name, numbered in its own series, signed on behalf of its People's
Committee by the chairman the campaign file names (``commune_signers``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop import present
from ocop.documents.decree30 import place_date
from ocop.errors import InputError
from ocop.persistence.models import Campaign, Producer, Product, Registration
from ocop.rules.campaign import Signer
from ocop.rules.criteria import load_sets
from ocop.rules.editions import Level, get_edition
from ocop.services.paperwork import bases
from ocop.services.paperwork.register import DocSpec
from ocop.services.paperwork.specs import set_label, signature_block
from ocop.text import ascii_key, fold

KIND = "bao_cao_danh_gia_so_bo"
FOLDER = "01-bao-cao-cap-xa"
SERIES = "UBND"  # a People's Committee's series: 01/BC-UBND


@dataclass(frozen=True, slots=True)
class CommuneReport:
    """One commune's report as the stage issued it: its products, how many it proposes."""

    commune: str
    products: int
    proposed: int
    not_proposed: tuple[str, ...]  # "code name: criteria not met"


def pre_assessing_level(campaign: Campaign) -> Level:
    """The level that pre-assesses below the campaign's; refused where the edition has no such step."""
    edition = get_edition(campaign.edition_code)
    below = edition.pre_assessing(campaign.level)
    if below is None:
        raise InputError(
            f"Theo {edition.code}, kế hoạch cấp {present.LEVEL_UNIT[campaign.level]} không có bước đánh giá sơ bộ "
            "của UBND cấp xã (chỉ có ở kế hoạch cấp tỉnh theo Quyết định 1489/QĐ-TTg).")
    return below


def commune_body(commune: str) -> str:
    """'Gia Bình' -> 'Ủy ban nhân dân xã Gia Bình'; 'phường Chũ' -> 'Ủy ban nhân dân phường Chũ'."""
    return f"Ủy ban nhân dân {present.commune_name(commune)}"


def _place(commune: str) -> str:
    """The place name of the commune's date line: the commune's name without its unit."""
    name = present.commune_name(commune)
    return name.split(" ", 1)[1] if " " in name else name


def _signer(campaign: Campaign, commune: str) -> Signer:
    names = {fold(k): v for k, v in campaign.details.commune_signers.items()}
    name = names.get(fold(commune))
    if not name:
        raise InputError(f"Kế hoạch {campaign.code} chưa ghi người ký báo cáo của {present.commune_name(commune)} "
                         "(mục 'commune_signers' của tệp kế hoạch): bổ sung rồi chạy lại 'ocop campaign create TỆP'.")
    return Signer(name=name, title="CHỦ TỊCH", collective="ỦY BAN NHÂN DÂN")


def commune_reports(session: Session, campaign: Campaign) -> tuple[list[DocSpec], list[CommuneReport]]:
    """One report per commune that sent products, in the order of the campaign's communes."""
    level = pre_assessing_level(campaign)
    report = level.report
    assert report is not None  # pre_assessing() returns only a level that reports
    edition = get_edition(campaign.edition_code)
    on = campaign.details.commune_report_date
    if on is None:
        raise InputError(f"Kế hoạch {campaign.code} chưa có ngày báo cáo của UBND cấp xã (mục "
                         "'commune_report_date' của tệp kế hoạch).")
    sets = load_sets(edition.criteria_dir)
    rows = session.execute(
        select(Product.code, Product.name, Producer.name, Producer.commune, Registration.set_code,
               Registration.pre_assessment)
        .join(Product, Product.id == Registration.product_id).join(Producer, Producer.id == Product.producer_id)
        .where(Registration.campaign_id == campaign.id)).all()
    if not rows:
        raise InputError(f"Kế hoạch {campaign.code} chưa có sản phẩm đăng ký: nhập danh sách của các xã trước "
                         "(ocop registrations import THƯ_MỤC).")
    by_commune: dict[str, list[tuple[str, str, str, str, dict[str, bool]]]] = defaultdict(list)
    for code, name, producer, commune, set_code, pre in rows:
        by_commune[commune].append((code or "", name, producer, set_code, dict(pre or {})))
    order = {fold(c): i for i, c in enumerate(campaign.details.communes)}
    plan = bases.acting_on(campaign, KIND, on, report.title)
    recipient = f"Ủy ban nhân dân tỉnh {campaign.province} (qua {report.sends_to})"
    criteria = level.pre_assessed_criteria
    specs, results = [], []
    for commune in sorted(by_commune, key=lambda c: (order.get(fold(c), len(order)), ascii_key(c))):
        products = sorted(by_commune[commune])
        body = commune_body(commune)
        signer = _signer(campaign, commune)
        lines, refused = [], []
        for i, (code, name, producer, set_code, pre) in enumerate(products, 1):
            unmet = [c for c in criteria if not pre.get(c, False)]
            lines.append({"stt": i, "ten_san_pham": name, "chu_the": producer,
                          "bo_san_pham": set_label(sets, set_code),
                          "ket_qua": (f"Không đạt: {present.join_and(unmet)}" if unmet else
                                      f"Đạt {present.count(len(criteria))} tiêu chí"),
                          "de_nghi": "Không đề nghị" if unmet else "Đề nghị đánh giá"})
            if unmet:
                refused.append(f"{code} {name}: {present.join_and(unmet)}")
        proposed = len(products) - len(refused)
        unit = present.commune_name(commune)
        specs.append(DocSpec(
            kind=KIND, subject=commune, title=f"Báo cáo đánh giá sơ bộ - {unit}", folder=FOLDER, issuer=body,
            series=SERIES, type_code=report.type_code, numbered=True, issued_on=on, signer_name=signer.name,
            signer_title=signer.title, context={
                "co_quan_chu_quan": "", "co_quan_ban_hanh": body, "dia_danh_ngay": place_date(_place(commune), on),
                "chu_ky": signature_block(signer, collective=True),
                "trich_yeu": f"{report.title} năm {campaign.year}",
                "kinh_gui": recipient,
                "noi_dung": [
                    f"Thực hiện {plan}, {body} đã tiếp nhận, kiểm tra hình thức hồ sơ của "
                    f"{present.count(len(products))} sản phẩm do các chủ thể trên địa bàn đăng ký; Chủ tịch "
                    f"{body} đã chủ trì họp với các đơn vị liên quan đánh giá sơ bộ theo {edition.short_title_on(on)} "
                    f"các tiêu chí: {present.join_and([c[:1].lower() + c[1:] for c in criteria])}. Kết quả như sau:"],
                "san_pham": lines,
                "ket_thuc": (f"{body} đề nghị Ủy ban nhân dân tỉnh {campaign.province} xem xét, tổ chức đánh giá, "
                             f"phân hạng {present.count(proposed)} sản phẩm đạt yêu cầu nêu trên"
                             + (f"; {present.count(len(refused))} sản phẩm không đạt đánh giá sơ bộ, không đề nghị"
                                if refused else "") + "./."),
                "noi_nhan": ["Như trên;", "Các chủ thể có sản phẩm;", "Lưu: VT."],
            }))
        results.append(CommuneReport(unit, len(products), proposed, tuple(refused)))
    return specs, results
