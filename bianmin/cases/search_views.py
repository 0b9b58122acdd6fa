"""The staff case search page and its spreadsheet export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases import search
from bianmin.cases.exports import case_search_xlsx
from bianmin.cases.search_forms import CaseSearchForm
from bianmin.core.downloads import XLSX, file_response
from bianmin.core.services import export_logged
from bianmin.org.access import staff_of, staff_required
from bianmin.org.models import Role
from bianmin.org.selectors import user_center

SEARCH_ROLES = frozenset(set(Role.values) - {Role.DISTRICT})


def _form(request: HttpRequest) -> CaseSearchForm:
    choices = search.search_choices(user=request.user)
    data = request.GET.copy()
    data.pop("after", None)
    return CaseSearchForm(data or None, items=choices.items, windows=choices.windows, handlers=choices.handlers)


def _my_staff_id(request: HttpRequest) -> int | None:
    staff = staff_of(request.user)
    return staff.pk if staff is not None else None


@staff_required(SEARCH_ROLES)
def case_search(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    page = None
    query = ""
    if form.is_bound and form.is_valid():
        filters = form.filters(my_staff_id=_my_staff_id(request))
        if not filters.is_empty():
            page = search.search_cases(user=request.user, filters=filters, cursor=request.GET.get("after"))
            params = request.GET.copy()
            params.pop("after", None)
            query = params.urlencode()
    context = {"form": form, "page": page, "query": query, "export_limit": search.EXPORT_LIMIT}
    if getattr(request, "htmx", False) and request.GET.get("after"):
        return render(request, "cases/search.html#result_rows", context)
    return render(request, "cases/search.html", context, status=400 if form.is_bound and form.errors else 200)


@staff_required(SEARCH_ROLES)
def case_search_export(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    back = f"{reverse('cases:search')}?{request.GET.urlencode()}"
    if not form.is_bound or not form.is_valid():
        messages.error(request, _("请先修正查询条件，再导出。"))
        return redirect(back)
    filters = form.filters(my_staff_id=_my_staff_id(request))
    if filters.is_empty():
        messages.error(request, _("请至少填写一个查询条件，再导出。"))
        return redirect(back)
    try:
        cases = search.export_cases(user=request.user, filters=filters)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    now = timezone.localtime()
    export_logged(
        actor=request.user,
        what="办件查询结果",
        scope=user_center(user=request.user),
        data={"filters": request.GET.urlencode(), "rows": len(cases)},
    )
    content = case_search_xlsx(
        cases,
        subtitle=_("共 %(count)s 件；个人信息已脱敏；导出时间：%(now)s")
        % {"count": len(cases), "now": now.strftime("%Y-%m-%d %H:%M")},
    )
    return file_response(content, filename=f"办件查询结果-{now:%Y%m%d-%H%M}.xlsx", content_type=XLSX)
