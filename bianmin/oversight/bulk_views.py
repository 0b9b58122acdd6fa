"""Deciding or dismissing several accountability candidates at once (the list page's ticked rows, one reason)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.org.access import staff_required
from bianmin.oversight import selectors
from bianmin.oversight.access import DECIDERS
from bianmin.oversight.forms import BulkDecisionForm
from bianmin.oversight.models import Accountability
from bianmin.oversight.services.bulk import MAX_RECORDS, accountability_decide_many, accountability_dismiss_many
from bianmin.oversight.views import accountability_page


def _ids(raw: list[str]) -> list[int]:
    return [int(value) for value in raw if value.isdigit()][: MAX_RECORDS + 1]


@require_POST
@staff_required(DECIDERS)
def accountability_bulk(request: HttpRequest) -> HttpResponse:
    wanted = _ids(request.POST.getlist("ids"))
    # Only records the user may see: any other id is refused by the form as "not found or not yours".
    records = {r.pk: r for r in selectors.accountability_list(user=request.user).filter(pk__in=wanted)}
    form = BulkDecisionForm(request.POST, ids=list(records))
    back = redirect(reverse("oversight:accountability_list") + "?status=candidate")
    # Refused: the list again with what was chosen and typed (the reason may be long), not an empty form.
    ticked = frozenset(wanted)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return accountability_page(request, Accountability.Status.CANDIDATE, form, ticked, "1")
    chosen = [records[pk] for pk in form.cleaned_data["ids"]]
    data = form.cleaned_data
    try:
        if data["action"] == BulkDecisionForm.DECIDE:
            count = accountability_decide_many(
                records=chosen, sanction=data["sanction"], reason=data["reason"], actor=request.user
            )
            messages.success(request, _("已对 %(n)s 条记录作出处理决定。") % {"n": count})
        else:
            count = accountability_dismiss_many(records=chosen, reason=data["reason"], actor=request.user)
            messages.success(request, _("已排除 %(n)s 条候选记录。") % {"n": count})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return accountability_page(request, Accountability.Status.CANDIDATE, form, ticked, "1")
    return back
