from __future__ import annotations

from typing import Any

from django import template

from bianmin.assignments import selectors

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("assignments/tasks_card.html", takes_context=True)
def my_tasks_card(context: template.Context) -> dict[str, Any]:
    return selectors.my_task_summary(user=_user(context))


OVERDUE_PANEL_ROWS = 10


@register.inclusion_tag("assignments/director_tasks_panel.html", takes_context=True)
def overdue_tasks_panel(context: template.Context) -> dict[str, Any]:
    """For the director's case board: the assigned tasks in the user's scope still open past their deadline."""
    tasks, total = selectors.overdue_panel(user=_user(context), rows=OVERDUE_PANEL_ROWS)
    return {"tasks": tasks, "total": total}
