"""Reports' periodic job: the monthly rollups of closed months (missing ones built, dirty ones recomputed)."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "reports.rollups",
    every=dt.timedelta(minutes=10),
    func_path="bianmin.reports.rollups.refresh",
    label="计算已结束月份的统计汇总（补算缺失、重算改动）",
)
