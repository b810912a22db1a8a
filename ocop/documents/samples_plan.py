"""Sample contexts of the planning stage: the Kế hoạch — the founding plan of Lục Nam (2020) as
published — and the council's Quyết định ban hành Quy chế hoạt động with its Quy chế."""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop.documents.decree30 import number_symbol, signature_lines
from ocop.documents.samples_common import BO_TIEU_CHI, HD_CHU_QUAN, TRICKY, common

PLAN_TITLE = "Tổ chức đánh giá và phân hạng sản phẩm OCOP huyện Lục Nam năm 2020"
# as published: number and day left blank for the văn thư
PUBLISHED_DATE_LINE = "Lục Nam, ngày      tháng 5 năm 2020"
BO_1048 = ("Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ về việc ban hành Bộ "
           "Tiêu chí đánh giá, phân hạng sản phẩm Chương trình mỗi xã một sản phẩm")
TO_NN = "Phòng Nông nghiệp & PTNT"
HO_SO_50 = ("các sản phẩm có số điểm đạt từ 50 điểm đến 100 điểm (từ 3 đến 5 sao) gửi Sở Nông "
            "nghiệp & PTNT để đề nghị đánh giá, phân hạng, công nhận sản phẩm OCOP, trước ngày "
            "05/11/2020.")


def _muc(tieu_de: str, *doan: str) -> dict[str, Any]:
    return {"tieu_de": tieu_de, "doan": list(doan)}


_PHAN = [
    ("I", "MỤC ĐÍCH, YÊU CẦU", [
        _muc("1. Mục đích",
             "- Khuyến khích các tổ chức kinh tế (doanh nghiệp, HTX, tổ hợp tác, các chủ thể sản "
             "xuất,...) tham gia chương trình OCOP hoàn thiện, nâng cấp, đổi mới và đa dạng hóa các "
             "sản phẩm đảm bảo các quy định theo Bộ tiêu chí đánh giá và phân hạng sản phẩm OCOP. "
             "Từng bước chuẩn hóa và nâng cao chất lượng các sản phẩm tham gia chương trình đảm bảo "
             "theo tiêu chuẩn trong nước và quốc tế.",
             "- Thông qua đánh giá và phân hạng sản phẩm OCOP năm 2020, lựa chọn ra những sản phẩm "
             "đảm bảo về chất lượng cũng như mẫu mã bao bì, thúc đẩy phát triển sản xuất và tiêu thụ "
             "sản phẩm, tăng thu nhập cho người lao động. Góp phần hoàn thiện tiêu chí số 10 (Thu "
             "nhập), tiêu chí số 12 (Lao động có việc làm) và tiêu chí số 13 (Tổ chức sản xuất) trong "
             "Bộ tiêu chí Quốc gia về xây dựng nông thôn mới."),
        _muc("2. Yêu cầu",
             "- Phải đánh giá và phân hạng tất cả các sản phẩm đăng ký tham gia OCOP.",
             "- Công tác đánh giá và phân hạng sản phẩm OCOP năm 2020 phải được tổ chức khách quan, "
             "chặt chẽ, đúng quy định, được truyền thông rộng rãi để các địa phương và các hộ sản "
             "xuất, tổ chức kinh tế tham gia.",
             "- Các cơ quan, đơn vị cử lãnh đạo, công chức tham gia Hội đồng đánh giá phân hạng sản "
             "phẩm OCOP và Tổ thư ký giúp việc Hội đồng phải đúng thành phần, đồng thời phải phát huy "
             "tinh thần chủ động, sáng tạo để thực hiện đánh giá, phân hạng đạt kết quả tốt."),
    ]),
    ("II", "NỘI DUNG", [
        _muc("1. Thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp huyện và Tổ giúp việc "
             "Hội đồng"),
        _muc("1.1. Thành lập",
             "Ngày 07 tháng 01 năm 2020 Chủ tịch UBND huyện Lục Nam đã ban hành Quyết định số "
             "18/QĐ-UBND về việc thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam "
             "gồm 07 thành viên do Phó Chủ tịch UBND huyện phụ trách khôi kinh tế kỹ thuật làm Chủ "
             "tịch Hội đồng, Trưởng phòng Nông nghiệp & PTNT làm Phó Chủ tịch Hội đồng, thành viên "
             "là Trưởng phòng Kinh tế và Hạ tầng, Văn hóa - TT, Tài chính - KH, Y tế, Giám đốc Trung "
             "Tâm Dịch vụ -KTNN huyện và Tổ thư ký giúp việc Hội đồng gồm 03 thành viên do Phó "
             "trưởng Phòng Nông nghiệp & PTNT làm Tổ trưởng, thành viên gồm Phó trưởng Phòng Kinh tế "
             "và Hạ tầng, Viên chức Văn Phòng điều phối XDNTM huyện."),
        _muc("1.2. Nhiệm vụ",
             "- Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện năm 2020 có nhiệm vụ thực hiện kiểm "
             "tra, thẩm định và xét chọn sản phẩm đăng ký đủ điều kiện tham gia chương trình OCOP; "
             "tham mưu giúp Chủ tịch UBND huyện lựa chọn các sản phẩm và ý tưởng sản phẩm của các tổ "
             "chức kinh tế đảm bảo chất lượng, phù hợp làm cơ sở để các tổ chức kinh tế xây dựng kế "
             "hoạch phát triển sản phẩm đảm bảo các tiêu chí tham gia đánh giá, xét chọn sản phẩm "
             "OCOP; tổ chức đánh giá, phân hạng sản phẩm cấp huyện, lựa chọn các sản phẩm đề xuất "
             "UBND huyện đề nghị Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp tỉnh đánh giá, phân "
             "hạng sản phẩm theo Quyết định số 1048/QĐTTg ngày 21/8/2019 của Thủ tướng Chính phủ về "
             "việc Ban hành Bộ tiêu chí đánh giá, phân hạng sản phẩm Chương trình mỗi xã một sản "
             "phẩm.",
             "- Tổ thư ký giúp việc Hội đồng giúp Hội đồng lựa chọn các sản phẩm, ý tưởng sản phẩm "
             "đăng ký tham gia của các tổ chức kinh tế trên địa bàn huyện, đánh giá, xét chọn sản "
             "phẩm tham gia Chương trình OCOP, tổng hợp kết quả đánh giá, phân hạng báo cáo Chủ tịch "
             "Hội đồng Quyết định."),
        _muc("2. Ban hành Quy chế hoạt động của Hội đồng đánh giá, phân hạng sản phẩm OCOP",
             "Ngày 21/5/2020 Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện đã ban hành Quyết "
             "định số 3117/QĐ-HĐOCOP về việc Ban hành Quy chế hoạt động của Hội đồng đánh giá, phân "
             "hạng sản phẩm OCOP huyện Lục Nam và Tổ thư ký giúp việc Hội đồng năm 2020."),
        _muc("3. Tổ chức xét chọn sản phẩm đăng ký",
             "- Tổ chức kiểm tra, thẩm định, xét chọn các sản phẩm đăng ký tham gia chương trình "
             "OCOP năm 2020, xong trước ngày 05/7/2020.",
             f"- Đánh giá toàn bộ các sản phẩm tham gia Chương trình theo {BO_1048}.",
             "- Các sản phẩm của các đơn vị, tổ chức, cá nhân, các hộ sản xuất đã đăng ký tham gia "
             "Chương trình OCOP trên địa bàn huyện được Hội đồng huyện đánh giá kiểm tra, thẩm định "
             "và xét chọn sản phẩm đủ điều kiện tham gia chương trình OCOP.",
             "- Hội đồng huyện tổ chức đánh giá các sản phẩm tham gia Chương trình OCOP theo hình "
             "thức họp tập trung, thành viên Hội đồng đánh giá độc lập, tính điểm trung bình các "
             "thành viên Hội đồng; hoàn thành đánh giá, phân hạng sản phẩm xong trước ngày "
             "30/10/2020.",
             f"- {TO_NN} chuyển hồ sơ {HO_SO_50.replace(' gửi Sở', ' đến Sở')}"),
        _muc("4. Tổ chức Lễ công bố, trao chứng nhận và vinh danh sản phẩm",
             "UBND tỉnh tổ chức Hội nghị công bố kết quả đánh giá, phân hạng sản phẩm và trao Giấy "
             "chứng nhận các sản phẩm đạt từ 03 sao trở lên, kết hợp trưng bày một số sản phẩm đạt "
             "kết quả cao tại Hội nghị."),
    ]),
    ("III", "KINH PHÍ THỰC HIỆN", [
        _muc("", "Thực hiện theo Quyết định số 269/QĐ-UBND, ngày 16/01/2020 của Chủ tịch UBND "
                 "huyện về việc phân bổ chi tiết vốn sự nghiệp ngân sách Trung ương thuộc Chương "
                 "trình MTQG xây dựng nông thôn mới năm 2020 (đợt 1)."),
    ]),
    ("IV", "TỔ CHỨC THỰC HIỆN", [
        _muc("1. Phòng Nông nghiệp và Phát triển nông thôn",
             "- Chủ trì, phối hợp với các cơ quan, đơn vị liên quan và UBND các xã, thị trấn hướng "
             "dẫn thực hiện Bộ tiêu chí đánh giá, phân hạng sản phẩm Chương trình mỗi xã một sản "
             "phẩm. Hướng dẫn nghiệp vụ cho các xã, thị trấn, đơn vị, doanh nghiệp, HTX, hộ sản xuất "
             "thực hiện các thủ tục, hồ sơ đăng ký sản phẩm đảm bảo theo quy định.",
             "- Chủ trì, phối hợp với các cơ quan, đơn vị liên quan, UBND các xã, thị trấn tổ chức "
             "tư vấn, kiểm tra thực tế tại cơ sở sản xuất có sản phẩm đăng ký tham gia chu trình "
             "OCOP năm 2020.",
             "- Tiếp nhận, tổng hợp hồ sơ đăng ký của các doanh nghiệp, HTX, hộ sản xuất; tham mưu "
             "Hội đồng huyện tổ chức đánh giá, phân hạng sản phẩm OCOP cấp huyện năm 2020; tổng hợp "
             f"hồ sơ {HO_SO_50}",
             "- Thanh quyết toán kinh phí hỗ trợ thực hiện chương trình OCOP năm 2020 theo đúng "
             "định."),
        _muc("2. Các cơ quan, đơn vị liên quan",
             "Căn cứ chức năng, nhiệm vụ, hướng dẫn nghiệp vụ cho các xã, thị trấn, các chủ thể sản "
             "xuất thực hiện các thủ tục đăng ký đảm bảo yêu cầu quản lý Nhà nước về tiêu chuẩn y "
             "tế, vệ sinh an toàn thực phẩm, hợp quy, hợp chuẩn,... để đảm bảo chất lượng, quy định "
             "tiêu chuẩn đối với các sản phẩm OCOP."),
        _muc("3. Trung tâm Văn hóa – Thông tin và Thể thao huyện",
             f"Phối hợp với {TO_NN}, UBND các xã, thị trấn thực hiện tốt công tác tuyên truyền về "
             "Kế hoạch đánh giá và phân hạng sản phẩm OCOP cấp huyện năm 2020."),
        _muc("5. UBND các xã, thị trấn",          # sic: the published plan has no item 4 here
             "- Tuyên truyền, phổ biến và hướng dẫn các chủ thể sản xuất trên địa bàn thực hiện "
             "nâng cao chất lượng sản phẩm, hàng hóa tham gia Chương trình OCOP theo quy định của "
             "pháp luật.",
             f"- Phối hợp với {TO_NN} tổ chức rà soát, kiểm tra các sản phẩm, dịch vụ của địa "
             "phương có tiềm năng phát triển để hướng dẫn các chủ thể sản xuất đăng ký tham gia "
             "chương trình OCOP, đồng thời ký xác nhận vào phiếu đăng ký tham gia chương trình OCOP "
             "năm 2020 của các chủ thể sản xuất."),
        _muc("6. Các doanh nghiệp, HTX, hộ sản xuất",
             "Tập trung hoàn thiện quy trình sản xuất, xây dựng thương hiệu, bao bì, tem nhãn sản "
             "phẩm đảm bảo các tiêu chí để tham gia đánh giá, bình chọn sản phẩm OCOP năm 2020."),
    ]),
]


def ke_hoach(as_published: bool = False) -> dict[str, Any]:
    """The founding plan. The published text leaves the number and the day blank; a blank day
    with a known month does not pass the conformance checker, so the sample dates it 25/5/2020
    unless ``as_published``."""
    ctx = common(date(2020, 5, 25), number_symbol(None, "KH", "UBND"))
    if as_published:
        ctx["dia_danh_ngay"] = PUBLISHED_DATE_LINE
    return ctx | {
        "trich_yeu": PLAN_TITLE,
        "can_cu": "Căn cứ Kế hoạch số 2077/KH-UBND ngày 18/5/2020 của Chủ tịch UBND tỉnh Bắc Giang "
                  "về Tổ chức đánh giá và phân hạng sản phẩm OCOP tỉnh Bắc Giang năm 2020; Kế hoạch "
                  "số 200/KH-UBND ngày 18/12/2019 của Chủ tịch UBND huyện Lục Nam về triển khai "
                  "Chương trình mỗi xã một sản phẩm huyện Lục Nam năm 2020;",
        "loi_mo": "UBND huyện Lục Nam ban hành Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP "
                  "huyện Lục Nam năm 2020, với các nội dung sau:",
        "phan": [{"so": so, "ten": ten, "muc": muc} for so, ten, muc in _PHAN],
        "ket_thuc": f"Trên đây là Kế hoạch {PLAN_TITLE}./.",
        "chu_ky": {"dong": signature_lines("KT.", "PHÓ CHỦ TỊCH"), "ho_ten": "Lương Thế Tuấn"},
        "noi_nhan": ["Lưu: VT, NN&PTNT."],
        "ban_dien_tu": ["UBND tỉnh (b/c);", "Sở Nông nghiệp & PTNT;", "Chủ tịch, các PCT UBND huyện;",
                        "Ủy ban MTTQ, các đoàn thể CT-XH huyện;",
                        "Các cơ quan, đơn vị thuộc UBND huyện;", "Hội đồng OCOP huyện;",
                        "UBND các xã, thị trấn;", "LĐVP, CVVP."],
    }


HOI_DONG_HUYEN = "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam"
QUY_CHE = f"Hoạt động của {HOI_DONG_HUYEN} và Tổ thư ký giúp việc Hội đồng năm 2020"


def _dieu(so: int, ten: str, *khoan: str) -> dict[str, Any]:
    return {"so": so, "ten": ten, "khoan": list(khoan)}


def qd_ban_hanh_quy_che() -> dict[str, Any]:
    return common(date(2020, 5, 21), number_symbol(1, "QĐ", "HĐOCOP"), **HD_CHU_QUAN) | {
        "trich_yeu": f"Về việc ban hành Quy chế hoạt động của {HOI_DONG_HUYEN} và Tổ thư ký giúp "
                     "việc Hội đồng năm 2020",
        "tham_quyen": HOI_DONG_HUYEN.upper(),
        "can_cu": [
            f"Căn cứ {BO_TIEU_CHI};",
            "Căn cứ Kế hoạch số 2077/KH-UBND ngày 18/5/2020 của Chủ tịch UBND tỉnh Bắc Giang về tổ "
            "chức đánh giá và phân hạng sản phẩm OCOP tỉnh Bắc Giang năm 2020;",
            "Căn cứ Quyết định số 18/QĐ-UBND ngày 07/01/2020 của Chủ tịch UBND huyện Lục Nam về "
            f"việc thành lập {HOI_DONG_HUYEN};",
            "Theo đề nghị của Tổ trưởng Tổ thư ký giúp việc Hội đồng.",
        ],
        "dieu": [
            f"Ban hành kèm theo Quyết định này Quy chế {QUY_CHE[0].lower()}{QUY_CHE[1:]}.",
            "Quyết định này có hiệu lực kể từ ngày ký.",
            "Các thành viên Hội đồng, Tổ thư ký giúp việc Hội đồng và các cơ quan, đơn vị, cá nhân "
            "có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ],
        "chu_ky": {"dong": ["CHỦ TỊCH HỘI ĐỒNG", "PHÓ CHỦ TỊCH UBND HUYỆN"],
                   "ho_ten": "Nguyễn Văn Hùng"},
        "noi_nhan": ["Như Điều 3;", "UBND huyện (b/c);", "Sở Nông nghiệp và PTNT tỉnh Bắc Giang (b/c);",
                     f"{TRICKY} (để biết);", "Lưu: VT, HĐOCOP."],
        "quy_che_trich_yeu": QUY_CHE,
        # printed as "(Ban hành kèm theo Quyết định số {{ so_ky_hieu }} {{ kem_theo }})"
        "kem_theo": f"ngày 21/5/2020 của {HOI_DONG_HUYEN}",
        "chuong": [
            {"so": "Chương I", "ten": "Quy định chung", "dieu": [
                _dieu(1, "Phạm vi điều chỉnh và đối tượng áp dụng",
                      f"1. Quy chế này quy định nguyên tắc, chế độ làm việc, nhiệm vụ và quyền hạn "
                      f"của {HOI_DONG_HUYEN} năm 2020 (sau đây gọi tắt là Hội đồng) và Tổ thư ký "
                      "giúp việc Hội đồng (sau đây gọi tắt là Tổ thư ký).",
                      "2. Quy chế này áp dụng đối với các thành viên Hội đồng, Tổ thư ký và các tổ "
                      "chức, cá nhân có sản phẩm đăng ký đánh giá, phân hạng."),
                _dieu(2, "Nguyên tắc làm việc",
                      "1. Hội đồng làm việc theo chế độ tập thể, thảo luận công khai, dân chủ, khách "
                      "quan và kết luận theo đa số.",
                      "2. Các thành viên Hội đồng chấm điểm độc lập trên phiếu đánh giá; điểm của sản "
                      "phẩm là điểm trung bình cộng của các thành viên có mặt.",
                      "3. Kết quả đánh giá không được công bố trước khi kết thúc phiên họp."),
            ]},
            {"so": "Chương II", "ten": "Nhiệm vụ, quyền hạn", "dieu": [
                _dieu(3, "Nhiệm vụ của Hội đồng",
                      "1. Kiểm tra, thẩm định và xét chọn sản phẩm đăng ký đủ điều kiện tham gia "
                      "Chương trình OCOP.",
                      f"2. Đánh giá, phân hạng sản phẩm theo Bộ tiêu chí ban hành kèm theo "
                      f"{BO_TIEU_CHI.split(' ban hành')[0]}.",
                      "3. Lựa chọn các sản phẩm đạt từ 50 điểm trở lên, tham mưu UBND huyện đề nghị "
                      "Hội đồng cấp tỉnh đánh giá, phân hạng."),
                _dieu(4, "Nhiệm vụ của Tổ thư ký",
                      "1. Tiếp nhận, kiểm tra hồ sơ; thông báo kết quả kiểm tra hồ sơ cho các chủ "
                      "thể.",
                      "2. Chuẩn bị tài liệu, phiếu đánh giá; tổng hợp kết quả chấm điểm; dự thảo "
                      "biên bản và các văn bản của Hội đồng."),
            ]},
            {"so": "Chương III", "ten": "Tổ chức thực hiện", "dieu": [
                _dieu(5, "Phiên họp của Hội đồng",
                      "1. Phiên họp chỉ được tiến hành khi có ít nhất 2/3 số thành viên tham dự, "
                      "trong đó có Chủ tịch Hội đồng hoặc Phó Chủ tịch Hội đồng được ủy quyền.",
                      "2. Khi điểm của các thành viên đối với một sản phẩm chênh lệch quá 10 điểm, "
                      "Hội đồng thảo luận và các thành viên chấm lại."),
                _dieu(6, "Điều khoản thi hành",
                      "1. Các thành viên Hội đồng và Tổ thư ký có trách nhiệm thực hiện Quy chế này.",
                      "2. Trong quá trình thực hiện, nếu có vướng mắc, Tổ thư ký tổng hợp, báo cáo "
                      "Chủ tịch Hội đồng xem xét, sửa đổi, bổ sung cho phù hợp./."),
            ]},
        ],
    }
