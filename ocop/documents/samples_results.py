"""Sample contexts of a 2023 round under 148/QĐ-TTg (the district recognises 3★): Thông báo kết
quả kiểm tra hồ sơ, Thông báo kết quả đánh giá, Quyết định công nhận, Giấy chứng nhận."""

from __future__ import annotations

from datetime import date
from typing import Any

from ocop import present
from ocop.documents.decree30 import certificate_symbol, number_symbol, place_date, signature_lines
from ocop.documents.samples_common import (
    CHU_TICH,
    CHU_TICH_HD,
    HD_CHU_QUAN,
    TRICKY,
    common,
)

BO_TIEU_CHI_148 = ("Quyết định số 148/QĐ-TTg ngày 24/02/2023 của Thủ tướng Chính phủ ban hành Bộ "
                   "tiêu chí đánh giá, phân hạng sản phẩm Chương trình Mỗi xã một sản phẩm")
HOI_DONG_2023 = "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2023"
RECOGNISED_ON = date(2023, 11, 10)
QD_CONG_NHAN = number_symbol(20, "QĐ", "UBND")
# (tên sản phẩm, chủ thể, địa chỉ, bộ sản phẩm, điểm trung bình) — all 3★ (50 to under 70)
SAN_PHAM_2023 = [
    ("Vải thiều Lục Nam", TRICKY, "Xã Thanh Lâm, huyện Lục Nam, tỉnh Bắc Giang",
     "Rau, củ, quả, hạt tươi", "66,43"),
    ("Mật ong hoa vải Bình Sơn", "Tổ hợp tác nuôi ong Bình Sơn",
     "Xã Bình Sơn, huyện Lục Nam, tỉnh Bắc Giang", "Mật ong, mật khác và nông sản thực phẩm khác",
     "62,14"),
    ("Gà đồi Yên Sơn", "Công ty TNHH Gà đồi Yên Sơn", "Xã Yên Sơn, huyện Lục Nam, tỉnh Bắc Giang",
     "Thịt, thủy sản, trứng, sữa tươi", "58,71"),
]


def _so_gcn(i: int) -> str:
    """The certificate on row i of the decision QD_CONG_NHAN."""
    return certificate_symbol(QD_CONG_NHAN, i)


def thong_bao_kiem_tra_ho_so() -> dict[str, Any]:
    han = "14/7/2023"
    return common(date(2023, 7, 3), number_symbol(12, "TB", "NN"),
                  co_quan_chu_quan="UBND huyện Lục Nam",
                  co_quan_ban_hanh="Phòng Nông nghiệp và Phát triển nông thôn") | {
        "trich_yeu": "Kết quả kiểm tra hồ sơ đăng ký đánh giá, phân hạng sản phẩm OCOP năm 2023",
        "kinh_gui": TRICKY,
        "noi_dung": [
            "Thực hiện Kế hoạch số 95/KH-UBND ngày 15/3/2023 của UBND huyện Lục Nam về tổ chức "
            f"đánh giá, phân hạng sản phẩm OCOP năm 2023 theo {BO_TIEU_CHI_148};",
            "Phòng Nông nghiệp và Phát triển nông thôn huyện đã kiểm tra hồ sơ đăng ký đánh giá, "
            "phân hạng sản phẩm OCOP của quý đơn vị; kết quả như sau:",
        ],
        "san_pham": [
            {"stt": "1", "ten_san_pham": "Vải thiều Lục Nam", "bo_san_pham": "Rau, củ, quả, hạt tươi",
             "ket_qua": "Đủ điều kiện", "ly_do": "Hồ sơ đầy đủ, đúng quy định."},
            {"stt": "2", "ten_san_pham": "Mật ong hoa vải Thanh Lâm",
             "bo_san_pham": "Mật ong, mật khác và nông sản thực phẩm khác", "ket_qua": "Cần bổ sung",
             "ly_do": "Thiếu phiếu kết quả kiểm nghiệm chỉ tiêu an toàn thực phẩm; bản tự công bố "
                      "sản phẩm đã hết hiệu lực."},
            {"stt": "3", "ten_san_pham": "Nhãn muộn Thanh Lâm", "bo_san_pham": "Rau, củ, quả, hạt tươi",
             "ket_qua": "Không đủ điều kiện",
             "ly_do": "Sản phẩm chưa có tài liệu chứng minh nguồn gốc nguyên liệu và chưa đủ 05 "
                      "mẫu sản phẩm."},
        ],
        "bo_sung": [
            {"muc": "Phiếu kết quả kiểm nghiệm chỉ tiêu an toàn thực phẩm của sản phẩm Mật ong hoa "
                    "vải Thanh Lâm (còn hiệu lực)", "han": han},
            {"muc": "Bản tự công bố sản phẩm Mật ong hoa vải Thanh Lâm còn hiệu lực", "han": han},
        ],
        "ket_thuc": "Đề nghị quý đơn vị hoàn thiện hồ sơ, nộp về Phòng Nông nghiệp và Phát triển "
                    "nông thôn huyện (qua Tổ thư ký Hội đồng) đúng thời hạn nêu trên; quá thời hạn, "
                    "sản phẩm được xem xét ở đợt đánh giá tiếp theo./.",
        "chu_ky": {"dong": signature_lines(None, "TRƯỞNG PHÒNG"), "ho_ten": "Trần Thị Lan"},
        "noi_nhan": ["Như trên;", "UBND huyện (b/c);", f"{HOI_DONG_2023};", "Lưu: VT, NN."],
    }


def qd_cong_nhan() -> dict[str, Any]:
    return common(RECOGNISED_ON, QD_CONG_NHAN) | {
        "trich_yeu": "Về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam "
                     "năm 2023",
        "tham_quyen": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LỤC NAM",
        "can_cu": [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
            "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương "
            "ngày 22 tháng 11 năm 2019;",
            f"Căn cứ {BO_TIEU_CHI_148};",
            f"Căn cứ Biên bản họp {HOI_DONG_2023} ngày 25 tháng 10 năm 2023;",
            "Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện.",
        ],
        "dieu_1": "Công nhận kết quả đánh giá, phân hạng và cấp Giấy chứng nhận cho 03 sản phẩm đạt "
                  "hạng 3 sao thuộc Chương trình Mỗi xã một sản phẩm huyện Lục Nam năm 2023 (có "
                  "danh sách kèm theo dưới đây):",
        "san_pham": [{"stt": str(i), "ten_san_pham": ten, "chu_the": chu_the, "dia_chi": dia_chi,
                      "bo_san_pham": bo, "diem_tb": diem, "sao": "3 sao"}
                     for i, (ten, chu_the, dia_chi, bo, diem) in enumerate(SAN_PHAM_2023, 1)],
        "ghi_chu": [],
        "dieu_khac": [
            "Giấy chứng nhận có giá trị 36 tháng kể từ ngày ký. Các chủ thể có sản phẩm được công "
            "nhận có trách nhiệm duy trì, nâng cao chất lượng sản phẩm và sử dụng biểu trưng OCOP "
            "đúng quy định.",
            "Quyết định này có hiệu lực kể từ ngày ký.",
            "Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Nông nghiệp và Phát triển nông thôn, "
            "Thủ trưởng các cơ quan, đơn vị có liên quan và các chủ thể có tên tại Điều 1 chịu "
            "trách nhiệm thi hành Quyết định này.",
        ],
        "chu_ky": {"dong": signature_lines("KT.", "PHÓ CHỦ TỊCH"), "ho_ten": "Nguyễn Văn Hùng"},
        "noi_nhan": ["Như Điều 4;", "Sở Nông nghiệp và PTNT tỉnh Bắc Giang (b/c);",
                     "Chủ tịch, các PCT UBND huyện;", "Lưu: VT, NN."],
    }


def giay_chung_nhan() -> dict[str, Any]:
    ten, chu_the, dia_chi, bo, diem = SAN_PHAM_2023[0]
    return common(RECOGNISED_ON, _so_gcn(1)) | {
        "ten_san_pham": ten, "chu_the": chu_the, "dia_chi": dia_chi, "bo_san_pham": bo,
        "sao": 3, "sao_ky_hieu": "★★★", "diem_tb": diem,
        "quyet_dinh": f"Quyết định số {QD_CONG_NHAN} ngày 10/11/2023 của Ủy ban nhân dân huyện "
                      "Lục Nam",
        "hieu_luc_den": present.date_long(date(2026, 11, 10)),
        "chu_ky": CHU_TICH,
    }


def thong_bao_ket_qua() -> dict[str, Any]:
    ten, _chu_the, _dia_chi, bo, diem = SAN_PHAM_2023[0]
    return common(date(2023, 10, 30), number_symbol(7, "TB", "HĐOCOP"), **HD_CHU_QUAN) | {
        "trich_yeu": "Kết quả đánh giá, phân hạng sản phẩm OCOP năm 2023",
        "kinh_gui": TRICKY,
        "noi_dung": [
            f"Ngày 25 tháng 10 năm 2023, {HOI_DONG_2023} đã tổ chức đánh giá, phân hạng sản phẩm "
            f"theo Bộ tiêu chí ban hành kèm theo {BO_TIEU_CHI_148.split(' ban hành')[0]}. Hội "
            "đồng thông báo kết quả đánh giá, phân hạng sản phẩm của quý đơn vị như sau:",
        ],
        "san_pham": {"ten_san_pham": ten, "bo_san_pham": bo, "diem_tb": diem, "sao": "3 sao",
                     "sao_cua": " (kết quả đánh giá của Hội đồng cấp huyện)",
                     "ket_qua": "Đạt hạng 3 sao; Hội đồng đề nghị Chủ tịch UBND huyện công nhận và "
                                "cấp Giấy chứng nhận sản phẩm OCOP."},
        "diem_toi_da": "100",
        "phan": [
            {"phan": "A", "ten": "Sản xuất và sức mạnh cộng đồng", "toi_da": "40", "diem_tb": "27,14"},
            {"phan": "B", "ten": "Tiếp thị và câu chuyện sản phẩm", "toi_da": "25", "diem_tb": "14,57"},
            {"phan": "C", "ten": "Chất lượng sản phẩm", "toi_da": "35", "diem_tb": "24,72"},
        ],
        "mat_diem": [
            {"ma": "B1.1", "tieu_chi": "Khu vực phân phối chính", "toi_da": "5", "diem_tb": "2,00",
             "mat": "3,00"},
            {"ma": "C1.1", "tieu_chi": "Màu sắc, độ chín", "toi_da": "8", "diem_tb": "5,14",
             "mat": "2,86"},
            {"ma": "C2.1", "tieu_chi": "Kiểm tra định kỳ chỉ tiêu an toàn thực phẩm", "toi_da": "3",
             "diem_tb": "1,00", "mat": "2,00"},
            {"ma": "A1.3", "tieu_chi": "Liên kết sản xuất", "toi_da": "2", "diem_tb": "0,57",
             "mat": "1,43"},
        ],
        "ket_thuc": "Đề nghị quý đơn vị tiếp tục hoàn thiện các tiêu chí còn hạn chế nêu trên để "
                    "nâng cao chất lượng sản phẩm và đăng ký nâng hạng ở các đợt đánh giá tiếp "
                    "theo./.",
        "chu_ky": CHU_TICH_HD,
        "noi_nhan": ["Như trên;", "UBND huyện (b/c);", "Phòng Nông nghiệp và PTNT huyện;",
                     "Lưu: VT, HĐOCOP."],
    }


def bao_cao_danh_gia_so_bo() -> dict[str, Any]:
    """A commune's report under 1489 (2026): its pre-assessment of the products it received, to the province."""
    on = date(2026, 6, 22)
    return {"co_quan_chu_quan": "", "co_quan_ban_hanh": "Ủy ban nhân dân xã Tam Giang",
            "dia_danh_ngay": place_date("Tam Giang", on), "so_ky_hieu": number_symbol(1, "BC", "UBND"),
            "trich_yeu": "Kết quả đánh giá sơ bộ sản phẩm đề nghị đánh giá, phân hạng sản phẩm OCOP năm 2026",
            "kinh_gui": "Ủy ban nhân dân tỉnh Bắc Ninh (qua Sở Nông nghiệp và Môi trường)",
            "noi_dung": [
                "Thực hiện Kế hoạch số 413/KH-UBND ngày 06/3/2026 của Ủy ban nhân dân tỉnh Bắc Ninh về tổ chức "
                "đánh giá, phân hạng sản phẩm OCOP tỉnh Bắc Ninh năm 2026, Ủy ban nhân dân xã Tam Giang đã tiếp "
                "nhận, kiểm tra hình thức hồ sơ của 02 sản phẩm do các chủ thể trên địa bàn đăng ký; Chủ tịch Ủy "
                "ban nhân dân xã Tam Giang đã chủ trì họp với các đơn vị liên quan đánh giá sơ bộ các tiêu chí: "
                "nguồn gốc sản phẩm/nguyên liệu địa phương, sử dụng lao động địa phương, nguồn gốc ý tưởng sản "
                "phẩm và bản sắc/trí tuệ địa phương. Kết quả như sau:"],
            "san_pham": [
                {"stt": 1, "ten_san_pham": "Củ đậu Tam Giang", "chu_the": TRICKY,
                 "bo_san_pham": "Bộ 1 - Rau, củ, quả, hạt tươi", "ket_qua": "Đạt 04 tiêu chí",
                 "de_nghi": "Đề nghị đánh giá"},
                {"stt": 2, "ten_san_pham": "Bánh đa nem Tam Giang", "chu_the": "Hộ kinh doanh Kiều Văn Bình",
                 "bo_san_pham": "Bộ 6 - Chế biến từ gạo, ngũ cốc",
                 "ket_qua": "Không đạt: Sử dụng lao động địa phương", "de_nghi": "Không đề nghị"}],
            "ket_thuc": "Ủy ban nhân dân xã Tam Giang đề nghị Ủy ban nhân dân tỉnh Bắc Ninh xem xét, tổ chức "
                        "đánh giá, phân hạng 01 sản phẩm đạt yêu cầu nêu trên; 01 sản phẩm không đạt đánh giá sơ "
                        "bộ, không đề nghị./.",
            "chu_ky": {"dong": signature_lines(None, "CHỦ TỊCH", "ỦY BAN NHÂN DÂN"), "ho_ten": "Ngô Quang Trung",
                       "chuc_vu": ""},
            "noi_nhan": ["Như trên;", "Các chủ thể có sản phẩm;", "Lưu: VT."]}
