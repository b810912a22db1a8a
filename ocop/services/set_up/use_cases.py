"""Set-up stage: the campaign from its file, the council and secretariat, the decisions and the plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocop.persistence.db import unit_of_work
from ocop.services import campaigns
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import specs
from ocop.services.paperwork.register import current_document
from ocop.services.paperwork.use_cases import SignOffResult
from ocop.services.runtime import DocumentsSummary, merge_summaries, register_for
from ocop.services.set_up import plan_documents
from ocop.settings import Settings


@dataclass(frozen=True, slots=True)
class SetUpResult:
    campaign: str  # the campaign's code
    created: bool
    changed: bool
    council: int  # members
    secretariat: int  # members
    documents: DocumentsSummary
    follow_up: bool  # the Quy chế decision and the plan wait for what they cite to be issued: run again after sign-off
    sign_off: SignOffResult | None = None


def set_up(settings: Settings, path: Path) -> SetUpResult:
    with unit_of_work(settings.database_url) as s:
        summary = campaigns.set_up(s, path)
        campaign = get_campaign(s, summary.code)
        register = register_for(settings, s, campaign)
        first = register.produce([specs.council_decision(campaign)])
        decision = current_document(s, campaign, "qd_thanh_lap_hoi_dong")
        # the Quy chế decision cites the council decision by number and date: drafted once it is issued
        decided = decision is not None and decision.status == "issued"
        second = register.produce([plan_documents.council_rules(campaign)] if decided else [])
        rules = current_document(s, campaign, "qd_ban_hanh_quy_che")
        # the plan cites both decisions by number: it is drafted once they are issued
        ready = False
        plan = None
        if decision is not None and decided and rules is not None and rules.status == "issued":
            ready = True
            plan_on = plan_documents.plan_date(campaign)
            plan = plan_documents.plan(
                campaign,
                plan_documents.reference(decision, f"Chủ tịch {campaign.issuing_body}", plan_on),
                plan_documents.reference(rules, campaign.council_name, plan_on))
        third = register.produce([plan] if plan else [])
        waiting = not decided or (not ready and bool(campaign.details.plan))
        return SetUpResult(summary.code, summary.created, summary.changed, summary.council, summary.secretariat,
                           merge_summaries(first, second, third), waiting)
