from __future__ import annotations

from bianmin.oversight import accountability


def accountability_sweep() -> str:
    return f"新增候选 {accountability.accountability_sweep()} 条"
