"""Set-up documents generated from the campaign: the plan itself and the council's rules.

The plan (Kế hoạch) regenerates the founding plan from data: its own texts (purposes,
requirements, budget, responsibilities) come from the campaign file; the council, the rules
decision, the deadlines, the threshold and the legal bases come from the campaign.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop import present
from ocop.documents.decree30 import EFFECT_CLAUSE
from ocop.persistence.models import Campaign, Document
from ocop.rules.editions import Edition, Level, get_edition
from ocop.rules.stars import star_for
from ocop.services.campaigns import council, secretariat
from ocop.services.paperwork import bases
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
        members = [p.position for p in sec if p is not head]
        if members:
            text += f"{', thành viên gồm' if head is not None else ':'} {', '.join(members)}"
    return text + "."


def _rules_heading(campaign: Campaign) -> str:
    """The Quy chế's title under its heading "QUY CHẾ": 'Hoạt động của Hội đồng … và Tổ thư ký giúp việc Hội đồng'."""
    return f"Hoạt động của {campaign.council_name} và Tổ thư ký giúp việc Hội đồng"


def rules_title(campaign: Campaign) -> str:
    """'Quy chế hoạt động của Hội đồng … và Tổ thư ký giúp việc Hội đồng', as the decision's trích yếu, its
    Điều 1 and the plan name it."""
    heading = _rules_heading(campaign)
    return f"Quy chế {heading[0].lower()}{heading[1:]}"


def council_tasks(campaign: Campaign, edition: Edition, level: Level, criteria: str) -> list[str]:
    """The council's tasks, as clauses: the plan (1.2. Nhiệm vụ) joins them, the Quy chế numbers them.
    ``criteria`` cites the edition the council scores by."""
    unit = present.LEVEL_UNIT[campaign.level]
    tasks = ["kiểm tra, thẩm định và xét chọn sản phẩm đăng ký đủ điều kiện tham gia Chương trình OCOP",
             f"tổ chức đánh giá, phân hạng sản phẩm cấp {unit} theo {criteria}"]
    if level.recognises:
        tasks.append(f"đề xuất Chủ tịch {campaign.issuing_body} công nhận các sản phẩm đạt "
                     f"{present.star_range(min(level.recognises), max(level.recognises))}")
    if level.refers_at is not None:
        tasks.append(f"lựa chọn các sản phẩm đạt từ {present.points(level.refers_at)} điểm trở lên, tham mưu "
                     f"{campaign.issuing_body} đề nghị {level.refers_to} đánh giá, phân hạng")
    return tasks


def secretariat_tasks(campaign: Campaign) -> list[str]:
    """The secretariat's tasks, as clauses: the plan joins them, the Quy chế numbers them."""
    return [
        "tiếp nhận, kiểm tra hồ sơ đăng ký; thông báo cho chủ thể kết quả kiểm tra hồ sơ và những nội dung cần "
        f"bổ sung (hạn bổ sung {present.count(campaign.rules.supplement_working_days)} ngày làm việc kể từ ngày "
        "thông báo)",
        "chuẩn bị tài liệu, phiếu đánh giá; gửi hồ sơ sản phẩm đến các thành viên Hội đồng trước phiên họp",
        "tổng hợp kết quả đánh giá, phân hạng; lập biên bản phiên họp, dự thảo các văn bản của Hội đồng, báo cáo "
        "Chủ tịch Hội đồng",
    ]


def _sentence(clause: str) -> str:
    return clause[0].upper() + clause[1:] + "."


def _paragraphs(texts: list[str]) -> list[str]:
    """One text is a plain paragraph; several are a dashed list, as the founding plan writes them."""
    return [f"- {t}" for t in texts] if len(texts) > 1 else list(texts)


# The plan's section "4. Tổ chức Lễ công bố …" where the campaign file's [plan] has no `ceremony` text.
CEREMONY = ("Tổ chức công bố kết quả đánh giá, phân hạng sản phẩm, trao Giấy chứng nhận cho các sản phẩm được công "
            "nhận và vinh danh các sản phẩm đạt kết quả cao.")


def reference(doc: Document, who: str, plan_on: date | None = None) -> str:
    """'Ngày 07 tháng 01 năm 2020 Chủ tịch UBND … đã ban hành Quyết định số 18/QĐ-UBND'; a decision dated after
    the plan (``plan_on``) is not yet issued when the plan is signed: the plan says it will be, without its
    number ('Hội đồng … ban hành Quyết định')."""
    if plan_on is not None and doc.issued_on > plan_on:
        return f"{who} ban hành Quyết định"
    return f"{present.date_long_capitalised(doc.issued_on)} {who} đã ban hành Quyết định số {doc.symbol}"


def plan_date(campaign: Campaign) -> date | None:
    """The plan's date, from the campaign file's [plan] (None without one)."""
    data = campaign.details.plan
    return date.fromisoformat(data["date"]) if data else None


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
    stars = present.star_range(star_for(level.refers_at, edition.star_lower_bounds, edition.max_points),
                               len(edition.star_lower_bounds))
    refer = (f"{campaign.office} chuyển hồ sơ các sản phẩm có số điểm đạt từ {present.points(level.refers_at)} điểm "
             f"đến {present.points(edition.max_points)} điểm ({stars}) đến {level.refers_to} để đề nghị đánh giá, "
             f"phân hạng, công nhận sản phẩm OCOP, trước ngày {present.date_numeric(dl[2])}.")
    sections = [
        {"so": "I", "ten": "MỤC ĐÍCH, YÊU CẦU", "muc": [
            {"tieu_de": "1. Mục đích", "doan": [f"- {t}" for t in data["purposes"]]},
            {"tieu_de": "2. Yêu cầu", "doan": [f"- {t}" for t in data["requirements"]]}]},
        {"so": "II", "ten": "NỘI DUNG", "muc": [
            {"tieu_de": f"1. Thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp {unit} và Tổ "
                        "giúp việc Hội đồng", "doan": []},
            {"tieu_de": "1.1. Thành lập", "doan": [_council_paragraph(campaign, council_decision)]},
            {"tieu_de": "1.2. Nhiệm vụ", "doan": [
                f"- {campaign.council_name} có nhiệm vụ "
                + "; ".join(council_tasks(campaign, edition, level, edition.short_title_on(on))) + ".",
                "- Tổ thư ký giúp việc Hội đồng có nhiệm vụ " + "; ".join(secretariat_tasks(campaign)) + "."]},
            {"tieu_de": "2. Ban hành Quy chế hoạt động của Hội đồng đánh giá, phân hạng sản phẩm OCOP",
             "doan": [f"{rules_decision} về việc ban hành {rules_title(campaign)}."]},
            {"tieu_de": "3. Tổ chức xét chọn sản phẩm đăng ký", "doan": [
                f"- Tổ chức kiểm tra, thẩm định, xét chọn các sản phẩm đăng ký tham gia chương trình OCOP năm {year}, "
                f"xong trước ngày {present.date_numeric(dl[0])}.",
                f"- Đánh giá toàn bộ các sản phẩm tham gia Chương trình theo {edition.short_title_on(on)}.",
                f"- Các sản phẩm của các đơn vị, tổ chức, cá nhân, hộ sản xuất đã đăng ký tham gia Chương trình OCOP "
                f"trên địa bàn {unit} được Hội đồng {unit} kiểm tra, thẩm định và xét chọn sản phẩm đủ điều kiện tham "
                "gia Chương trình OCOP.",
                f"- Hội đồng {unit} tổ chức đánh giá các sản phẩm tham gia Chương trình OCOP theo hình "
                "thức họp tập trung, thành viên Hội đồng đánh giá độc lập, tính điểm trung bình các thành viên Hội "
                f"đồng; hoàn thành đánh giá, phân hạng sản phẩm xong trước ngày {present.date_numeric(dl[1])}.",
                f"- {refer}"]},
            {"tieu_de": "4. Tổ chức Lễ công bố, trao chứng nhận và vinh danh sản phẩm",
             "doan": [data.get("ceremony") or CEREMONY]},
        ]},
        {"so": "III", "ten": "KINH PHÍ THỰC HIỆN", "muc": [{"tieu_de": "", "doan": [data["budget"]]}]},
        {"so": "IV", "ten": "TỔ CHỨC THỰC HIỆN", "muc": [
            {"tieu_de": f"{i}. {r['unit']}", "doan": _paragraphs(r["tasks"])}
            for i, r in enumerate(data["responsibilities"], 1)]},
    ]
    return spec_for(
        campaign, "ke_hoach", "Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP", "00-ke-hoach", on,
        body="issuer", type_code="KH", numbered=True, signer=signer, chu_ky=signature_block(signer, collective=True),
        trich_yeu=f"Tổ chức đánh giá và phân hạng sản phẩm OCOP {where} năm {year}",
        can_cu="Căn cứ " + "; ".join(bases.citations(campaign, "ke_hoach", on, "Kế hoạch")) + ";",
        loi_mo=f"{campaign.issuing_body} ban hành Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP {where} "
               f"năm {year}, với các nội dung sau:",
        phan=sections,
        ket_thuc=f"Trên đây là Kế hoạch Tổ chức đánh giá và phân hạng sản phẩm OCOP {where} năm {year}./.",
        noi_nhan=list(data["recipients"]), ban_dien_tu=list(data["electronic_recipients"]),
    )


def _number_articles(chapters: list[dict[str, Any]]) -> None:
    """Number the Quy chế's articles (Điều 1, 2, …) through its chapters, and an article's clauses (1., 2., …)
    when it has more than one."""
    n = 0
    for chapter in chapters:
        for article in chapter["dieu"]:
            n += 1
            article["so"] = n
            clauses = article["khoan"]
            if len(clauses) > 1 and not clauses[0].startswith("1. "):
                article["khoan"] = [f"{i}. {k}" for i, k in enumerate(clauses, 1)]


def council_rules(campaign: Campaign) -> DocSpec:
    """Quyết định ban hành Quy chế hoạt động of the council, issued in the council's own series."""
    edition = get_edition(campaign.edition_code)
    rules = campaign.rules
    on = campaign.details.rules_decision_date or campaign.deadline_verification
    signer = campaign.details.signer("council")
    quorum = present.fraction(rules.quorum_fraction)  # as the rules apply it: 2/3, not a rounded 67%
    level = edition.level(campaign.level)
    vice = any(p.role == "vice_chair" for p in council(campaign))
    spread = rules.max_spread
    title = rules_title(campaign)
    chapters: list[dict[str, Any]] = [
        {"so": "Chương I", "ten": "QUY ĐỊNH CHUNG", "dieu": [
            {"so": 1, "ten": "Phạm vi điều chỉnh", "khoan": [
                f"Quy chế này quy định nguyên tắc, nhiệm vụ và cách thức làm việc của {campaign.council_name} "
                f"(sau đây gọi là Hội đồng) và Tổ thư ký giúp việc Hội đồng."]},
            {"so": 2, "ten": "Nguyên tắc làm việc", "khoan": [
                "1. Hội đồng làm việc theo chế độ tập thể; các thành viên đánh giá, chấm điểm độc lập trên phiếu đánh "
                "giá.",
                f"2. Hội đồng đánh giá, phân hạng sản phẩm theo {edition.short_title_on(on)}.",
                "3. Thành viên Hội đồng, Tổ thư ký giữ bí mật điểm chấm và kết quả đánh giá; không công bố kết quả "
                "trước khi kết thúc phiên họp của Hội đồng."]}]},
        {"so": "Chương II", "ten": "NHIỆM VỤ, QUYỀN HẠN CỦA HỘI ĐỒNG VÀ TỔ THƯ KÝ", "dieu": [
            {"ten": "Nhiệm vụ, quyền hạn của Hội đồng", "khoan": [
                *(_sentence(t) for t in council_tasks(campaign, edition, level, edition.short_title_on(on))),
                "Yêu cầu chủ thể bổ sung hồ sơ; kiểm tra thực tế tại cơ sở sản xuất khi cần thiết."]},
            {"ten": "Nhiệm vụ, quyền hạn của Chủ tịch Hội đồng", "khoan": [
                "Chỉ đạo, điều hành toàn bộ hoạt động của Hội đồng; phân công nhiệm vụ cho "
                + ("Phó Chủ tịch, " if vice else "") + "các thành viên Hội đồng và Tổ thư ký.",
                "Triệu tập, chủ trì các phiên họp của Hội đồng; kết luận các nội dung Hội đồng thảo luận.",
                "Chấm điểm sản phẩm như các thành viên Hội đồng.",
                "Ký biên bản phiên họp, thông báo kết quả đánh giá và các văn bản của Hội đồng; báo cáo Chủ tịch "
                f"{campaign.issuing_body} kết quả đánh giá, phân hạng sản phẩm.",
                f"Chịu trách nhiệm trước Chủ tịch {campaign.issuing_body} về hoạt động của Hội đồng."]},
            *([{"ten": "Nhiệm vụ, quyền hạn của Phó Chủ tịch Hội đồng", "khoan": [
                "Giúp Chủ tịch Hội đồng điều hành hoạt động của Hội đồng theo sự phân công.",
                "Chủ trì phiên họp của Hội đồng khi Chủ tịch Hội đồng vắng mặt và ủy quyền.",
                "Chấm điểm sản phẩm như các thành viên Hội đồng; chịu trách nhiệm trước Chủ tịch Hội đồng về "
                "nhiệm vụ được phân công."]}] if vice else []),
            {"ten": "Nhiệm vụ, quyền hạn của thành viên Hội đồng", "khoan": [
                "Nghiên cứu hồ sơ sản phẩm trước phiên họp; tham dự đầy đủ các phiên họp của Hội đồng, trường hợp "
                "vắng mặt phải báo cáo Chủ tịch Hội đồng.",
                "Chấm điểm độc lập từng sản phẩm trên phiếu đánh giá và chịu trách nhiệm về điểm chấm của mình.",
                "Được Tổ thư ký cung cấp đầy đủ hồ sơ, tài liệu; được bảo lưu ý kiến và ghi ý kiến vào biên bản "
                "phiên họp."]},
            {"ten": "Nhiệm vụ, quyền hạn của Tổ thư ký", "khoan": [
                *(_sentence(t) for t in secretariat_tasks(campaign)),
                "Tổ trưởng Tổ thư ký phân công nhiệm vụ cho các thành viên của Tổ và chịu trách nhiệm trước Chủ tịch "
                "Hội đồng; thành viên Tổ thư ký không chấm điểm sản phẩm."]}]},
        {"so": "Chương III", "ten": "HOẠT ĐỘNG CỦA HỘI ĐỒNG", "dieu": [
            {"ten": "Điều kiện họp Hội đồng", "khoan": [
                f"Phiên họp của Hội đồng chỉ được tiến hành khi có ít nhất {quorum} tổng số thành viên tham dự"
                + (", trong đó có Chủ tịch Hội đồng" if rules.quorum_requires_chair else "")
                + "; Chủ tịch Hội đồng chủ trì, trường hợp vắng mặt thì ủy quyền cho "
                + ("Phó Chủ tịch Hội đồng." if vice else "một thành viên Hội đồng.")]},
            {"ten": "Hồ sơ gửi thành viên", "khoan": [
                f"Tổ thư ký gửi hồ sơ sản phẩm đến các thành viên Hội đồng trước phiên họp ít nhất "
                f"{present.count(edition.dossier_lead_working_days)} ngày làm việc."]},
            {"ten": "Chấm điểm và tổng hợp kết quả", "khoan": [
                "Mỗi thành viên chấm điểm từng sản phẩm trên phiếu đánh giá theo bộ tiêu chí của nhóm sản phẩm.",
                "Điểm của sản phẩm là trung bình cộng tổng điểm của các thành viên có mặt, không làm tròn khi xếp "
                "hạng sao; hạng sao xác định theo các khoảng điểm của bộ tiêu chí.",
                "Khi chênh lệch giữa tổng điểm cao nhất và thấp nhất của các thành viên đối với một sản phẩm vượt "
                f"quá {present.points(spread)} điểm, Hội đồng thảo luận và các thành viên chấm lại; việc chấm lại được "
                "ghi vào biên bản."]}]},
        {"so": "Chương IV", "ten": "ĐIỀU KHOẢN THI HÀNH", "dieu": [
            {"ten": "Tổ chức thực hiện", "khoan": [
                "Các thành viên Hội đồng, Tổ thư ký có trách nhiệm thực hiện Quy chế này. Trong quá trình thực hiện, "
                "nếu có vướng mắc, báo cáo Chủ tịch Hội đồng xem xét, sửa đổi, bổ sung."]}]},
    ]
    _number_articles(chapters)
    return spec_for(
        campaign, "qd_ban_hanh_quy_che", "Quyết định ban hành Quy chế hoạt động của Hội đồng", "01-thanh-lap-hoi-dong",
        on, body="council", type_code="QĐ", numbered=True, signer=signer,
        chu_ky=council_signature(campaign, signer),
        trich_yeu=f"Về việc ban hành {title}",
        tham_quyen=council_heading(campaign),
        can_cu=[*[f"Căn cứ {b};" for b in bases.citations(campaign, "qd_ban_hanh_quy_che", on,
                                                            "Quyết định ban hành Quy chế hoạt động")],
                "Theo đề nghị của Tổ trưởng Tổ thư ký giúp việc Hội đồng."],
        dieu=[f"Ban hành kèm theo Quyết định này {title}.",
              EFFECT_CLAUSE,
              f"Các thành viên Hội đồng, Tổ thư ký giúp việc Hội đồng, {head_of(campaign.office)} và các cơ quan, "
              "đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."],
        quy_che_trich_yeu=_rules_heading(campaign),
        # the template prints "(Ban hành kèm theo Quyết định số {{ so_ky_hieu }} {{ kem_theo }})"
        kem_theo=f"{present.date_long(on)} của {campaign.council_name}",
        chuong=chapters,
        noi_nhan=["Như Điều 3;", f"UBND {_where(campaign)} (b/c);", f"Lưu: VT, {campaign.office_code}."],
    )
