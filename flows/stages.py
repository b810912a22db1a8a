"""One flow per stage of the plan, named as the plan names them (UI titles in Vietnamese).

Stages that draft numbered documents take ``wait_for_approval``: with it, the run pauses until
the signer submits the sign-off form in the Prefect UI; without it, drafts wait for
`ocop documents approve` / `issue` (or are approved at once when the campaign's sign-off is auto).
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

from prefect import flow

from flows import artifacts, tasks
from flows.member_scores import collect_member_scores
from flows.sign_off import sign_off

HOUR = 3600


def _signed(settings, campaign: str | None, run, wait: bool, timeout: int) -> dict[str, Any]:  # noqa: ANN001
    """Run a stage's document task and sign off its drafts; when documents it waits on (the plan
    cites the decisions, certificates cite the recognising decision) were just issued, run again."""
    issued: list[str] = []
    for _ in range(3):
        summary = run()
        signed = sign_off(settings, campaign or summary.get("code"), summary["documents"]["pending"], wait, timeout)
        issued += signed["issued"]
        if not (summary.get("follow_up") and signed["issued"]):
            break
    summary["sign_off"] = {**signed, "issued": issued}
    return summary


@flow(name="Lập kế hoạch và thành lập Hội đồng", log_prints=True)
def set_up_campaign(campaign_file: str, db_url: str | None = None, out_dir: str | None = None,
                    wait_for_approval: bool = False, approval_timeout: int = HOUR) -> dict[str, Any]:
    """Set up: create the campaign from its file, the council and secretariat, and the QĐ thành lập."""
    settings = tasks.resolve_settings(db_url, out_dir)
    tasks.prepare_database(settings)
    return _signed(settings, None, lambda: tasks.set_up_campaign(settings, Path(campaign_file)),
                   wait_for_approval, approval_timeout)


@flow(name="Tiếp nhận đăng ký sản phẩm", log_prints=True)
def collect_registrations(registrations_file: str, campaign: str | None = None,
                          db_url: str | None = None, out_dir: str | None = None,
                          partial: bool = False) -> dict[str, Any]:
    """Collect registrations: one file, or a folder with one workbook per commune. A file with
    errors stores nothing, unless ``partial``: then its valid rows are stored and the others go
    to ``<stem>.loi.xlsx`` beside it."""
    settings = tasks.resolve_settings(db_url, out_dir)
    tasks.prepare_database(settings)
    return tasks.import_registrations(settings, campaign, Path(registrations_file), partial)


@flow(name="Kiểm tra, xét chọn hồ sơ đăng ký", log_prints=True)
def verify_registrations(campaign: str | None = None, db_url: str | None = None, out_dir: str | None = None,
                         wait_for_approval: bool = False, approval_timeout: int = HOUR) -> dict[str, Any]:
    """Verify registrations: eligible, needs supplement (items, due date) or ineligible (reason);
    the lists for the council, a summary per commune, and a dossier-check notice to each producer."""
    settings = tasks.resolve_settings(db_url, out_dir)
    summary = _signed(settings, campaign, lambda: tasks.verify_registrations(settings, campaign),
                      wait_for_approval, approval_timeout)
    artifacts.verification(summary["campaign"], summary)
    return summary


@flow(name="Lên lịch họp Hội đồng", log_prints=True)
def schedule_council_meeting(campaign: str | None = None, meeting_date: date | None = None,
                             meeting_time: time | None = None, venue: str | None = None,
                             invitation_date: date | None = None, db_url: str | None = None,
                             out_dir: str | None = None, wait_for_approval: bool = False,
                             approval_timeout: int = HOUR, print_packs: bool = False) -> dict[str, Any]:
    """Schedule the council meeting: check lead time and deadline, issue the invitation and the
    blank score sheets; with print_packs, one PDF per member of their blank sheets."""
    settings = tasks.resolve_settings(db_url, out_dir)
    return _signed(settings, campaign, lambda: tasks.schedule_meeting(
        settings, campaign, meeting_date, meeting_time, venue, invitation_date, print_packs),
        wait_for_approval, approval_timeout)


@flow(name="Ghi nhận phiếu đánh giá", log_prints=True)
def record_scores(scores_file: str | None = None, campaign: str | None = None, db_url: str | None = None,
                  out_dir: str | None = None, reason: str = "", wait_for_members: bool = False,
                  member_timeout: int = HOUR) -> dict[str, Any]:
    """Record scores: import members' sheets (a reason makes changes a recorded re-scoring); with
    wait_for_members, pause for each member still missing sheets until all have submitted in the
    UI; then print the filled sheets of every product all present members have scored."""
    settings = tasks.resolve_settings(db_url, out_dir)
    summary: dict[str, Any] = {"file": "", "sheets": 0, "new": 0, "replaced": 0, "unchanged": 0}
    if scores_file:
        summary = tasks.import_scores(settings, campaign, Path(scores_file), reason)
    if wait_for_members:
        summary["from_form"] = collect_member_scores(settings, campaign, member_timeout)
    return {**summary, "documents": tasks.render_score_sheets(settings, campaign)}


@flow(name="Tổng hợp điểm và phân hạng", log_prints=True)
def aggregate_and_rank(campaign: str | None = None, db_url: str | None = None, out_dir: str | None = None,
                       wait_for_approval: bool = False, approval_timeout: int = HOUR) -> dict[str, Any]:
    """Aggregate scores and rank: means, stars, caps; summary table and minutes."""
    settings = tasks.resolve_settings(db_url, out_dir)
    summary = _signed(settings, campaign, lambda: tasks.rank_products(settings, campaign),
                      wait_for_approval, approval_timeout)
    artifacts.ranking(summary["campaign"], summary)
    return summary


@flow(name="Công nhận kết quả và cấp giấy chứng nhận", log_prints=True)
def recognise_results(campaign: str | None = None, db_url: str | None = None, out_dir: str | None = None,
                      wait_for_approval: bool = False, approval_timeout: int = HOUR) -> dict[str, Any]:
    """Recognise: where the edition lets this level recognise a star, the decision and certificates."""
    settings = tasks.resolve_settings(db_url, out_dir)
    return _signed(settings, campaign, lambda: tasks.recognise_products(settings, campaign),
                   wait_for_approval, approval_timeout)


@flow(name="Đề nghị cấp trên đánh giá, phân hạng", log_prints=True)
def refer_to_province(campaign: str | None = None, db_url: str | None = None, out_dir: str | None = None,
                      wait_for_approval: bool = False, approval_timeout: int = HOUR) -> dict[str, Any]:
    """Refer to the province: the products at or above the edition's threshold, in a Tờ trình."""
    settings = tasks.resolve_settings(db_url, out_dir)
    summary = _signed(settings, campaign, lambda: tasks.refer_products(settings, campaign),
                      wait_for_approval, approval_timeout)
    artifacts.referral(summary["campaign"], summary)
    return summary


STAGE_FLOWS = (set_up_campaign, collect_registrations, verify_registrations, schedule_council_meeting,
               record_scores, aggregate_and_rank, recognise_results, refer_to_province)
