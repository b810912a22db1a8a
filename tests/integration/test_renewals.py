"""Certificates due for re-evaluation: the 148 campaign's district recognises LN-02 (3★) on
30/10/2024, its certificate is valid through 30/10/2027 (36 months, Civil Code art. 147-148);
`ocop remind` lists it from 30/10/2026, as expired from 31/10/2027, and a later campaign's
registration workbook is pre-filled with it and imports cleanly once completed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, insert, select

from ocop.persistence.db import engine_for, migrate, unit_of_work
from ocop.persistence.models import Base, Document, Producer, Product
from ocop.services import stages
from ocop.services.reminders import renewals
from ocop.services.reminders.renewals import due_certificates
from ocop.settings import Settings
from ocop.text import fold
from tests.campaign_148 import CODE, campaign_148_text, run_148

RECOGNISED_ON, LAST_DAY = date(2024, 10, 30), date(2027, 10, 30)
LATER = "luc-nam-2026"


def _settings(folder: Path) -> Settings:
    url = f"sqlite:///{folder / 'ocop.db'}"
    return Settings.from_env({"OCOP_PDF": "off"}, out_dir=folder / "out", database_url=url)


@pytest.fixture(scope="module")
def recognised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a database where the 148 campaign has run to its end (shared: copy it to write)."""
    folder = tmp_path_factory.mktemp("renewals")
    settings = _settings(folder)
    migrate(settings.database_url)
    ranking = run_148(settings, folder)
    assert ranking["LN-02"].outcome == "recognised" and ranking["LN-02"].stars == 3
    engine_for(settings.database_url).dispose()
    return folder


@pytest.fixture
def db(recognised: Path, tmp_path: Path) -> Settings:
    """A copy of the recognised database, this test's own."""
    shutil.copy(recognised / "ocop.db", tmp_path / "ocop.db")
    return _settings(tmp_path)


def _dump(url: str) -> dict[str, list[tuple]]:
    with unit_of_work(url) as s:
        return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def test_the_certificate_is_listed_from_a_year_before_it_expires_with_its_days_left(db: Settings) -> None:
    with unit_of_work(db.database_url) as s:
        number = s.scalar(select(Document.symbol).where(Document.kind == "giay_chung_nhan",
                                                        Document.subject == "LN-02", Document.status == "issued"))
    assert number and number.endswith("/GCN-UBND")
    before = _dump(db.database_url)
    # 24 months on, and the day before the year's window reaches 30/10/2027: nothing due
    assert stages.remind(db, None, date(2026, 10, 29)).renewals == renewals.RenewalsReport(
        date(2026, 10, 29), 12, date(2027, 10, 29))
    # from 30/10/2026 (its last day a year ahead) it is listed; 02/11/2026 is 24 months and 3 days on
    first = stages.remind(db, None, date(2026, 10, 30)).renewals
    assert first is not None and [(c.product_code, c.days_left) for c in first.certificates] == [("LN-02", 365)]
    report = stages.remind(db, CODE, date(2026, 11, 2)).renewals  # one campaign asked about: still every campaign
    assert report is not None and report.until == date(2027, 11, 2) and report.expired == 0
    (c,) = report.certificates
    assert (c.number, c.issued_on, c.valid_until, c.days_left, c.status, c.expired) == (
        number, RECOGNISED_ON, LAST_DAY, 362, "còn 362 ngày", False)
    assert (c.product_code, c.product, c.producer, c.commune, c.stars, c.campaign, c.set_code) == (
        "LN-02", "Vải sấy", "Hợp tác xã Vải Bình Sơn", "Bình Sơn", 3, CODE, "7")
    assert renewals.describe(c) == (f"Số {number} — LN-02 Vải sấy — Hợp tác xã Vải Bình Sơn (Bình Sơn), 3 sao, cấp "
                                    "30/10/2024, hiệu lực đến hết ngày 30/10/2027: còn 362 ngày")
    assert renewals.heading(report) == ("Giấy chứng nhận sắp hết hạn — cần đánh giá lại (mọi kế hoạch trong cơ sở dữ "
                                        "liệu, hiệu lực đến hết ngày 02/11/2027 trở về trước): 1 giấy.")
    # 35 months on (Friday 29/10/2027) one day is left; from 31/10/2027 it has expired (Monday 01/11: 2 days)
    (last,) = stages.remind(db, None, date(2027, 10, 29)).renewals.certificates  # type: ignore[union-attr]
    assert (last.days_left, last.status) == (1, "còn 1 ngày")
    expired = stages.remind(db, None, date(2027, 11, 1), months=0).renewals
    assert expired is not None and expired.expired == 1
    assert [(c.days_left, c.status, c.expired) for c in expired.certificates] == [(-2, "đã hết hạn 2 ngày", True)]
    # a day off lists nothing (Saturday 31/10/2026), like the deadlines
    assert stages.remind(db, None, date(2026, 10, 31)).renewals is None
    assert _dump(db.database_url) == before  # read-only


def test_one_query_and_a_later_recognition_of_the_same_product_supersedes_it(db: Settings) -> None:
    statements: list[str] = []
    engine = engine_for(db.database_url)

    def listen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        with unit_of_work(db.database_url) as s:
            assert [c.product_code for c in due_certificates(s, date(2027, 11, 1)).certificates] == ["LN-02"]
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 1, statements
    # the same producer and product, in capitals in other rows (the producer moved commune), recognised again on
    # 15/10/2027
    with unit_of_work(db.database_url) as s:
        cert = s.scalar(select(Document).where(Document.kind == "giay_chung_nhan", Document.subject == "LN-02"))
        assert cert is not None
        producer = s.scalar(insert(Producer).values(
            name="HỢP TÁC XÃ VẢI BÌNH SƠN", name_key=fold("HỢP TÁC XÃ VẢI BÌNH SƠN"), kind="HTX",
            commune="Tam Dị").returning(Producer.id))
        s.execute(insert(Product).values(producer_id=producer, code="LN-2027-02", name="VẢI SẤY",
                                         name_key=fold("VẢI SẤY")))
        columns = {c.key: getattr(cert, c.key) for c in Document.__table__.columns if c.key != "id"}
        s.execute(insert(Document).values({**columns, "subject": "LN-2027-02", "issued_on": date(2027, 10, 15),
                                           "year": 2027, "symbol": "99-01/GCN-UBND"}))
    with unit_of_work(db.database_url) as s:
        assert due_certificates(s, date(2027, 11, 1)).certificates == ()  # the new one is valid until 2030
        assert [c.number for c in due_certificates(s, date(2030, 1, 4)).certificates] == ["99-01/GCN-UBND"]


def _later_campaign(settings: Settings, folder: Path) -> None:
    """The same district's campaign two years on (evaluation deadline 30/10/2026)."""
    text = campaign_148_text().replace("2024", "2026")
    assert 'code = "luc-nam-2026"' in text and "evaluation = 2026-10-30" in text
    (folder / "later.toml").write_text(text, encoding="utf-8")
    stages.set_up(settings, folder / "later.toml")


def test_a_later_campaigns_workbook_is_pre_filled_and_imports_cleanly_once_completed(db: Settings,
                                                                                      tmp_path: Path) -> None:
    _later_campaign(db, tmp_path)
    result = stages.registration_template(db, LATER, tmp_path / "dang-ky.xlsx")
    # within a year of the evaluation deadline 30/10/2026: valid through 30/10/2027 or earlier
    assert (result.renewals, result.renewal_until) == (1, date(2027, 10, 30))
    wb = load_workbook(result.file)
    ws = wb["Đăng ký"]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, (c.value for c in ws[2]), strict=True))
    number = row["Số giấy chứng nhận OCOP"]
    assert {k: v for k, v in row.items() if v is not None} == {
        "Mã sản phẩm": "LN-02", "Tên sản phẩm": "Vải sấy", "Bộ sản phẩm": "7 - " + row["Bộ sản phẩm"].split(" - ")[1],
        "Tên chủ thể": "Hợp tác xã Vải Bình Sơn", "Loại hình": "HTX", "Xã": "Bình Sơn",
        "Hình thức đăng ký": "Đánh giá lại", "Số giấy chứng nhận OCOP": number,
        "Ngày cấp giấy chứng nhận": row["Ngày cấp giấy chứng nhận"], "Hạng sao đã đạt": 3}
    assert row["Ngày cấp giấy chứng nhận"].date() == RECOGNISED_ON and number.endswith("/GCN-UBND")
    kind = ws.cell(2, headers.index("Hình thức đăng ký") + 1)
    assert kind.comment.text == (f"Điền sẵn để đánh giá lại (sắp hết hạn): Giấy chứng nhận số {number} ngày "
                                 "30/10/2024, 3 sao, hiệu lực đến hết ngày 30/10/2027 (kế hoạch luc-nam-2024). Chủ "
                                 "thể đăng ký đánh giá lại: ghi tiếp các cột còn trống; không đăng ký: xóa dòng này.")
    assert all(c.value is None for c in ws[3])
    guide = [c.value for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value]
    assert any(str(v).startswith("Điền sẵn 01 dòng") for v in guide)
    # the producer completes the row: the commune's confirmation, the dossier, the day of registration
    items = headers[headers.index("Xác nhận UBND xã") + 1:]
    for header, value in {"Xác nhận UBND xã": "Có", "Ngày đăng ký": "15/06/2026", **dict.fromkeys(items, "Có")}.items():
        ws.cell(2, headers.index(header) + 1, value)
    wb.save(tmp_path / "xa-binh-son.xlsx")
    collected = stages.collect(db, LATER, tmp_path / "xa-binh-son.xlsx")
    assert (collected.rows, collected.new, collected.problems) == (1, 1, ())
    verified = stages.verify(db, LATER)
    assert verified.counts == {"eligible": 1}  # a re-evaluation: the certificate expires within the year
    with unit_of_work(db.database_url) as s:  # the product registered is the one recognised in 2024
        assert s.scalar(select(Product.code).where(Product.name == "Vải sấy")) == "LN-02"


def test_a_workbook_whose_deadline_is_too_early_pre_fills_nothing(db: Settings, tmp_path: Path) -> None:
    text = campaign_148_text().replace("2024", "2026").replace("evaluation = 2026-10-30", "evaluation = 2026-10-29")
    (tmp_path / "later.toml").write_text(text, encoding="utf-8")
    stages.set_up(db, tmp_path / "later.toml")
    result = stages.registration_template(db, LATER, tmp_path / "dang-ky.xlsx")
    assert (result.renewals, result.renewal_until) == (0, date(2027, 10, 29))
    ws = load_workbook(result.file)["Đăng ký"]
    assert all(c.value is None for c in ws[2])
