"""The `ocop` command: each stage of the plan runs its Prefect flow against a campaign.

Prefect is imported lazily, after the process-wide defaults below are in place.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, time
from importlib import import_module, resources
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args, overload

import typer

from flows import logs
from flows import server as srv
from ocop import present
from ocop.errors import InputError, OcopError
from ocop.rules.certificates import RENEWAL_MONTHS

if TYPE_CHECKING:
    from flows.campaign import CampaignResult
    from flows.ephemeral import CrashedRun
    from flows.params import Storage
    from ocop.rules.campaign import Authority
    from ocop.services.reminders.report import RemindersReport
    from ocop.services.results.replay import Replay
    from ocop.services.results.use_cases import RankedRow
    from ocop.services.runtime import DocumentsSummary
    from ocop.settings import Settings

# Embedded mode: Prefect's ephemeral server, no telemetry, room for a slow first start.
PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}

app = typer.Typer(
    help="OCOP: đánh giá, phân hạng sản phẩm theo kế hoạch, có văn bản theo Nghị định 30.\n\n"
    "OCOP evaluation plans as Prefect flows, with Decree 30 documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
campaign_app = typer.Typer(help="Kế hoạch (chiến dịch) / Campaigns.", no_args_is_help=True)
registrations_app = typer.Typer(help="Đăng ký sản phẩm / Registrations.", no_args_is_help=True)
meeting_app = typer.Typer(help="Họp Hội đồng / Council meeting.", no_args_is_help=True)
scores_app = typer.Typer(help="Phiếu đánh giá / Score sheets.", no_args_is_help=True)
documents_app = typer.Typer(help="Sổ đăng ký văn bản / Document register.", no_args_is_help=True)
for sub, name in ((campaign_app, "campaign"), (registrations_app, "registrations"), (meeting_app, "meeting"),
                  (scores_app, "scores"), (documents_app, "documents")):
    app.add_typer(sub, name=name)

DbOpt = Annotated[str | None, typer.Option("--db", help="URL cơ sở dữ liệu / database URL (mặc định: OUT/ocop.db).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Thư mục văn bản / output folder (mặc định: OCOP_OUT_DIR, "
                                                            "nếu không có thì ./out).")]
CampaignOpt = Annotated[str | None, typer.Option("--campaign", "-c", help="Mã kế hoạch / campaign code (mặc định: kế "
                                                                          "hoạch mới nhất).")]
FileArg = Annotated[Path, typer.Argument(help="Tệp CSV/XLSX (TOML cho kế hoạch) / input file.", exists=False)]
STATE: dict[str, Any] = {"debug": False}
# click's exceptions: vendored in recent typer (typer._click), the click package before
_click_errors: Any = import_module("typer._click.exceptions" if find_spec("typer._click") else "click.exceptions")


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="In nhật ký Prefect và traceback ra màn hình / show Prefect's "
                                                        "logging and tracebacks.")] = False,
) -> None:
    STATE["debug"] = debug
    for key, value in PREFECT_DEFAULTS.items():  # before a command imports Prefect: no telemetry set-up (~1 s)
        os.environ.setdefault(key, value)


def _echo(message: object = "", *, err: bool = False, fg: str | None = None, bold: bool | None = None) -> None:
    """Every line the CLI prints: control characters escaped (present.terminal)."""
    typer.secho(present.terminal(str(message)), err=err, fg=fg, bold=bold)


T = TypeVar("T")


def _run(call: Callable[[], T]) -> T:
    """Run a use case; an OcopError becomes a Vietnamese message and exit code 1."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    with _errors():
        return call()


# `ocop server`'s default address: a stage command uses the server there when it answers.
OFFICE_API = "http://127.0.0.1:4200/api"
PROBE_SECONDS = 0.5  # loopback: a running server answers in milliseconds, a closed port refuses at once
TEMPORARY_ENV = "OCOP_TEMPORARY_SERVER"  # "1": always a temporary server, even when the office's runs



def _flow(storage: Storage, call: Callable[[Storage], T]) -> T:
    """Run a stage's flow, reporting to the office's Prefect server (_office_server) or else to a
    temporary one that dies with this process; runs a killed command left RUNNING are set Crashed
    first; the runs are tagged with this process. Prefect's log goes to <out>/ocop.log (--debug:
    the terminal); a long batch shows a progress bar when stderr is a terminal."""
    from flows import ephemeral
    from ocop.documents.signing import office_signer
    from ocop.services.runtime import prepare_database
    from ocop.settings import Settings

    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    settings = Settings.from_env(out_dir=storage.out_dir, database_url=storage.db_url)
    log = logs.log_to(settings.out_dir / logs.LOG_NAME)
    with _errors(), ExitStack() as stack:
        if settings.pdf != "off":
            office_signer(settings)  # a certificate that cannot sign is named before anything is written
        prepare_database(settings)  # a stage run before 'campaign create' is told so, in Vietnamese
        credential = srv.client_credential()  # OCOP_AUTH_FILE or PREFECT_API_AUTH_STRING
        api = _office_server(credential)
        if api is None:
            api = stack.enter_context(ephemeral.temporary_server(None if STATE["debug"] else log))
        if os.environ.get("PREFECT_API_URL") != api:
            os.environ["PREFECT_API_URL"] = api  # threads Prefect starts read the environment
            stack.callback(os.environ.pop, "PREFECT_API_URL", None)
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

        # the process tag below is how a killed command's runs are found (ephemeral.mark_crashed_runs);
        # Prefect's heartbeat thread would only hold each run's end up to 1 s (notes/prefect.md)
        stack.enter_context(srv.connected(api, credential, also={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}))
        stack.callback(ephemeral.drain)  # first of these on the way out: logs and events reach the server
        for run in _crashed_runs():
            started = f", bắt đầu {present.moment(run.started)}" if run.started else ""
            _echo(f"Lượt chạy '{run.run}' ({run.flow}{started}) bị dừng đột ngột, nay ghi là gián đoạn (Crashed); "
                  "chạy lại đúng lệnh đó để hoàn tất.", err=True, fg=typer.colors.YELLOW)
        from prefect import tags

        stack.enter_context(tags(ephemeral.process_tag()))
        stack.enter_context(_progress_bar())
        return call(storage)


def _office_server(credential: srv.Credential | None) -> str | None:
    """The API of the Prefect server a stage reports to: PREFECT_API_URL (environment or Prefect
    profile) when set; else the one `ocop server` runs at its default address, when it answers
    within PROBE_SECONDS and accepts this process's ``credential``; else None (a temporary
    server). OCOP_TEMPORARY_SERVER=1 skips the probe."""
    from prefect.settings import PREFECT_API_URL

    configured = PREFECT_API_URL.value()
    if configured:
        return str(configured)
    if os.environ.get(TEMPORARY_ENV) == "1" or not srv.healthy(OFFICE_API, timeout=PROBE_SECONDS):
        return None
    if srv.authorised(OFFICE_API, credential, timeout=PROBE_SECONDS * 4):
        return OFFICE_API
    _echo(f"Máy chủ Prefect của văn phòng tại {OFFICE_API} yêu cầu đăng nhập mà {srv.AUTH_FILE_ENV} hoặc "
          f"{srv.CLIENT_AUTH_ENV} chưa đặt hoặc không đúng; lệnh chạy trên máy chủ tạm thời, lượt chạy không hiện "
          "trên giao diện của văn phòng.", err=True, fg=typer.colors.YELLOW)
    return None


@contextmanager
def _progress_bar() -> Iterator[None]:
    """A Rich progress bar on stderr for each batch a stage reports (ocop.progress) that lasts, as
    its progress artifact, more than a few seconds; only when stderr is a terminal and not with
    --debug (Prefect's log lines would tear it). A finished batch's bar goes."""
    if STATE["debug"] or not sys.stderr.isatty():
        yield
        return
    import time as clock

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    from flows.artifacts import PROGRESS_AFTER
    from ocop import progress

    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)
    started: dict[str, float] = {}  # a batch under way, by label: when its first report came
    shown: dict[str, TaskID] = {}

    def show(label: str, done: int, total: int) -> None:
        text = present.terminal(label)
        started.setdefault(text, clock.monotonic())
        if text not in shown and done < total and clock.monotonic() - started[text] >= PROGRESS_AFTER:
            bars.start()  # the terminal is left alone until a bar is due (starting twice does nothing)
            shown[text] = bars.add_task(text, total=total)
        if text in shown:
            bars.update(shown[text], completed=done, total=total)
        if done >= total:
            started.pop(text, None)
            if text in shown:
                bars.remove_task(shown.pop(text))

    try:
        with progress.reporting(show):
            yield
    finally:
        bars.stop()


def _crashed_runs() -> tuple[CrashedRun, ...]:
    """Housekeeping that never stops the command: a failure is only logged."""
    from flows import ephemeral

    try:
        return ephemeral.mark_crashed_runs()
    except Exception:
        logging.getLogger("ocop").warning("could not mark the runs of killed commands as crashed", exc_info=True)
        return ()


def _log_path(out: str | Path | None) -> Path:
    from ocop.settings import Settings

    return Settings.from_env(out_dir=out).out_dir / logs.LOG_NAME


@contextmanager
def _errors() -> Iterator[None]:
    """An OcopError becomes a Vietnamese message and exit code 1 (tracebacks with --debug); any
    other exception one message naming the log file that has its traceback."""
    try:
        yield
    except OcopError as exc:
        if STATE["debug"]:
            traceback.print_exc()
        _echo(f"Lỗi: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, _click_errors.ClickException):
        raise
    except Exception as exc:
        _unexpected(exc)
        raise typer.Exit(1) from None


def _unexpected(exc: Exception) -> None:
    """An error nobody foresaw: its traceback into the log file (and the terminal with --debug),
    one line naming the log on the terminal."""
    if STATE["debug"]:
        traceback.print_exception(exc)
    log = logs.log_file() or logs.log_to(_log_path(None))
    logging.getLogger("ocop").error("the command stopped on an unexpected error", exc_info=exc)
    _echo(f"Lỗi: lệnh dừng vì một lỗi ngoài dự kiến; chi tiết trong nhật ký {log} — "
          "gửi tệp này cho người hỗ trợ, hoặc chạy lại với 'ocop --debug …' để xem ngay.",
          fg=typer.colors.RED, err=True)


def _where(db: str | None, out: Path | None) -> Storage:
    from flows.params import Storage

    return Storage(db_url=db, out_dir=str(out) if out else None)


def _pending(docs: DocumentsSummary) -> None:
    for note in docs.notes:
        _echo(note, fg=typer.colors.YELLOW, err=True)
    pending = docs.pending
    if pending:
        ids = " ".join(str(i) for i in pending)
        _echo(f"Dự thảo chờ người ký duyệt: {ids} — ocop documents approve {ids}; ocop documents issue {ids}")


def _print_ranking(rows: tuple[RankedRow, ...]) -> None:
    """The ranking table; the last column is the product's outcome at this level (present.OUTCOME)."""
    header = f"{'Mã':<7} {'Sản phẩm':<30} {'Chủ thể':<42} {'Điểm TB':>7} {'Sao':>4}  Kết quả"
    _echo(header)
    _echo("-" * len(header))
    for r in rows:
        _echo(f"{r.code:<7} {r.product[:30]:<30} {r.producer[:42]:<42} {present.mean(r.mean):>7} "
                   f"{r.stars:>3}{present.STAR}  {present.OUTCOME[r.outcome]}")
        if r.cap_reason:
            _echo(f"        ↳ {r.cap_reason}")
        for flag in r.flags:
            _echo(f"        ⚑ {flag}")


def _sample_certificate() -> None:
    """The demo signs its PDFs with the sample's test certificate, always: the sample's invented
    decisions must never carry the office's real signature, even where its certificate is configured."""
    from ocop.documents.signing import SAMPLE_CERT, SAMPLE_PASSWORD

    os.environ["OCOP_SIGNING_CERT"] = str(SAMPLE_CERT)
    os.environ["OCOP_SIGNING_PASSWORD"] = SAMPLE_PASSWORD
    os.environ.pop("OCOP_SIGNING_PASSWORD_FILE", None)


SAMPLES = ("luc-nam-2020", "bac-ninh-2026")  # the bundled samples (ocop/sample/<name>); the first is the default


@app.command()
def demo(out: Annotated[Path, typer.Option("--out", help="Thư mục kết quả / output folder.")] = Path("out"),
         sample_name: Annotated[str, typer.Option(
             "--sample", help="Kế hoạch mẫu: luc-nam-2020 (huyện, 1048/2019) hoặc bac-ninh-2026 (tỉnh, "
                              "148/2023+1489/2025, có bước cấp xã) / the sample to run.")] = SAMPLES[0]) -> None:
    """Chạy toàn bộ một kế hoạch mẫu (mặc định Lục Nam 2020) / run a whole sample campaign."""
    if sample_name not in SAMPLES:
        _echo(f"Lỗi: không có kế hoạch mẫu '{present.quoted(sample_name)}'. Các mẫu: {', '.join(SAMPLES)}.",
              fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    sample = resources.files("ocop.sample") / sample_name
    _sample_certificate()
    out = out.resolve()
    db_url = f"sqlite:///{out / 'ocop.db'}"

    from flows.params import CampaignFiles, Storage

    def call(storage: Storage) -> CampaignResult:
        from flows.campaign import run_campaign

        return run_campaign(CampaignFiles.in_folder(Path(str(sample))), storage=storage)

    result = _flow(Storage(db_url=db_url, out_dir=str(out)), call)
    _echo("")
    _echo(f"Kế hoạch: {result.campaign}  —  kết quả đánh giá, phân hạng:")
    _print_ranking(result.rank.ranking)
    refer = result.refer
    if result.pre_assess is not None:
        _echo(f"\nBáo cáo đánh giá sơ bộ của UBND cấp xã: {len(result.pre_assess.reports)} xã.")
    _echo(f"\nTờ trình {refer.document}: {len(refer.referred)} sản phẩm đề nghị cấp trên.")
    _echo(f"Văn bản: {out}")
    _echo(f"Cơ sở dữ liệu: {db_url}")
    _echo(f"Tiếp tục với các lệnh từng bước, ví dụ: ocop --help; ocop documents list --db {db_url}")


@campaign_app.command("create")
def campaign_create(file: FileArg, db: DbOpt = None, out: OutOpt = None) -> None:
    """Tạo/cập nhật kế hoạch từ tệp TOML, ra QĐ thành lập Hội đồng / create a campaign from a file."""
    from flows.params import PlanFile
    from flows.stages import set_up as set_up_flow

    r = _flow(_where(db, out), lambda s: set_up_flow(PlanFile(campaign_file=str(file)), storage=s))
    verb = "Đã tạo" if r.created else ("Đã cập nhật" if r.changed else "Không thay đổi")
    _echo(f"{verb} kế hoạch {r.campaign}: Hội đồng {r.council} thành viên, Tổ thư ký {r.secretariat}; "
               f"văn bản mới {r.documents.issued}.")
    _pending(r.documents)


@registrations_app.command("import")
def registrations_import(
    file: Annotated[Path, typer.Argument(help="Tệp CSV/XLSX, hoặc thư mục mỗi xã một tệp / a file or a folder.")],
    partial: Annotated[bool, typer.Option(
        "--partial", help="Lưu các dòng đúng, ghi dòng lỗi ra <tệp>.loi.xlsx / store the valid rows, write the "
                          "others to <file>.loi.xlsx.")] = False,
    reason: Annotated[str, typer.Option(
        "--reason", help="Lý do sửa sản phẩm đã có văn bản ban hành / why products with issued documents are "
                         "corrected.")] = "",
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Nhập phiếu đăng ký (CSV/XLSX, một tệp hoặc cả thư mục) / import registrations (a file or a folder)."""
    from flows.params import RegistrationImport
    from flows.stages import collect as collect_flow

    r = _flow(_where(db, out), lambda s: collect_flow(
        RegistrationImport(registrations_file=str(file), partial=partial, reason=reason), campaign, s))
    refused = False
    for f in r.files:
        if f.refused:
            refused = True
            _echo(f"{f.file}: không lưu — {f.message}", fg=typer.colors.RED, err=True)
        else:
            _echo(f"{f.file}: {f.rows} dòng — mới {f.new}, cập nhật {f.updated}, "
                       f"không đổi {f.unchanged}" + (f", lỗi {f.rejected}" if f.rejected else "") + ".")
        for problem in f.problems:
            _echo(f"  - {problem}", fg=typer.colors.YELLOW, err=True)
        if f.error_file:
            _echo(f"  Dòng lỗi: {f.error_file}")
        for change in f.changes:
            _echo(f"  Sửa {change}")
    if len(r.files) > 1:
        _echo(f"Tổng: {r.rows} dòng — mới {r.new}, cập nhật {r.updated}, không đổi {r.unchanged}"
                   + (f", lỗi {r.rejected}" if r.rejected else "") + ".")
    if refused and not partial:
        raise typer.Exit(1)


@registrations_app.command("template")
def registrations_template(
    file: Annotated[Path, typer.Argument(help="Tệp .xlsx cần tạo / the workbook to write.")],
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Tạo mẫu phiếu đăng ký (XLSX, có danh sách chọn) cho các xã / write the registration workbook communes fill."""
    from ocop.services import stages

    settings = _settings(db, out)
    r = _run(lambda: stages.registration_template(settings, campaign, file))
    _echo(f"Đã tạo {r.file} ({r.edition}, {r.communes} xã).")
    if r.renewals and r.renewal_until:
        _echo(f"Điền sẵn {r.renewals} sản phẩm để đánh giá lại: giấy chứng nhận hiệu lực đến hết ngày "
              f"{present.date_short(r.renewal_until)} trở về trước (ô 'Hình thức đăng ký' tô vàng, có ghi chú).")


@registrations_app.command("inspect")
def registrations_inspect(
    product: Annotated[str, typer.Argument(help="Mã sản phẩm / product code.")],
    on: Annotated[str, typer.Option("--date", help="Ngày kiểm tra dd/mm/yyyy / inspection date.")],
    inspector: Annotated[list[str], typer.Option("--inspector", help="Người kiểm tra (lặp lại được) / inspector "
                                                                     "(repeatable).")],
    findings: Annotated[str, typer.Option("--findings", help="Kết quả kiểm tra / findings.")] = "",
    failed: Annotated[bool, typer.Option(
        "--failed", help="Không đạt: sản phẩm không đủ điều kiện / not passed.")] = False,
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Ghi biên bản kiểm tra thực tế tại cơ sở / record a field inspection of a registration."""
    from ocop.services import stages

    settings = _settings(db, out)
    with _errors():
        on_date = _date(on)
    r = _run(lambda: stages.record_inspection(settings, campaign, product, on_date, inspector, findings, not failed))
    _echo(f"{'Đã ghi' if r.created else 'Đã cập nhật'} kiểm tra thực tế {r.code} ngày "
               f"{present.date_short(r.inspected_on)}: {'đạt' if r.passed else 'không đạt'}. "
               "Chạy lại 'ocop verify' để xét hồ sơ.")


@app.command("pre-assess")
def pre_assess(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Báo cáo đánh giá sơ bộ của UBND từng xã (1489, kế hoạch cấp tỉnh) / each commune's pre-assessment report."""
    from flows.stages import pre_assess as pre_assess_flow

    r = _flow(_where(db, out), lambda s: pre_assess_flow(campaign, storage=s))
    _echo(f"Báo cáo đánh giá sơ bộ của UBND cấp xã: {len(r.reports)} xã, văn bản mới {r.documents.issued}.")
    for report in r.reports:
        _echo(f"  {report.commune[:28]:<28} đề nghị {report.proposed}/{report.products}")
        for refused in report.not_proposed:
            _echo(f"    ✗ {refused}")
    _pending(r.documents)


@app.command()
def verify(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Kiểm tra, xét chọn hồ sơ đăng ký / verify registrations."""
    from flows.stages import verify as verify_flow

    r = _flow(_where(db, out), lambda s: verify_flow(campaign, storage=s))
    _echo(f"Thông báo kết quả kiểm tra hồ sơ: mới {r.documents.issued}.")
    _echo("Kết quả kiểm tra hồ sơ: "
               + ", ".join(f"{present.REGISTRATION_STATUS[k]} {v}" for k, v in r.counts.items()))
    if r.by_commune:
        _echo(f"  {'Xã':<24} {'Đăng ký':>8} {'Đủ điều kiện':>13} {'Cần bổ sung':>12} "
                   f"{'Không đủ ĐK':>12}")
        for commune, c in r.by_commune.items():
            _echo(f"  {commune[:24]:<24} {c.registered:>8} {c.eligible:>13} {c.needs_supplement:>12} "
                       f"{c.ineligible:>12}")
        _echo(f"Danh sách: {r.lists}")
    for e in r.ineligible:
        _echo(f"  ✗ {e.code} {e.name}: {e.reason}")
    for item in r.needs_supplement:
        due = present.date_short(item.due) if item.due else ""
        _echo(f"  ↻ {item.code} {item.name}: bổ sung trước {due} — {'; '.join(item.missing)}")
    for late in r.late:
        _echo(f"  ⚑ {late.code} {late.name}: đăng ký ngày {present.date_short(late.registered_on)}, "
                   "sau hạn kiểm tra hồ sơ.")
    _pending(r.documents)


@overload
def _date(value: str, option: str = ...) -> date: ...


@overload
def _date(value: None, option: str = ...) -> None: ...


@overload
def _date(value: str | None, option: str = ...) -> date | None: ...


def _date(value: str | None, option: str = "--date") -> date | None:
    """A day written dd/mm/yyyy or yyyy-mm-dd; anything else is an InputError naming the option."""
    if value is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            pass
    raise InputError(f"Ngày '{value}' ({option}) không hợp lệ: cần dd/mm/yyyy (ví dụ 23/10/2020) hoặc yyyy-mm-dd.")


# 08:30, 8:30, 08:30:00, and as clerks write it: 8h30, 08h30, 8h
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|[hH](\d{2})?)")


def _time(value: str | None, option: str = "--time") -> time | None:
    """A time of day written HH:MM or 8h30; anything else is an InputError naming the option."""
    if value is None:
        return None
    found = _CLOCK.fullmatch(value.strip())
    if found:
        hour, minute, second = int(found[1]), int(found[2] or found[4] or 0), int(found[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise InputError(f"Giờ '{value}' ({option}) không hợp lệ: cần HH:MM (ví dụ 08:30, 14:00) hoặc 8h30.")


@meeting_app.command("schedule")
def meeting_schedule(
    campaign: CampaignOpt = None,
    on: Annotated[str | None, typer.Option("--date", help="Ngày họp dd/mm/yyyy / meeting date.")] = None,
    at: Annotated[str | None, typer.Option("--time", help="Giờ họp HH:MM hoặc 8h30 / meeting time.")] = None,
    venue: Annotated[str | None, typer.Option("--venue", help="Địa điểm / venue.")] = None,
    invitation: Annotated[str | None, typer.Option("--invitation-date", help="Ngày gửi giấy mời và hồ sơ / date "
                                                                             "dossiers are sent.")] = None,
    packs: Annotated[bool, typer.Option("--print-packs", help="Mỗi thành viên một tệp PDF phiếu trắng để in / one PDF "
                                                              "of blank sheets per member.")] = False,
    db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Lên lịch họp Hội đồng, phát hành giấy mời và phiếu trắng / schedule the council meeting."""
    from flows.params import MeetingDetails
    from flows.stages import schedule as schedule_flow

    with _errors():
        details = MeetingDetails(meeting_date=_date(on), meeting_time=_time(at), venue=venue,
                                 invitation_date=_date(invitation, "--invitation-date"), print_packs=packs)
    r = _flow(_where(db, out), lambda s: schedule_flow(campaign, details, storage=s))
    _echo(f"Họp Hội đồng {present.clock(r.meeting_time)} ngày {present.date_short(r.meeting_date)} tại {r.venue} "
               f"(hồ sơ gửi trước {r.lead_working_days} ngày làm việc); văn bản mới {r.documents.issued}.")
    for pack in r.print_packs:
        _echo(f"  In: {pack}")
    _pending(r.documents)


@scores_app.command("import")
def scores_import(
    file: FileArg,
    reason: Annotated[str, typer.Option(
        "--reason", help="Lý do chấm lại (ghi vào biên bản) / re-scoring reason.")] = "",
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Nhập phiếu đánh giá (CSV/XLSX, từng tiêu chí hoặc từng phần) / import score sheets."""
    from flows.params import ScoreImport
    from flows.stages import score as score_flow

    r = _flow(_where(db, out), lambda s: score_flow(campaign, ScoreImport(scores_file=str(file), reason=reason), s))
    printed = r.documents.issued if r.documents else 0
    _echo(f"{r.file}: {r.sheets} phiếu — mới {r.new}, thay thế {r.replaced}, không đổi "
               f"{r.unchanged}; phiếu in mới {printed}.")
    if r.documents:
        _pending(r.documents)


@scores_app.command("template")
def scores_template(
    folder: Annotated[Path, typer.Argument(help="Thư mục ghi các tệp / output folder.")],
    member: Annotated[str | None, typer.Option("--member", help="Chỉ cho một thành viên / one member only.")] = None,
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Tệp Excel chấm điểm cho từng thành viên, mỗi sản phẩm một sheet / per-member score workbooks."""
    from ocop.services import stages

    settings = _settings(db, out)
    for path in _run(lambda: stages.scores_templates(settings, campaign, folder, member)):
        _echo(path)


@scores_app.command("status")
def scores_status(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Ai đã nộp phiếu (chỉ số lượng, không lộ điểm) / who has submitted (counts only)."""
    from ocop.services.council.use_cases import scores_progress  # not ocop.services.stages: it imports every stage

    settings = _settings(db, out)
    for p in _run(lambda: scores_progress(settings, campaign)):
        missing = f" — thiếu: {', '.join(p.missing)}" if p.missing else ""
        _echo(f"{p.code:<8} {p.name[:32]:<32} {p.submitted}/{p.present}{missing}")


@meeting_app.command("attendance")
def meeting_attendance(
    absent: Annotated[list[str] | None, typer.Option("--absent", help="Thành viên vắng / absent member (lặp lại "
                                                                      "được).")] = None,
    present: Annotated[list[str] | None, typer.Option("--present", help="Thành viên có mặt trở lại / present "
                                                                        "again.")] = None,
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Ghi nhận thành viên có mặt, kiểm tra túc số / record attendance and check the quorum."""
    from ocop.services import stages

    settings = _settings(db, out)
    r = _run(lambda: stages.attendance(settings, campaign, absent or [], present or []))
    _echo(r.quorum.text())
    if r.absent:
        _echo("Vắng: " + ", ".join(r.absent))


@meeting_app.command("close")
def meeting_close(
    campaign: CampaignOpt = None,
    at: Annotated[str | None, typer.Option("--at", help="Giờ kết thúc HH:MM hoặc 11h30, ghi vào biên bản / the end "
                                                        "time the minutes state.")] = None,
    db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Kết thúc phiên họp: ghi giờ kết thúc, khóa phiếu đánh giá / close the meeting and lock the sheets."""
    from ocop.services import stages

    settings = _settings(db, out)
    with _errors():
        end = _time(at, "--at")
    r = _run(lambda: stages.close_meeting(settings, campaign, end))
    on = f" ngày {present.date_short(r.meeting_date)}" if r.meeting_date else ""
    _echo(f"Phiên họp kết thúc lúc {present.clock(r.end_time)}{on}; phiếu đánh giá đã khóa (sửa phải chấm lại "
               "có lý do: --reason). Chạy ocop rank để lập biên bản với giờ kết thúc này.")


@meeting_app.command("reopen")
def meeting_reopen(
    by: Annotated[str, typer.Option("--by", help="Người đề nghị mở lại / who asks for the reopening.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do / why.")],
    on: Annotated[str | None, typer.Option("--on", help="Ngày mở lại dd/mm/yyyy (mặc định: hôm nay) / "
                                                        "date.")] = None,
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Mở lại kết quả đã ban hành để sửa điểm / reopen issued results for a change of scores."""
    from ocop.services import stages

    when = _date(on, "--on")
    settings = _settings(db, out)
    r = _run(lambda: stages.reopen(settings, campaign, by, reason, when))
    _echo(f"Đã ghi nhận: {present.reopening(r.by, r.reason, r.on)}.")
    _echo(f"Sửa phiếu đánh giá rồi chạy lại ocop rank, ocop recognise, ocop refer: {r.documents} văn bản kết quả "
               "đã ban hành được thay thế bằng văn bản mới nếu nội dung thay đổi.")


@app.command()
def rank(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Tổng hợp điểm, phân hạng sao, lập bảng tổng hợp và biên bản / aggregate and rank."""
    from flows.stages import rank as rank_flow

    r = _flow(_where(db, out), lambda s: rank_flow(campaign, storage=s))
    _echo(r.quorum.text())
    for line in r.rescores:
        _echo(f"  Chấm lại: {line}")
    for line in r.blocked:
        _echo(f"  Chưa có kết quả: {line}", fg=typer.colors.YELLOW)
    if r.quorum.met:
        _print_ranking(r.ranking)
    if r.waiting:
        _echo(r.waiting, fg=typer.colors.YELLOW)
    _pending(r.documents)


@app.command()
def recognise(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Công nhận kết quả, cấp giấy chứng nhận (khi cấp này được công nhận) / recognise and certify."""
    from flows.stages import recognise as recognise_flow

    r = _flow(_where(db, out), lambda s: recognise_flow(campaign, storage=s))
    if r.reason:
        _echo(r.reason)
    for p in r.recognised:
        _echo(f"  {p.code} {p.product}: {present.stars(p.stars)}")
    if r.decision:
        _echo(f"Quyết định công nhận {r.decision}; văn bản mới {r.documents.issued}.")
    _pending(r.documents)


@app.command()
def refer(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Lập tờ trình đề nghị cấp trên đánh giá, phân hạng / refer products to the next level."""
    from flows.stages import refer as refer_flow

    r = _flow(_where(db, out), lambda s: refer_flow(campaign, storage=s))
    _echo(f"Tờ trình {r.document} ngày {present.date_short(r.issued_on)}: {len(r.referred)} sản phẩm."
               + (f" {present.OVERDUE} so với kế hoạch." if r.overdue else ""))
    for p in r.referred:
        _echo(f"  {p.code} {p.product}: {present.mean(p.mean)} điểm, {present.stars(p.stars)}")
    if r.attachments:
        _echo("Hồ sơ kèm theo: " + "; ".join(r.attachments))
    if r.packet:
        _echo(f"Hồ sơ gửi cấp trên (ZIP, có bản kê SHA-256): {r.packet} — nơi nhận kiểm tra: "
              "ocop documents verify <tệp .zip>")
    _pending(r.documents)


@app.command()
def remind(
    on: Annotated[str | None, typer.Option(
        "--on", help="Ngày xét dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: hôm nay, giờ Việt Nam) / the day to check "
                     "(default: today in Vietnam).")] = None,
    days: Annotated[list[int] | None, typer.Option(
        "--days", help="Nhắc khi còn N ngày làm việc tới hạn, lặp lại được (mặc định 5 và 1) / lead time in working "
                       "days, repeatable (default 5 and 1).")] = None,
    campaign: Annotated[str | None, typer.Option(
        "--campaign", "-c",
        help="Mã kế hoạch / campaign code (mặc định: mọi kế hoạch / default: every campaign).")] = None,
    months: Annotated[int, typer.Option(
        "--months", help="Liệt kê giấy chứng nhận của mọi kế hoạch hết hiệu lực trong N tháng tới và giấy đã hết "
                         f"hạn (mặc định {RENEWAL_MONTHS}) / certificates of every campaign expiring within N months "
                         "and those expired.")] = RENEWAL_MONTHS,
    db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Nhắc hạn kế hoạch: việc còn mở trước hạn, quá hạn; giấy chứng nhận sắp hết hạn cần đánh giá lại (chỉ
    đọc) / deadline reminders: what is still open; certificates due for re-evaluation (read-only)."""
    from flows.params import ReminderOptions
    from flows.reminders import remind as remind_flow
    from ocop.services.reminders import renewals
    from ocop.services.reminders.report import lead_times, parse_date, renewal_months

    def call(storage: Storage) -> RemindersReport:
        options = ReminderOptions(on=parse_date(on) if on else None, days_before=lead_times(days),
                                  expiring_months=renewal_months(months))
        return remind_flow(campaign, options, storage)

    r = _flow(_where(db, out), call)
    when = present.day(r.on)
    if not r.working_day:
        _echo(f"Ngày {present.date_short(r.on)}: {r.day_off}, ngày nghỉ — không nhắc hạn.")
        return
    if not r.deadlines:
        leads = ", ".join(str(n) for n in r.days_before) or "—"
        _echo(f"Ngày {when}: không có hạn nào cần nhắc ({r.campaigns} kế hoạch; nhắc trước hạn {leads} "
                   "ngày làm việc, báo quá hạn ngày làm việc đầu tiên sau hạn).")
    else:
        _echo(f"Nhắc hạn ngày {when}: {r.open} việc còn mở"
                   + (f", trong đó {r.overdue} quá hạn." if r.overdue else "."))
    for d in r.deadlines:
        _echo(f"{d.campaign} — {d.label}, hạn {present.date_short(d.due_on)}: {d.status}",
                    fg=typer.colors.RED if d.overdue else None, bold=d.overdue)
        for item in d.open:
            _echo(f"  • {item.title}: {item.detail}")
        if not d.open:
            _echo("  Đã hoàn thành.")
    if r.renewals is not None:
        _echo(renewals.heading(r.renewals), bold=True)
        for c in r.renewals.certificates:
            _echo(f"  • {renewals.describe(c)}", fg=typer.colors.RED if c.expired else None)


@app.command()
def replay(
    edition: Annotated[str, typer.Option(
        "--edition", help="Mã văn bản để xếp hạng lại, ví dụ 148/2023 / the edition to re-rank under.")],
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Xếp hạng lại phiếu của kế hoạch đã phân hạng theo văn bản khác, không ghi gì (chỉ đọc) / what-if
    replay: a ranked campaign's sheets under another edition (read-only)."""
    from ocop.services.results.replay import replay as replay_campaign  # not ocop.services.stages

    settings = _settings(db, out)
    _print_replay(_run(lambda: replay_campaign(settings, campaign, edition)))


def _print_replay(r: Replay) -> None:
    """Old and new means, stars and outcomes side by side; then what the new sheet reads how."""
    from ocop.rules.correspondence import APPROX, MATCH_LABEL, NONE, SAME

    _echo(f"Kế hoạch {r.campaign}: kết quả đã lưu theo {r.old_edition} và xếp hạng lại các phiếu theo "
          f"{r.new_edition} ({r.level}); không ghi gì vào cơ sở dữ liệu.")
    if r.old_edition == r.new_edition:
        _echo("Cùng văn bản: kết quả tính lại từ các phiếu phải trùng kết quả đã lưu.")
    elif r.same_sheets:
        _echo("Hai văn bản dùng cùng bộ tiêu chí: điểm từng phiếu giữ nguyên; khác nhau ở hạng sao, tiêu chí bắt "
              "buộc và kết quả của cấp đánh giá.")
    old_head, new_head = f"Theo {r.old_edition}", f"Theo {r.new_edition}"
    _echo(f"{'':<7} {'':<30} {old_head:<33} {new_head}")
    header = (f"{'Mã':<7} {'Sản phẩm':<30} {'Điểm TB':>7} {'Sao':>4}  {'Kết quả':<18}  {'Điểm TB':>7} {'Sao':>4}  "
              "Kết quả")
    _echo(header)
    _echo("-" * len(header))
    for p in r.products:
        old = (f"{present.mean(p.old.mean):>7} {p.old.stars:>3}{present.STAR}  {present.OUTCOME[p.old.outcome]:<18}"
               if p.old else f"{'—':>7} {'—':>4}  {'chưa xếp hạng':<18}")
        new = (f"{present.mean(p.new.mean):>7} {p.new.stars:>3}{present.STAR}  {present.OUTCOME[p.new.outcome]}"
               if p.new else f"{'—':>7} {'—':>4}  " + ("chờ chấm lại" if p.new_blocked else "không so sánh được"))
        _echo(f"{p.code:<7} {p.name[:30]:<30} {old}  {new}")
        if p.old and p.old.cap_reason:
            _echo(f"        ↳ {r.old_edition}: {p.old.cap_reason}")
        if p.new and p.new.cap_reason:
            _echo(f"        ↳ {r.new_edition}: {p.new.cap_reason}")
        if p.new_blocked:
            _echo(f"        ↳ {r.new_edition}: {p.new_blocked.text(r.max_spread)}")
        if p.not_comparable:
            _echo(f"        ↳ Không so sánh được: {p.not_comparable}.", fg=typer.colors.YELLOW)
        unmatched = [fate.unmatched_text() for fate in p.criteria if fate.unmatched]
        if unmatched:
            _echo(f"        ↳ Mức đã chọn không có tương ứng ở phiếu mới, tính 0 điểm: {', '.join(unmatched)}.")
    compared = [p for p in r.products if p.old and p.new]
    if compared:
        old_counts: dict[int, int] = {}
        new_counts: dict[int, int] = {}
        for p in compared:
            assert p.old and p.new
            old_counts[p.old.stars] = old_counts.get(p.old.stars, 0) + 1
            new_counts[p.new.stars] = new_counts.get(p.new.stars, 0) + 1
        _echo(f"{len(compared)} sản phẩm so sánh được. Theo {r.old_edition}: {present.star_counts(old_counts)}; "
              f"theo {r.new_edition}: {present.star_counts(new_counts)}.")
    for m in r.sets:
        _echo()
        _echo(f"Đối chiếu bộ {m.source.code} \"{m.source.name}\" ({r.old_edition}) sang bộ {m.target.code} "
              f"\"{m.target.name}\" ({r.new_edition}), tệp {r.correspondence_file}:")
        same = [c.criterion.code for c in m.criteria if c.match == SAME]
        _echo(f"  {MATCH_LABEL[SAME].capitalize()} (lựa chọn cùng nội dung, điểm theo phiếu mới): {', '.join(same)}.")
        for c in m.criteria:
            if c.match == APPROX:
                _echo(f"  {c.criterion.code} ← {c.source.code if c.source else ''} ({MATCH_LABEL[APPROX]}): {c.note}.")
        for c in m.criteria:
            if c.match == NONE:
                _echo(f"  {c.criterion.code} \"{c.criterion.title}\" ({MATCH_LABEL[NONE]}, tính 0 điểm, không đạt "
                      f"yêu cầu bắt buộc nếu có): {c.note}.")
        if m.dropped:
            _echo("  Tiêu chí của phiếu cũ không còn được tính: "
                  + "; ".join(f"{c.code} \"{c.title}\"" for c in m.dropped) + ".")


@app.command()
def report(
    file: Annotated[Path, typer.Argument(help="Tệp Excel (.xlsx) ghi báo cáo; đã có thì được ghi đè / the workbook "
                                              "to write (.xlsx); an existing file is overwritten.")],
    db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Báo cáo thống kê mọi kế hoạch: số sản phẩm, điểm TB theo năm, đợt, xã, bộ sản phẩm, hạng sao, có biểu đồ
    (chỉ đọc cơ sở dữ liệu) / statistics of every campaign, with charts (read-only)."""
    from ocop.services.results.statistics_workbook import check_path, write_report

    _run(lambda: check_path(file))  # a wrong name is refused before the database is opened
    settings = _settings(db, out)
    r = _run(lambda: write_report(settings, file))
    stats, total = r.statistics, r.statistics.total
    periods = ", ".join(p.label for p in stats.periods) or "—"
    _echo(f"{len(stats.campaigns)} kế hoạch ({periods}); {total.registered} sản phẩm đăng ký, {total.evaluated} đã "
          f"đánh giá" + (f", điểm TB {present.mean(total.mean)}" if total.mean is not None else "") + ".")
    if total.evaluated:
        _echo(f"Hạng sao: {present.star_counts({s.stars: s.products for s in stats.stars})}; "
              f"{present.OUTCOME['recognised'].lower()} {total.recognised}, "
              f"{present.OUTCOME['referred'].lower()} {total.referred}.")
    _echo(f"{len(stats.communes)} xã, {len(stats.sets)} bộ sản phẩm; {r.charts} biểu đồ.")
    _echo(f"{'Đã ghi' if r.written else 'Không thay đổi'}: {r.path}")


HostOpt = Annotated[str, typer.Option("--host", help="Địa chỉ máy chủ Prefect nghe; ngoài 127.0.0.1 cần mật khẩu "
                                                   "(--auth-file) / Prefect server host; beyond loopback needs a "
                                                   "credential.")]
PortOpt = Annotated[int, typer.Option("--port", help="Cổng máy chủ Prefect / Prefect server port.")]
AuthFileOpt = Annotated[Path | None, typer.Option(
    "--auth-file", envvar="OCOP_AUTH_FILE", dir_okay=False,
    help="Tệp một dòng tên:mật-khẩu; máy chủ đòi mật khẩu này, worker và lệnh ocop gửi nó (hoặc biến "
         "PREFECT_SERVER_API_AUTH_STRING) / file with one line user:password for Prefect's basic auth.")]
AllowStorageOpt = Annotated[bool, typer.Option(
    "--allow-storage-parameters", envvar="OCOP_ALLOW_STORAGE_PARAMETERS",
    help="Cho lượt chạy qua giao diện/API chọn cơ sở dữ liệu, thư mục văn bản khác với của máy chủ (mặc định: "
         "không) / let deployment runs' parameters choose another database or documents folder.")]
PublicUrlOpt = Annotated[str | None, typer.Option(
    "--public-url", envvar="OCOP_PUBLIC_URL",
    help="Địa chỉ người dùng mở giao diện, ví dụ https://ocop.example.vn (sau reverse proxy) / the address "
         "browsers reach the UI at.")]


def _start(host: str, port: int, out: Path | None, db: str | None, auth_file: Path | None,
           allow_storage: bool, public_url: str | None) -> tuple[str, dict[str, str], srv.Credential | None]:
    """Check the credential against the address, then point this process and its children at the
    server; documents in --out, else OCOP_OUT_DIR, else ./out (as every command)."""
    from ocop.settings import Settings

    credential = srv.server_credential(auth_file)
    srv.check_exposure(host, credential)
    api = srv.api_url(host, port)
    folder = Settings.from_env(out_dir=out).out_dir
    logs.log_to(folder / logs.LOG_NAME).parent.mkdir(parents=True, exist_ok=True)
    env = srv.environment(api, folder, db, credential, allow_storage)
    if public_url:  # the browser's API address (PREFECT_UI_API_URL); without it, the UI calls ``api``
        env["PREFECT_UI_API_URL"] = public_url.rstrip("/") + "/api"
    os.environ.update({k: env[k] for k in (*srv.DEFAULTS, *PREFECT_DEFAULTS, "PREFECT_API_URL", "OCOP_OUT_DIR",
                                           srv.CLIENT_AUTH_ENV, srv.ALLOW_STORAGE_ENV) if k in env})
    if db:
        os.environ["OCOP_DATABASE_URL"] = db
    return api, env, credential


def _access(host: str, credential: srv.Credential | None, allow_storage: bool) -> None:
    """Who can reach the server and what a run may choose, in Vietnamese; never the password."""
    if credential is None:
        _echo(f"Chưa đặt mật khẩu: máy chủ chỉ nhận kết nối từ chính máy này ({host}). Để máy khác trong mạng "
              "dùng: ocop server --host 0.0.0.0 --auth-file <tệp chứa dòng tên:mật-khẩu>.", fg=typer.colors.YELLOW)
    else:
        _echo(f"Đăng nhập giao diện: tên '{credential.user}', mật khẩu trong {credential.source}. Máy khác chạy "
              f"lệnh ocop/worker cần biến {srv.CLIENT_AUTH_ENV}=tên:mật-khẩu.")
        if credential.exposed:
            _echo(f"Cảnh báo: {credential.source} để mọi người dùng trên máy đọc được; nên chmod 600 (hoặc 640 "
                  "với nhóm riêng của dịch vụ).",
                  err=True, fg=typer.colors.YELLOW)
    if allow_storage:
        _echo("Lượt chạy qua giao diện/API được chọn cơ sở dữ liệu và thư mục văn bản khác "
              "(--allow-storage-parameters).", fg=typer.colors.YELLOW)


def _banner(host: str, port: int, started: bool, how: str, public_url: str | None = None) -> None:
    from flows.deployments import full_names

    ui = public_url or srv.api_url(host, port).removesuffix("/api")
    _echo(f"Giao diện Prefect: {ui}  "
               f"({'máy chủ mới khởi động' if started else 'máy chủ đang chạy sẵn'})")
    _echo(f"Các deployment ({how}):")
    for name in full_names():
        _echo(f"  - {name}")
    _echo(f"Chạy thử: prefect deployment run '{full_names()[0]}' (hoặc nút Run trên giao diện). "
               "Dừng: Ctrl+C.")


@app.command()
def server(
    host: HostOpt = "127.0.0.1", port: PortOpt = 4200,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Số worker / number of process workers.")] = 1,
    db: DbOpt = None, out: OutOpt = None, auth_file: AuthFileOpt = None,
    allow_storage_parameters: AllowStorageOpt = False, public_url: PublicUrlOpt = None,
) -> None:
    """Máy chủ Prefect, đăng ký các deployment, chạy worker; chạy tới khi Ctrl+C / server,
    deployments and a worker, in the foreground."""
    from flows.deployments import POOL

    workers_started = []
    with _errors():
        api, env, credential = _start(host, port, out, db, auth_file, allow_storage_parameters, public_url)
        log = None if STATE["debug"] else logs.log_file()
        with srv.server_at(host, port, env, log, credential) as started, srv.connected(api, credential):
            srv.ensure_pool(POOL, Path.cwd())
            srv.register(POOL)
            try:
                workers_started = [srv.start_worker(POOL, f"ocop-worker-{i + 1}", env, log=log)
                                   for i in range(workers)]
                _banner(host, port, started, f"work pool {POOL}, {workers} worker", public_url)
                _access(host, credential, allow_storage_parameters)
                _echo(f"Văn bản: {env['OCOP_OUT_DIR']}" + (f"; nhật ký: {log}" if log else ""))
                srv.wait_for_signal()
            finally:
                for worker in workers_started:
                    srv.stop_worker(worker)
    _echo("Đã dừng.")


@app.command()
def deploy(
    pool: Annotated[str, typer.Option(
        "--pool", help="Work pool (kiểu process) / process work pool name.")] = "ocop-pool",
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Thư mục làm việc của lượt chạy / working directory "
                                                                   "of runs (mặc định: thư mục hiện tại).")] = None,
) -> None:
    """Đăng ký các deployment lên máy chủ PREFECT_API_URL (mật khẩu: PREFECT_API_AUTH_STRING hoặc
    OCOP_AUTH_FILE) / register every deployment on the server at PREFECT_API_URL."""
    for key, value in {**srv.DEFAULTS, **PREFECT_DEFAULTS}.items():
        os.environ.setdefault(key, value)
    api = os.environ.get("PREFECT_API_URL")
    if not api or not srv.healthy(api):
        _echo(f"Lỗi: không kết nối được máy chủ Prefect tại PREFECT_API_URL={api or '(chưa đặt)'}.",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    with _errors():
        credential = srv.client_credential()
        srv.require_access(api, credential)
        with srv.connected(api, credential):
            srv.ensure_pool(pool, (workdir or Path.cwd()).resolve())
            names = srv.register(pool)
    for name in names:
        _echo(f"  - {name}")
    _echo(f"Đã đăng ký {len(names)} deployment cho work pool {pool}; chạy worker: prefect worker start --pool "
               f"{pool}")


@app.command()
def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 4200, db: DbOpt = None, out: OutOpt = None,
          auth_file: AuthFileOpt = None, allow_storage_parameters: AllowStorageOpt = False,
          public_url: PublicUrlOpt = None) -> None:
    """Một tiến trình chạy mọi deployment (không cần worker) / serve every deployment from this one process."""
    with _errors():
        api, env, credential = _start(host, port, out, db, auth_file, allow_storage_parameters, public_url)
        log = None if STATE["debug"] else logs.log_file()
        with srv.server_at(host, port, env, log, credential) as started, srv.connected(api, credential):
            from prefect import serve as prefect_serve

            from flows.deployments import build

            _banner(host, port, started, "ocop serve", public_url)
            _access(host, credential, allow_storage_parameters)
            _echo(f"Văn bản: {env['OCOP_OUT_DIR']}" + (f"; nhật ký: {log}" if log else ""))
            # pause_on_shutdown=False keeps the reminders' schedule on after a restart (notes/prefect.md)
            prefect_serve(*build(None), pause_on_shutdown=False, limit=4, print_starting_message=STATE["debug"])


def _settings(db: str | None, out: Path | None) -> Settings:
    from ocop.services.runtime import prepare_database  # not ocop.services.stages: it imports every stage
    from ocop.settings import Settings

    settings = Settings.from_env(out_dir=out, database_url=db)
    logs.log_to(settings.out_dir / logs.LOG_NAME)
    _run(lambda: prepare_database(settings))
    return settings


@documents_app.command("list")
def documents_list(campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Liệt kê sổ đăng ký văn bản / list the document register."""
    from ocop.services.paperwork.use_cases import documents  # not ocop.services.stages: it imports every stage

    settings = _settings(db, out)
    rows = _run(lambda: documents(settings, campaign))
    for d in rows:
        symbol = d.symbol or "—"
        note = f"  ({d.note})" if d.note else ""
        _echo(f"{d.id:>4} {present.date_short(d.issued_on)} {symbol:<16} "
                   f"{present.DOCUMENT_STATUS[d.status]:<12} {d.title}  {d.file}{note}")
    _echo(f"{len(rows)} văn bản.")
    problems = [(p.kind, p.path) for d in rows for p in d.problems]
    if problems:
        _echo(present.tampered_warning(problems), fg=typer.colors.YELLOW, err=True)


@documents_app.command("verify")
def documents_verify(
    packet: Annotated[Path | None, typer.Argument(
        help="Hồ sơ đề nghị (.zip) cần kiểm tra; để trống: thư mục văn bản / a referral packet (.zip); "
             "empty: the documents folder.")] = None,
    campaign: Annotated[str | None, typer.Option(
        "--campaign", "-c", help="Mã kế hoạch / campaign code (mặc định: mọi kế hoạch / default: every "
                                 "campaign).")] = None,
    db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Kiểm tra mọi tệp đã ban hành theo SHA-256 trong sổ, hoặc một hồ sơ .zip theo bản kê / check every
    issued file against the register's SHA-256, or a .zip packet against its manifest."""
    from ocop.services.paperwork import verify as checks

    if packet is not None:
        from ocop.documents.signing import trust_roots
        from ocop.settings import Settings

        report = _run(lambda: checks.verify_packet(packet, trust_roots(Settings.from_env())))
    else:
        settings = _settings(db, out)
        report = _run(lambda: checks.verify_folder(settings, campaign))
    for n in report.notes:
        _echo(present.file_problem(n.kind, n.path, n.document, n.detail), fg=typer.colors.YELLOW, err=True)
    for p in report.problems:
        _echo(present.file_problem(p.kind, p.path, p.document, p.detail), fg=typer.colors.RED)
    _echo(present.verify_summary(report.source, report.packet, report.files,
                                 [p.kind for p in report.problems]))
    if report.signers:
        _echo(present.signed_by(report.signers))
    if not report.ok:
        raise typer.Exit(1)


IdsArg = Annotated[list[int] | None, typer.Argument(help="Số thứ tự trong sổ (ocop documents list); để trống: tất cả / "
                                                         "register ids.")]


@documents_app.command("approve")
def documents_approve(
    ids: IdsArg = None,
    signer: Annotated[str | None, typer.Option("--signer", help="Họ tên người ký / signer's name (mặc định: theo kế "
                                                                "hoạch).")] = None,
    title: Annotated[str, typer.Option("--title", help="Chức vụ người ký / signer's title, ví dụ PHÓ CHỦ TỊCH.")] = "",
    authority: Annotated[str, typer.Option("--authority", help="TM., KT., Q., TL., TUQ. hoặc trống / authority "
                                                               "prefix.")] = "",
    head_title: Annotated[str, typer.Option("--head-title", help="Chức vụ người đứng đầu khi ký KT./TL./TUQ. / head's "
                                                                 "title.")] = "",
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Người ký duyệt dự thảo / the signer approves drafts."""
    from ocop.rules.campaign import Signer
    from ocop.services import stages

    with _errors():
        who = Signer(signer, title, _authority(authority), head_title) if signer else None
    settings = _settings(db, out)
    for d in _run(lambda: stages.approve_documents(settings, campaign, ids or [], who)):
        _echo(f"Đã duyệt #{d.id} {d.title} — {' / '.join(d.signature)}: {d.signer}")


def _authority(value: str) -> Authority:
    """--authority as Decree 30 writes it (TM., KT., Q., TL., TUQ., in any case) or empty; anything
    else is an InputError before any draft is approved."""
    from ocop.rules.campaign import Authority

    allowed: tuple[Authority, ...] = get_args(Authority)
    prefix = value.strip().upper()
    for authority in allowed:
        if prefix == authority:
            return authority
    raise InputError(f"Thẩm quyền ký '{value}' (--authority) không hợp lệ; chỉ dùng: "
                     f"{', '.join(a for a in allowed if a)} hoặc để trống.")


@documents_app.command("issue")
def documents_issue(ids: IdsArg = None, campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None) -> None:
    """Lấy số, ban hành văn bản đã duyệt; văn bản đã ban hành thì ban hành lại bản mới / issue approved documents."""
    from ocop.services import stages

    settings = _settings(db, out)
    for d in _run(lambda: stages.issue_documents(settings, campaign, ids or [])):
        _echo(f"Đã ban hành #{d.id} {d.symbol or ''} {d.title}: {d.file} (SHA-256 {d.sha256[:12]}…)")


@documents_app.command("cancel")
def documents_cancel(
    doc_id: Annotated[int, typer.Argument(help="Số thứ tự trong sổ / register id.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do hủy / reason.")],
    campaign: CampaignOpt = None, db: DbOpt = None, out: OutOpt = None,
) -> None:
    """Hủy văn bản đã ban hành, giữ nguyên số / cancel an issued document, keeping its number."""
    from ocop.services import stages

    settings = _settings(db, out)
    d = _run(lambda: stages.cancel_document(settings, campaign, doc_id, reason))
    _echo(f"Đã hủy #{d.id} {d.symbol} (số không được dùng lại).")


@documents_app.command("check")
def documents_check(
    files: Annotated[list[Path], typer.Argument(help="Tệp DOCX hoặc thư mục cần kiểm tra / DOCX files or folders.")],
    pages: Annotated[bool, typer.Option(
        "--pdf/--no-pdf", help="Kiểm tra cả trang của bản PDF (LibreOffice) / also check the PDF's pages.")] = True,
) -> None:
    """Kiểm tra thể thức và nội dung văn bản / check Decree 30 form and the documents' content."""
    from ocop.documents.content import check_files

    report = check_files(files, pages=pages, progress=lambda m: _echo(m, err=True))
    failed = 0
    for f in report.files:
        if f.error is not None:     # each file that cannot be read is said, and the others still checked
            _echo(f"Lỗi: {f.error}", fg=typer.colors.RED, err=True)
            failed += 1
            continue
        failed += bool(f.problems)
        _echo(f"{f.path}: {'đạt' if not f.problems else f'{len(f.problems)} lỗi'}")
        for p in f.problems:
            _echo(f"  - {f.path.name}: {p}")
    if report.pages_note:
        _echo(f"Ghi chú: {report.pages_note}")
    if failed:
        raise typer.Exit(1)


def _usage(exc: Any) -> str:
    """A mistyped command (a click UsageError) said in Vietnamese; click says it in English."""
    where = exc.ctx.command_path if exc.ctx else "ocop"
    see = f"Xem: {where} --help."
    if isinstance(exc, _click_errors.NoSuchOption):
        guess = f" (có phải {' hoặc '.join(exc.possibilities)}?)" if exc.possibilities else ""
        return f"Lỗi: lệnh '{where}' không có tùy chọn '{exc.option_name}'{guess}. {see}"
    unknown = re.match(r"No such command '([^']*)'\.(?: Did you mean '([^']*)'\?)?", exc.message)
    if unknown:
        guess = f" (có phải '{unknown[2]}'?)" if unknown[2] else ""
        return f"Lỗi: '{where}' không có lệnh '{unknown[1]}'{guess}. {see}"
    if isinstance(exc, _click_errors.BadParameter) and exc.param is not None:
        name = "/".join(getattr(exc.param, "opts", ())) or str(exc.param.name)
        if isinstance(exc, _click_errors.MissingParameter):
            if exc.param.param_type_name == "argument":
                return f"Lỗi: lệnh '{where}' thiếu tham số {name.upper()}. {see}"
            return f"Lỗi: lệnh '{where}' thiếu tùy chọn {name}. {see}"
        return f"Lỗi: giá trị của {name} không hợp lệ. {see}"
    return f"Lỗi: lệnh '{where}' viết chưa đúng (thừa hoặc thiếu tham số). {see}"


INTERRUPTED = 130


def main() -> None:
    """The `ocop` program: Prefect's logging goes to the log file unless --debug (set here, before
    Prefect is imported, and not in the app, which tests also run in-process)."""
    if "--debug" not in sys.argv[1:]:
        logs.quiet()
    try:
        code = app(standalone_mode=False)
    except _click_errors.NoArgsIsHelpError as exc:
        if text := exc.ctx.get_help():  # typer's rich help prints itself and returns nothing
            _echo(text)
        sys.exit(exc.exit_code)
    except _click_errors.UsageError as exc:
        _echo(_usage(exc), fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        code = INTERRUPTED
    except Exception as exc:  # raised outside a command's _errors(), e.g. while printing its result
        _unexpected(exc)
        sys.exit(1)
    if code == INTERRUPTED:  # typer turns Ctrl+C into this exit code
        _echo("Đã dừng (Ctrl+C); chạy lại đúng lệnh đó để hoàn tất.", err=True)
    sys.exit(code if isinstance(code, int) else 0)
