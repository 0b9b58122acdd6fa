"""Background jobs (Django's task framework). Each is idempotent: a job re-run after its worker died, or queued
twice, does its work once."""

from __future__ import annotations

from django_tasks import task

from bianmin.notify import services


@task()
def deliver_notification(notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)
