"""Entry points of the core's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.core import services
from bianmin.core.models import Heartbeat


def prune_job_records() -> str:
    return f"清理 {services.job_records_prune()} 条"


def worker_heartbeat() -> str:
    """Run by whichever worker takes it: proves that the scheduler queues and a worker executes (health check)."""
    beat = services.heartbeat_record(kind=Heartbeat.Kind.WORKER)
    return beat.instance
