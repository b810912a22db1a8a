"""Remind: what is still open before each deadline of the plan (read-only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ocop.persistence.db import unit_of_work
from ocop.rules.certificates import RENEWAL_MONTHS
from ocop.services.reminders import report as deadline_reminders
from ocop.services.reminders.renewals import due_certificates
from ocop.services.reminders.report import RemindersReport
from ocop.settings import Settings


def remind(settings: Settings, code: str | None, on: date | None = None,
              days_before: list[int] | None = None, months: int = RENEWAL_MONTHS) -> RemindersReport:
    """Deadline reminders, read-only: on ``on`` (default: today in the settings' time zone), what
    is still open before each deadline due for a reminder ``days_before`` working days ahead
    (default 5 and 1), and what is overdue on the first working day after a deadline; for one
    campaign, or every campaign when ``code`` is None (ocop/services/reminders/report.py). On a
    working day, also the certificates of every campaign expiring within ``months`` (default 12) of
    ``on`` or already expired, whatever ``code`` says (ocop/services/reminders/renewals.py)."""
    on = on or deadline_reminders.today(settings.timezone)
    leads = deadline_reminders.lead_times(days_before)
    window = deadline_reminders.renewal_months(months)
    deadline_reminders.require_database(settings.database_url)
    with unit_of_work(settings.database_url) as s:
        report = deadline_reminders.report(s, on, leads, code)
        if report.working_day:
            report = replace(report, renewals=due_certificates(s, on, window))
        s.rollback()  # read-only: nothing loaded here is ever written back
        return report
