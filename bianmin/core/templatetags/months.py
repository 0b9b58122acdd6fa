from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from bianmin.core.months import month_choices

register = template.Library()


@register.inclusion_tag("core/month_select.html")
def month_select(selected: dt.date | None, id: str = "f-month", name: str = "month") -> dict[str, Any]:
    """`{% month_select month %}`: a `<select>` of months reading "2026年11月", values `YYYY-MM`."""
    value = f"{selected:%Y-%m}" if selected else ""
    return {"id": id, "name": name, "value": value, "choices": month_choices(selected, timezone.localdate())}
