"""Front-desk handovers to acknowledge on the to-do list (bianmin.core.todos), registered in FrontdeskConfig.ready."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.core.todos import TodoItems, TodoRow, Urgency, page_items, register_todo, since_text
from bianmin.frontdesk.models import Handover
from bianmin.org.access import staff_of


def handovers_to_acknowledge(*, user: Any, limit: int) -> TodoItems:
    staff = staff_of(user)
    if staff is None:
        return TodoItems(0)
    qs = (
        Handover.objects.pending()
        .filter(to_staff=staff)
        .select_related("from_staff")
        .only("subject", "received_at", "from_staff__name")
        .order_by("received_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda h: TodoRow(
            h.subject,
            reverse("frontdesk:handovers") + f"#handover-{h.pk}",
            Urgency.TODAY,
            None,
            _("%(name)s %(since)s 代收") % {"name": h.from_staff.name, "since": since_text(h.received_at)},
        ),
    )


def register() -> None:
    register_todo(
        "frontdesk_handovers",
        handovers_to_acknowledge,
        label=cast(str, gettext_lazy("待接收的代收材料")),
        url_name="frontdesk:handovers",
        order=15,
    )
