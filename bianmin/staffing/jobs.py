from __future__ import annotations

from django.utils import timezone

from bianmin.staffing import services


def unmanned_sweep() -> str:
    result = services.unmanned_sweep(timezone.now())
    return f"新发现无人在岗 {len(result.opened)} 个，恢复 {len(result.closed)} 个"
