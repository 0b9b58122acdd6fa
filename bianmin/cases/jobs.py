"""Entry points of the cases app's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.cases.reminders import case_send_reminders


def case_deadline_reminders() -> str:
    sent = case_send_reminders()
    return f"办件即将到期提醒 {sent['near']} 件，超期提醒 {sent['overdue']} 件"
