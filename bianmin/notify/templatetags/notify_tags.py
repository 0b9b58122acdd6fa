from __future__ import annotations

from typing import Any

from django import template

from bianmin.notify import selectors

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("notify/bell.html", takes_context=True)
def notify_bell(context: template.Context) -> dict[str, Any]:
    return {"unread": selectors.unread_count(user=_user(context))}
