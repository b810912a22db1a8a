"""The use cases, in the order of the plan: each runs in one unit of work.

This module only lists them; each lives with its stage's services (``ocop/services/<group>/``).
Flows call them through tasks; the CLI and tests may call them directly.
"""

from ocop.services.council.use_cases import (
    attendance,
    close_meeting,
    issue_score_sheets,
    missing_sheets,
    record_part_totals,
    reopen,
    schedule,
    score,
    scores_progress,
    scores_templates,
)
from ocop.services.paperwork.use_cases import approve_documents, cancel_document, documents, issue_documents
from ocop.services.registrations.use_cases import (
    collect,
    has_commune_stage,
    pre_assess,
    record_inspection,
    registration_template,
    verify,
)
from ocop.services.reminders.use_cases import remind
from ocop.services.results.use_cases import rank, recognise, refer
from ocop.services.runtime import campaign_code, prepare_database
from ocop.services.set_up.use_cases import set_up

__all__ = [  # noqa: RUF022 - in the order of the plan, one line per stage
    # set-up
    "prepare_database", "set_up", "campaign_code",
    # collect, verify
    "registration_template", "collect", "has_commune_stage", "pre_assess", "record_inspection", "verify",
    # schedule, score
    "schedule", "attendance", "scores_templates", "score", "record_part_totals", "missing_sheets",
    "scores_progress", "close_meeting", "reopen", "issue_score_sheets",
    # rank, recognise, refer
    "rank", "recognise", "refer",
    # the register
    "documents", "approve_documents", "issue_documents", "cancel_document",
    # remind
    "remind",
]
