from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.forms import add_service_errors
from bianmin.core.selectors import work_calendar
from bianmin.core.todos import todo_rows, todo_sections
from bianmin.core.workcalendar import working_day_of
from bianmin.org import selectors
from bianmin.org.access import MANAGERS, get_in_scope, has_role, role_of, staff_of, staff_required
from bianmin.org.forms import PostReplaceForm
from bianmin.org.models import OrgUnit, Post
from bianmin.org.services import post_replace


def public_home(request: HttpRequest) -> HttpResponse:
    center = selectors.default_center()
    return render(request, "org/public_home.html", {"center": center, "centers": selectors.public_centers()})


def staff_board(request: HttpRequest, code: str) -> HttpResponse:
    """挂牌上岗 (§8(1)3): each window with its A and B staff, their scope and the complaint channel."""
    try:
        center = selectors.public_center(code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc
    board = selectors.windows_with_posts(center=center)
    return render(request, "org/staff_board.html", {"center": center, "board": board})


TODO_ROWS = 5


@staff_required()
def staff_home(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    role = role_of(request.user)
    # The to-do list leads: every app's rows (bianmin.core.todos), the first few of each kind, most urgent first.
    todos = todo_sections(user=request.user, role=role, limit=TODO_ROWS)
    center = selectors.user_center(user=request.user)
    posts = list(selectors.current_posts_of(staff=staff)) if staff else []
    now = timezone.localtime()
    day, rule = working_day_of(now, work_calendar())
    hours = center.office_hours if center else None
    return render(
        request,
        "org/staff_home.html",
        {
            "staff": staff,
            "role": role,
            "todos": todos,
            "todo_rows": todo_rows(todos),
            "todo_total": sum(section.count for section in todos),
            "center": center,
            "posts": posts,
            "today": day,
            "day_rule": rule,
            "hours": hours,
            "extended": center.extended_hours.filter(date=day) if center else [],
        },
    )


@staff_required()
def org_tree(request: HttpRequest) -> HttpResponse:
    units = selectors.org_units(user=request.user)
    return render(request, "org/org_tree.html", {"units": units})


@staff_required()
def org_unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_in_scope(OrgUnit.objects.all(), request.user, "path", code=code)
    board = selectors.windows_with_posts(center=unit) if unit.hall_kind else []
    return render(
        request,
        "org/org_unit_detail.html",
        {"unit": unit, "board": board, "group": selectors.leading_group(unit=unit), "children": unit.children.all()},
    )


def _chosen_post(raw: str | None, current: QuerySet[Post]) -> Post | None:
    try:
        return current.get(pk=int(raw or ""))
    except (ValueError, Post.DoesNotExist):
        return None


@staff_required()
def window_detail(request: HttpRequest, window_id: int) -> HttpResponse:
    """A window's post history; the director picks a current post ("调换") and then who takes it over, from the people
    who can (org.selectors.post_candidates)."""
    window = selectors.window_in_scope(user=request.user, window_id=window_id)
    can_manage = has_role(request.user, MANAGERS)
    today = selectors.today()
    current = Post.objects.active_on(today).filter(window=window).select_related("staff", "window__center")
    chosen = _chosen_post(request.POST.get("post") if request.method == "POST" else request.GET.get("replace"), current)
    form = None
    if can_manage and chosen is not None:
        form = PostReplaceForm(
            request.POST or None,
            posts=current,
            staff=selectors.post_candidates(user=request.user, post=chosen, on=today),
            initial={"post": chosen, "on": today},
        )
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(_("只有中心主任或系统管理员可以调换岗位人员。"), status=403)
        if form is None:
            return HttpResponse(_("请选择要调换的岗位。"), status=400)
        if form.is_valid():
            try:
                post_replace(
                    post=form.cleaned_data["post"],
                    new_staff=form.cleaned_data["new_staff"],
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("岗位人员已调换，原岗位记录已保留。"))
                return redirect("org:window_detail", window_id=window.pk)
    return render(
        request,
        "org/window_detail.html",
        {
            "window": window,
            "history": selectors.post_history(window=window),
            "current": current,
            "chosen": chosen,
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if request.method == "POST" else 200,
    )
