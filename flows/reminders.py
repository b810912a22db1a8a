"""Deadline reminders: a daily run lists what is still open before the plans' deadlines.

Meant to run every day (Asia/Ho_Chi_Minh): on a working day that is a set number of working days
before a deadline it reports what is still open, and on the first working day after a deadline
what is overdue; on days off it reports nothing. It only reads the database
(ocop/services/reminders/report.py has the rules).
"""

from __future__ import annotations

from prefect import flow

from flows import artifacts, tasks
from flows.params import ReminderOptions, Storage, run_name
from ocop.services.reminders.report import RemindersReport


@flow(name="Nhắc hạn kế hoạch", flow_run_name=run_name, log_prints=True)
def remind(campaign: str | None = None, reminders: ReminderOptions = ReminderOptions(),
                     storage: Storage = Storage()) -> RemindersReport:
    """Deadline reminders (read-only): what is open before each deadline due for a reminder, and
    what is overdue the working day after; logged item by item, with a table and a summary artifact;
    then the certificates of every campaign due for re-evaluation (their own table).

    Args:
        campaign: Mã kế hoạch, ví dụ luc-nam-2020. Để trống: mọi kế hoạch trong cơ sở dữ liệu.
        reminders: Ngày xét (để trống: hôm nay theo giờ Việt Nam) và số ngày làm việc nhắc trước hạn.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    report = tasks.remind(settings, campaign, reminders.on, list(reminders.days_before),
                          reminders.expiring_months)
    artifacts.reminders(campaign, report)
    return report
