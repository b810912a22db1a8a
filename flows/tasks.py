"""Tasks: small verbs that call ocop use cases. Side-effecting, so never cached."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import TypedDict

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE, CachePolicy

from flows.server import ALLOW_STORAGE_ENV
from ocop.errors import InputError
from ocop.rules.campaign import Signer
from ocop.rules.certificates import RENEWAL_MONTHS
from ocop.services import stages
from ocop.services.council.use_cases import MeetingClosed, MissingSheet, PartTotals, ScheduleResult, ScoreResult
from ocop.services.paperwork.use_cases import ApprovedDocument, IssuedDocument
from ocop.services.registrations.use_cases import CollectResult, PreAssessResult, VerifyResult
from ocop.services.reminders.report import OpenItem, RemindersReport
from ocop.services.results.use_cases import RankResult, RecogniseResult, ReferResult
from ocop.services.runtime import DocumentsSummary
from ocop.services.set_up.use_cases import SetUpResult
from ocop.settings import Settings


class TaskOptions(TypedDict):
    """The options every task shares, typed so ``@task(**TASK)`` matches Prefect's overloads."""

    cache_policy: CachePolicy
    retries: int


TASK: TaskOptions = {"cache_policy": NO_CACHE, "retries": 0}


def resolve_settings(db_url: str | None, out_dir: str | None) -> Settings:
    """Settings from the environment, overridden by a flow's parameters. A deployment run (one
    started through the API, the UI or a schedule, run by a worker or ``serve``) keeps the database and
    documents folder its worker was started with unless the operator allowed otherwise
    (``ocop server --allow-storage-parameters``); the CLI's own flow calls pass --db/--out freely."""
    settings = Settings.from_env(out_dir=out_dir, database_url=db_url)
    if not (db_url or out_dir) or os.environ.get(ALLOW_STORAGE_ENV) == "1":
        return settings
    own = Settings.from_env()
    if (settings.database_url, settings.out_dir) == (own.database_url, own.out_dir) or not _deployment_run():
        return settings
    asked = "; ".join(part for part in (
        f"cơ sở dữ liệu {_masked(db_url)}" if db_url else "", f"thư mục văn bản {out_dir}" if out_dir else "")
        if part)
    raise InputError(
        f"Lượt chạy qua máy chủ không được chọn nơi lưu khác ({asked}): máy chủ chỉ ghi vào cơ sở dữ liệu và thư "
        "mục văn bản nó được khởi động cùng. Để trống mục 'Nơi lưu dữ liệu và văn bản'; nếu thật cần, người quản "
        "trị khởi động máy chủ với ocop server --allow-storage-parameters.")


def _deployment_run() -> bool:
    """This flow, or the flow that called it, was started from a deployment."""
    from prefect.runtime.deployment import get_id

    return get_id() is not None


def _masked(url: str) -> str:
    """A database URL as a message may show it: no password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(URL không hợp lệ)"


@task(name="Chuẩn bị cơ sở dữ liệu", **TASK)
def prepare_database(settings: Settings) -> str:
    url = stages.prepare_database(settings)
    get_run_logger().info("database ready at %s", url)
    return url


@task(name="Lập kế hoạch, Hội đồng và QĐ thành lập", **TASK)
def set_up(settings: Settings, path: Path) -> SetUpResult:
    return stages.set_up(settings, path)


@task(name="Nhập phiếu đăng ký", **TASK)
def collect(settings: Settings, code: str | None, path: Path, partial: bool = False,
            reason: str = "") -> CollectResult:
    summary = stages.collect(settings, code, path, partial, reason)
    for result in summary.files:
        if result.problems:
            get_run_logger().warning("%s: %d lỗi%s", result.file, len(result.problems),
                                     f" — {result.error_file}" if result.error_file else "")
    return summary


def has_commune_stage(settings: Settings, code: str | None) -> bool:
    """Whether the campaign's edition has the communes pre-assess and report before its dossier check (1489)."""
    return stages.has_commune_stage(settings, code)


@task(name="Lập báo cáo đánh giá sơ bộ của từng xã", **TASK)
def pre_assess(settings: Settings, code: str | None) -> PreAssessResult:
    return stages.pre_assess(settings, code)


@task(name="Xét điều kiện từng hồ sơ", **TASK)
def verify(settings: Settings, code: str | None) -> VerifyResult:
    return stages.verify(settings, code)


@task(name="Chốt lịch họp và phát hành giấy mời", **TASK)
def schedule(settings: Settings, code: str | None, on: date | None, at: time | None,
                     venue: str | None, invitation_date: date | None, packs: bool = False) -> ScheduleResult:
    return stages.schedule(settings, code, on, at, venue, invitation_date, packs)


@task(name="Nhập phiếu đánh giá", **TASK)
def score(settings: Settings, code: str | None, path: Path, reason: str = "") -> ScoreResult:
    return stages.score(settings, code, path, reason)


@task(name="In phiếu đánh giá đã chấm", **TASK)
def issue_score_sheets(settings: Settings, code: str | None) -> DocumentsSummary:
    return stages.issue_score_sheets(settings, code)


@task(name="Tính điểm trung bình, xếp hạng sao, lập biên bản", **TASK)
def rank(settings: Settings, code: str | None) -> RankResult:
    return stages.rank(settings, code)


@task(name="Kết thúc phiên họp", **TASK)
def close_meeting(settings: Settings, code: str | None, at: time) -> MeetingClosed:
    return stages.close_meeting(settings, code, at)


@task(name="Lập quyết định công nhận và giấy chứng nhận", **TASK)
def recognise(settings: Settings, code: str | None) -> RecogniseResult:
    return stages.recognise(settings, code)


@task(name="Lập tờ trình đề nghị cấp trên", **TASK)
def refer(settings: Settings, code: str | None) -> ReferResult:
    return stages.refer(settings, code)


@task(name="Liệt kê dự thảo chờ duyệt", **TASK)
def describe_documents(settings: Settings, code: str | None, ids: list[int]) -> list[tuple[int, str]]:
    return [(d.id, d.title) for d in stages.documents(settings, code) if d.id in set(ids)]


@task(name="Ghi nhận người ký duyệt", **TASK)
def approve_documents(settings: Settings, code: str | None, ids: list[int],
                      signer: Signer | None) -> list[ApprovedDocument]:
    return stages.approve_documents(settings, code, ids, signer)


@task(name="Lấy số, ban hành văn bản", **TASK)
def issue_documents(settings: Settings, code: str | None, ids: list[int]) -> list[IssuedDocument]:
    return stages.issue_documents(settings, code, ids)


@task(name="Liệt kê phiếu còn thiếu", **TASK)
def missing_sheets(settings: Settings, code: str | None) -> dict[str, list[MissingSheet]]:
    return stages.missing_sheets(settings, code)


@task(name="Ghi phiếu của một thành viên từ biểu mẫu", **TASK)
def record_part_totals(settings: Settings, code: str | None, member: str, totals: list[PartTotals]) -> ScoreResult:
    return stages.record_part_totals(settings, code, member, totals, "bieu-mau-prefect")


# --- deadline reminders (read-only) -------------------------------------------------------------

OPEN_ITEM_LOG: dict[str, Callable[[OpenItem], str]] = {  # English log lines of a reminders report's open items
    "unverified": lambda i: f"registration {', '.join(i.codes)} awaits the dossier check",
    "supplement": lambda i: f"registration {', '.join(i.codes)} awaits its supplement",
    "meeting": lambda i: "council meeting not scheduled: the invitation (Giấy mời) is not issued",
    "score_sheets": lambda i: f"{i.member} has not submitted {len(i.codes)} score sheet(s): " + ", ".join(i.codes),
    "ranking": lambda i: f"{len(i.codes)} eligible product(s) not ranked: " + ", ".join(i.codes),
    "referral": lambda i: "referral letter (Tờ trình) to the next level not issued",
}


@task(name="Xét việc còn mở trước các hạn của kế hoạch", **TASK)
def remind(settings: Settings, code: str | None, on: date | None,
                    days_before: list[int], months: int = RENEWAL_MONTHS) -> RemindersReport:
    """The reminders report (nothing is written); each open item is logged, overdue ones as warnings,
    then the certificates of every campaign due for re-evaluation."""
    report = stages.remind(settings, code, on, days_before, months)
    log = get_run_logger()
    if not report.working_day:
        log.info("%s is a day off (%s): no reminders", report.on, report.day_off)
    elif not report.deadlines:
        log.info("%s: no deadline of %d campaign(s) is %s working day(s) away or just passed", report.on,
                 report.campaigns, ", ".join(str(d) for d in report.days_before) or "-")
    for d in report.deadlines:
        when = "OVERDUE" if d.overdue else f"{d.working_days_left} working day(s) left"
        if not d.open:
            log.info("%s: %s deadline %s (%s): nothing open", d.campaign, d.deadline, d.due_on, when)
        for item in d.open:
            (log.warning if d.overdue else log.info)(
                "%s: %s deadline %s (%s): %s", d.campaign, d.deadline, d.due_on, when, OPEN_ITEM_LOG[item.item](item))
    if report.renewals is not None:
        r = report.renewals
        log.info("%d certificate(s) of all campaigns valid until %s or earlier, %d expired", len(r.certificates),
                 r.until, r.expired)
        for c in r.certificates:
            (log.warning if c.expired else log.info)(
                "certificate %s of %s (%s) valid until %s: %s", c.number, c.product_code, c.campaign, c.valid_until,
                "expired" if c.expired else f"{c.days_left} day(s) left")
    return report
