"""Entry points of the notify app's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.notify import services


def assigned_task_reminders() -> str:
    sent = services.assigned_task_send_reminders()
    return f"即将到期提醒 {sent['near']} 件，超期提醒 {sent['overdue']} 件"


def case_deadline_reminders() -> str:
    sent = services.case_send_reminders()
    return f"办件即将到期提醒 {sent['near']} 件，超期提醒 {sent['overdue']} 件"


def requeue_stale_notifications() -> str:
    return f"重新排队 {services.notification_requeue_stale()} 条"


def prune_job_records() -> str:
    return f"清理 {services.job_records_prune()} 条"
