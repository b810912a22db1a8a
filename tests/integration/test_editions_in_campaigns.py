"""The same stages under 148/2023: mandatory criteria cap a star, the district recognises 3★ itself."""

from __future__ import annotations

import csv
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document as Docx

from ocop.errors import InputError
from ocop.rules.criteria import load_set
from ocop.rules.stars import capped_star, missed_requirements, star_for
from ocop.services import stages
from ocop.services.results.use_cases import RecognisedRow
from tests.conftest import SAMPLE

MEMBERS = ["Lương Thế Tuấn", "Nguyễn Văn Hùng", "Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan",
           "Hoàng Minh Đức", "Đỗ Văn Quyết"]


def _campaign_file(tmp_path: Path, edition: str, code: str, level: str = "district") -> Path:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('edition = "1048/2019"', f'edition = "{edition}"').replace(
        'code = "luc-nam-2020"', f'code = "{code}"').replace('level = "district"', f'level = "{level}"')
    path = tmp_path / f"{code}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _register(settings, tmp_path: Path, rows: list[list[str]]) -> None:
    """Import and verify registrations of the test campaign 'luc-nam-2024'."""
    regs = tmp_path / "dk.csv"
    with regs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"],
            *rows,
        ])
    stages.collect(settings, "luc-nam-2024", regs)
    stages.verify(settings, "luc-nam-2024")


def test_148_cap_and_local_recognition(settings, tmp_path: Path) -> None:
    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    _register(settings, tmp_path, [
        ["T-1", "Na sấy dẻo", "7", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
        ["T-2", "Vải sấy", "Chế biến từ rau, củ, quả, hạt", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
    ])
    criteria = load_set("qd148-2023", "7")
    scores = tmp_path / "diem.csv"
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product in ("T-1", "T-2"):
            for i, member in enumerate(MEMBERS):
                for c in criteria.criteria:
                    # T-2: four of seven members find only small capacity (1.3 = 1 point)
                    low = product == "T-2" and c.code == "1.3" and i < 4
                    out.writerow([product, member, c.code, 1 if low else c.max_points])
    stages.score(settings, "luc-nam-2024", scores)
    ranking = {r.code: r for r in stages.rank(settings, "luc-nam-2024").ranking}
    assert (ranking["T-1"].mean, ranking["T-1"].stars, ranking["T-1"].outcome) == (100, 5, "referred")
    t2 = ranking["T-2"]
    assert t2.mean == Fraction(4 * 98 + 3 * 100, 7)
    assert (t2.star_by_score, t2.stars, t2.outcome) == (5, 3, "recognised")
    assert "1.3" in t2.cap_reason and "3/7" in t2.cap_reason
    # in the README's order: the recognising decision (30/10) before the Tờ trình (02/11), numbered in date order
    recognised = stages.recognise(settings, "luc-nam-2024")
    assert recognised.recognised == (RecognisedRow("T-2", "Vải sấy", 3),)
    referred = stages.refer(settings, "luc-nam-2024").referred
    assert [p.code for p in referred] == ["T-1"]
    docs = {d.kind: d for d in stages.documents(settings, "luc-nam-2024")}
    assert recognised.decision == docs["qd_cong_nhan"].symbol == "20/QĐ-UBND"
    assert docs["to_trinh_de_nghi_tinh"].symbol == "21/TTr-UBND"  # certificates take no UBND number
    certificate = docs["giay_chung_nhan"]
    # the certificate is numbered with the decision, and the decision's table prints that number
    assert certificate.symbol == "20-01/GCN-UBND"
    table = Docx(docs["qd_cong_nhan"].file).tables[1]
    assert [c.text for c in table.rows[0].cells][-1] == "Số giấy chứng nhận"
    assert [(r.cells[1].text, r.cells[-1].text) for r in table.rows[1:]] == [("Vải sấy", certificate.symbol)]
    doc = Docx(certificate.file)
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    # the campaign file's recognition_date, 30/10/2020; valid 36 months
    assert "Số: 20-01/GCN-UBND" in text
    assert "Quyết định số 20/QĐ-UBND ngày 30/10/2020" in text and "ngày 30 tháng 10 năm 2023" in text
    assert stages.recognise(settings, "luc-nam-2024").documents.issued == 0


def test_each_product_is_capped_by_its_own_sets_mandatory_criteria(settings, tmp_path: Path) -> None:
    """Products of two sets in one round: criterion 1.2 is mandatory (5★, 3 points) in set 1 and not in
    set 7, criterion 6.3 the other way round (4★ 2 points, 5★ 3 points). The same weak options on the same
    sheets cap one product and leave the other, and every result is the rule applied to its own sheets."""
    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    products = {"S1-A": "1", "S7-A": "7", "S1-B": "1", "S7-B": "7"}
    weak = {"S1-A": ("1.2", 1), "S7-A": ("1.2", 1), "S1-B": ("6.3", 0), "S7-B": ("6.3", 0)}
    _register(settings, tmp_path, [[code, f"Sản phẩm {code}", set_code, f"HTX {code}", "HTX", "Huyền Sơn", "Có"]
                                   for code, set_code in products.items()])
    sheets: dict[str, list[dict[str, int]]] = {}
    scores = tmp_path / "diem.csv"
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product, set_code in products.items():
            for i, member in enumerate(MEMBERS):
                chosen = {c.code: c.max_points for c in load_set("qd148-2023", set_code).criteria}
                if i < 4:  # four of seven members choose the weak option
                    chosen[weak[product][0]] = weak[product][1]
                sheets.setdefault(product, []).append(chosen)
                out.writerows([product, member, code, points] for code, points in chosen.items())
    stages.score(settings, "luc-nam-2024", scores)
    ranking = {r.code: r for r in stages.rank(settings, "luc-nam-2024").ranking}
    for product, set_code in products.items():
        mean = Fraction(sum(sum(s.values()) for s in sheets[product]), 7)
        by_score = star_for(mean, (0, 30, 50, 70, 90), 100)
        stars = capped_star(by_score, missed_requirements(load_set("qd148-2023", set_code), sheets[product]))
        assert (ranking[product].mean, ranking[product].star_by_score, ranking[product].stars) == \
            (mean, by_score, stars), product
    assert [(code, ranking[code].stars) for code in products] == [("S1-A", 4), ("S7-A", 5), ("S1-B", 5), ("S7-B", 3)]
    assert "1.2" in ranking["S1-A"].cap_reason and "3/7" in ranking["S1-A"].cap_reason
    assert "6.3" in ranking["S7-B"].cap_reason and "3/7" in ranking["S7-B"].cap_reason
    assert ranking["S7-A"].cap_reason == ranking["S1-B"].cap_reason == ""


def test_a_district_campaign_under_1489_is_refused(settings, tmp_path: Path) -> None:
    path = _campaign_file(tmp_path, "148/2023+1489/2025", "luc-nam-2026")
    with pytest.raises(InputError) as err:
        stages.set_up(settings, path)
    assert err.value.problems == [
        f"{path.name}, mục 'level': văn bản 148/2023+1489/2025 không có cấp 'district'; "
        "các cấp theo văn bản này: 'commune' (cấp xã), 'province' (cấp tỉnh)"]


def test_a_province_campaign_under_1489_needs_what_its_communes_report(settings, tmp_path: Path) -> None:
    """A province's plan under 1489 is accepted once it names, for the commune stage, the date of the communes'
    reports and who signs each (the Bắc Ninh sample, tests/integration/test_province_sample.py); without them it
    is refused naming both keys and the communes left unsigned."""
    path = _campaign_file(tmp_path, "148/2023+1489/2025", "bac-ninh-2026", "province")
    with pytest.raises(InputError) as info:
        stages.set_up(settings, path)
    problems = " ".join(info.value.problems)
    assert "commune_report_date" in problems and "commune_signers" in problems and "Huyền Sơn" in problems
    signers = "\n".join(f'"{c}" = "Nguyễn Văn A"' for c in ("Bảo Đài", "Bảo Sơn", "Bình Sơn", "Cẩm Lý",
        "Chu Điện", "Cương Sơn", "Đan Hội", "Đông Hưng", "Đông Phú", "Huyền Sơn", "Khám Lạng", "Lan Mẫu",
        "Lục Sơn", "Nghĩa Phương", "Phương Sơn", "Tam Dị", "Thanh Lâm", "Tiên Hưng", "Tiên Nha", "Trường Giang",
        "Trường Sơn", "Vô Tranh", "Vũ Xá", "Yên Sơn", "thị trấn Đồi Ngô", "thị trấn Lục Nam"))
    text = path.read_text(encoding="utf-8").replace("recognition_date = ", "commune_report_date = 2020-06-22\n"
                                                    "recognition_date = ", 1)
    path.write_text(f"{text}\n[commune_signers]\n{signers}\n", encoding="utf-8")
    assert stages.set_up(settings, path).created is True


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_print_packs_one_pdf_per_member_in_agenda_order(sqlite_settings, tmp_path: Path) -> None:
    from pypdf import PdfReader

    settings = sqlite_settings
    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    _register(settings, tmp_path, [
        ["T-2", "Vải sấy", "7", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
        ["T-1", "Mật ong bạc hà", "4", "HTX Ong Lục Sơn", "HTX", "Lục Sơn", "Có"],
    ])
    result = stages.schedule(settings, "luc-nam-2024", packs=True)
    assert len(result.print_packs) == 7
    pack = next(p for p in result.print_packs if p.endswith("do_van_quyet.pdf"))
    pages = [page.extract_text() for page in PdfReader(pack).pages]
    first_t2 = next(i for i, t in enumerate(pages) if "Vải sấy" in t)
    first_t1 = next(i for i, t in enumerate(pages) if "Mật ong bạc hà" in t)
    assert first_t1 < first_t2  # agenda order: set 4 before set 7
    assert all("Đỗ Văn Quyết" in t for t in pages if "Thành viên" in t)
    # one document joined for one conversion, printing as the sheets do one by one: each on new pages,
    # its first page unnumbered, then 2, 3… again
    from ocop.documents.pdf import to_pdf

    sheets = sorted((settings.out_dir / "luc-nam-2024" / "02-hop-hoi-dong" / "phieu-trang" / "do_van_quyet").glob(
        "*.docx"))  # …_t_1_… then …_t_2_…: the agenda's order
    assert len(sheets) == 2 and "t_1" in sheets[0].name
    singles = [[page.extract_text() for page in PdfReader(pdf).pages]
               for pdf in to_pdf(sheets, out_dir=tmp_path / "rieng")]
    assert len(pages) == sum(len(s) for s in singles)
    assert [t.splitlines()[0] for t in pages] == [t.splitlines()[0] for s in singles for t in s]


def test_148_score_sheets_and_workbooks_mark_the_mandatory_options(settings, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from ocop import present

    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", "luc-nam-2024"))
    _register(settings, tmp_path, [["T-1", "Vải sấy", "7", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"]])
    stages.schedule(settings, "luc-nam-2024")
    criteria = load_set("qd148-2023", "7")
    raw = criteria.criterion("1.1").options[0]          # 1 point: needed from 3★
    local = criteria.criterion("5.2").options[2]        # 3 points: needed from 3★ (5 points from 4★)
    plain = criteria.criterion("1.1").options[1]        # 3 points: no star needs it
    sheet = next(d for d in stages.documents(settings, "luc-nam-2024") if d.kind == "phieu_danh_gia")
    rows = [[c.text for c in r.cells] for t in Docx(sheet.file).tables for r in t.rows]
    labels = {r[1] for r in rows if len(r) == 5}
    assert f"{raw.label} (*) bắt buộc từ 3★" in labels and f"{local.label} (*) bắt buộc từ 3★" in labels
    assert f"{criteria.criterion('5.2').options[3].label} (*) bắt buộc từ 4★" in labels
    assert plain.label in labels                      # unmarked
    assert present.MANDATORY_LEGEND in [p.text for p in Docx(sheet.file).paragraphs]
    total = next(r for r in rows if r[1] == "Tổng điểm")
    assert total[2] == "100"                          # the edition's maximum

    [path] = stages.scores_templates(settings, "luc-nam-2024", tmp_path / "phieu", "Trần Thị Hoa")
    wb = load_workbook(path)
    levels = {r[0]: r[2] for r in wb["T-1"].iter_rows(min_row=7, values_only=True)}
    assert f"{raw.points} đ: {raw.label} (*) bắt buộc từ 3★" in levels["1.1"].split("\n")
    assert f"{plain.points} đ: {plain.label}" in levels["1.1"].split("\n")
    assert present.MANDATORY_LEGEND in [r[0] for r in wb["Hướng dẫn"].iter_rows(values_only=True)]
