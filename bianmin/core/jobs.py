"""Entry points of the core's periodic jobs (see periodic.py): no arguments, a short summary back."""

from __future__ import annotations

from bianmin.core import services


def prune_job_records() -> str:
    return f"清理 {services.job_records_prune()} 条"
