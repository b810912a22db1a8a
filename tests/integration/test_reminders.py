"""Deadline reminders on the Lục Nam 2020 sample (05/07, 30/10 and 05/11/2020): what is still open
before each deadline, overdue the working day after, nothing on days off; read-only, set-based."""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select, update

from ocop import present
from ocop.errors import InputError, NotFoundError
from ocop.persistence.db import engine_for, unit_of_work
from ocop.persistence.models import Base, Registration
from ocop.rules.calendar import working_days_before
from ocop.services import stages
from ocop.services.reminders import report as reminders
from ocop.services.reminders.report import DeadlineReminder, OpenItem, RemindersReport
from tests.conftest import SAMPLE

CODE = "luc-nam-2020"
LATE = "Vũ Thị Lan"  # the member whose sheets are left out of the scores file
PRODUCTS = [f"LN-{i:02d}" for i in range(1, 12)]  # the eligible products (LN-12 is ineligible)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _scores_without(path: Path, member: str) -> Path:
    rows = list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))
    return _write(path, [r for r in rows if r[1] != member])


@pytest.fixture
def scored(sample_campaign, tmp_path: Path):
    """The sample verified, the meeting scheduled, every member's sheets in but one member's."""
    stages.schedule(sample_campaign, CODE)
    stages.score(sample_campaign, CODE, _scores_without(tmp_path / "diem.csv", LATE))
    return sample_campaign


def _due(report: RemindersReport, deadline: str, code: str = CODE) -> DeadlineReminder | None:
    found = [d for d in report.deadlines if d.campaign == code and d.deadline == deadline]
    assert len(found) <= 1
    return found[0] if found else None


def _items(report: RemindersReport, deadline: str, item: str | None = None) -> list[OpenItem]:
    due = _due(report, deadline)
    assert due is not None, f"{deadline} is not due on {report.on}"
    return [i for i in due.open if item is None or i.item == item]


def test_lead_times_count_working_days_from_the_day_to_the_deadline() -> None:
    evaluation, verification, referral = date(2020, 10, 30), date(2020, 7, 5), date(2020, 11, 5)
    # 30/10/2020 is a Friday: a week before has 5 working days left (23, 26, 27, 28, 29/10), the day before 1
    assert reminders.working_days_left(date(2020, 10, 23), evaluation) == 5
    assert [reminders.status(date(2020, 10, d), evaluation, [5, 1]) for d in (22, 23, 26, 27, 28, 29, 30)] == [
        None, 5, None, None, None, 1, None]
    # the first working day after it (Monday 2/11) is the overdue day, and only that day
    assert [reminders.status(date(2020, 11, d), evaluation, [5, 1]) for d in (2, 3, 4)] == [0, None, None]
    # 05/07/2020 is a Sunday: Friday 03/07 has 1 working day left, Monday 29/06 has 5; overdue on Monday 06/07
    assert reminders.status(date(2020, 7, 3), verification, [5, 1]) == 1
    assert reminders.status(date(2020, 6, 29), verification, [5, 1]) == 5
    assert reminders.status(date(2020, 7, 6), verification, [5, 1]) == 0
    # Thursday 05/11: 29/10 has 5 working days left (29, 30/10, 2, 3, 4/11)
    assert reminders.status(date(2020, 10, 29), referral, [5, 1]) == 5
    # Quốc khánh 02/09/2020 (a Wednesday) is not counted: 5 working days before Friday 04/09 is 27/08
    assert reminders.working_days_left(date(2020, 8, 27), date(2020, 9, 4)) == 5
    # the same count as the calendar's "n-th working day before"
    for n in (1, 2, 5, 10, 20):
        for deadline in (evaluation, verification, referral, date(2021, 2, 19)):  # 2021: Tết 10–16/02
            assert reminders.status(working_days_before(deadline, n), deadline, [n]) == n


def test_days_off_are_named_and_bad_input_is_refused_in_vietnamese() -> None:
    assert reminders.day_off(date(2020, 10, 23)) == ""
    assert reminders.day_off(date(2020, 10, 24)) == "thứ Bảy"
    assert reminders.day_off(date(2020, 9, 2)) == "Quốc khánh"
    assert reminders.day_off(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"  # a Sunday
    assert reminders.day_off(date(2026, 8, 22)) == ""  # the Saturday worked for Monday 31/08/2026
    assert reminders.day_off(date(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert reminders.day_off(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert reminders.parse_date("23/10/2020") == reminders.parse_date("2020-10-23") == date(2020, 10, 23)
    with pytest.raises(InputError, match="Ngày '31/02/2020' không hợp lệ"):
        reminders.parse_date("31/02/2020")
    with pytest.raises(InputError, match="từ 1 trở lên"):
        reminders.lead_times([5, 0])
    assert reminders.lead_times(None) == [5, 1] and reminders.lead_times([1, 5, 5, 10]) == [10, 5, 1]
    assert reminders._unissued([(7, "draft")], "Tờ trình đề nghị cấp trên", "ocop refer") == (
        "Tờ trình đề nghị cấp trên: dự thảo #7 chờ ký duyệt (ocop documents approve 7; ocop documents issue 7)")
    assert reminders._unissued([(9, "issued")], "Tờ trình", "ocop refer") == ""


def test_the_verification_deadline_lists_registrations_not_yet_checked(settings) -> None:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    report = stages.remind(settings, CODE, date(2020, 6, 29))
    due = _due(report, "verification")
    assert (due.status, due.due_on, due.overdue) == ("còn 5 ngày làm việc", date(2020, 7, 5), False)
    unverified = _items(report, "verification", "unverified")
    assert [i.codes for i in unverified] == [(f"LN-{i:02d}",) for i in range(1, 13)]
    assert unverified[0].title == "Hồ sơ chưa kiểm tra" and "Na dai Huyền Sơn" in unverified[0].detail
    assert [d.deadline for d in report.deadlines] == ["verification"]

    stages.verify(settings, CODE)  # 11 eligible, LN-12 ineligible: nothing left to check
    assert _items(stages.remind(settings, CODE, date(2020, 7, 3)), "verification") == []
    with unit_of_work(settings.database_url) as s:  # as the verify stage records a dossier to supplement
        s.execute(update(Registration).where(Registration.id == s.scalar(
            select(Registration.id).order_by(Registration.id).limit(1))).values(
            status="needs_supplement", missing=["Phiếu đăng ký", "Phương án kinh doanh"], due_on=date(2020, 7, 10)))
    report = stages.remind(settings, CODE, date(2020, 7, 6))  # Monday after Sunday 05/07: overdue
    (item,) = _items(report, "verification")
    assert (item.item, item.title, item.codes) == ("supplement", "Hồ sơ chờ bổ sung", ("LN-01",))
    assert "Phiếu đăng ký; Phương án kinh doanh; hạn bổ sung 10/07/2020" in item.detail
    assert _due(report, "verification").status == "QUÁ HẠN" and report.overdue == 1


def test_a_week_before_the_evaluation_deadline_the_missing_sheets_are_listed(scored) -> None:
    report = stages.remind(scored, CODE, date(2020, 10, 23))
    assert (report.working_day, present.weekday(report.on)) == (True, "thứ Sáu")
    due = _due(report, "evaluation")
    assert (due.label, due.due_on, due.status) == (
        "Hoàn thành đánh giá, phân hạng", date(2020, 10, 30), "còn 5 ngày làm việc")
    (sheets,) = _items(report, "evaluation", "score_sheets")
    assert (sheets.member, list(sheets.codes)) == (LATE, PRODUCTS)
    assert sheets.detail == f"{LATE}: 11 phiếu — " + ", ".join(PRODUCTS)
    assert _items(report, "evaluation", "meeting") == []  # the invitation is issued
    (ranking,) = _items(report, "evaluation", "ranking")
    assert list(ranking.codes) == PRODUCTS
    assert {f.name for i in due.open for f in fields(i)} == {"item", "title", "detail", "codes", "member"}  # no points

    saturday = stages.remind(scored, CODE, date(2020, 10, 24))
    assert (saturday.working_day, saturday.day_off, saturday.deadlines) == (False, "thứ Bảy", ())
    assert stages.remind(scored, CODE, date(2020, 10, 27)).deadlines == ()  # 3 working days left
    assert stages.remind(scored, CODE, date(2020, 10, 30)).deadlines == ()  # the deadline day itself

    overdue = stages.remind(scored, CODE, date(2020, 11, 2))  # the first working day after Friday 30/10
    due = _due(overdue, "evaluation")
    assert (due.status, due.overdue) == ("QUÁ HẠN", True)
    assert [i.member for i in _items(overdue, "evaluation", "score_sheets")] == [LATE]
    assert overdue.overdue == overdue.open == 2
    assert stages.remind(scored, CODE, date(2020, 11, 3)).deadlines == ()  # said once, not every day

    stages.attendance(scored, CODE, [LATE], [])  # absent: her sheets are not expected
    assert _items(stages.remind(scored, CODE, date(2020, 10, 23)), "evaluation", "score_sheets") == []


def test_the_referral_is_listed_until_the_to_trinh_is_issued(scored) -> None:
    report = stages.remind(scored, CODE, date(2020, 10, 29))  # 5 working days before Thursday 05/11
    due = _due(report, "referral")
    assert (due.status, due.due_on) == ("còn 5 ngày làm việc", date(2020, 11, 5))
    (letter,) = _items(report, "referral")
    assert (letter.item, letter.title) == ("referral", "Chưa ban hành Tờ trình đề nghị cấp trên")
    assert _due(report, "evaluation").status == "còn 1 ngày làm việc"

    stages.score(scored, CODE, SAMPLE / "scores.csv")  # her sheets arrive
    stages.rank(scored, CODE)
    stages.refer(scored, CODE)  # the sample signs off at once: the Tờ trình is issued
    report = stages.remind(scored, CODE, date(2020, 10, 29))
    assert _items(report, "referral") == [] and _items(report, "evaluation") == [] and report.open == 0
    assert stages.remind(scored, CODE, date(2020, 11, 6)).deadlines == ()  # done in time: no overdue


def test_every_campaign_in_a_few_queries_and_unknown_codes_refused(settings, tmp_path: Path) -> None:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    # a second campaign of another district (its own number series: one district's series runs in date order)
    second = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace(
        'code = "luc-nam-2020"', 'code = "luc-nam-2020-dot-2"').replace(
        'issuing_body = "Ủy ban nhân dân huyện Lục Nam"', 'issuing_body = "Ủy ban nhân dân huyện Lạng Giang"')
    (tmp_path / "dot-2.toml").write_text(second, encoding="utf-8")
    stages.set_up(settings, tmp_path / "dot-2.toml")
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE)

    statements: list[str] = []
    engine = engine_for(settings.database_url)
    def listen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        with unit_of_work(settings.database_url) as s:
            report = reminders.report(s, date(2020, 10, 29), [5, 1])
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    # campaigns; invitations, missing sheets, unranked products; referral letters — whatever the numbers
    assert len(statements) == 5, statements
    assert report.campaigns == 2
    assert [(d.campaign, d.deadline) for d in report.deadlines] == [
        (CODE, "evaluation"), (CODE, "referral"), ("luc-nam-2020-dot-2", "evaluation"),
        ("luc-nam-2020-dot-2", "referral")]
    for code in (CODE, "luc-nam-2020-dot-2"):  # neither has scheduled its meeting
        assert next(i.item for i in _due(report, "evaluation", code).open) == "meeting"
    assert len(_due(report, "evaluation", CODE).open) == 1 + 7 + 1  # meeting, 7 members, ranking
    assert [i.item for i in _due(report, "evaluation", "luc-nam-2020-dot-2").open] == ["meeting"]

    with pytest.raises(NotFoundError, match="Không có kế hoạch \\(chiến dịch\\) mã 'khong-co'"):
        stages.remind(settings, "khong-co", date(2020, 10, 29))


def _dump(url: str) -> dict[str, list[tuple]]:
    with unit_of_work(url) as s:
        return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def test_a_reminder_run_writes_nothing(scored) -> None:
    before = _dump(scored.database_url)
    days = (date(2020, 10, 23), date(2020, 10, 29), date(2020, 11, 2), date(2020, 7, 6))
    first = [stages.remind(scored, None, d) for d in days]
    second = [stages.remind(scored, None, d) for d in days]
    assert first == second
    assert _dump(scored.database_url) == before
