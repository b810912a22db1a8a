"""Set-up documents generated from the campaign: the plan itself and the council's rules.

The plan (Kế hoạch) regenerates the founding plan from data: its own texts (purposes,
requirements, budget, responsibilities) come from the campaign file; the council, the rules
decision, the deadlines, the threshold and the legal bases come from the campaign.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop import present
from ocop.persistence.models import Campaign, Document
from ocop.rules.editions import get_edition
from ocop.services.campaigns import council, secretariat
from ocop.services.paperwork.register import DocSpec
from ocop.services.paperwork.specs import council_heading, council_signature, head_of, signature_block, spec_for


def _where(campaign: Campaign) -> str:
    place = campaign.province if campaign.level == "province" else campaign.district
    return f"{present.LEVEL_UNIT[campaign.level]} {place}"


def _council_paragraph(campaign: Campaign, decision: str) -> str:
    people = council(campaign)
    chair = next(p for p in people if p.role == "chair")
    vice = [p.position for p in people if p.role == "vice_chair"]
    others = [p.position for p in people if p.role == "member"]
    sec = secretariat(campaign)
    head = next((p for p in sec if p.role == "head"), None)
    text = (f"{decision} về việc thành lập {campaign.council_name} gồm {present.count(len(people))} thành viên do "
            f"{chair.position} làm Chủ tịch Hội đồng")
    if vice:
        text += f", {', '.join(vice)} làm Phó Chủ tịch Hội đồng"
    text += f", thành viên là {', '.join(others)}"
    if sec:
        text += f" và Tổ thư ký giúp việc Hội đồng gồm {present.count(len(sec))} thành viên"
        if head is not None:
            text += f" do {head.position} làm Tổ trưởng"
    return text + "."


def reference(doc: Document, who: str) -> str:
    """'Ngày 07 tháng 01 năm 2020 Chủ tịch UBND … đã ban hành Quyết định số 18/QĐ-UBND'."""
    return f"{present.date_long_capitalised(doc.issued_on)} {who} đã ban hành Quyết định số {doc.symbol}"


def plan(campaign: Campaign, council_decision: str, rules_decision: str) -> DocSpec | None:
    """Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP (None when the file has no [plan])."""
    data = campaign.details.plan
    if not data:
        return None
    edition = get_edition(campaign.edition_code)
    level = edition.level(campaign.level)
    where, year, unit = _where(campaign), campaign.year, present.LEVEL_UNIT[campaign.level]
    on = date.fromisoformat(data["date"])
    signer = campaign.details.signer("issuer")
    assert level.refers_at is not None, "every level that scores refers its best products up"
    dl = (campaign.deadline_verification, campaign.deadline_evaluation, campaign.deadline_referral)
    refer = (f"{campaign.office} chuyển hồ sơ các sản phẩm có số điểm đạt từ {present.points(level.refers_at)} điểm "
             f"đến {present.points(edition.max_points)} điểm đến {level.refers_to} để đề nghị đánh giá, phân hạng, "
             f"công nhận sản phẩm OCOP, trước ngày {present.date_numeric(dl[2])}.")
    sections = [
        {"so": "I", "ten": "MỤC ĐÍCH, YÊU CẦU", "muc": [
            {"tieu_de": "1. Mục đích", "doan": [f"- {t}" for t in data["purposes"]]},
            {"tieu_de": "2. Yêu cầu", "doan": [f"- {t}" for t in data["requirements"]]}]},
        {"so": "II", "ten": "NỘI DUNG", "muc": [
            {"tieu_de": f"1. Thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp {unit} và Tổ "
                        "giúp việc Hội đồng",
             "doan": [_council_paragraph(campaign, council_decision)]},
            {"tieu_de": "2. Ban hành Quy chế hoạt động của Hội đồng đánh giá, phân hạng sản phẩm OCOP",
             "doan": [f"{rules_decision} về việc ban hành Quy chế hoạt động của {campaign.council_name} và Tổ thư ký "
                      "giúp việc Hội đồng."]},
            {"tieu_de": "3. Tổ chức xét chọn sản phẩm đăng ký", "doan": [
                f"- Tổ chức kiểm tra, thẩm định, xét chọn các sản phẩm đăng ký tham gia chương trình OCOP năm {year}, "
                f"xong trước ngày {present.date_numeric(dl[0])}.",
                f"- Đánh giá toàn bộ các sản phẩm tham gia Chương trình theo {edition.short_title}.",
                f"- Hội đồng {unit} tổ chức đánh giá các sản phẩm tham gia Chương trình OCOP theo hình "
                "thức họp tập trung, thành viên Hội đồng đánh giá độc lập, tính điểm trung bình các thành viên Hội "
                f"đồng; hoàn thành đánh giá, phân hạng sản phẩm xong trước ngày {present.date_numeric(dl[1])}.",
                f"- {refer}"]},
        ]},
        {"so": "III", "ten": "KINH PHÍ THỰC HIỆN", "muc": [{"tieu_de": "", "doan": [data["budget"]]}]},
        {"so": "IV", "ten": "TỔ CHỨC THỰC HIỆN", "muc": [
            {"tieu_de": f"{i}. {r['unit']}", "doan": [f"- {t}" for t in r["tasks"]]}
            for i, r in enumerate(data["responsibilities"], 1)]},
    ]
    return spec_for(
        campaign, "ke_hoach", "Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP", "00-ke-hoach", on,
        body="issuer", type_code="KH", numbered=True, signer=signer, chu_ky=signature_block(signer, collective=True),
        trich_yeu=f"Tổ chức đánh giá và phân hạng sản phẩm OCOP {where} năm {year}",
        can_cu="Căn cứ " + "; ".join(campaign.legal_bases) + ";",
        loi_mo=f"{campaign.issuing_body} ban hành Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP {where} "
               f"năm {year}, với các nội dung sau:",
        phan=sections,
        ket_thuc=f"Trên đây là Kế hoạch Tổ chức đánh giá và phân hạng sản phẩm OCOP {where} năm {year}./.",
        noi_nhan=list(data["recipients"]), ban_dien_tu=list(data["electronic_recipients"]),
    )


def council_rules(campaign: Campaign) -> DocSpec:
    """Quyết định ban hành Quy chế hoạt động of the council, issued in the council's own series."""
    edition = get_edition(campaign.edition_code)
    rules = campaign.rules
    on = campaign.details.rules_decision_date or campaign.deadline_verification
    signer = campaign.details.signer("council")
    quorum = present.fraction(rules.quorum_fraction)  # as the rules apply it: 2/3, not a rounded 67%
    spread = rules.max_spread
    title = f"Quy chế hoạt động của {campaign.council_name} và Tổ thư ký giúp việc Hội đồng"
    chapters: list[dict[str, Any]] = [
        {"so": "Chương I", "ten": "QUY ĐỊNH CHUNG", "dieu": [
            {"so": 1, "ten": "Phạm vi điều chỉnh", "khoan": [
                f"Quy chế này quy định nguyên tắc, nhiệm vụ và cách thức làm việc của {campaign.council_name} "
                f"(sau đây gọi là Hội đồng) và Tổ thư ký giúp việc Hội đồng."]},
            {"so": 2, "ten": "Nguyên tắc làm việc", "khoan": [
                "1. Hội đồng làm việc theo chế độ tập thể; các thành viên đánh giá, chấm điểm độc lập trên phiếu đánh "
                "giá.",
                f"2. Hội đồng đánh giá, phân hạng sản phẩm theo {edition.short_title}.",
                "3. Thành viên Hội đồng, Tổ thư ký giữ bí mật điểm chấm và kết quả đánh giá; không công bố kết quả "
                "trước khi kết thúc phiên họp của Hội đồng."]}]},
        {"so": "Chương II", "ten": "HOẠT ĐỘNG CỦA HỘI ĐỒNG", "dieu": [
            {"so": 3, "ten": "Điều kiện họp Hội đồng", "khoan": [
                f"Phiên họp của Hội đồng chỉ được tiến hành khi có ít nhất {quorum} tổng số thành viên "
                "tham dự; Chủ tịch Hội đồng chủ trì, trường hợp vắng mặt thì ủy quyền cho Phó Chủ tịch Hội đồng."]},
            {"so": 4, "ten": "Hồ sơ gửi thành viên", "khoan": [
                f"Tổ thư ký gửi hồ sơ sản phẩm đến các thành viên Hội đồng trước phiên họp ít nhất "
                f"{present.count(edition.dossier_lead_working_days)} ngày làm việc."]},
            {"so": 5, "ten": "Chấm điểm và tổng hợp kết quả", "khoan": [
                "1. Mỗi thành viên chấm điểm từng sản phẩm trên phiếu đánh giá theo bộ tiêu chí của nhóm sản phẩm.",
                "2. Điểm của sản phẩm là trung bình cộng tổng điểm của các thành viên có mặt, không làm tròn khi xếp "
                "hạng sao; hạng sao xác định theo các khoảng điểm của bộ tiêu chí.",
                "3. Khi chênh lệch giữa tổng điểm cao nhất và thấp nhất của các thành viên đối với một sản phẩm vượt "
                f"quá {present.points(spread)} điểm, Hội đồng thảo luận và các thành viên chấm lại; việc chấm lại được "
                "ghi vào biên bản."]}]},
        {"so": "Chương III", "ten": "TỔ THƯ KÝ VÀ ĐIỀU KHOẢN THI HÀNH", "dieu": [
            {"so": 6, "ten": "Nhiệm vụ của Tổ thư ký", "khoan": [
                "Tiếp nhận, kiểm tra hồ sơ; chuẩn bị tài liệu, phiếu đánh giá; tổng hợp kết quả, lập biên bản phiên "
                "họp."]},
            {"so": 7, "ten": "Tổ chức thực hiện", "khoan": [
                "Các thành viên Hội đồng, Tổ thư ký có trách nhiệm thực hiện Quy chế này. Trong quá trình thực hiện, "
                "nếu có vướng mắc, báo cáo Chủ tịch Hội đồng xem xét, sửa đổi, bổ sung."]}]},
    ]
    return spec_for(
        campaign, "qd_ban_hanh_quy_che", "Quyết định ban hành Quy chế hoạt động của Hội đồng", "01-thanh-lap-hoi-dong",
        on, body="council", type_code="QĐ", numbered=True, signer=signer,
        chu_ky=council_signature(campaign, signer),
        trich_yeu=f"Về việc ban hành {title}",
        tham_quyen=council_heading(campaign),
        can_cu=[f"Căn cứ {edition.title};", f"Căn cứ Quyết định thành lập {campaign.council_name};",
                "Theo đề nghị của Tổ trưởng Tổ thư ký giúp việc Hội đồng."],
        dieu=[f"Ban hành kèm theo Quyết định này {title}.",
              "Quyết định này có hiệu lực kể từ ngày ký.",
              f"Các thành viên Hội đồng, Tổ thư ký giúp việc Hội đồng, {head_of(campaign.office)} và các cơ quan, "
              "đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."],
        quy_che_trich_yeu=title,
        # the template prints "(Ban hành kèm theo Quyết định số {{ so_ky_hieu }} {{ kem_theo }})"
        kem_theo=f"{present.date_long(on)} của {campaign.council_name}",
        chuong=chapters,
        noi_nhan=["Như Điều 3;", f"UBND {_where(campaign)} (b/c);", f"Lưu: VT, {campaign.office_code}."],
    )
