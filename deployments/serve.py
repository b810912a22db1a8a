"""Serve every stage flow and the whole campaign as deployments from this one process.

    .venv/bin/python deployments/serve.py     # needs PREFECT_API_URL pointing at a Prefect server

For a server with workers, deployments/prefect.yaml declares the same deployments for
`prefect deploy --all`.
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment

from flows.campaign import run_campaign
from flows.stages import (
    aggregate_and_rank,
    collect_registrations,
    recognise_results,
    record_scores,
    refer_to_province,
    schedule_council_meeting,
    set_up_campaign,
    verify_registrations,
)

# Deployment names are the plan's stages in English, for `prefect deployment run`;
# the flows carry the Vietnamese titles a clerk sees in the UI.
STAGES = {
    "set-up-campaign": set_up_campaign,
    "collect-registrations": collect_registrations,
    "verify-registrations": verify_registrations,
    "schedule-council-meeting": schedule_council_meeting,
    "record-scores": record_scores,
    "aggregate-and-rank": aggregate_and_rank,
    "recognise-results": recognise_results,
    "refer-to-province": refer_to_province,
    "run-campaign": run_campaign,
}


def deployments() -> list[RunnerDeployment]:
    return [f.to_deployment(name=name, tags=["ocop"]) for name, f in STAGES.items()]


if __name__ == "__main__":
    # Keep schedules active across restarts (notes/prefect.md, pitfall 5).
    serve(*deployments(), pause_on_shutdown=False)
