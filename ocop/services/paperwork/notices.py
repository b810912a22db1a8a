"""Letters to producers: the dossier-check notice and the result notice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ocop import present
from ocop.persistence.models import Campaign, Product, Registration, ScoreItem, ScoreSheet
from ocop.rules.criteria import load_sets
from ocop.rules.dossier import ELIGIBLE, INELIGIBLE, upgrade_impossible
from ocop.rules.editions import get_edition
from ocop.rules.outcome import NONE, no_outcome_text
from ocop.services.paperwork import bases
from ocop.services.paperwork.register import DocSpec
from ocop.services.paperwork.specs import council_signature, proposals, set_label, signature_block, spec_for
from ocop.services.results.ranking import RankSummary

TOP_LOSSES = 5  # criteria listed in the result notice as costing the most points
def dossier_notices(session: Session, campaign: Campaign) -> Iterator[DocSpec]:
    """One Thông báo kết quả kiểm tra hồ sơ per producer, listing each of its products."""
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    on = campaign.details.verification_notice_date or campaign.deadline_verification
    signer = campaign.details.signer("office")
    regs = session.scalars(
        select(Registration).where(Registration.campaign_id == campaign.id)
        .options(joinedload(Registration.product).joinedload(Product.producer))
    ).all()
    acting_on = bases.acting_on(campaign, "thong_bao_kiem_tra_ho_so", on, "Thông báo kết quả kiểm tra hồ sơ")
    by_producer: dict[int, list[Registration]] = defaultdict(list)
    for reg in regs:
        by_producer[reg.product.producer_id].append(reg)
    for group in by_producer.values():
        group.sort(key=lambda r: r.product.code or "")
        producer = group[0].product.producer
        yield spec_for(
            campaign, "thong_bao_kiem_tra_ho_so", f"Thông báo kết quả kiểm tra hồ sơ - {producer.name}",
            "02-kiem-tra-ho-so", on, body="office", type_code="TB", numbered=True, signer=signer,
            subject=f"{producer.id}", chu_ky=signature_block(signer, collective=False),
            trich_yeu=f"Kết quả kiểm tra hồ sơ đăng ký sản phẩm OCOP năm {campaign.year}",
            kinh_gui=producer.name,
            noi_dung=[
                f"Thực hiện {acting_on}, {campaign.office} đã kiểm tra hồ sơ đăng ký sản phẩm của "
                f"{producer.name} ({present.commune_in(producer.commune, campaign.district)}). Kết quả như sau:"],
            san_pham=[{"stt": i, "ten_san_pham": r.product.name, "bo_san_pham": set_label(sets, r.set_code),
                       "ket_qua": present.REGISTRATION_STATUS[r.status], "ly_do": r.reason or ""}
                      for i, r in enumerate(group, 1)],
            bo_sung=_supplements(group),
            ket_thuc=(_eligible_note(campaign, group) + _supplement_note(group) + _ineligible_note(campaign, group)
                      + f"{campaign.office} thông báo để {producer.name} biết, thực hiện./."),
            noi_nhan=["Như trên;", f"UBND {present.commune_name(producer.commune)};",
                      f"Lưu: VT, {campaign.office_code}."],
        )


def _full_stop(text: str) -> str:
    """A sentence ends with a full stop: 'Đề nghị … công nhận' -> 'Đề nghị … công nhận.'."""
    return text if text.endswith(".") else f"{text}."


def _supplements(group: list[Registration]) -> list[dict[str, str]]:
    """What each needs-supplement product of the producer lacks, with its due date."""
    return [{"muc": f"{item} - sản phẩm {r.product.name}", "han": present.date_short(r.due_on) if r.due_on else ""}
            for r in group if r.status == "needs_supplement" for item in (r.missing or [])]


def _names(regs: list[Registration]) -> str:
    return present.join_and([r.product.name for r in regs])


def _eligible_note(campaign: Campaign, group: list[Registration]) -> str:
    """The products the council will evaluate, named (a producer with none is told nothing of the kind)."""
    eligible = [r for r in group if r.status == ELIGIBLE]
    if not eligible:
        return ""
    return (f"Sản phẩm {_names(eligible)} đủ điều kiện, được đưa ra {campaign.council_name} đánh giá "
            f"trước ngày {present.date_numeric(campaign.deadline_evaluation)}. ")


def _ineligible_note(campaign: Campaign, group: list[Registration]) -> str:
    """Each ineligible product: that it is not evaluated this year, why, and what the producer can do."""
    said = []
    for r in group:
        if r.status != INELIGIBLE:
            continue
        why = r.reason.strip().rstrip(".")
        said.append(f"Sản phẩm {r.product.name} không đủ điều kiện đưa ra {campaign.council_name} đánh giá"
                    + (f" do {why[:1].lower()}{why[1:]}" if why else "") + ". ")
        if not upgrade_impossible(r.kind, r.certificate_stars):
            said.append(f"Sau khi khắc phục, {r.product.producer.name} có thể đăng ký sản phẩm {r.product.name} "
                        "tại kỳ đánh giá, phân hạng sản phẩm OCOP tiếp theo. ")
    return "".join(said)


def _supplement_note(group: list[Registration]) -> str:
    dues = sorted({r.due_on for r in group if r.status == "needs_supplement" and r.due_on})
    if not dues:
        return ""
    return (f"Sản phẩm cần bổ sung hồ sơ được xem xét khi nhận đủ hồ sơ trước ngày {present.date_short(dues[-1])}; "
            "quá thời hạn, sản phẩm không được đưa ra Hội đồng đánh giá. ")


def _losses(session: Session, campaign: Campaign, product_ids: list[int]) -> dict[int, dict[str, Fraction]]:
    """Per product, the mean points chosen per criterion over its itemised sheets."""
    sums: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for product_id, code, points in session.execute(
        select(ScoreSheet.product_id, ScoreItem.criterion_code, ScoreItem.points)
        .join(ScoreItem, ScoreItem.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.product_id.in_(product_ids))
    ):
        sums[product_id][code].append(points)
    return {pid: {c: Fraction(sum(v), len(v)) for c, v in codes.items()} for pid, codes in sums.items()}


def result_notices(session: Session, campaign: Campaign, summary: RankSummary) -> Iterator[DocSpec]:
    """One Thông báo kết quả đánh giá per product: part means, stars, the criteria that cost most."""
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    sets = load_sets(edition.criteria_dir)
    on = campaign.meeting_date or campaign.deadline_evaluation
    signer = campaign.details.signer("council")
    means = _losses(session, campaign, [r.product_id for r in summary.results])
    said = proposals(campaign)
    for r in summary.results:
        criteria = sets[r.set_code]
        chosen = means.get(r.product_id, {})
        lost = sorted(((c.max_points - chosen[c.code], c) for c in criteria.criteria if c.code in chosen),
                      key=lambda x: (-x[0], x[1].code))
        worst = [(loss, c) for loss, c in lost[:TOP_LOSSES] if loss > 0]  # none from totals-only sheets
        outcome = no_outcome_text(level, r.mean, r.stars) if r.outcome == NONE else said[r.outcome]
        yield spec_for(
            campaign, "thong_bao_ket_qua", f"Thông báo kết quả đánh giá, phân hạng - {r.code}", "04-ket-qua/thong-bao",
            on, body="council", type_code="TB", numbered=True, signer=signer, subject=r.code,
            chu_ky=council_signature(campaign, signer),
            trich_yeu=f"Kết quả đánh giá, phân hạng sản phẩm {r.name}",
            kinh_gui=r.producer,
            noi_dung=[f"{present.date_long_capitalised(on)}, {campaign.council_name} đã họp đánh giá, phân hạng sản "
                      f"phẩm theo {edition.short_title_on(on)}. Kết quả đối với sản phẩm của {r.producer} như sau:"],
            san_pham={"ten_san_pham": r.name, "bo_san_pham": set_label(sets, r.set_code),
                      "diem_tb": present.mean(r.mean), "sao": present.stars(r.stars),
                      "sao_cua": " " + present.council_stars_note(level.name),
                      "ket_qua": _full_stop(outcome + (f". {r.cap_reason}" if r.cap_reason else ""))},
            diem_toi_da=present.points(edition.max_points),
            phan=[{"phan": p, "ten": criteria.part_titles[p], "toi_da": str(criteria.parts[p]),
                   "diem_tb": present.mean(r.part_means[i])} for i, p in enumerate(criteria.parts)],
            mat_diem=[{"ma": c.code, "tieu_chi": c.title, "toi_da": str(c.max_points),
                       "diem_tb": present.mean(chosen[c.code]), "mat": present.mean(loss)}
                      for loss, c in worst],
            ket_thuc=(f"Đề nghị {r.producer} tiếp tục hoàn thiện sản phẩm"
                      + (", chú trọng các tiêu chí bị trừ nhiều điểm nêu trên" if worst else "") + "./."),
            noi_nhan=["Như trên;", f"Lưu: VT, {campaign.office_code}."],
        )
