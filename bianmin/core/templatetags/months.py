from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bianmin.core.months import month_choices

register = template.Library()


@register.simple_tag
def month_select(selected: dt.date | None, id: str = "f-month", name: str = "month") -> SafeString:
    """`{% month_select month %}`: a `<select>` of months reading "2026年11月", values `YYYY-MM`. Written in Python:
    its ~90 options cost a template loop ~1 ms a page; the same select for the same month and day is made once."""
    return _select(selected.replace(day=1) if selected else None, timezone.localdate(), id, name)


@functools.lru_cache(maxsize=256)
def _select(selected: dt.date | None, today: dt.date, id: str, name: str) -> SafeString:
    value = f"{selected:%Y-%m}" if selected else ""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == value else "", label) for v, label in month_choices(selected, today)),
    )
    return format_html('<select id="{}" name="{}" class="month-select">{}</select>', id, name, options)
