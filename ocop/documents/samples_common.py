"""Data shared by the sample contexts (``samples``, ``samples_plan``, ``samples_results``).

The district of the founding plan (Lục Nam, Bắc Giang), its council roster and three products;
one chủ thể contains ``&``, ``<`` and ``>`` on purpose (``TRICKY``) to prove autoescaping.
"""

from __future__ import annotations

from datetime import date
from statistics import mean
from typing import Any

from ocop import present
from ocop.documents.decree30 import place_date, signature_lines

TRICKY = "HTX Nông nghiệp & Dịch vụ <Thanh Lâm>"
PLACE = "Lục Nam"
UBND = "Ủy ban nhân dân huyện Lục Nam"
HOI_DONG = "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020"
BO_TIEU_CHI = ("Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ ban hành Bộ tiêu "
               "chí đánh giá, phân hạng sản phẩm Chương trình Mỗi xã một sản phẩm")
CHU_TICH = {"dong": signature_lines("KT.", "PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN"),
            "ho_ten": "Nguyễn Văn Hùng"}
CHU_TICH_HD = {"dong": signature_lines(None, "CHỦ TỊCH HỘI ĐỒNG"), "ho_ten": "Nguyễn Văn Hùng"}

THANH_VIEN = [
    ("Nguyễn Văn Hùng", "Phó Chủ tịch UBND huyện", "Chủ tịch Hội đồng"),
    ("Trần Thị Lan", "Trưởng phòng Nông nghiệp và PTNT", "Phó Chủ tịch Hội đồng"),
    ("Lê Văn Minh", "Trưởng phòng Kinh tế và Hạ tầng", "Ủy viên"),
    ("Phạm Thị Hoa", "Trưởng phòng Văn hóa và Thông tin", "Ủy viên"),
    ("Hoàng Văn Đức", "Trưởng phòng Tài chính - Kế hoạch", "Ủy viên"),
    ("Vũ Thị Thu", "Trưởng phòng Y tế", "Ủy viên"),
    ("Đỗ Văn Nam", "Giám đốc Trung tâm Dịch vụ nông nghiệp", "Ủy viên"),
]
TO_THU_KY = [
    ("Ngô Thị Mai", "Phó Trưởng phòng Nông nghiệp và PTNT", "Tổ trưởng"),
    ("Bùi Văn Tuấn", "Chuyên viên Phòng Nông nghiệp và PTNT", "Thành viên"),
    ("Đinh Thị Hằng", "Viên chức Trung tâm Dịch vụ nông nghiệp", "Thành viên"),
]
# (mã, tên sản phẩm, chủ thể, địa chỉ, bộ sản phẩm, điểm của 7 thành viên, phần A/B/C trung bình)
SAN_PHAM = [
    ("LN-01", "Vải thiều Lục Nam", TRICKY, "Xã Thanh Lâm, huyện Lục Nam, tỉnh Bắc Giang",
     "Rau, củ, quả, hạt tươi", [78, 80, 76.5, 79, 81, 77, 78], (28.5, 19.0, 31.0)),
    ("LN-02", "Mật ong rừng Lục Nam", "Tổ hợp tác nuôi ong Bình Sơn",
     "Xã Bình Sơn, huyện Lục Nam, tỉnh Bắc Giang", "Mật ong, sản phẩm từ mật ong",
     [72, 70, 74, 71.5, 73, 70, 72], (25.0, 17.5, 29.5)),
    ("LN-03", "Gà đồi Lục Nam", "Công ty TNHH Gà đồi Yên Sơn",
     "Xã Yên Sơn, huyện Lục Nam, tỉnh Bắc Giang", "Thịt, trứng, sữa tươi",
     [64, 66, 62, 65, 63.5, 61, 64], (22.0, 15.0, 26.8)),
]


def stars(avg: float) -> str:
    for floor, stars in ((90, 5), (70, 4), (50, 3), (30, 2)):
        if avg >= floor:
            return f"{stars} sao"
    return "1 sao"


HD_CHU_QUAN = {"co_quan_chu_quan": "UBND huyện Lục Nam",
               "co_quan_ban_hanh": "Hội đồng đánh giá, phân hạng sản phẩm OCOP"}


def common(d: date, so_ky_hieu: str | None = None, *, co_quan_chu_quan: str = "",
           co_quan_ban_hanh: str = UBND) -> dict[str, Any]:
    """Keys shared by every document; ``so_ky_hieu`` only for numbered ones."""
    ctx = {"co_quan_chu_quan": co_quan_chu_quan, "co_quan_ban_hanh": co_quan_ban_hanh,
           "dia_danh_ngay": place_date(PLACE, d)}
    if so_ky_hieu is not None:
        ctx["so_ky_hieu"] = so_ky_hieu
    return ctx


def ket_qua() -> list[dict[str, Any]]:
    rows = []
    for i, (ma, ten, chu_the, _dc, _bo, diem, (a, b, c)) in enumerate(SAN_PHAM, 1):
        avg = mean(diem)
        rows.append({"stt": str(i), "ma_san_pham": ma, "ten_san_pham": ten, "chu_the": chu_the,
                     "diem_thanh_vien": [present.number(x) for x in diem], "diem_tb": present.number(avg),
                     "phan_a": present.number(a), "phan_b": present.number(b), "phan_c": present.number(c),
                     "sao": stars(avg), "ghi_chu": "Đề nghị cấp tỉnh" if avg >= 70 else "",
                     "so_chu_thich": "(1)" if avg >= 70 else ""})
    return rows

