"""Online applications to pre-review on the to-do list (bianmin.core.todos), registered in ApiConfig.ready."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bianmin.api.models import OnlineApplication
from bianmin.cases.access import INTAKE_ROLES as PREREVIEW_ROLES
from bianmin.cases.models import Status
from bianmin.core.todos import TodoItems, TodoRow, page_items, register_todo, urgency_of
from bianmin.org.access import scope_filter


def applications_to_prereview(*, user: Any, limit: int) -> TodoItems:
    now = timezone.now()
    qs = (
        scope_filter(OnlineApplication.objects.filter(case__status=Status.SUBMITTED), user, "case__center__path")
        .select_related("case")
        .only("case__number", "case__item_name", "case__applicant_name", "case__due_at", "case__received_at")
        .order_by("case__received_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda a: TodoRow(
            f"{a.case.number} {a.case.item_name}",
            reverse("api:online_detail", args=[a.case.number]),
            urgency_of(a.case.due_at, now=now),
            a.case.due_at,
            a.case.applicant_name,
        ),
    )


def register() -> None:
    register_todo(
        "online_prereview",
        applications_to_prereview,
        label=cast(str, gettext_lazy("网上申报待预审")),
        url_name="api:online_list",
        roles=PREREVIEW_ROLES,
        order=16,
    )
