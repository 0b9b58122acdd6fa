"""Entry points of the assignments app's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.assignments import services


def assigned_task_reminders() -> str:
    sent = services.assigned_task_send_reminders()
    return f"即将到期提醒 {sent['near']} 件，超期提醒 {sent['overdue']} 件"
