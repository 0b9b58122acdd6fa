"""The background job that runs a claimed period of a periodic job (Django's task framework). Idempotent."""

from __future__ import annotations

from django_tasks import task

from bianmin.core import services


@task()
def run_periodic_job(run_id: int) -> str:
    return services.periodic_run_execute(run_id=run_id)
