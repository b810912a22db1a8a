"""Writes the Bắc Ninh 2026 sample's input files (ocop/sample/bac-ninh-2026): the communes' lists and the
council's score sheets. The products, producers and scores are invented; the run is deterministic (fixed seed),
so the committed files are exactly what this script writes:

    .venv/bin/python scripts/make_sample_bac_ninh.py

Each product has a target mean; every member ticks, per criterion, the option nearest that share of its maximum
(with a little disagreement between members), never below what the product's target star makes mandatory — except
for the product meant to be capped by a mandatory criterion.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from ocop.rules.criteria import load_set
from ocop.rules.editions import get_edition
from ocop.rules.stars import star_for

EDITION = "148/2023+1489/2025"
FOLDER = Path(__file__).resolve().parent.parent / "ocop" / "sample" / "bac-ninh-2026"
MEMBERS = ["Trần Văn Thành", "Nguyễn Đức Long", "Lê Thị Thu Hà", "Đặng Quốc Việt", "Phan Thị Ngọc Anh",
           "Bùi Minh Khoa", "Hà Thị Phương"]
CAPPED = "BN-12"  # four members find its production capacity small: 1.3 below the 4★ minimum

# code, product, set, producer, type, commune, target mean, pre-assessment (4 criteria, True = Đạt),
# kind, earlier certificate (number, date, stars) for a re-evaluation
PRODUCTS = [
    ("BN-01", "Gốm Phù Lãng men da lươn", "21", "Hợp tác xã Gốm Phù Lãng", "HTX", "Phù Lãng", 86),
    ("BN-02", "Bình hút lộc gốm Phù Lãng", "21", "Hộ kinh doanh Vũ Văn Định", "HKD", "Phù Lãng", 64),
    ("BN-03", "Tranh đồng mỹ nghệ Đại Bái", "21", "Công ty TNHH Đồng mỹ nghệ Đại Bái", "DN", "Gia Bình", 92),
    ("BN-04", "Gạo nếp cái hoa vàng Gia Bình", "3", "Hợp tác xã Nông nghiệp Gia Bình", "HTX", "Gia Bình", 58),
    ("BN-05", "Dưa hấu Lương Tài", "1", "Tổ hợp tác Dưa hấu Lương Tài", "THT", "Lương Tài", 44),
    ("BN-06", "Bánh tẻ Lương Tài", "6", "Hộ kinh doanh Nguyễn Thị Vân", "HKD", "Lương Tài", 27),
    ("BN-07", "Nem chua Tiên Du", "8", "Hộ kinh doanh Đỗ Văn Hải", "HKD", "Tiên Du", 52),
    ("BN-08", "Bánh khúc Tiên Du", "6", "Hợp tác xã Dịch vụ nông nghiệp Tiên Du", "HTX", "Tiên Du", 47),
    ("BN-09", "Mật ong hoa nhãn Phật Tích", "4", "Hợp tác xã Ong mật Phật Tích", "HTX", "Phật Tích", 74),
    ("BN-10", "Rượu nếp Yên Phong", "14", "Công ty CP Rượu truyền thống Yên Phong", "DN", "Yên Phong", 77),
    ("BN-11", "Đậu phụ Yên Phong", "8", "Hộ kinh doanh Lê Văn Tâm", "HKD", "Yên Phong", 33),
    ("BN-12", "Rau cải bó xôi Tam Giang", "1", "Hợp tác xã Rau an toàn Tam Giang", "HTX", "Tam Giang", 81),
    ("BN-13", "Củ đậu Tam Giang", "1", "Tổ hợp tác Rau củ Tam Giang", "THT", "Tam Giang", 56),
    ("BN-14", "Na dai Đại Sơn", "1", "Hợp tác xã Na Đại Sơn", "HTX", "Đại Sơn", 79),
    ("BN-15", "Mật ong rừng Đại Sơn", "4", "Hộ kinh doanh Hoàng Văn Sơn", "HKD", "Đại Sơn", 61),
    ("BN-16", "Gà đồi Sơn Động", "2", "Hợp tác xã Chăn nuôi Sơn Động", "HTX", "Sơn Động", 72),
    ("BN-17", "Tinh dầu quế Sơn Động", "20", "Công ty TNHH Dược liệu Sơn Động", "DN", "Sơn Động", 90.5),
    ("BN-18", "Ba kích tím Sơn Động", "20", "Hộ kinh doanh Triệu Văn Lâm", "HKD", "Sơn Động", 38),
    ("BN-19", "Mật ong hoa rừng Tây Yên Tử", "4", "Hợp tác xã Ong mật Tây Yên Tử", "HTX", "Tây Yên Tử", 83),
    ("BN-20", "Măng khô Tây Yên Tử", "7", "Tổ hợp tác Lâm sản Tây Yên Tử", "THT", "Tây Yên Tử", 54),
    ("BN-21", "Măng khô Tuấn Đạo", "7", "Hộ kinh doanh Nông Văn Tuấn", "HKD", "Tuấn Đạo", 41),
    ("BN-22", "Dưa chuột bao tử Cao Đức", "1", "Hợp tác xã Rau quả Cao Đức", "HTX", "Cao Đức", 66),
    ("BN-23", "Mì Chũ", "6", "Hợp tác xã Mì Chũ Nam Dương", "HTX", "phường Chũ", 88),
    ("BN-24", "Vải thiều sấy khô Lục Ngạn", "7", "Công ty CP Nông sản Lục Ngạn", "DN", "phường Chũ", 75),
    ("BN-25", "Nước ép vải thiều", "17", "Công ty CP Nông sản Lục Ngạn", "DN", "phường Chũ", 68),
    ("BN-26", "Vải thiều Lục Ngạn", "1", "Hợp tác xã Vải thiều Phượng Sơn", "HTX", "phường Phượng Sơn", 95),
    ("BN-27", "Cam đường canh Phượng Sơn", "1", "Tổ hợp tác Cam Phượng Sơn", "THT", "phường Phượng Sơn", 57),
    ("BN-28", "Mây tre đan Tăng Tiến", "21", "Hợp tác xã Mây tre đan Tăng Tiến", "HTX", "phường Việt Yên", 71),
    ("BN-29", "Rượu nếp Việt Yên", "14", "Hộ kinh doanh Phạm Văn Quý", "HKD", "phường Việt Yên", 45),
    ("BN-30", "Bún khô Việt Yên", "6", "Công ty TNHH Thực phẩm Việt Yên", "DN", "phường Việt Yên", 62),
    ("BN-31", "Đào cảnh Phật Tích", "24", "Hộ kinh doanh Trương Thị Lan", "HKD", "Phật Tích", 53),
    ("BN-32", "Nấm sò Gia Bình", "1", "Tổ hợp tác Nấm Gia Bình", "THT", "Gia Bình", 73),
    ("BN-33", "Tương nếp Yên Phong", "9", "Hộ kinh doanh Ngô Thị Hạnh", "HKD", "Yên Phong", 59),
    ("BN-34", "Bánh gai Tiên Du", "6", "Hộ kinh doanh Đinh Thị Mai", "HKD", "Tiên Du", 36),
    ("BN-35", "Chả cá thác lác Cao Đức", "8", "Hợp tác xã Thủy sản Cao Đức", "HTX", "Cao Đức", 76),
    ("BN-36", "Lạc đỏ Lương Tài", "3", "Hợp tác xã Nông nghiệp Lương Tài", "HTX", "Lương Tài", 63),
    ("BN-37", "Thịt lợn đen Tuấn Đạo", "2", "Hộ kinh doanh Lý Văn Thắng", "HKD", "Tuấn Đạo", 78),
    ("BN-38", "Miến dong Đại Sơn", "6", "Hợp tác xã Miến dong Đại Sơn", "HTX", "Đại Sơn", 67),
    ("BN-39", "Giỏ cói Tam Giang", "21", "Hộ kinh doanh Cao Văn Hòa", "HKD", "Tam Giang", 24),
    ("BN-40", "Bưởi Diễn Việt Yên", "1", "Tổ hợp tác Bưởi Việt Yên", "THT", "phường Việt Yên", 69),
]
# the commune does not propose these: a pre-assessed criterion is not met (index into the edition's four)
NOT_PROPOSED = {"BN-41": 1, "BN-42": 3}
EXTRA = [
    ("BN-41", "Bánh đa nem Tam Giang", "6", "Hộ kinh doanh Kiều Văn Bình", "HKD", "Tam Giang", 0),
    ("BN-42", "Chổi đót Tuấn Đạo", "21", "Hộ kinh doanh Lục Văn Phúc", "HKD", "Tuấn Đạo", 0),
]
# products re-evaluated: their certificates of the former Bắc Giang province expire in 2026 (invented numbers)
REEVALUATED = {"BN-14": ("1521-04/GCN-UBND", "2023-09-12", 4), "BN-23": ("1521-07/GCN-UBND", "2023-09-12", 3),
               "BN-26": ("1521-11/GCN-UBND", "2023-09-12", 4)}

HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã",
          "Hình thức đăng ký", "Số giấy chứng nhận OCOP", "Ngày cấp giấy chứng nhận", "Hạng sao đã đạt",
          "Ngày đăng ký"]


def _commune_file(commune: str) -> str:
    from ocop.text import ascii_key

    return ascii_key(commune).replace("_", "-") + ".csv"


def write_lists() -> None:
    criteria = get_edition(EDITION).level("commune").pre_assessed_criteria
    folder = FOLDER / "danh-sach-xa"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    by_commune: dict[str, list[list[str]]] = {}
    for i, (code, name, set_code, producer, kind, commune, _target) in enumerate(PRODUCTS + EXTRA):
        failed = NOT_PROPOSED.get(code)
        earlier = REEVALUATED.get(code)
        d = earlier[1] if earlier else ""
        row = [code, name, set_code, producer, kind, commune, "Không" if failed is not None else "Có",
               "Đánh giá lại" if earlier else "Lần đầu", earlier[0] if earlier else "",
               f"{d[8:10]}/{d[5:7]}/{d[:4]}" if d else "", str(earlier[2]) if earlier else "",
               f"{1 + i % 19:02d}/06/2026"]
        row += ["Không đạt" if failed == j else "Đạt" for j in range(len(criteria))]
        by_commune.setdefault(commune, []).append(row)
    for commune, rows in by_commune.items():
        with (folder / _commune_file(commune)).open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(HEADER + list(criteria))
            out.writerows(rows)


def _pick(options: list[int], want: float) -> int:
    return min(options, key=lambda p: (abs(p - want), -p))


def write_scores() -> None:
    edition = get_edition(EDITION)
    rng = random.Random(2026)
    rows = []
    for code, _name, set_code, _producer, _kind, _commune, target in PRODUCTS:
        sheet = load_set(edition.criteria_dir, set_code)
        star = star_for(target, edition.star_lower_bounds, edition.max_points)
        for m, member in enumerate(MEMBERS):
            share = min(1.0, max(0.0, target / 100 + rng.uniform(-0.015, 0.015)))
            for c in sheet.criteria:
                options = sorted({o.points for o in c.options})
                points = _pick(options, share * c.max_points)
                points = max(points, min((p for p in options if p >= c.required_for(star)), default=points))
                if code == CAPPED and c.code == "1.3" and m < 4:
                    points = min(options)
                rows.append([code, member, c.code, str(points)])
    with (FOLDER / "scores.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        out.writerows(rows)


if __name__ == "__main__":
    write_lists()
    write_scores()
