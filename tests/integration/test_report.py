"""`ocop report`: statistics of every campaign in the database (two years here: the Lục Nam 2020
sample under 1048 and the 148 campaign of 2024), checked against the stored results counted
independently; the native charts in the workbook; a second run changes nothing; read-only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from ocop import present
from ocop.errors import InputError
from ocop.persistence.db import engine_for, unit_of_work
from ocop.persistence.models import Campaign, Producer, Product, Registration, Result
from ocop.services import stages
from ocop.services.results import charts
from ocop.services.results.statistics_workbook import FIRST_ROW, HEADER_ROW, write_report
from tests.campaign_148 import CODE as CODE_2024
from tests.campaign_148 import run_148
from tests.conftest import SAMPLE

CODE_2020 = "luc-nam-2020"


@pytest.fixture
def two_years(settings, tmp_path: Path):
    """The sample campaign of 2020 run to the referral, then the 148 campaign of 2024, in one database;
    the settings and the 2024 ranking by product code."""
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, CODE_2020, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE_2020)
    stages.schedule(settings, CODE_2020)
    stages.score(settings, CODE_2020, SAMPLE / "scores.csv")
    stages.rank(settings, CODE_2020)
    stages.refer(settings, CODE_2020)
    folder = tmp_path / "2024"
    folder.mkdir()
    return settings, run_148(settings, folder)


def _table(ws) -> tuple[list[str], list[list[object]]]:
    """The sheet's header and rows (up to, not including, the total row)."""
    headers = [c.value for c in ws[HEADER_ROW]]
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if "Tổng cộng" in row:
            break
        rows.append(list(row))
    return headers, rows


def _expected(settings) -> dict[str, dict]:
    """Counts and means per dimension, straight from the registrations and the stored results."""
    with unit_of_work(settings.database_url) as s:
        regs = s.execute(
            select(Campaign.year, Campaign.round, Producer.commune, Registration.set_code, Result.stars, Result.mean,
                   Result.outcome)
            .select_from(Registration).join(Campaign, Campaign.id == Registration.campaign_id)
            .join(Product, Product.id == Registration.product_id).join(Producer, Producer.id == Product.producer_id)
            .outerjoin(Result, (Result.campaign_id == Registration.campaign_id)
                       & (Result.product_id == Registration.product_id))).all()
    out: dict[str, dict] = {"period": defaultdict(list), "commune": defaultdict(list), "set": defaultdict(list),
                            "stars": defaultdict(list)}
    for year, n, commune, set_code, stars, mean, outcome in regs:
        row = (stars, mean, outcome)
        out["period"][present.year_round(year, n)].append(row)
        out["commune"][commune].append(row)
        out["set"][set_code].append(row)
        if stars is not None:
            out["stars"][present.stars(stars)].append(row)
    return out


def _counts(rows: list[tuple]) -> tuple[int, int, int, int, float | None]:
    done = [r for r in rows if r[0] is not None]
    mean = round(sum(r[1] for r in done) / len(done), 6) if done else None
    return (len(rows), len(done), sum(r[2] == "recognised" for r in done), sum(r[2] == "referred" for r in done),
            mean)


def test_the_report_counts_every_campaign_by_year_commune_set_and_stars(two_years, tmp_path: Path) -> None:
    settings, _ = two_years
    path = tmp_path / "bao-cao" / "thong-ke.xlsx"
    result = write_report(settings, path)
    assert result.written and path.is_file()
    expected = _expected(settings)
    wb = load_workbook(path)
    assert wb.sheetnames == [charts.PERIODS, charts.COMMUNES, charts.SETS, charts.STARS, charts.CAMPAIGNS]

    def check(sheet: str, label: str, dimension: str) -> None:
        headers, rows = _table(wb[sheet])
        at = {h: i for i, h in enumerate(headers)}
        got = {r[at[label]]: r for r in rows}
        assert set(got) == set(expected[dimension]), sheet
        for key, want in expected[dimension].items():
            r = got[key]
            mean = r[at["Điểm TB"]]
            assert (r[at["Đăng ký"]], r[at["Đã đánh giá"]], r[at["Đề nghị công nhận"]], r[at["Đề nghị cấp trên"]],
                    None if mean is None else round(mean, 6)) == _counts(want), (sheet, key)
            for n in range(1, 6):
                assert r[at[present.stars(n)]] == sum(1 for x in want if x[0] == n), (sheet, key, n)

    check(charts.PERIODS, "Năm - đợt", "period")
    check(charts.COMMUNES, "Xã", "commune")
    rows = _table(wb[charts.SETS])[1]
    # set 1 of 1048 (the sample) and set 7 of 148 (2024): each named from its edition's criteria
    assert {(r[0], r[1]) for r in rows} == {("1", "Bộ 1 - Rau, củ, quả, hạt tươi"),
                                            ("7", "Bộ 7 - Chế biến từ rau, củ, quả, hạt")}
    check(charts.SETS, "Mã bộ", "set")
    rows = _table(wb[charts.STARS])[1]
    assert [r[0] for r in rows] == ["5 sao", "4 sao", "3 sao", "2 sao", "1 sao"]
    evaluated = sum(len(v) for v in expected["stars"].values())
    for r in rows:
        _, done, recognised, referred, mean = _counts(expected["stars"].get(r[0], []))
        assert (r[1], round(r[2], 9), None if r[3] is None else round(r[3], 6), r[4], r[5]) == (
            done, round(done / evaluated, 9), mean, recognised, referred), r

    periods = _table(wb[charts.PERIODS])[1]
    assert [(r[0], r[1], r[2], r[3]) for r in periods] == [(2020, 1, "2020 - đợt 1", 1), (2024, 1, "2024 - đợt 1", 1)]
    # the sample's 12 registrations, 11 ranked, 6 referred; 2024: 3 ranked, LN-01 referred, LN-02 recognised
    assert [(r[4], r[5], r[6], r[7]) for r in periods] == [(12, 11, 0, 6), (3, 3, 1, 1)]
    stars_sheet = wb[charts.STARS]
    share = stars_sheet.cell(FIRST_ROW, 3)
    assert share.number_format == "0.0%" and wb[charts.PERIODS].cell(FIRST_ROW, 9).number_format == "0.00"
    assert wb[charts.PERIODS].freeze_panes == "D5" and stars_sheet.freeze_panes == "B5"
    assert wb[charts.PERIODS].cell(1, 1).value == "Sản phẩm OCOP theo năm và đợt đánh giá"
    campaigns = _table(wb[charts.CAMPAIGNS])[1]
    assert [(r[0], r[3], r[4], r[6]) for r in campaigns] == [(CODE_2020, 2020, 1, "Có"), (CODE_2024, 2024, 1, "Có")]

    # native charts: 2 by year and round, stars, communes, product sets; over the sheets' cells
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = {n: z.read(n).decode("utf-8") for n in names}
    assert len(names) == result.charts == 5
    assert any("<pieChart>" in x and f"'{charts.STARS}'!$B$5:$B$9" in x for x in xml.values())
    assert any('<grouping val="stacked"/>' in x and f"'{charts.PERIODS}'!$C$5:$C$6" in x for x in xml.values())
    assert any('<barDir val="bar"/>' in x and f"'{charts.SETS}'!$B$5:$B$6" in x for x in xml.values())


def test_a_second_run_changes_nothing_and_the_database_is_only_read(two_years, tmp_path: Path) -> None:
    settings, _ = two_years
    path = tmp_path / "thong-ke.xlsx"
    assert write_report(settings, path).written
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    statements: list[str] = []

    def listen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if "pg_catalog" not in statement:  # PostgreSQL's look at the schema (is the database set up?)
            statements.append(statement.split()[0].upper())

    engine = engine_for(settings.database_url)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        again = write_report(settings, path)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert not again.written and path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements), statements
    # campaigns, then one GROUP BY for every dimension, whatever the number of products
    assert [s for s in statements if s == "SELECT"] == ["SELECT", "SELECT"]
    # a changed file is overwritten whole
    path.write_bytes(b"not a workbook")
    assert write_report(settings, path).written and load_workbook(path).sheetnames[0] == charts.PERIODS


def test_a_report_needs_an_xlsx_name_and_a_database_with_campaigns(settings, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"Tệp báo cáo 'bao-cao.csv' cần đuôi \.xlsx"):
        write_report(settings, tmp_path / "bao-cao.csv")
    folder = tmp_path / "thu-muc.xlsx"
    folder.mkdir()
    with pytest.raises(InputError, match="là một thư mục"):
        write_report(settings, folder)
    empty = write_report(settings, tmp_path / "rong.xlsx")  # a database with no campaign: an empty report
    assert empty.statistics.campaigns == () and empty.charts == 0


def test_the_charts_draw_as_small_png_images(two_years) -> None:
    from ocop.services.results.statistics import campaign_statistics

    settings, ranked = two_years
    stats = campaign_statistics(settings, CODE_2024)
    assert [c.key for c in charts.charts(stats, periods=False)] == ["hang-sao", "xa", "bo-san-pham"]
    assert stats.total.evaluated == len(ranked) == 3
    assert {s.stars: s.products for s in stats.stars if s.products} == {
        n: sum(r.stars == n for r in ranked.values()) for n in {r.stars for r in ranked.values()}}
    for chart in charts.charts(stats):
        image = charts.png(chart)
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and 2_000 < len(image) < 100_000, chart.key


def test_the_command_prints_a_summary_and_the_path(two_years, tmp_path: Path) -> None:
    settings, _ = two_years
    ocop = str(Path(sys.executable).parent / "ocop")
    path = tmp_path / "thong-ke.xlsx"
    env = {**os.environ, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}
    run = subprocess.run([ocop, "report", str(path), "--db", settings.database_url, "--out", str(settings.out_dir)],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("2 kế hoạch (2020 - đợt 1, 2024 - đợt 1); 15 sản phẩm đăng ký, 14 đã đánh giá, "
                               "điểm TB ")
    assert lines[-1] == f"Đã ghi: {path}" and path.is_file()
    bad = subprocess.run([ocop, "report", str(tmp_path / "bao-cao.csv"), "--db", settings.database_url],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == "Lỗi: Tệp báo cáo 'bao-cao.csv' cần đuôi .xlsx (tệp Excel)."
    fresh = tmp_path / "chua-co"
    refused = subprocess.run([ocop, "report", "x.csv", "--out", str(fresh)], env=env, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 1 and not fresh.exists()  # refused before any database is created
