"""Issue 14: the 2026 province sample under 148+1489 end to end — the communes' lists, one pre-assessment report
per commune, the province's council, recognition of 3★ and 4★ by the Chủ tịch UBND tỉnh, the referral of 90
points or more to the Ministry — and its documents pass `ocop documents check`."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from ocop.documents import pdf
from ocop.errors import InputError
from ocop.rules.dossier import ITEMS
from ocop.rules.editions import get_edition
from ocop.services import stages
from ocop.settings import Settings
from tests.conftest import REPO, SAMPLE, docx_text

PROVINCE = REPO / "ocop" / "sample" / "bac-ninh-2026"
CODE = "bac-ninh-2026"
LISTS = PROVINCE / "danh-sach-xa"


def _run(settings: Settings) -> dict[str, object]:
    stages.set_up(settings, PROVINCE / "campaign.toml")
    collected = stages.collect(settings, CODE, LISTS)
    communes = stages.pre_assess(settings, CODE)
    verified = stages.verify(settings, CODE)
    stages.schedule(settings, CODE)
    stages.score(settings, CODE, PROVINCE / "scores.csv")
    ranked = stages.rank(settings, CODE)
    recognised = stages.recognise(settings, CODE)
    referred = stages.refer(settings, CODE)
    return {"collect": collected, "communes": communes, "verify": verified, "rank": ranked,
            "recognise": recognised, "refer": referred}


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, object]]:
    """The whole province plan once."""
    from ocop.persistence.db import engine_for, migrate

    tmp = tmp_path_factory.mktemp("province")
    url = f"sqlite:///{tmp / 'ocop.db'}"
    migrate(url)
    # `documents check` converts what it reads itself: the stages' own PDF copies would only add LibreOffice time
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp / "out", database_url=url)
    yield settings, _run(settings)
    engine_for(url).dispose()


def test_the_communes_send_their_lists_and_each_issues_one_report(province) -> None:
    settings, r = province
    communes = r["communes"]
    lists = sorted(LISTS.glob("*.csv"))
    assert r["collect"].rows == 42 and len(r["collect"].files) == len(lists) == 15
    assert len(communes.reports) == 15 and communes.documents.issued == 15
    by_name = {c.commune: c for c in communes.reports}
    assert by_name["xã Tam Giang"].proposed == 3 and by_name["xã Tam Giang"].products == 4
    assert by_name["phường Chũ"].proposed == 3
    reports = [d for d in stages.documents(settings, CODE) if d.kind == "bao_cao_danh_gia_so_bo"]
    # each commune numbers its own report in its own register (not in the province's series)
    assert {d.symbol for d in reports} == {"01/BC-UBND"} and len({d.file for d in reports}) == 15
    text = docx_text(next(d.file for d in reports if d.subject == "Tam Giang"))
    assert "ỦY BAN NHÂN DÂN XÃ TAM GIANG" in text.upper() and "Tam Giang, ngày 22 tháng 6 năm 2026" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Bắc Ninh (qua Sở Nông nghiệp và Môi trường)" in text
    for criterion in get_edition("148/2023+1489/2025").level("commune").pre_assessed_criteria:
        assert criterion.lower() in text.lower()
    assert "Bánh đa nem Tam Giang" in text and "Không đạt: Sử dụng lao động địa phương" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Ngô Quang Trung" in text


def test_what_a_commune_does_not_propose_the_province_does_not_evaluate(province) -> None:
    _, r = province
    verified = r["verify"]
    assert verified.counts == {"eligible": 40, "ineligible": 2}
    reasons = {i.code: i.reason for i in verified.ineligible}
    assert "không đạt tiêu chí Sử dụng lao động địa phương" in reasons["BN-41"]
    assert "Bản sắc/trí tuệ địa phương" in reasons["BN-42"]


def test_the_province_ranks_recognises_3_and_4_stars_and_refers_90_points_to_the_ministry(province) -> None:
    settings, r = province
    ranking = {row.code: row for row in r["rank"].ranking}
    assert len(ranking) == 40
    assert {row.stars for row in ranking.values()} == {1, 2, 3, 4, 5}
    capped = [row for row in ranking.values() if row.cap_reason]
    assert any("1.3" in row.cap_reason for row in capped)  # BN-12: production capacity, a mandatory criterion
    referred = {row.code for row in r["refer"].referred}
    assert referred == {c for c, row in ranking.items() if row.mean >= 90 and row.stars == 5} and len(referred) >= 1
    recognised = {row.code: row.stars for row in r["recognise"].recognised}
    assert set(recognised.values()) == {3, 4}
    assert recognised == {c: row.stars for c, row in ranking.items() if row.stars in (3, 4)}
    docs = {d.kind: d for d in stages.documents(settings, CODE) if d.status == "issued"}
    decision = docx_text(docs["qd_cong_nhan"].file)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH" in decision.upper() and "KT. CHỦ TỊCH" in decision
    assert "huyện" not in decision.lower()
    referral = docx_text(docs["to_trinh_de_nghi_tinh"].file)
    assert "Bộ Nông nghiệp và Môi trường" in referral and "huyện" not in referral.lower()


@pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_every_document_of_the_province_sample_passes_the_check(province) -> None:
    """Form and content of all 700-odd documents; the PDF's pages of every document but the score sheets of six
    of the seven members (the same template and sets as the chair's, converted once: LibreOffice time)."""
    settings, _ = province
    folder = settings.out_dir / CODE
    every = CliRunner().invoke(app, ["documents", "check", "--no-pdf", str(folder)])
    paged = [p for p in sorted(folder.rglob("*.docx")) if "phieu_danh_gia" not in p.name or "tran_van_thanh" in p.name]
    pages = CliRunner().invoke(app, ["documents", "check", *map(str, paged)])
    assert len(paged) > 120
    for result in (every, pages):
        findings = [line for line in result.stdout.splitlines() if not line.endswith(": đạt")]
        print("\n".join(findings))
        assert result.exit_code == 0 and findings == []


def test_a_commune_list_with_an_unreadable_pre_assessment_names_file_row_and_column(
        sqlite_settings: Settings, tmp_path: Path) -> None:
    stages.set_up(sqlite_settings, PROVINCE / "campaign.toml")
    bad = tmp_path / "tam-giang.csv"
    rows = list(csv.reader((LISTS / "tam-giang.csv").open(encoding="utf-8")))
    rows[2][-1] = "Đạt?"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(InputError) as info:
        stages.collect(sqlite_settings, CODE, bad)
    assert "không lưu dòng nào" in str(info.value) and len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert "tam-giang.csv, dòng 3, cột 'Bản sắc/trí tuệ địa phương'" in problem and "'Đạt?'" in problem


def test_a_province_file_that_names_no_signer_for_a_commune_is_refused(sqlite_settings: Settings,
                                                                       tmp_path: Path) -> None:
    text = (PROVINCE / "campaign.toml").read_text(encoding="utf-8").replace('"Tuấn Đạo" = "Lý Văn Nam"\n', "")
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        stages.set_up(sqlite_settings, path)
    assert "commune_signers" in str(info.value.problems) and "Tuấn Đạo" in str(info.value.problems)


def test_a_district_plan_has_no_commune_stage(sqlite_settings: Settings, tmp_path: Path) -> None:
    stages.set_up(sqlite_settings, SAMPLE / "campaign.toml")
    with pytest.raises(InputError, match="không có bước đánh giá sơ bộ"):
        stages.pre_assess(sqlite_settings, "luc-nam-2020")
    assert not stages.has_commune_stage(sqlite_settings, "luc-nam-2020")


def test_the_sample_files_are_what_the_generator_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed lists and sheets come from scripts/make_sample_bac_ninh.py, unedited."""
    import importlib.util

    copy = tmp_path / "bac-ninh-2026"
    shutil.copytree(PROVINCE, copy)
    spec = importlib.util.spec_from_file_location("make_sample", REPO / "scripts" / "make_sample_bac_ninh.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FOLDER", copy)
    module.write_lists()
    module.write_scores()
    for path in [PROVINCE / "scores.csv", *LISTS.glob("*.csv")]:
        assert (copy / path.relative_to(PROVINCE)).read_bytes() == path.read_bytes(), path.name


def test_the_commune_stage_run_twice_changes_nothing(province) -> None:
    settings, _ = province
    again = stages.pre_assess(settings, CODE)
    assert again.documents.issued == 0 and len(again.reports) == 15


def test_the_province_workbook_asks_each_commune_for_its_four_criteria(sqlite_settings: Settings,
                                                                       tmp_path: Path) -> None:
    """The workbook a commune fills has one Đạt/Không đạt column per criterion; filled in, it imports."""
    from openpyxl import load_workbook

    stages.set_up(sqlite_settings, PROVINCE / "campaign.toml")
    path = tmp_path / "dang-ky.xlsx"
    stages.registration_template(sqlite_settings, CODE, path)
    wb = load_workbook(path)
    ws = wb["Đăng ký"]
    headers = [c.value for c in ws[1]]
    criteria = get_edition("148/2023+1489/2025").level("commune").pre_assessed_criteria
    assert all(c in headers for c in criteria)
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert all(any(f"{ws.cell(1, headers.index(c) + 1).column_letter}2" in ref for ref in lists) for c in criteria)
    row = {"Tên sản phẩm": "Củ đậu Tam Giang", "Bộ sản phẩm": "1", "Tên chủ thể": "Tổ hợp tác Rau củ Tam Giang",
           "Loại hình": "THT", "Xã": "Tam Giang", "Xác nhận UBND xã": "Có"} | dict.fromkeys(criteria, "Đạt") | {
        h: "Có" for h in headers if h in ITEMS.values()}  # a complete dossier
    for header, value in row.items():
        ws.cell(2, headers.index(header) + 1, value)
    wb.save(path)
    assert stages.collect(sqlite_settings, CODE, path).new == 1
    verified = stages.verify(sqlite_settings, CODE)
    assert verified.counts.get("eligible") == 1


def test_communes_of_the_same_name_in_two_provinces_keep_two_registers(settings: Settings, tmp_path: Path) -> None:
    """Two provinces in one database, their communes named alike (many real ones are): each commune's report
    is 01/BC-UBND in its own register, not 01 in one province and 02 in the other."""
    other = tmp_path / "lang-son"
    (other / "danh-sach-xa").mkdir(parents=True)
    (other / "campaign.toml").write_text((PROVINCE / "campaign.toml").read_text(encoding="utf-8").replace(
        "bac-ninh-2026", "lang-son-2026").replace("Bắc Ninh", "Lạng Sơn"), encoding="utf-8")
    for path in LISTS.glob("*.csv"):  # the same communes; the province's own products and producers
        rows = list(csv.reader(path.open(encoding="utf-8")))
        for row in rows[1:]:
            row[0], row[3] = row[0].replace("BN-", "LS-"), f"{row[3]} Lạng Sơn"
        with (other / "danh-sach-xa" / path.name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    for folder, code in ((PROVINCE, CODE), (other, "lang-son-2026")):
        stages.set_up(settings, folder / "campaign.toml")
        stages.collect(settings, code, folder / "danh-sach-xa")
        assert stages.pre_assess(settings, code).documents.issued == 15
    for code in (CODE, "lang-son-2026"):
        reports = [d for d in stages.documents(settings, code) if d.kind == "bao_cao_danh_gia_so_bo"]
        assert len(reports) == 15 and {d.symbol for d in reports} == {"01/BC-UBND"}, code
