"""What each stage puts in its documents: DocSpecs built from the campaign's data.

Context keys follow the template contract in ocop/documents/samples.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ocop import present
from ocop.documents.decree30 import EFFECT_CLAUSE, place_date, signature_lines
from ocop.persistence.models import Campaign, Person, Product, Registration, ScoreItem, ScoreSheet
from ocop.rules.campaign import Signer
from ocop.rules.criteria import CriteriaSet, load_sets
from ocop.rules.editions import Edition, get_edition
from ocop.rules.outcome import RECOGNISED, REFERRED
from ocop.services.campaigns import council, secretariat
from ocop.services.paperwork import bases
from ocop.services.paperwork.register import DocSpec
from ocop.services.registrations.verification import CommuneCounts
from ocop.services.results.account import threshold_account
from ocop.services.results.ranking import Ranked, RankSummary
from ocop.text import ascii_key

SHEETS_PER_QUERY = 200  # products whose sheets are loaded at once; bounds memory
# the documents the Tờ trình attaches, as files (its "Hồ sơ kèm theo" names them first)
REFERRAL_ATTACHMENTS = ("bien_ban_hop_hoi_dong", "bang_tong_hop")




def signature_block(signer: Signer, collective: bool) -> dict[str, Any]:
    """The signature block of a document (Decree 30, ô 7): authority prefix and title lines, then the name;
    ``collective`` signs on behalf of the signer's collective body (TM. …); the signer's post, when
    the campaign file gives one, stands above the name."""
    lines = signature_lines(signer.authority or None, signer.title,
                            (signer.collective or None) if collective else None, head_title=signer.head_title or None)
    return {"dong": lines, "ho_ten": signer.name, "chuc_vu": " ".join(signer.post.split()).upper()}


def council_signature(campaign: Campaign, signer: Signer) -> dict[str, Any]:
    """The signature of a document the council issues as a body (Quy chế decision, Giấy mời, Bảng tổng
    hợp, result notices): on behalf of the council ("TM. HỘI ĐỒNG / CHỦ TỊCH") by the council's signer
    the campaign file names; the issuer's signer standing in for a file that names none signs as such."""
    return signature_block(signer, collective="council" in campaign.details.signers)


def council_heading(campaign: Campaign) -> str:
    place = campaign.province if campaign.level == "province" else campaign.district
    return f"HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP {present.level_heading(campaign.level)} {place.upper()}"


def _header(campaign: Campaign, body: str, on: date) -> dict[str, Any]:
    """Header block: the issuing body and the body above it (Decree 30, ô 2-3)."""
    if body == "council":
        parent, issuer = campaign.issuing_body.upper(), council_heading(campaign)
    elif body == "office":
        parent, issuer = _short(campaign.issuing_body).upper(), campaign.office.upper()
    else:
        parent, issuer = campaign.parent_body.upper(), campaign.issuing_body.upper()
    return {"co_quan_chu_quan": parent, "co_quan_ban_hanh": issuer,
            "dia_danh_ngay": place_date(campaign.place_name, on)}


def _short(body: str) -> str:
    """'Ủy ban nhân dân huyện Lục Nam' -> 'UBND huyện Lục Nam' (the common abbreviation, Decree 30)."""
    return body.replace("Ủy ban nhân dân", "UBND", 1)


def proposals(campaign: Campaign) -> dict[str, str]:
    """What the council proposes for a referred or a recognised product, naming who decides
    (present.outcome_proposal)."""
    level = get_edition(campaign.edition_code).level(campaign.level)
    recogniser = recogniser_of(campaign, short=True)
    return {o: present.outcome_proposal(o, level.refers_to, recogniser) for o in (REFERRED, RECOGNISED)}


def recogniser_of(campaign: Campaign, *, short: bool = False) -> str:
    """Who recognises the council's 3★ and 4★ products: under 148 as amended by 1489 the province's chair
    ('Chủ tịch UBND tỉnh Bắc Ninh', who signs the Quyết định công nhận); a district's wording names its
    committee ('UBND huyện Lục Nam')."""
    body = _short(campaign.issuing_body) if short else campaign.issuing_body
    return f"Chủ tịch {body}" if campaign.level == "province" else body


def head_of(office: str) -> str:
    """'Phòng Nông nghiệp …' -> 'Trưởng phòng Nông nghiệp …' (the unit word stays lower case); a province's
    department is headed by its Giám đốc: 'Sở Nông nghiệp và Môi trường' -> 'Giám đốc Sở Nông nghiệp và Môi
    trường'."""
    first, _, rest = office.partition(" ")
    if first.casefold() == "sở":
        return f"Giám đốc {office}"
    return f"Trưởng {first.lower()} {rest}" if rest else f"Trưởng {office}"


def _above(campaign: Campaign, edition: Edition) -> str:
    """Whom the council's best products go to, as its founding decision names it: a province names the
    Ministry; a district's wording ('cấp trên') is kept."""
    return edition.level(campaign.level).refers_to if campaign.level == "province" else "cấp trên"


def chief_of_staff(campaign: Campaign) -> str:
    """Who heads the issuer's office in an 'Điều … chịu trách nhiệm thi hành': a district's office serves both
    its council and its committee; a province's committee has its own office."""
    return "Chánh Văn phòng UBND tỉnh" if campaign.level == "province" else "Chánh Văn phòng HĐND và UBND"


def decision_recipients(campaign: Campaign, article: int) -> list[str]:
    """Nơi nhận of a decision of the chair of the issuer: a district reports to its province and informs the
    province's department; a province reports to the level its best products are referred to (the Ministry)
    and informs its own chair and vice-chairs (the department is among those named in the article)."""
    if campaign.level == "province":
        refers_to = get_edition(campaign.edition_code).level(campaign.level).refers_to
        return [f"Như Điều {article};", f"{refers_to} (b/c);", "Chủ tịch, các PCT UBND tỉnh;",
                f"Lưu: VT, {campaign.office_code}."]
    return [f"Như Điều {article};", f"UBND tỉnh {campaign.province} (b/c);", "Sở Nông nghiệp và PTNT;",
            f"Lưu: VT, {campaign.office_code}."]


def _person(p: Person) -> dict[str, str]:
    return {"ho_ten": p.name, "chuc_vu": p.position}


def spec_for(campaign: Campaign, kind: str, title: str, folder: str, on: date, *, body: str,
             type_code: str | None, numbered: bool, signer: Signer, subject: str = "", symbol: str = "",
             **context: Any) -> DocSpec:
    """A DocSpec issued by ``body`` ('issuer', 'council' or 'office') in that body's number series."""
    series = {"council": campaign.council_code, "office": campaign.office_code}.get(body, campaign.issuer_code)
    issuer = {"council": campaign.council_name, "office": campaign.office}.get(body, campaign.issuing_body)
    return DocSpec(kind=kind, subject=subject, title=title, folder=folder, issuer=issuer, series=series,
                   type_code=type_code, numbered=numbered, issued_on=on, signer_name=signer.name,
                   signer_title=signer.title, signer_authority=signer.authority, symbol=symbol,
                   context={**_header(campaign, body, on), **context})


def council_decision(campaign: Campaign) -> DocSpec:
    """Quyết định thành lập Hội đồng và Tổ thư ký, under the chairman's personal competence (no TM.)."""
    edition = get_edition(campaign.edition_code)
    on = campaign.details.council_decision_date or campaign.deadline_verification
    signer = campaign.details.signer("issuer")
    body = campaign.issuing_body
    return spec_for(
        campaign, "qd_thanh_lap_hoi_dong", "Quyết định thành lập Hội đồng và Tổ thư ký",
        "01-thanh-lap-hoi-dong", on, body="issuer", type_code="QĐ", numbered=True, signer=signer,
        chu_ky=signature_block(signer, collective=False),
        trich_yeu=f"Về việc thành lập {campaign.council_name} và Tổ thư ký giúp việc Hội đồng",
        tham_quyen=f"CHỦ TỊCH {body.upper()}",
        can_cu=[
            *[f"Căn cứ {b};" for b in bases.citations(campaign, "qd_thanh_lap_hoi_dong", on,
                                                        "Quyết định thành lập Hội đồng")],
            f"Theo đề nghị của {head_of(campaign.office)}.",
        ],
        ten_hoi_dong=campaign.council_name,
        thanh_vien=[{**_person(p), "nhiem_vu": present.COUNCIL_ROLE[p.role]} for p in council(campaign)],
        to_thu_ky=[{**_person(p), "nhiem_vu": present.SECRETARIAT_ROLE.get(p.role, present.SECRETARIAT_ROLE["member"])}
                   for p in secretariat(campaign)],
        nhiem_vu_hoi_dong=(
            "Hội đồng có nhiệm vụ kiểm tra, thẩm định và xét chọn sản phẩm đăng ký đủ điều kiện tham gia "
            f"Chương trình OCOP; tổ chức đánh giá, phân hạng sản phẩm theo {edition.short_title_on(on)}; lựa chọn các "
            f"sản phẩm đề xuất {body} đề nghị {_above(campaign, edition)} đánh giá, phân hạng. Thành viên Hội "
            "đồng đánh giá độc lập; kết quả của mỗi sản phẩm là điểm trung bình của các thành viên."
        ),
        nhiem_vu_to_thu_ky=(
            "Tổ thư ký giúp Hội đồng tiếp nhận, kiểm tra hồ sơ đăng ký; chuẩn bị tài liệu, phiếu đánh giá; "
            "tổng hợp kết quả đánh giá, phân hạng báo cáo Chủ tịch Hội đồng."
        ),
        hieu_luc=EFFECT_CLAUSE,
        dieu_thi_hanh=(
            f"{chief_of_staff(campaign)}, {head_of(campaign.office)}, Thủ trưởng các cơ quan, đơn vị có liên "
            f"quan và các {present.ADDRESS} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."
        ),
        noi_nhan=decision_recipients(campaign, 4),
    )


def agenda(session: Session, campaign: Campaign) -> list[Registration]:
    """Eligible registrations in agenda order: grouped by criteria set, then by product code."""
    regs = session.scalars(
        select(Registration)
        .where(Registration.campaign_id == campaign.id, Registration.status == "eligible")
        .options(joinedload(Registration.product).joinedload(Product.producer))
    ).all()
    return sorted(regs, key=lambda r: (r.set_code.zfill(4), r.product.code or ""))


def set_label(sets: dict[str, CriteriaSet], code: str) -> str:
    return f"Bộ {sets[code].code} - {sets[code].name}"


def invitation(session: Session, campaign: Campaign) -> DocSpec:
    """Giấy mời họp Hội đồng, signed by the council's chair in the council's own series."""
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    assert campaign.meeting_date is not None and campaign.meeting_time is not None, "the schedule stage sets them"
    on = campaign.details.invitation_date or campaign.meeting_date
    signer = campaign.details.signer("council")
    chair = next(p for p in council(campaign) if p.role == "chair")
    return spec_for(
        campaign, "giay_moi_hop_hoi_dong", "Giấy mời họp Hội đồng", "02-hop-hoi-dong", on,
        body="council", type_code="GM", numbered=True, signer=signer, chu_ky=council_signature(campaign, signer),
        trich_yeu=f"Họp {campaign.council_name}",
        # the chair presides and whoever signs invites: neither is invited by the invitation itself
        kinh_moi=[_person(p) for p in campaign.people if p.name not in {signer.name, chair.name}],
        noi_dung=f"Họp {campaign.council_name} đánh giá, phân hạng các sản phẩm đăng ký tham gia Chương trình OCOP.",
        thoi_gian=present.time_long(campaign.meeting_time, campaign.meeting_date),
        dia_diem=campaign.meeting_venue,
        chu_tri=f"{present.ADDRESS} {chair.name}, {chair.position}, Chủ tịch Hội đồng",
        san_pham=[{"stt": i, "ten_san_pham": r.product.name, "chu_the": r.product.producer.name,
                   "bo_san_pham": set_label(sets, r.set_code)}
                  for i, r in enumerate(agenda(session, campaign), 1)],
        ghi_chu="Đề nghị các thành viên nghiên cứu hồ sơ sản phẩm gửi kèm trước cuộc họp.",
        noi_nhan=["Như trên;", f"Lưu: VT, {campaign.office_code}."],
    )


class SheetLayout:
    """The rows of a set's score sheet (parts, groups, criteria and their option boxes), laid out once:
    :meth:`rows` fills in one member's choices."""

    def __init__(self, criteria: CriteriaSet) -> None:
        # each row as printed blank, with the criterion it gives points to ("" for a part or group
        # heading) and the points of its box (None for a criterion's own row)
        self._rows: list[tuple[dict[str, str], str, int | None]] = []

        def add(loai: str, ma: str, noi_dung: str, most: int, code: str = "", points: int | None = None,
                box: str = "", mark: str = "") -> None:
            self._rows.append(({"loai": loai, "ma": ma, "noi_dung": noi_dung, "diem_toi_da": str(most), "o": box,
                                "diem": "", "bat_buoc": mark}, code, points))

        for part, points in criteria.parts.items():
            add("phan", part, f"Phần {part}: {criteria.part_titles[part].upper()}", points)
            group = None
            for c in criteria.part_criteria(part):
                if c.group != group:
                    group = c.group
                    add("nhom", str(group), c.group_title,
                        sum(x.max_points for x in criteria.criteria if x.group == group))
                add("tieu_chi", c.code, c.title, c.max_points, c.code)
                for o in c.options:
                    star = c.mandatory_from(o.points)
                    add("lua_chon", "", o.label, o.points, c.code, o.points, "☐",
                        "" if star is None else present.mandatory_mark(star))

    def rows(self, chosen: dict[str, int] | None) -> list[dict[str, str]]:
        if chosen is None:
            return [dict(row) for row, _, _ in self._rows]
        out = []
        for row, code, points in self._rows:
            got = chosen.get(code) if code else None
            if got is None:
                out.append(dict(row))  # a heading, or a criterion without a choice
            elif points is None:
                out.append({**row, "diem": str(got)})
            else:
                out.append({**row, "o": "☒" if got == points else "☐"})
        return out


def blank_score_sheets(session: Session, campaign: Campaign) -> Iterator[DocSpec]:
    """Blank Phiếu đánh giá for printing: one per council member per product, in agenda order."""
    edition = get_edition(campaign.edition_code)
    sets = load_sets(edition.criteria_dir)
    on = campaign.meeting_date or campaign.deadline_evaluation
    members = council(campaign)
    layouts: dict[str, SheetLayout] = {}
    for reg in agenda(session, campaign):
        criteria = sets[reg.set_code]
        layout = layouts.get(reg.set_code) or layouts.setdefault(reg.set_code, SheetLayout(criteria))
        for member in members:
            yield _sheet_spec(campaign, edition, criteria, set_label(sets, reg.set_code), reg, member, on,
                              layout=layout)


def scored_products(session: Session, campaign: Campaign) -> set[int]:
    """The products every present member has submitted a sheet for: those whose filled sheets print."""
    attending = [p.id for p in council(campaign) if p.attended]
    return set(session.scalars(
        select(ScoreSheet.product_id).where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.member_id.in_(attending))
        .group_by(ScoreSheet.product_id).having(func.count() == len(attending))))


def score_sheets(session: Session, campaign: Campaign, complete: set[int]) -> Iterator[DocSpec]:
    """One filled Phiếu đánh giá per member per product, in agenda order (not numbered).

    Independence: a product's filled sheets are printed only once every present member has
    submitted one (``complete``: :func:`scored_products`), so no document shows a member's points
    while others are still scoring. The sheets are read with their items as plain rows, a batch
    of products at a time.
    """
    if not complete:
        return
    attending = sorted((p for p in council(campaign) if p.attended), key=lambda p: p.sort_order)
    edition = get_edition(campaign.edition_code)
    sets = load_sets(edition.criteria_dir)
    layouts: dict[str, SheetLayout] = {}
    on = campaign.meeting_date or campaign.deadline_evaluation
    regs = [r for r in agenda(session, campaign) if r.product_id in complete]
    for start in range(0, len(regs), SHEETS_PER_QUERY):
        chunk = regs[start:start + SHEETS_PER_QUERY]
        sheets = _filled(session, campaign, [r.product_id for r in chunk], [p.id for p in attending])
        for reg in chunk:
            criteria = sets[reg.set_code]
            layout = layouts.get(reg.set_code) or layouts.setdefault(reg.set_code, SheetLayout(criteria))
            for member in attending:
                mode, totals, chosen = sheets[(reg.product_id, member.id)]
                yield _sheet_spec(campaign, edition, criteria, set_label(sets, reg.set_code), reg, member, on,
                                  chosen if mode == "criteria" else None, totals, layout)


def _filled(session: Session, campaign: Campaign, product_ids: list[int], member_ids: list[int]
            ) -> dict[tuple[int, int], tuple[str, dict[str, int], dict[str, int]]]:
    """These products' sheets by (product, member): mode, part totals and chosen points, in one query."""
    out: dict[tuple[int, int], tuple[str, dict[str, int], dict[str, int]]] = {}
    for row in session.execute(
        select(ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.mode, ScoreSheet.part_a, ScoreSheet.part_b,
               ScoreSheet.part_c, ScoreItem.criterion_code, ScoreItem.points)
        .outerjoin(ScoreItem, ScoreItem.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.product_id.in_(product_ids),
               ScoreSheet.member_id.in_(member_ids))
    ):
        key = (row.product_id, row.member_id)
        if key not in out:
            out[key] = (row.mode, {"A": row.part_a, "B": row.part_b, "C": row.part_c}, {})
        if row.criterion_code is not None:
            out[key][2][row.criterion_code] = row.points
    return out


def _sheet_context(campaign: Campaign, edition: Edition, criteria: CriteriaSet, label: str, reg: Registration,
                   member: Person, chosen: dict[str, int] | None, totals: dict[str, int] | None,
                   on: date, layout: SheetLayout | None = None) -> dict[str, Any]:
    product = reg.product
    return {
        **_header(campaign, "council", on),
        "ten_hoi_dong": campaign.council_name,
        "can_cu_bo_tieu_chi": edition.title_on(on),
        "ma_san_pham": product.code, "ten_san_pham": product.name, "chu_the": product.producer.name,
        "dia_chi": present.producer_address(product.producer.commune, campaign.district, campaign.province),
        "bo_san_pham": label,
        "thanh_vien": _person(member),
        "dong": (layout or SheetLayout(criteria)).rows(chosen),
        "chu_thich_bat_buoc": present.MANDATORY_LEGEND if any(c.requirements for c in criteria.criteria) else "",
        "tong_phan": [{"phan": p, "ten": criteria.part_titles[p], "toi_da": str(criteria.parts[p]),
                       "diem": "" if totals is None else str(totals[p])} for p in criteria.parts],
        "tong_diem": "" if totals is None else str(sum(totals.values())),
        "diem_toi_da": present.points(edition.max_points),
    }


def _sheet_spec(campaign: Campaign, edition: Edition, criteria: CriteriaSet, label: str, reg: Registration,
                member: Person, on: date, chosen: dict[str, int] | None = None,
                totals: dict[str, int] | None = None, layout: SheetLayout | None = None) -> DocSpec:
    """A Phiếu đánh giá: blank for printing (no totals) or as the member filled it."""
    product, blank = reg.product, totals is None
    return DocSpec(
        kind="phieu_danh_gia",
        subject=f"trang/{member.id}/{product.code}" if blank else f"{product.code}/{member.name}",
        title=f"Phiếu đánh giá{' (trắng)' if blank else ''} {product.code} - {member.name}",
        folder=(f"02-hop-hoi-dong/phieu-trang/{ascii_key(member.name)}" if blank
                else f"03-phieu-danh-gia/{product.code}"),
        issuer=campaign.council_name, series=campaign.council_code, type_code=None, numbered=False,
        issued_on=on, signer_name=member.name, signer_title=member.position,
        context=_sheet_context(campaign, edition, criteria, label, reg, member, chosen, totals, on, layout),
    )


def _row_notes(r: Ranked, said: dict[str, str]) -> list[str]:
    """A ranked product's notes: its outcome (``said``: proposals(campaign)), why its star is capped, what the
    council should look at."""
    notes = [said[r.outcome]] if r.outcome in said else []
    if r.cap_reason:
        notes.append(r.cap_reason)
    return notes + [f"Lưu ý: {flag}" for flag in r.flags]


def numbered_notes(results: list[Ranked], said: dict[str, str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The notes of a results table as numbered notes under it: per product code the marks its row
    prints ('(1), (3)'), and the notes in order ('(1)', text); products with the same note share it."""
    numbers: dict[str, int] = {}
    marks = {}
    for r in results:
        mine = [numbers.setdefault(note, len(numbers) + 1) for note in _row_notes(r, said)]
        marks[r.code] = present.note_marks(mine)
    return marks, [{"so": present.note_marks([n]), "noi_dung": note} for note, n in numbers.items()]


def _results_table(summary: RankSummary, said: dict[str, str]) -> tuple[list[str], list[dict[str, Any]]]:
    members = summary.present
    rows = []
    marks, _ = numbered_notes(summary.results, said)
    for i, r in enumerate(summary.results, 1):
        notes = _row_notes(r, said)
        rows.append({
            "stt": i, "ma_san_pham": r.code, "ten_san_pham": r.name, "chu_the": r.producer,
            "diem_thanh_vien": [str(r.member_totals[m.id]) for m in members],
            "diem_tb": present.mean(r.mean), "phan_a": present.mean(r.part_means[0]),
            "phan_b": present.mean(r.part_means[1]), "phan_c": present.mean(r.part_means[2]),
            "sao": present.stars(r.stars), "ghi_chu": "; ".join(notes), "so_chu_thich": marks[r.code],
        })
    return [m.name for m in members], rows


def results_documents(campaign: Campaign, summary: RankSummary, dossiers: CommuneCounts) -> list[DocSpec]:
    """Bảng tổng hợp kết quả (Tổ thư ký) and Biên bản họp Hội đồng (Decree 30's minutes: start and end time,
    the dossiers received, ineligible and evaluated, each result and why a product that reached the referral
    threshold is not referred), dated the meeting day; ``dossiers``: the registrations by decision."""
    on = campaign.meeting_date or campaign.deadline_evaluation
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    chair_signer = campaign.details.signer("council")
    people = council(campaign)
    chair = next(p for p in people if p.role == "chair")
    # the chair presides; in the chair's absence a vice-chair present does
    presiding = chair if chair.attended else next((p for p in people if p.role == "vice_chair" and p.attended), chair)
    head = next((p for p in secretariat(campaign) if p.role == "head"), None) or secretariat(campaign)[0]
    said = proposals(campaign)
    names, rows = _results_table(summary, said)
    start = campaign.meeting_time
    absent = [p for p in people if not p.attended]
    recognised = [r for r in summary.results if r.outcome == RECOGNISED]
    counts = present.star_counts_text(summary.counts)
    if not summary.quorum.met:
        conclusions = ["Hội đồng không đủ điều kiện tiến hành đánh giá, phân hạng; không có kết quả. "
                       "Đề nghị tổ chức lại phiên họp."]
    else:
        conclusions = [f"Hội đồng đã đánh giá, phân hạng {len(summary.results)} sản phẩm: {counts}."]
    if summary.quorum.met:
        conclusions += threshold_account(level, summary)
    if summary.quorum.met and level.recognises:
        stars = ", ".join(str(s) for s in level.recognises)
        conclusions.append(
            f"Có {len(recognised)} sản phẩm đạt {stars} sao được đề nghị {recogniser_of(campaign)} công nhận.")
    if summary.blocked:
        conclusions.append(f"Có {len(summary.blocked)} sản phẩm chưa có kết quả, chưa được xét đề nghị, do chênh lệch "
                           "điểm giữa các thành viên "
                           f"vượt quá {present.points(summary.max_spread)} điểm: "
                           + "; ".join(b.text(summary.max_spread) for b in summary.blocked) + ".")
    received = [f"tiếp nhận {dossiers.registered} hồ sơ đăng ký", f"{dossiers.ineligible} hồ sơ không đủ điều kiện"]
    if dossiers.needs_supplement:
        received.append(f"{dossiers.needs_supplement} hồ sơ chưa bổ sung đủ")
    received.append(f"{dossiers.eligible} sản phẩm đủ điều kiện đưa ra Hội đồng đánh giá, phân hạng")
    proceedings = [
        "Tổ thư ký báo cáo kết quả tiếp nhận, kiểm tra hồ sơ: " + "; ".join(received) + ".",
        f"Các thành viên Hội đồng chấm điểm độc lập theo {edition.short_title_on(on)}; Tổ thư ký tổng hợp điểm, "
        "điểm của mỗi sản phẩm là trung bình cộng tổng điểm của các thành viên có mặt (không làm tròn khi xếp hạng).",
    ]
    if summary.results:
        proceedings.append(
            f"Chênh lệch giữa tổng điểm cao nhất và thấp nhất của các thành viên (tối đa cho phép "
            f"{present.points(summary.max_spread)} điểm): "
            + "; ".join(f"{r.code}: {r.spread}" for r in summary.results) + ".")
    if summary.rescores:
        proceedings.append("Chấm lại: " + "; ".join(r.text() for r in summary.rescores) + ".")
    flagged = [f"{r.code} ({', '.join(r.flags)})" for r in summary.results if r.flags]
    if flagged:
        proceedings.append("Hội đồng thảo luận các sản phẩm cần lưu ý: " + "; ".join(flagged) + ".")
    bth = spec_for(
        campaign, "bang_tong_hop", "Bảng tổng hợp kết quả đánh giá, phân hạng", "04-ket-qua", on,
        body="council", type_code=None, numbered=False, signer=chair_signer,
        chu_ky=council_signature(campaign, chair_signer),
        ten_hoi_dong=campaign.council_name,
        mo_ta=f"(Kèm theo kết quả họp Hội đồng ngày {present.date_numeric(on)}; theo {edition.short_title_on(on)})",
        nguoi_lap={"dong": ["NGƯỜI LẬP BẢNG", "TỔ TRƯỞNG TỔ THƯ KÝ"], "ho_ten": head.name},
        thanh_vien=names, ket_qua=rows, chu_thich=numbered_notes(summary.results, said)[1],
    )
    bb = spec_for(
        campaign, "bien_ban_hop_hoi_dong", "Biên bản họp Hội đồng", "04-ket-qua", on,
        body="council", type_code="BB", numbered=True, signer=chair_signer,
        trich_yeu=f"Họp {campaign.council_name}",
        thoi_gian_bat_dau=present.time_long(start, on) if start else present.date_short(on),
        dia_diem=campaign.meeting_venue or "", thu_ky=_person(head),
        chu_tri={**_person(presiding), "dong": ["CHỦ TRÌ", present.COUNCIL_ROLE[presiding.role].upper()]},
        co_mat=[{**_person(p), "vai_tro": present.COUNCIL_ROLE[p.role]} for p in summary.present],
        vang_mat=[{**_person(p), "vai_tro": present.COUNCIL_ROLE[p.role]} for p in absent],
        nhan_xet_quorum=summary.quorum.text(),
        noi_dung=proceedings,
        ket_luan=conclusions,
        thoi_gian_ket_thuc=present.time_same_day(campaign.meeting_end_time) if campaign.meeting_end_time else "",
        # the flags are in the proceedings above: the table's notes keep the outcome and any cap
        thanh_vien=names, ket_qua=[{**row, "ghi_chu": "; ".join(
            ([said[r.outcome]] if r.outcome in said else []) + ([r.cap_reason] if r.cap_reason else []))}
            for r, row in zip(summary.results, rows, strict=True)],
    )
    return [bth, bb] if summary.quorum.met else [bb]


def referral(campaign: Campaign, summary: RankSummary, on: date | None = None) -> DocSpec:
    """Tờ trình đề nghị cấp trên đánh giá, phân hạng các sản phẩm đạt ngưỡng của văn bản áp dụng
    (``on``: a later date, once results were reopened)."""
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    sets = load_sets(edition.criteria_dir)
    on = on or campaign.details.referral_date or campaign.deadline_referral
    signer = campaign.details.signer("issuer")
    referred = [r for r in summary.results if r.outcome == REFERRED]
    assert level.refers_at is not None, "products are referred only from a level that refers"
    minutes = bases.cited_document(campaign, bases.MINUTES, "Tờ trình đề nghị đánh giá, phân hạng", on)
    table = bases.cited_document(campaign, bases.SUMMARY_TABLE, "Tờ trình đề nghị đánh giá, phân hạng", on)
    minutes_cited = f"Biên bản số {minutes.symbol} ngày {present.date_numeric(minutes.issued_on)}"
    year = campaign.year
    # a province names its own bodies in Nơi nhận ("UBND tỉnh"); a district's wording is kept
    own = f" {present.LEVEL_UNIT[campaign.level]}" if campaign.level == "province" else ""
    return spec_for(
        campaign, "to_trinh_de_nghi_tinh", "Tờ trình đề nghị đánh giá, phân hạng cấp trên", "05-de-nghi-cap-tren",
        on, body="issuer", type_code="TTr", numbered=True, signer=signer,
        chu_ky=signature_block(signer, collective=True),
        trich_yeu=f"Đề nghị đánh giá, phân hạng sản phẩm OCOP năm {year}",
        kinh_gui=f"{level.refers_to} tỉnh {campaign.province}" if campaign.level != "province" else level.refers_to,
        can_cu=[f"Căn cứ {b};" for b in bases.citations(campaign, "to_trinh_de_nghi_tinh", on,
                                                          "Tờ trình đề nghị đánh giá, phân hạng")],
        noi_dung=[
            f"{campaign.council_name} đã tổ chức đánh giá, phân hạng {len(summary.results)} sản phẩm. "
            + " ".join(threshold_account(level, summary)),
            f"{campaign.issuing_body} đề nghị {level.refers_to} đánh giá, phân hạng các sản phẩm sau:",
        ],
        san_pham=[{"stt": i, "ten_san_pham": r.name, "chu_the": r.producer,
                   "dia_chi": present.producer_address(r.commune, campaign.district),
                   "bo_san_pham": set_label(sets, r.set_code),
                   "diem_tb": present.mean(r.mean), "sao": present.stars(r.stars)} for i, r in enumerate(referred, 1)],
        ho_so_kem_theo=[f"{minutes_cited} họp {campaign.council_name};",
                        f"{bases.CITED_NAMES[bases.SUMMARY_TABLE]} ngày {present.date_numeric(table.issued_on)} "
                        f"(kèm theo {minutes_cited});",
                        "Hồ sơ đăng ký của các sản phẩm nêu trên."],
        de_nghi=f"Kính đề nghị {level.refers_to} xem xét, tổ chức đánh giá, phân hạng./.",
        noi_nhan=["Như trên;", f"Chủ tịch, các PCT UBND{own};", f"Hội đồng OCOP{own};",
                  f"Lưu: VT, {campaign.office_code}."],
    )
