"""Generate the bad registration workbooks and ``expected.json`` (the exact errors of each).

Run from the repository root: ``.venv/bin/python tests/data/registrations/make_corpus.py``.
The expected messages are written here by hand, not computed by the importer; every workbook is
imported into the sample campaign (Lục Nam 2020, edition 1048/2019, the district's communes).
The folder ``thu-muc/`` holds two commune workbooks registering the same product.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
H = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]
EXPECTED: dict[str, dict] = {}
TAIL = "cần bỏ gộp ô và ghi giá trị ở từng dòng."
FORMULA = "cần giá trị (dán giá trị thay cho công thức)."


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def save(name: str, rows: list[list], *, sheet: str = "Đăng ký", merges: tuple[str, ...] = (),
         message: str, problems: list[str], partial: tuple[int, int] | None = None, folder: Path = HERE) -> None:
    """``partial``: (rows stored, rows in the error workbook) with --partial; None: refused even so."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    folder.mkdir(exist_ok=True)
    wb.save(folder / name)
    if folder == HERE:
        EXPECTED[name] = {"message": message, "problems": problems,
                          "partial": None if partial is None else {"stored": partial[0], "errors": partial[1]}}


def where(name: str, sheet: str = "Đăng ký") -> str:
    return f"{name}, sheet '{sheet}'"


def corpus() -> None:
    w = where("thieu-cot.xlsx")
    save("thieu-cot.xlsx", [
        ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Xác nhận UBND xã"],
        ["TC-01", "Mật ong", 1, "HKD Nguyễn Văn An", "Có"],
        ["TC-02", "Gà đồi", "1", "HKD Trần Văn Bình", "Có"],
    ], message=f"{w}, dòng 1 (tiêu đề): tệp thiếu cột bắt buộc.", problems=[
        f"{w}, dòng 1 (tiêu đề): thiếu cột 'Loại hình' (hoặc 'loai_hinh').",
        f"{w}, dòng 1 (tiêu đề): thiếu cột 'Xã' (hoặc 'xa').",
    ])

    w = where("sai-ten-cot.xlsx")
    save("sai-ten-cot.xlsx", [
        ["STT", "Mã sản phẩm", "Ten SP", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã",
         "bo_san_pham", "Ghi chú"],
        [1, "SC-01", "Mật ong", "1", "HKD Nguyễn Văn An", "HKD", "Bảo Sơn", "Có", "1", "đã nộp"],
        [2, "SC-02", "Gà đồi", "1", "HKD Trần Văn Bình", "Hộ gia đình", "Bảo Sơn", "Có", "1", ""],
    ], message=f"{w}, dòng 1 (tiêu đề): tệp thiếu cột bắt buộc.", problems=[
        f"{w}, dòng 1 (tiêu đề): cột C 'Ten SP' không có trong mẫu, cần đổi tên cột theo mẫu "
        "(xem sheet 'Hướng dẫn') hoặc xoá cột.",
        f"{w}, dòng 1 (tiêu đề): cột I 'bo_san_pham' trùng với cột D 'Bộ sản phẩm', cần xoá một trong hai cột.",
        f"{w}, dòng 1 (tiêu đề): thiếu cột 'Tên sản phẩm' (hoặc 'ten_san_pham').",
        f"{w}, dòng 3, cột 'Loại hình': giá trị 'Hộ gia đình' không hợp lệ, cần DN, HTX, THT hoặc HKD.",
    ])

    w = where("dong-trong-va-gop-o.xlsx")
    save("dong-trong-va-gop-o.xlsx", [
        ["DANH SÁCH ĐĂNG KÝ SẢN PHẨM OCOP XÃ BẢO SƠN NĂM 2020"],
        [],
        H,
        ["BS-01", "Lạc đỏ Bảo Sơn", 1, "HKD Phạm Văn Cường", "HKD", "Bảo Sơn", "Có"],
        [],
        [None, "  ", None],
        ["BS-02", "Bưởi Bảo Sơn", 1, "HTX Bảo Sơn", "HTX", "Bảo Sơn", "Có"],
        ["BS-03", "Cam Bảo Sơn", 1, None, "HTX", "Bảo Sơn", "Có"],
        ["BS-04", "Quýt Bảo Sơn", 1, None, "HTX", "Bảo Sơn", "Có"],
        ["Thôn Đồng Vành"],
        ["BS-05", "Na Bảo Sơn", 1, "HKD Lê Thị Dung", "HKD", "Bảo Sơn", "Có"],
        [],
    ], merges=("A1:G1", "D7:D9", "A10:G10"), partial=(2, 4), message=f"{w}: 2 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 7–9, cột 'Tên chủ thể': các ô D7:D9 được gộp, {TAIL}",
        f"{w}, dòng 10, cột 'Mã sản phẩm': các ô A10:G10 được gộp, {TAIL}",
    ])

    w = where("cong-thuc.xlsx")
    save("cong-thuc.xlsx", [
        H,
        ["CT-01", "Vải thiều Bình Sơn", 1, "Công ty TNHH Vải Bình Sơn", "DN", "Bình Sơn", "Có"],
        ["CT-02", '=B2&" sấy"', 1, "Công ty TNHH Vải Bình Sơn", "DN", "Bình Sơn", "Có"],
        ["CT-03", "Nhãn Bình Sơn", 1, "Công ty TNHH Vải Bình Sơn", "DN", "Bình Sơn", '=IF(TRUE,"Có","Không")'],
    ], partial=(1, 2), message=f"{w}: 2 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 3, cột 'Tên sản phẩm': ô chứa công thức '=B2&\" sấy\"', {FORMULA}",
        f"{w}, dòng 4, cột 'Xác nhận UBND xã': ô chứa công thức '=IF(TRUE,\"Có\",\"Không\")', {FORMULA}",
    ])

    w = where("unicode-nfd.xlsx")
    save("unicode-nfd.xlsx", [
        H,
        ["", "Na dai Huyền Sơn", 1, "Hợp tác xã Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
        ["", nfd("Na  dai Huyền Sơn  "), "1 ", nfd(" Hợp tác xã  Na Huyền Sơn "), "htx ", nfd("Huyền Sơn  "),
         nfd("có ")],
        [None, nfd("Mít tố nữ Trường Sơn "), 1, nfd("Công ty CP Nông lâm Trường Sơn"), "DN", nfd("xã Trường Sơn "),
         nfd("Có")],
    ], partial=(2, 1), message=f"{w}: 1 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 3, cột 'Tên sản phẩm': sản phẩm 'Na dai Huyền Sơn' của 'Hợp tác xã Na Huyền Sơn' "
        "đã có ở dòng 2 (đăng ký trùng).",
    ])

    w = where("bo-xa-khong-hop-le.xlsx", "Xã Bảo Đài")
    save("bo-xa-khong-hop-le.xlsx", [
        H,
        ["BD-01", "Gà đồi Bảo Đài", 99, "HKD Nguyễn Văn Em", "HKD", "Bảo Đài", "Có"],
        ["BD-02", "Chè Bảo Đài", 1, "HTX Chè Bảo Đài", "HTX", "Phường Hoàn Kiếm", "Có"],
        ["BD-03", "Mật ong Bảo Đài", 1, "Ông Vũ Văn Giang", "Cá nhân", "Bảo Đài", "Có"],
        ["BD-04", "Chổi chít", "Thủ công mỹ nghệ gia dụng", "THT Chổi chít", "THT", "Bảo Đài", "Có"],
        ["BD-05", "Vải sớm Bảo Đài", "1 - Rau, củ, quả, hạt tươi", "HTX Vải Bảo Đài", "htx", "xã Bảo Đài", "Có"],
        ["BD-06", None, 1, "HTX Vải Bảo Đài", "HTX", "Bảo Đài", "Có"],
    ], sheet="Xã Bảo Đài", partial=(1, 5), message=f"{w}: 5 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 2, cột 'Bộ sản phẩm': giá trị '99' không phải bộ sản phẩm của 1048/2019, cần mã bộ "
        "(ví dụ 1, 07, 26a) hoặc tên bộ.",
        f"{w}, dòng 3, cột 'Xã': giá trị 'Phường Hoàn Kiếm' không phải xã, thị trấn của huyện Lục Nam, cần một tên "
        "trong danh sách xã của kế hoạch.",
        f"{w}, dòng 4, cột 'Loại hình': giá trị 'Cá nhân' không hợp lệ, cần DN, HTX, THT hoặc HKD.",
        f"{w}, dòng 5, cột 'Bộ sản phẩm': giá trị 'Thủ công mỹ nghệ gia dụng' không phải bộ sản phẩm của "
        "1048/2019, cần mã bộ (ví dụ 1, 07, 26a) hoặc tên bộ.",
        f"{w}, dòng 7, cột 'Tên sản phẩm': ô trống, cần tên sản phẩm.",
    ])

    w = where("trung-lap.xlsx")
    save("trung-lap.xlsx", [
        H,
        ["TL-01", "Mật ong", 1, "HKD Nguyễn Văn An", "HKD", "Bảo Sơn", "Có"],
        ["TL-01", "Mật ong hoa vải", 1, "HKD Nguyễn Văn Bảo", "HKD", "Bảo Sơn", "Có"],
        [None, "Gà đồi", 1, "HKD Trần Văn Châu", "HKD", "Cẩm Lý", "Có"],
        [None, "gà  đồi", 1, "hkd trần văn châu", "HKD", "Tam Dị", "Có"],
        ["TL-08", "Vải thiều", 1, "HTX Vải", "HTX", "Bình Sơn", "Có"],
        ["TL-09", "Vải thiều", 1, "HTX Vải", "HTX", "Bình Sơn", "Có"],
        ["TL-10", "Dứa", 1, "HKD Đỗ Văn Dũng", "HKD", "Đan Hội", "Có"],
        ["TL-11", "Dứa", 1, "HKD Đỗ Văn Dũng", "HKD", "Đông Hưng", "Có"],
    ], partial=(5, 3), message=f"{w}: 3 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 3, cột 'Mã sản phẩm': sản phẩm 'Mật ong hoa vải' của 'HKD Nguyễn Văn Bảo' đã có ở dòng 2 "
        "(đăng ký trùng).",
        f"{w}, dòng 5, cột 'Tên sản phẩm': sản phẩm 'gà đồi' của 'hkd trần văn châu' đã có ở dòng 4 (xã Cẩm Lý) "
        "(đăng ký trùng).",
        f"{w}, dòng 7, cột 'Tên sản phẩm': sản phẩm 'Vải thiều' của 'HTX Vải' đã có ở dòng 6 (đăng ký trùng).",
    ])

    w = where("ngay-so-dang-chu.xlsx")
    extra = ["Hình thức đăng ký", "Số giấy chứng nhận OCOP", "Ngày cấp giấy chứng nhận", "Hạng sao đã đạt",
             "Ngày đăng ký"]
    save("ngay-so-dang-chu.xlsx", [
        H + extra,
        [101, "Na dai", "01", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có", "Nâng hạng", "15/GCN-UBND",
         "05/11/2018", "3", datetime(2020, 6, 1)],
        ["102", "Vải thiều", 1, "Công ty TNHH Nông sản Bình Sơn", "DN", "Bình Sơn", "Có", "đánh giá lại",
         "07/GCN-UBND", datetime(2017, 5, 20), 4, "1/6/2020"],
        ["103", "Bưởi đỏ", 1, "HTX Đông Phú", "HTX", "Đông Phú", "Có", "Nâng hạng", "09/GCN-UBND", "31/02/2019",
         "3 sao", "2020-06-02"],
        ["104", "Cam đường", 1, "THT Cam Cẩm Lý", "THT", "Cẩm Lý", "Có", "Nâng hạng", "11/GCN-UBND",
         "12.03.2019", "6", "2020.06.15"],
        ["105", "Ổi lê", 1, "HKD Trần Thị Nga", "HKD", "Tam Dị", "Có", "Lần 2", None, None, None, "02/06/2020"],
        ["106", "Khoai lang", 1, "THT Khoai lang", "THT", "Nghĩa Phương", "Chắc vậy", "Lần đầu", None, None,
         None, "03/06/2020"],
    ], partial=(2, 4), message=f"{w}: 5 lỗi, không lưu dòng nào.", problems=[
        f"{w}, dòng 4, cột 'Ngày cấp giấy chứng nhận': giá trị '31/02/2019' không phải ngày, cần ngày dạng "
        "dd/mm/yyyy.",
        f"{w}, dòng 5, cột 'Ngày đăng ký': giá trị '2020.06.15' không phải ngày, cần ngày dạng dd/mm/yyyy.",
        f"{w}, dòng 5, cột 'Hạng sao đã đạt': giá trị '6' không hợp lệ, cần số sao từ 3 đến 5.",
        f"{w}, dòng 6, cột 'Hình thức đăng ký': giá trị 'Lần 2' không hợp lệ, cần 'Lần đầu', 'Nâng hạng' "
        "hoặc 'Đánh giá lại'.",
        f"{w}, dòng 7, cột 'Xác nhận UBND xã': giá trị 'Chắc vậy' không hợp lệ, cần 'Có' hoặc 'Không'.",
    ])

    w = where("tep-trong.xlsx")
    save("tep-trong.xlsx", [H, [], [None, " "]], message=f"{w}: tệp không có dòng đăng ký nào.", problems=[])

    folder = HERE / "thu-muc"
    row = [None, "Mật ong bạc hà", 1, "HKD Lê Văn Dũng", "HKD"]
    save("xa-bao-dai.xlsx", [H, [*row, "Bảo Đài", "Có"], ["BD-9", "Chè xanh", 1, "HTX Chè", "HTX", "Bảo Đài", "Có"]],
         folder=folder, message="", problems=[])
    save("xa-bao-son.xlsx", [H, [*row, "Bảo Sơn", "Có"], ["BS-9", "Lạc đỏ", 1, "HKD Lạc", "HKD", "Bảo Sơn", "Có"]],
         folder=folder, message="", problems=[])


if __name__ == "__main__":
    corpus()
    (HERE / "expected.json").write_text(json.dumps(EXPECTED, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(EXPECTED)} workbooks and thu-muc/ written to {HERE}")
