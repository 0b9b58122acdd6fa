from __future__ import annotations

from django import template

from bianmin.catalog.pdf import time_limit_text

register = template.Library()


@register.simple_tag
def time_limit(days: int, unit: str, mode: str) -> str:
    """`{% time_limit item.statutory_limit item.limit_unit item.default_mode %}`: "5个工作日", or "即时办结"."""
    return time_limit_text(days, unit, mode)
