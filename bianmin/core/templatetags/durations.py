from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from bianmin.core.durations import describe_duration

register = template.Library()


@register.filter
def duration_since(start: dt.datetime | None, end: dt.datetime | None = None) -> str:
    """`{{ started_at|duration_since:ended_at }}`: "3小时5分钟"; up to now when no end is given."""
    if start is None:
        return ""
    return describe_duration((end or timezone.now()) - start)
