"""The catalog's periodic job: the term frequencies search weighs words by, counted again every hour."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "catalog.term_frequencies",
    every=dt.timedelta(hours=1),
    offset=dt.timedelta(minutes=7),
    func_path="bianmin.catalog.search_upkeep.term_frequencies_refresh",
    label="重新统计事项检索词频",
)
