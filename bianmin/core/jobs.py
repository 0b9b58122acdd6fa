"""Entry points of the core's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.core import services
from bianmin.core.models import Heartbeat


def prune_job_records() -> str:
    return f"清理 {services.job_records_prune()} 条"


def seal_access_log() -> str:
    from bianmin.core.audit import access_log_seal

    seal = access_log_seal()
    return f"封存 {seal.data['count']} 条" if seal is not None else "无待封存记录"


def worker_heartbeat() -> str:
    """Run by whichever worker takes it: proves that the scheduler queues and a worker executes (health check)."""
    beat = services.heartbeat_record(kind=Heartbeat.Kind.WORKER)
    return beat.instance
