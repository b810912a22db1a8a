"""Stages against a real database (SQLite, and PostgreSQL when configured), without Prefect."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ocop.errors import InputError
from ocop.persistence.db import engine_for, unit_of_work
from ocop.persistence.models import Base, Document, Registration, ScoreItem, ScoreSheet
from ocop.services import stages
from ocop.services.paperwork.register import take_number
from tests.conftest import BACKENDS, PG_URL, SAMPLE

CODE = "luc-nam-2020"


def _count(url: str, model) -> int:
    with unit_of_work(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_migrations_match_the_models(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine_for(db_url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _migrate_in_child(url: str) -> str:
    from ocop.persistence.db import current_revision, migrate

    migrate(url)
    return str(current_revision(url))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_fresh_database_found_by_several_processes_at_once_is_migrated_once(backend: str, tmp_path: Path) -> None:
    """Campaigns submitted together to a new server: each flow run migrates the database on first use."""
    import multiprocessing
    import uuid

    from sqlalchemy import create_engine, text

    from ocop.persistence.db import head_revision

    if backend == "sqlite":
        urls, schema = [f"sqlite:///{tmp_path / 'ocop.db'}"], ""
    else:  # an empty schema of its own (conftest's pg_schema_url gives a migrated one)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with create_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        urls = [f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"]
    try:
        with multiprocessing.get_context("spawn").Pool(4) as pool:
            assert pool.map(_migrate_in_child, urls * 4) == [head_revision()] * 4
    finally:
        if schema:
            with create_engine(PG_URL).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def test_setting_up_twice_changes_nothing(settings) -> None:
    first = stages.set_up(settings, SAMPLE / "campaign.toml")
    second = stages.set_up(settings, SAMPLE / "campaign.toml")
    # QĐ thành lập Hội đồng, QĐ ban hành Quy chế, Kế hoạch
    assert (first.created, first.documents.issued) == (True, 3)
    assert (second.created, second.changed, second.documents.issued) == (False, False, 0)
    assert _count(settings.database_url, Document) == 3


def test_registration_file_missing_a_required_column_stores_nothing(sample_campaign, tmp_path: Path) -> None:
    before = _count(sample_campaign.database_url, Registration)
    bad = _write_csv(tmp_path / "dang-ky.csv", [
        ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xác nhận UBND xã"],
        ["X-1", "Mật ong", "1", "HKD A", "HKD", "Có"],
    ])
    with pytest.raises(InputError) as err:
        stages.collect(sample_campaign, CODE, bad)
    assert "dang-ky.csv" in str(err.value) and "thiếu cột 'Xã'" in str(err.value)
    assert _count(sample_campaign.database_url, Registration) == before


def test_every_bad_row_is_reported_with_file_row_and_column(sample_campaign, tmp_path: Path) -> None:
    bad = _write_csv(tmp_path / "xa-yen-son.csv", [
        ["ma_san_pham", "TÊN  SẢN PHẨM ", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"],
        ["Y-1", "Chè Yên Sơn", "1", "HTX Chè", "HTX", "Yên Sơn", "Có"],
        ["Y-2", "Gà đồi", "99", "HKD B", "HKD", "Yên Sơn", "Có"],
        ["Y-3", "Mật ong", "1", "HKD C", "Cá nhân", "Yên Sơn", "Có"],
        ["Y-4", "Lạc", "1", "HKD D", "HKD", "Yên Sơn", "Chắc vậy"],
        ["Y-1", "Chè Yên Sơn", "1", "HTX Chè", "HTX", "Yên Sơn", "Có"],
    ])
    with pytest.raises(InputError) as err:
        stages.collect(sample_campaign, CODE, bad)
    problems = err.value.problems
    assert any(p.startswith("xa-yen-son.csv, dòng 3, cột 'Bộ sản phẩm'") and "99" in p for p in problems)
    assert any(p.startswith("xa-yen-son.csv, dòng 4, cột 'Loại hình'") and "DN, HTX, THT hoặc HKD" in p
               for p in problems)
    assert any(p.startswith("xa-yen-son.csv, dòng 5, cột 'Xác nhận UBND xã'") for p in problems)
    assert any("dòng 6" in p and "dòng 2" in p and "trùng" in p for p in problems)
    assert len(problems) == 4
    with unit_of_work(sample_campaign.database_url) as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 12


def test_reimport_is_idempotent_and_nfd_names_match(sample_campaign, tmp_path: Path) -> None:
    again = stages.collect(sample_campaign, CODE, SAMPLE / "registrations.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 12)
    import unicodedata

    rows = list(csv.reader((SAMPLE / "registrations.csv").open(encoding="utf-8")))
    fixed = [rows[0]] + [[unicodedata.normalize("NFD", c) + "  " for c in r[1:]] for r in rows[1:]]
    fixed = [["Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"], *fixed[1:]]
    fixed[-1][-1] = "Có"  # the commune has now confirmed LN-12
    # LN-12's dossier-check notice is issued: the correction needs a reason
    result = stages.collect(sample_campaign, CODE, _write_csv(tmp_path / "nfd.csv", fixed),
                            reason="UBND xã đã xác nhận")
    assert (result.new, result.updated, result.unchanged) == (0, 1, 11)
    assert [str(c) for c in result.changes] == ["LN-12: xác nhận UBND xã 'không' → 'có'"]
    assert _count(sample_campaign.database_url, Registration) == 12


def test_verification_rejects_the_unconfirmed_product(sample_campaign) -> None:
    summary = stages.verify(sample_campaign, CODE)
    assert summary.counts == {"eligible": 11, "ineligible": 1}
    assert summary.changed == 0  # already verified by the fixture
    assert summary.ineligible[0].code == "LN-12" and "xác nhận của UBND xã" in summary.ineligible[0].reason


def _scores_header() -> list[str]:
    return ["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"]


def test_points_that_are_not_an_option_are_refused_and_nothing_stored(sample_campaign, tmp_path: Path) -> None:
    rows = list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))
    rows[2][3] = "4"  # criterion 1.2 allows 0, 1, 2, 3
    with pytest.raises(InputError) as err:
        stages.score(sample_campaign, CODE, _write_csv(tmp_path / "diem.csv", rows))
    assert err.value.problems == [
        "diem.csv, dòng 3, cột 'Điểm': 4 điểm không phải một lựa chọn của tiêu chí 1.2 (các mức: 0, 1, 2, 3).",
        "diem.csv: phiếu của 'Lương Thế Tuấn' cho sản phẩm 'LN-01' (từ dòng 2) thiếu tiêu chí 1.2.",
    ]
    assert _count(sample_campaign.database_url, ScoreSheet) == 0
    assert _count(sample_campaign.database_url, ScoreItem) == 0


def test_xlsx_score_errors_name_the_sheet(sample_campaign, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm tổ 1"
    ws.append(["Mã sản phẩm", "Thành viên", "Phần A", "Phần B", "Phần C"])
    ws.append(["LN-01", "Lương Thế Tuấn", 30, "hai mươi", 40])
    wb.save(tmp_path / "phan.xlsx")
    with pytest.raises(InputError) as err:
        stages.score(sample_campaign, CODE, tmp_path / "phan.xlsx")
    assert err.value.problems == [
        "phan.xlsx, sheet 'Điểm tổ 1', dòng 2, cột 'Phần B': giá trị 'hai mươi' không phải số nguyên."]
    ws.delete_cols(2)
    wb.save(tmp_path / "phan.xlsx")
    with pytest.raises(InputError, match=r"^phan\.xlsx, sheet 'Điểm tổ 1', dòng 1 \(tiêu đề\)"):
        stages.score(sample_campaign, CODE, tmp_path / "phan.xlsx")


def test_part_totals_unknown_members_and_ineligible_products(sample_campaign, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "phan.csv", [
        ["Mã sản phẩm", "Thành viên", "Phần A", "Phần B", "Phần C"],
        ["LN-01", "Lương Thế Tuấn", 30, 20, 41],
        ["LN-02", "Người Lạ", 30, 20, 30],
        ["LN-12", "Trần Thị Hoa", 10, 10, 10],
    ])
    with pytest.raises(InputError) as err:
        stages.score(sample_campaign, CODE, path)
    text = "\n".join(err.value.problems)
    assert "phan.csv, dòng 2, cột 'Phần C': 41 ngoài khoảng 0–40." in text
    assert "phan.csv, dòng 3, cột 'Thành viên': 'Người Lạ' không phải thành viên Hội đồng" in text
    assert "phan.csv, dòng 4, cột 'Mã sản phẩm': sản phẩm 'LN-12' không đủ điều kiện" in text
    ok = _write_csv(tmp_path / "phan-ok.csv", [
        ["ma_san_pham", "thanh_vien", "phan_a", "phan_b", "phan_c"], ["LN-01", "lương thế tuấn", 30, 20, 40]])
    assert stages.score(sample_campaign, CODE, ok).new == 1
    with unit_of_work(sample_campaign.database_url) as s:
        sheet = s.scalars(select(ScoreSheet)).one()
        assert (sheet.mode, sheet.total, sheet.part_c) == ("parts", 90, 40)


def test_a_new_sheet_replaces_the_old_one(sample_campaign, tmp_path: Path) -> None:
    first = stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    assert (first.sheets, first.new) == (77, 77)
    rows = list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))
    one_sheet = [rows[0]] + [r for r in rows[1:] if r[0] == "LN-01" and r[1] == "Lương Thế Tuấn"]
    one_sheet[1][3] = "1"  # 1.1: 3 -> 1
    again = stages.score(sample_campaign, CODE, _write_csv(tmp_path / "sua.csv", one_sheet))
    assert (again.new, again.replaced, again.unchanged) == (0, 1, 0)
    with unit_of_work(sample_campaign.database_url) as s:
        totals = s.scalars(select(ScoreSheet.total).where(ScoreSheet.source.like("sua.csv%"))).all()
        assert totals == [91]
        assert s.scalar(select(func.count()).select_from(ScoreItem)) == 77 * 31


def test_number_series_per_issuer_and_year(db_url: str) -> None:
    luc_nam, lang_giang = "Ủy ban nhân dân huyện Lục Nam", "Ủy ban nhân dân huyện Lạng Giang"
    with unit_of_work(db_url) as s:
        assert [take_number(s, luc_nam, "UBND", 2020, start=18) for _ in range(3)] == [18, 19, 20]
        assert take_number(s, luc_nam, "HĐOCOP", 2020) == 1
        assert take_number(s, luc_nam, "UBND", 2021) == 1
        assert take_number(s, luc_nam, "UBND", 2020, start=18) == 21
        assert take_number(s, lang_giang, "UBND", 2020) == 1  # another district keeps its own register


def test_a_register_from_before_series_owners_keeps_its_numbers(tmp_path: Path) -> None:
    """Migration 0004 gives every issued document its series owner and rebuilds the series."""
    from alembic import command
    from sqlalchemy import text

    from ocop.persistence.db import alembic_config, engine_for, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with engine_for(url).begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        insert_row(conn, "campaign", id=1, code="c", issuing_body="UBND huyện D", settings={})
        for i, (issuer, code, number) in enumerate([("UBND huyện D", "UBND", 18), ("UBND huyện D", "UBND", 19),
                                                    ("Phòng NN", "NN", 4)]):
            insert_row(conn, "document", id=i + 1, campaign_id=1, subject=str(i), issuer_code=code, issuer=issuer,
                       year=2020, number=number, numbered=True, status="issued")
        conn.execute(text("INSERT INTO number_series VALUES ('UBND', 2020, 19), ('NN', 2020, 4)"))
    migrate(url)
    with unit_of_work(url) as s:
        assert take_number(s, "UBND huyện D", "UBND", 2020) == 20
        assert take_number(s, "UBND huyện D › Phòng NN", "NN", 2020) == 5


def test_commune_registers_named_by_the_committee_alone_move_within_their_province(tmp_path: Path) -> None:
    """Migration 0011: two provinces' communes of one name had numbered in one register (01 and 02); each
    now continues its own, after its highest number."""
    from alembic import command

    from ocop.persistence.db import alembic_config, engine_for, migrate
    from ocop.persistence.models import NumberSeries

    url = f"sqlite:///{tmp_path / 'old.db'}"
    commune, a, b = "Ủy ban nhân dân xã Tân Thành", "Ủy ban nhân dân tỉnh A", "Ủy ban nhân dân tỉnh B"
    with engine_for(url).begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
        insert_row(conn, "campaign", id=1, code="a", issuing_body=a, settings={})
        insert_row(conn, "campaign", id=2, code="b", issuing_body=b, settings={})
        for i, (campaign, issuer, owner, code, number) in enumerate([
                (1, commune, commune, "UBND", 1), (2, commune, commune, "UBND", 2), (1, a, a, "UBND", 413),
                (2, "Sở NN", f"{b} › Sở NN", "SNN", 7)]):
            insert_row(conn, "document", id=i + 1, campaign_id=campaign, subject=str(i), issuer_code=code,
                       issuer=issuer, series_owner=owner, year=2026, number=number, numbered=True, status="issued")
        for owner, code, number in [(commune, "UBND", 2), (a, "UBND", 413), (f"{b} › Sở NN", "SNN", 7)]:
            insert_row(conn, "number_series", owner=owner, issuer_code=code, year=2026, last_number=number)
    migrate(url)
    with unit_of_work(url) as s:
        owners = dict(s.execute(select(Document.id, Document.series_owner)).all())
        assert owners == {1: f"{a} › {commune}", 2: f"{b} › {commune}", 3: a, 4: f"{b} › Sở NN"}
        assert s.get(NumberSeries, (commune, "UBND", 2026)) is None
        assert take_number(s, f"{a} › {commune}", "UBND", 2026) == 2
        assert take_number(s, f"{b} › {commune}", "UBND", 2026) == 3
        assert take_number(s, a, "UBND", 2026) == 414 and take_number(s, f"{b} › Sở NN", "SNN", 2026) == 8


def test_a_failed_render_leaves_no_register_entry_and_no_file(sample_campaign, monkeypatch) -> None:
    from ocop.documents.renderer import Renderer
    from ocop.errors import DocumentError

    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    real = Renderer.render_many

    def fail_after_three(self, template, items, **options):
        for i, done in enumerate(real(self, template, items, **options)):
            if i == 3:
                raise DocumentError("hỏng giữa chừng")
            yield done

    monkeypatch.setattr(Renderer, "render_many", fail_after_three)
    before = _count(sample_campaign.database_url, Document)
    with pytest.raises(DocumentError):
        stages.issue_score_sheets(sample_campaign, CODE)
    assert _count(sample_campaign.database_url, Document) == before
    assert not list((sample_campaign.out_dir / CODE).rglob("*phieu_danh_gia*.docx"))


def test_xlsx_registrations_with_numbers_and_stray_spaces(settings, tmp_path: Path) -> None:
    from openpyxl import Workbook

    stages.set_up(settings, SAMPLE / "campaign.toml")
    wb = Workbook()
    ws = wb.active
    ws.append(["  MÃ SẢN PHẨM", "ten san pham", "Bộ  sản phẩm", "Tên chủ thể", "loai_hinh", "Xã", "xac_nhan_xa"])
    ws.append(["X-01", " Na dai  Huyền Sơn ", 1, "HTX Na Huyền Sơn", "htx", "Huyền Sơn", "có"])
    ws.append([None, None, None, None, None, None, None])  # an empty row is skipped
    ws.append(["X-02", "Bưởi đỏ", "Rau, củ, quả, hạt tươi", "Hộ ông Tâm", "Hộ kinh doanh", "Đông Phú", "Không"])
    wb.save(tmp_path / "dang-ky.xlsx")
    result = stages.collect(settings, CODE, tmp_path / "dang-ky.xlsx")
    assert (result.rows, result.new) == (2, 2)
    with unit_of_work(settings.database_url) as s:
        regs = {r.product.code: r for r in s.scalars(select(Registration))}
        assert regs["X-01"].product.name == "Na dai Huyền Sơn"
        assert (regs["X-01"].set_code, regs["X-01"].commune_confirmed) == ("1", True)
        assert (regs["X-02"].product.producer.kind, regs["X-02"].commune_confirmed) == ("HKD", False)


def insert_row(conn, table: str, **values) -> None:
    """A row in a table as the database has it now, with a plain value in every required column."""
    import datetime as dt
    import json

    from sqlalchemy import MetaData, Table

    columns = Table(table, MetaData(), autoload_with=conn).columns
    plain = {"INTEGER": 0, "BOOLEAN": False, "DATE": dt.date(2020, 1, 1), "DATETIME": dt.datetime(2020, 1, 1)}
    for column in columns:
        if column.name not in values and not column.nullable and column.server_default is None:
            values[column.name] = plain.get(str(column.type).split("(")[0], "")
        if column.name in values and str(column.type) == "JSON":
            values[column.name] = json.dumps(values[column.name] if values[column.name] != "" else [])
    conn.execute(columns[0].table.insert().values(**values))
