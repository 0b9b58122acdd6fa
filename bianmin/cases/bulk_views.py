"""Acknowledging several cases handed to the user at once (the workbench's ticked rows)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import services
from bianmin.cases.models import CaseHandover
from bianmin.cases.views import WORKBENCH_ROLES
from bianmin.org.access import scope_filter, staff_required

MAX_ROWS = 100


@staff_required(WORKBENCH_ROLES)
@require_POST
def handovers_acknowledge(request: HttpRequest) -> HttpResponse:
    ids = sorted({int(v) for v in request.POST.getlist("ids") if v.isdigit()})[:MAX_ROWS]
    if not ids:
        messages.error(request, _("请至少选择一件移交的办件。"))
        return redirect("cases:workbench")
    chosen = list(
        scope_filter(CaseHandover.objects.filter(pk__in=ids), request.user, "case__center__path")
        .select_related("case")
        .order_by("created_at", "id")
    )
    failed = services.handovers_acknowledge_many(handovers=chosen, actor=request.user)
    done = len(chosen) - len(failed)
    if done:
        messages.success(request, _("已确认接收 %(n)s 件办件，办件和材料已转由您负责。") % {"n": done})
    for handover, reason in failed:
        messages.error(
            request, _("办件 %(number)s 未能确认接收：%(reason)s") % {"number": handover.case.number, "reason": reason}
        )
    if len(chosen) < len(ids):
        messages.error(request, _("有 %(n)s 件移交不存在或不在您的范围内，未作处理。") % {"n": len(ids) - len(chosen)})
    return redirect("cases:workbench")
