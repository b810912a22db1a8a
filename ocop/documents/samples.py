"""Full sample contexts, one per template: the living contract between services and templates.

``sample(name)`` returns a fresh dict. Values are Vietnamese, NFC, and every sample carries a
value with ``&`` (most with ``TRICKY``: ``&``, ``<`` and ``>``) to prove autoescaping end to end.
This module holds the council's documents of the founding campaign (2020); ``samples_plan``
the Kế hoạch (the founding plan itself) and the Quy chế, ``samples_results`` the documents of
a 2023 (148/QĐ-TTg) recognition round.
"""

from __future__ import annotations

import copy
from datetime import date, time
from typing import Any

from ocop import present
from ocop.documents.decree30 import number_symbol
from ocop.documents.samples_common import (
    BO_TIEU_CHI,
    CHU_TICH,
    CHU_TICH_HD,
    HD_CHU_QUAN,
    HOI_DONG,
    SAN_PHAM,
    THANH_VIEN,
    TO_THU_KY,
    TRICKY,
    common,
    ket_qua,
)
from ocop.documents.samples_plan import ke_hoach, qd_ban_hanh_quy_che
from ocop.documents.samples_results import (
    bao_cao_danh_gia_so_bo,
    giay_chung_nhan,
    qd_cong_nhan,
    thong_bao_ket_qua,
    thong_bao_kiem_tra_ho_so,
)

__all__ = ["SAMPLES", "TRICKY", "phieu_danh_gia", "sample"]


def qd_thanh_lap_hoi_dong() -> dict[str, Any]:
    return common(date(2020, 9, 5), number_symbol(18, "QĐ", "UBND")) | {
        "trich_yeu": f"Về việc thành lập {HOI_DONG}",
        "tham_quyen": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LỤC NAM",
        "can_cu": [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            f"Căn cứ {BO_TIEU_CHI};",
            "Căn cứ Kế hoạch số 45/KH-UBND ngày 10 tháng 3 năm 2020 của UBND huyện Lục Nam về "
            "triển khai Chương trình Mỗi xã một sản phẩm năm 2020;",
            "Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện.",
        ],
        "ten_hoi_dong": HOI_DONG,
        "thanh_vien": [{"ho_ten": n, "chuc_vu": c, "nhiem_vu": v} for n, c, v in THANH_VIEN],
        "to_thu_ky": [{"ho_ten": n, "chuc_vu": c, "nhiem_vu": v} for n, c, v in TO_THU_KY],
        "nhiem_vu_hoi_dong": "Tổ chức đánh giá, phân hạng các sản phẩm tham gia Chương trình OCOP "
                             "năm 2020 theo Bộ tiêu chí; tổng hợp kết quả, báo cáo Chủ tịch UBND "
                             "huyện và đề nghị cấp tỉnh đánh giá các sản phẩm đạt từ 70 điểm trở lên.",
        "nhiem_vu_to_thu_ky": "Giúp Hội đồng tiếp nhận, kiểm tra hồ sơ; chuẩn bị tài liệu, phiếu "
                              "đánh giá; tổng hợp kết quả và dự thảo các văn bản của Hội đồng.",
        "hieu_luc": "Quyết định này có hiệu lực kể từ ngày ký.",
        "dieu_thi_hanh": "Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Nông nghiệp và PTNT, "
                         "Thủ trưởng các cơ quan, đơn vị có liên quan và các Ông/Bà có tên tại "
                         "Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        "chu_ky": CHU_TICH,
        "noi_nhan": ["Như Điều 4;", "Sở Nông nghiệp và PTNT tỉnh Bắc Giang (b/c);",
                     "Chủ tịch, các PCT UBND huyện;", f"{TRICKY} (để biết);", "Lưu: VT, NN."],
    }


def giay_moi_hop_hoi_dong() -> dict[str, Any]:
    return common(date(2020, 10, 12), number_symbol(5, "GM", "HĐOCOP"), **HD_CHU_QUAN) | {
        "trich_yeu": f"Họp {HOI_DONG}",
        "kinh_moi": [{"ho_ten": n, "chuc_vu": f"{c}, {v}"} for n, c, v in THANH_VIEN],
        "noi_dung": "Cuộc họp đánh giá, phân hạng sản phẩm OCOP năm 2020 của Hội đồng",
        "thoi_gian": present.time_long(time(8, 0), date(2020, 10, 20)),
        "dia_diem": "Hội trường tầng 3, UBND huyện Lục Nam",
        "chu_tri": "Ông Nguyễn Văn Hùng, Phó Chủ tịch UBND huyện, Chủ tịch Hội đồng",
        "san_pham": [{"stt": str(i), "ten_san_pham": s[1], "chu_the": s[2], "bo_san_pham": s[4]}
                     for i, s in enumerate(SAN_PHAM, 1)],
        "ghi_chu": "Đề nghị các thành viên nghiên cứu hồ sơ điện tử gửi kèm trước cuộc họp.",
        "chu_ky": CHU_TICH_HD,
        "noi_nhan": ["Như trên;", "Lưu: VT, HĐ."],
    }


# Phiếu đánh giá: criteria of bộ "Rau, củ, quả, hạt tươi" (1048), options with points
_SHEET = [
    ("A", "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG", 35, [
        ("Tổ chức sản xuất", [
            ("Nguồn nguyên liệu", [("Dưới 50% nguyên liệu trong tỉnh", 1), ("Từ 50% đến dưới 75%", 2),
                                   ("Từ 75% đến 100%", 3)]),
            ("Gia tăng giá trị", [("Phân loại", 0), ("Sơ chế (rửa, làm sạch)", 1),
                                  ("Ứng dụng công nghệ cao trong trồng trọt hoặc sơ chế", 2),
                                  ("Công nghệ cao trong trồng trọt, sơ chế và bảo quản", 3)]),
            ("Liên kết sản xuất", [("Không có liên kết hoặc liên kết không rõ ràng", 0),
                                   ("Có liên kết chặt chẽ trong tỉnh", 1),
                                   ("Liên kết chuỗi chặt chẽ, quy mô lớn", 2)]),
        ]),
        ("Sức mạnh cộng đồng", [
            ("Loại hình tổ chức", [("Hộ gia đình có đăng ký kinh doanh, tổ hợp tác", 1),
                                   ("Công ty TNHH hai thành viên trở lên", 2),
                                   ("Hợp tác xã theo Luật Hợp tác xã 2012", 3)]),
            ("Kế toán", [("Không có kế toán hoặc kế toán theo thời vụ", 0),
                         ("Có kế toán thường xuyên", 1), ("Có bộ phận kế toán", 2)]),
        ]),
    ]),
    ("B", "KHẢ NĂNG TIẾP THỊ", 25, [
        ("Tiếp thị", [
            ("Khu vực phân phối chính", [("Trong huyện", 1), ("Ngoài huyện, dưới 5 đại lý", 2),
                                         ("Ngoài huyện, từ 5 đại lý trở lên", 3), ("Quốc tế", 5)]),
            ("Quảng bá sản phẩm", [("Không có hoạt động", 0), ("Có một số hoạt động", 1),
                                   ("Có website, xúc tiến thương mại trong tỉnh", 2)]),
        ]),
        ("Câu chuyện sản phẩm", [
            ("Câu chuyện về sản phẩm", [("Không có", 0), ("Có tài liệu giới thiệu", 1),
                                        ("Có câu chuyện được biên soạn", 2)]),
        ]),
    ]),
    ("C", "CHẤT LƯỢNG SẢN PHẨM", 40, [
        ("Chỉ tiêu cảm quan, dinh dưỡng, tính độc đáo", [
            ("Màu sắc, độ chín", [("Không đặc trưng", 0), ("Tương đối đặc trưng", 3),
                                  ("Đặc trưng, hấp dẫn", 8)]),
            ("Tính độc đáo", [("Trung bình", 0), ("Khá độc đáo", 1), ("Độc đáo", 3)]),
        ]),
        ("Tiêu chuẩn sản phẩm", [
            ("Kiểm tra định kỳ chỉ tiêu an toàn thực phẩm", [
                ("Không kiểm tra", 0), ("Có kiểm tra nhưng không đạt", 1),
                ("Đạt nhưng chưa đầy đủ", 2), ("Đạt đầy đủ các chỉ tiêu", 3)]),
        ]),
    ]),
]


def phieu_danh_gia(blank: bool = False) -> dict[str, Any]:
    """A filled sheet (the member chose the second-best option of every criterion) or a blank one."""
    rows, parts, total = [], [], 0
    for phan, ten_phan, toi_da, groups in _SHEET:
        rows.append({"loai": "phan", "ma": phan, "noi_dung": f"PHẦN {phan}: {ten_phan}",
                     "diem_toi_da": str(toi_da), "o": "", "diem": "", "bat_buoc": ""})
        sub = 0
        for g, (ten_nhom, criteria) in enumerate(groups, 1):
            rows.append({"loai": "nhom", "ma": f"{phan}{g}", "noi_dung": ten_nhom, "diem_toi_da": "",
                         "o": "", "diem": "", "bat_buoc": ""})
            for k, (ten, options) in enumerate(criteria, 1):
                pick = len(options) - 2
                got = options[pick][1]
                rows.append({"loai": "tieu_chi", "ma": f"{phan}{g}.{k}", "noi_dung": ten,
                             "diem_toi_da": str(max(p for _, p in options)), "o": "",
                             "diem": "" if blank else str(got), "bat_buoc": ""})
                rows += [{"loai": "lua_chon", "ma": "", "noi_dung": f"{text} ({p} điểm)",
                          "diem_toi_da": "", "o": "☒" if i == pick and not blank else "☐",
                          "diem": "", "bat_buoc": ""} for i, (text, p) in enumerate(options)]
                sub += got
        parts.append({"phan": phan, "ten": ten_phan.capitalize(), "toi_da": str(toi_da),
                      "diem": "" if blank else str(sub)})
        total += sub
    name, role, _ = THANH_VIEN[2]
    return common(date(2020, 10, 20), **HD_CHU_QUAN) | {
        "ten_hoi_dong": HOI_DONG, "can_cu_bo_tieu_chi": BO_TIEU_CHI,
        "ma_san_pham": SAN_PHAM[0][0], "ten_san_pham": SAN_PHAM[0][1], "chu_the": SAN_PHAM[0][2],
        "dia_chi": SAN_PHAM[0][3], "bo_san_pham": SAN_PHAM[0][4],
        "thanh_vien": {"ho_ten": name, "chuc_vu": role},
        "dong": rows, "tong_phan": parts, "tong_diem": "" if blank else str(total), "diem_toi_da": "100",
        "chu_thich_bat_buoc": "",   # 1048: no mandatory option
    }


def bang_tong_hop() -> dict[str, Any]:
    return common(date(2020, 10, 20), **HD_CHU_QUAN) | {
        "ten_hoi_dong": HOI_DONG,
        "mo_ta": "(Kèm theo Biên bản số 01/BB-HĐOCOP "
                 f"{present.date_long(date(2020, 10, 20))} của Hội đồng)",
        "thanh_vien": [n for n, _, _ in THANH_VIEN],
        "ket_qua": ket_qua(),
        "chu_thich": [{"so": "(1)", "noi_dung": "Đề nghị cấp tỉnh"}],
        "nguoi_lap": {"dong": ["NGƯỜI LẬP BẢNG", "TỔ TRƯỞNG TỔ THƯ KÝ"], "ho_ten": "Ngô Thị Mai"},
        "chu_ky": CHU_TICH_HD,
    }


def bien_ban_hop_hoi_dong() -> dict[str, Any]:
    d = date(2020, 10, 20)
    co_mat = [{"ho_ten": n, "chuc_vu": c, "vai_tro": v} for n, c, v in THANH_VIEN[:6]]
    return common(d, number_symbol(1, "BB", "HĐOCOP"), **HD_CHU_QUAN) | {
        "trich_yeu": f"Họp {HOI_DONG}",
        "thoi_gian_bat_dau": present.time_long(time(8, 0), d),
        "dia_diem": "Hội trường tầng 3, UBND huyện Lục Nam",
        "chu_tri": {"ho_ten": "Nguyễn Văn Hùng", "chuc_vu": "Phó Chủ tịch UBND huyện, Chủ tịch Hội đồng",
                    "dong": ["CHỦ TRÌ", "CHỦ TỊCH HỘI ĐỒNG"]},
        "thu_ky": {"ho_ten": "Ngô Thị Mai", "chuc_vu": "Tổ trưởng Tổ thư ký"},
        "co_mat": co_mat,
        "vang_mat": [{"ho_ten": THANH_VIEN[6][0], "chuc_vu": THANH_VIEN[6][1], "vai_tro": "Ủy viên"}],
        "nhan_xet_quorum": "Có mặt 6/7 thành viên, đạt trên 2/3 tổng số thành viên Hội đồng, đủ điều "
                           "kiện tiến hành cuộc họp theo Quy chế hoạt động của Hội đồng.",
        "noi_dung": [
            "Tổ thư ký báo cáo kết quả tiếp nhận, kiểm tra hồ sơ của 03 sản phẩm đăng ký tham gia "
            "đánh giá, phân hạng năm 2020.",
            f"Các chủ thể trình bày về sản phẩm; {TRICKY} giới thiệu sản phẩm vải thiều.",
            "Các thành viên Hội đồng chấm điểm độc lập trên phiếu đánh giá; Tổ thư ký tổng hợp "
            "kết quả như sau:",
        ],
        "thanh_vien": [n for n, _, _ in THANH_VIEN], "ket_qua": ket_qua(),
        "ket_luan": ["Thống nhất kết quả đánh giá, phân hạng 03 sản phẩm như trên.",
                     "Giao Tổ thư ký hoàn thiện hồ sơ 02 sản phẩm đạt từ 70 điểm trở lên, tham mưu "
                     "UBND huyện đề nghị Sở Nông nghiệp và PTNT tổ chức đánh giá cấp tỉnh."],
        "thoi_gian_ket_thuc": present.time_same_day(time(11, 30)),
    }


def to_trinh_de_nghi_tinh() -> dict[str, Any]:
    kq = ket_qua()
    return common(date(2020, 11, 2), number_symbol(112, "TTr", "UBND")) | {
        "trich_yeu": "Đề nghị đánh giá, phân hạng sản phẩm OCOP cấp tỉnh năm 2020",
        "kinh_gui": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc Giang",
        "can_cu": [f"Căn cứ {BO_TIEU_CHI};",
                   "Căn cứ Biên bản số 03/BB-HĐOCOP ngày 20/10/2020 họp Hội đồng cấp huyện."],
        "noi_dung": ["Ủy ban nhân dân huyện Lục Nam đã tổ chức đánh giá, phân hạng 03 sản phẩm; có "
                     "02 sản phẩm đạt từ 70 điểm trở lên, đủ điều kiện đề nghị cấp tỉnh đánh giá."],
        "san_pham": [{"stt": str(i), "ten_san_pham": s[1], "chu_the": s[2], "dia_chi": s[3],
                      "bo_san_pham": s[4], "diem_tb": k["diem_tb"], "sao": k["sao"]}
                     for i, (s, k) in enumerate(zip(SAN_PHAM[:2], kq[:2], strict=False), 1)],
        "ho_so_kem_theo": ["Biên bản số 03/BB-HĐOCOP ngày 20/10/2020 họp Hội đồng đánh giá, phân hạng sản phẩm OCOP "
                           "cấp huyện;",
                           "Bảng tổng hợp kết quả đánh giá, phân hạng ngày 20/10/2020 (kèm theo Biên bản số "
                           "03/BB-HĐOCOP ngày 20/10/2020);",
                           "Hồ sơ sản phẩm của 02 chủ thể (01 bản gốc, 01 bản điện tử)."],
        "de_nghi": "Ủy ban nhân dân huyện Lục Nam kính đề nghị Sở Nông nghiệp và Phát triển nông "
                   "thôn tỉnh Bắc Giang xem xét, tổ chức đánh giá, phân hạng các sản phẩm trên",
        "chu_ky": CHU_TICH,
        "noi_nhan": ["Như trên;", "Chủ tịch, các PCT UBND huyện;", "Lưu: VT, NN."],
    }


SAMPLES = {f.__name__: f for f in (
    ke_hoach, qd_thanh_lap_hoi_dong, qd_ban_hanh_quy_che, thong_bao_kiem_tra_ho_so,
    giay_moi_hop_hoi_dong, phieu_danh_gia, bang_tong_hop, bien_ban_hop_hoi_dong,
    to_trinh_de_nghi_tinh, qd_cong_nhan, giay_chung_nhan, thong_bao_ket_qua, bao_cao_danh_gia_so_bo)}


def sample(name: str) -> dict[str, Any]:
    """A fresh, complete sample context for the template ``name``."""
    return copy.deepcopy(SAMPLES[name]())
