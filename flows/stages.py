"""One flow per stage of the plan, named as the plan names them (UI titles in Vietnamese).

Parameters are Pydantic models (flows/params.py) so the UI's run form reads in Vietnamese.
Stages that draft numbered documents take ``sign_off``: with ``wait``, the run pauses until the
signer submits the sign-off form in the Prefect UI; without it, drafts wait for
`ocop documents approve` / `issue` (or are approved at once when the campaign's sign-off is auto).
Every stage leaves Vietnamese artifacts on its run (flows/artifacts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import TypeVar

from prefect import flow

from flows import artifacts, tasks
from flows.member_scores import collect_member_scores
from flows.params import (
    MeetingDetails,
    PlanFile,
    RegistrationImport,
    ScoreImport,
    SignOffOptions,
    Storage,
    run_name,
)
from flows.sign_off import sign_off as await_sign_off
from ocop.services.council.use_cases import ScheduleResult, ScoreResult
from ocop.services.registrations.use_cases import CollectResult, PreAssessResult, VerifyResult
from ocop.services.results.use_cases import RankResult, RecogniseResult, ReferResult
from ocop.services.set_up.use_cases import SetUpResult
from ocop.settings import Settings

Signed = TypeVar("Signed", SetUpResult, PreAssessResult, VerifyResult, ScheduleResult, RankResult, RecogniseResult,
                 ReferResult)


def _signed(settings: Settings, campaign: str | None, run: Callable[[], Signed],
            options: SignOffOptions) -> Signed:
    """Run a stage's document task and sign off its drafts; when documents it waits on (the plan
    cites the decisions, certificates cite the recognising decision) were just issued, run again."""
    issued: tuple[str, ...] = ()
    for _ in range(3):
        summary = run()
        code = campaign or summary.campaign
        signed = await_sign_off(settings, code, summary.documents.pending, options.wait, options.timeout)
        issued += signed.issued
        waits = isinstance(summary, (SetUpResult, RecogniseResult)) and summary.follow_up
        if not (waits and signed.issued):
            break
    return replace(summary, sign_off=replace(signed, issued=issued))


def _stage(campaign: str | None, storage: Storage, sign_off: SignOffOptions,
           produce: Callable[[Settings, str | None], Signed], show: Callable[[Settings, Signed], None],
           progress: str | None = None) -> Signed:
    """A stage that drafts documents: produce, sign off, leave its artifacts on the run."""
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    with artifacts.progress_of(campaign, progress) if progress else nullcontext():
        summary = _signed(settings, campaign, lambda: produce(settings, campaign), sign_off)
    show(settings, summary)
    return summary


@flow(name="Lập kế hoạch và thành lập Hội đồng", flow_run_name=run_name, log_prints=True)
def set_up(plan: PlanFile, sign_off: SignOffOptions = SignOffOptions(),
                    storage: Storage = Storage()) -> SetUpResult:
    """Set up: create the campaign from its file, the council and secretariat, and the QĐ thành lập.

    Args:
        plan: Tệp kế hoạch (TOML) trên máy chủ: thông tin kế hoạch, Hội đồng, Tổ thư ký, các hạn.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    tasks.prepare_database(settings)
    summary = _signed(settings, None, lambda: tasks.set_up(settings, Path(plan.campaign_file)), sign_off)
    artifacts.set_up(settings, summary)
    return summary


@flow(name="Tiếp nhận đăng ký sản phẩm", flow_run_name=run_name, log_prints=True)
def collect(registrations: RegistrationImport, campaign: str | None = None,
                          storage: Storage = Storage()) -> CollectResult:
    """Collect registrations: one file, or a folder with one workbook per commune. A file with
    errors stores nothing, unless ``partial``: then its valid rows are stored and the others go
    to ``<stem>.loi.xlsx`` beside it.

    Args:
        registrations: Tệp CSV/XLSX hoặc thư mục phiếu đăng ký các xã đã xác nhận.
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    tasks.prepare_database(settings)
    with artifacts.progress_of(campaign, "dang-ky"):
        summary = tasks.collect(settings, campaign, Path(registrations.registrations_file),
                                             registrations.partial, registrations.reason)
    artifacts.collect(summary)
    return summary


@flow(name="Đánh giá sơ bộ của UBND cấp xã", flow_run_name=run_name, log_prints=True)
def pre_assess(campaign: str | None = None, sign_off: SignOffOptions = SignOffOptions(),
               storage: Storage = Storage()) -> PreAssessResult:
    """The commune stage (1489, a province's plan): from the communes' lists already imported, each commune's
    report of its pre-assessment and its request to the province, one document per commune.

    Args:
        campaign: Mã kế hoạch, ví dụ bac-ninh-2026. Để trống: kế hoạch tạo gần nhất.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    return _stage(campaign, storage, sign_off, tasks.pre_assess, artifacts.pre_assess)


@flow(name="Kiểm tra, xét chọn hồ sơ đăng ký", flow_run_name=run_name, log_prints=True)
def verify(campaign: str | None = None, sign_off: SignOffOptions = SignOffOptions(),
                         storage: Storage = Storage()) -> VerifyResult:
    """Verify registrations: eligible, needs supplement (items, due date) or ineligible (reason);
    the lists for the council, a summary per commune, and a dossier-check notice to each producer.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    return _stage(campaign, storage, sign_off, tasks.verify, artifacts.verify)


@flow(name="Lên lịch họp Hội đồng", flow_run_name=run_name, log_prints=True)
def schedule(campaign: str | None = None, meeting: MeetingDetails = MeetingDetails(),
                             sign_off: SignOffOptions = SignOffOptions(),
                             storage: Storage = Storage()) -> ScheduleResult:
    """Schedule the council meeting: check lead time and deadline, issue the invitation and the
    blank score sheets; with print_packs, one PDF per member of their blank sheets.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        meeting: Ngày, giờ, địa điểm họp; để trống để dùng lịch trong kế hoạch.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    with artifacts.progress_of(campaign, "lich-hop"):
        summary = _signed(settings, campaign, lambda: tasks.schedule(
            settings, campaign, meeting.meeting_date, meeting.meeting_time, meeting.venue,
            meeting.invitation_date, meeting.print_packs), sign_off)
    artifacts.schedule(settings, summary)
    return summary


@flow(name="Ghi nhận phiếu đánh giá", flow_run_name=run_name, log_prints=True)
def score(campaign: str | None = None, scores: ScoreImport = ScoreImport(),
                  storage: Storage = Storage()) -> ScoreResult:
    """Record scores: import members' sheets (a reason makes changes a recorded re-scoring); with
    wait_for_members, pause for each member still missing sheets until all have submitted in the
    UI; then print the filled sheets of every product all present members have scored.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        scores: Tệp phiếu đánh giá cần nhập, hoặc chờ các thành viên chấm trên giao diện.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    summary = ScoreResult(file="", sheets=0, new=0, replaced=0, unchanged=0)
    if scores.scores_file:
        summary = tasks.score(settings, campaign, Path(scores.scores_file), scores.reason)
    if scores.wait_for_members:
        summary = replace(summary, from_form=tuple(collect_member_scores(settings, campaign, scores.member_timeout)))
    with artifacts.progress_of(campaign, "phieu-danh-gia"):
        summary = replace(summary, documents=tasks.issue_score_sheets(settings, campaign))
    artifacts.score(settings, campaign, summary)
    return summary


@flow(name="Tổng hợp điểm và phân hạng", flow_run_name=run_name, log_prints=True)
def rank(campaign: str | None = None, sign_off: SignOffOptions = SignOffOptions(),
                       storage: Storage = Storage(), meeting_end: time | None = None) -> RankResult:
    """Aggregate scores and rank: means, stars, caps; summary table, and the minutes once the meeting has ended.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
        meeting_end: Ghi khi phiên họp đã kết thúc: khóa phiếu đánh giá và lập biên bản với giờ kết thúc này.
            Để trống: giờ đã ghi (ocop meeting close --at, hoặc tệp kế hoạch); chưa có thì biên bản chờ.
    """
    if meeting_end is not None:
        tasks.close_meeting(tasks.resolve_settings(storage.db_url, storage.out_dir), campaign, meeting_end)
    return _stage(campaign, storage, sign_off, tasks.rank, artifacts.rank, "xep-hang")


@flow(name="Công nhận kết quả và cấp giấy chứng nhận", flow_run_name=run_name, log_prints=True)
def recognise(campaign: str | None = None, sign_off: SignOffOptions = SignOffOptions(),
                      storage: Storage = Storage()) -> RecogniseResult:
    """Recognise: where the edition lets this level recognise a star, the decision and certificates.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    return _stage(campaign, storage, sign_off, tasks.recognise, artifacts.recognise)


@flow(name="Đề nghị cấp trên đánh giá, phân hạng", flow_run_name=run_name, log_prints=True)
def refer(campaign: str | None = None, sign_off: SignOffOptions = SignOffOptions(),
                      storage: Storage = Storage()) -> ReferResult:
    """Refer to the province: the products at or above the edition's threshold, in a Tờ trình.

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất.
        sign_off: Có chờ người ký duyệt trên giao diện hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    return _stage(campaign, storage, sign_off, tasks.refer, artifacts.refer)


STAGE_FLOWS = (set_up, collect, pre_assess, verify, schedule,
               score, rank, recognise, refer)
