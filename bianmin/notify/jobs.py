"""Entry points of the notify app's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.notify import services


def requeue_stale_notifications() -> str:
    return f"重新排队 {services.notification_requeue_stale()} 条"
