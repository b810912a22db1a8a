"""The parent flow: the whole plan from set-up to referral, one stage flow after another."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows import stages


@flow(name="Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch", log_prints=True)
def run_campaign(campaign_file: str, registrations_file: str, scores_file: str,
                 db_url: str | None = None, out_dir: str | None = None,
                 wait_for_approval: bool = False) -> dict[str, Any]:
    """Run every stage of the plan in order and return each stage's summary."""
    where = {"db_url": db_url, "out_dir": out_dir}
    signed = {**where, "wait_for_approval": wait_for_approval}
    setup = stages.set_up_campaign(campaign_file, **signed)
    code = setup["code"]
    return {
        "campaign": code,
        "set_up": setup,
        "collect": stages.collect_registrations(registrations_file, code, **where),
        "verify": stages.verify_registrations(code, **signed),
        "schedule": stages.schedule_council_meeting(code, **signed),
        "scores": stages.record_scores(scores_file, code, **where),
        "rank": stages.aggregate_and_rank(code, **signed),
        "recognise": stages.recognise_results(code, **signed),
        "refer": stages.refer_to_province(code, **signed),
    }
