from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bianmin.org.access import scope_filter, staff_of
from bianmin.org.models import LeadingGroupMember, OrgUnit, Post, Staff, Window


def today() -> dt.date:
    return timezone.localdate()


def org_units(*, user: Any) -> QuerySet[OrgUnit]:
    return scope_filter(OrgUnit.objects.all(), user, "path")


def public_centers() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.centers().filter(is_active=True)


def public_center(*, code: str) -> OrgUnit:
    return public_centers().get(code=code)


def default_center() -> OrgUnit | None:
    centers = public_centers()
    if settings.BIANMIN_DEFAULT_CENTER:
        found = centers.filter(code=settings.BIANMIN_DEFAULT_CENTER).first()
        if found is not None:
            return found
    return centers.filter(hall_kind=OrgUnit.HallKind.CENTER).order_by("path").first() or centers.first()


def center_of(unit: OrgUnit) -> OrgUnit | None:
    """The nearest unit at or above `unit` that has a hall."""
    if unit.hall_kind:
        return unit
    paths = unit.ancestors_paths()
    return OrgUnit.objects.centers().filter(path__in=paths).order_by("-depth").first()


@dataclass
class WindowPosts:
    window: Window
    a_posts: list[Post] = field(default_factory=list)
    b_posts: list[Post] = field(default_factory=list)


def windows_with_posts(*, center: OrgUnit, day: dt.date | None = None) -> list[WindowPosts]:
    """Each active window of a center with its A and B posts valid on `day`: two queries whatever the size."""
    day = day or today()
    posts = Post.objects.active_on(day).select_related("staff", "staff__department").order_by("kind", "valid_from")
    windows = (
        Window.objects.filter(center=center, is_active=True)
        .prefetch_related(Prefetch("posts", queryset=posts, to_attr="current_posts"), "departments")
        .order_by("number")
    )
    board = []
    for window in windows:
        entry = WindowPosts(window)
        for post in window.current_posts:
            (entry.a_posts if post.kind == Post.Kind.A else entry.b_posts).append(post)
        board.append(entry)
    return board


def window_in_scope(*, user: Any, window_id: int) -> Window:
    from bianmin.org.access import get_in_scope

    return get_in_scope(Window.objects.select_related("center"), user, "center__path", pk=window_id)


def post_history(*, window: Window) -> QuerySet[Post]:
    return window.posts.select_related("staff", "replaces__staff").order_by("kind", "-valid_from")


def post_candidates(*, user: Any, post: Post, on: dt.date | None = None) -> QuerySet[Staff]:
    """Who can take over `post` from `on` (today by default): active staff of the window's center or of a unit above
    it, in the user's scope, other than the holder, holding no other post on this window and, for an A post, no A
    post elsewhere (§6(1); org.services.holder_clash says why anyone else is refused)."""
    day = on or today()
    center = post.window.center
    active = Post.objects.active_on(day).exclude(pk=post.pk)
    taken = active.filter(window=post.window)
    if post.kind == Post.Kind.A:
        taken = taken | active.filter(kind=Post.Kind.A)
    return (
        staff_in_scope(user=user)
        .filter(is_active=True, org_unit__path__in=[center.path, *center.ancestors_paths()])
        .exclude(pk=post.staff_id)
        .exclude(pk__in=taken.values("staff_id"))
        .order_by("org_unit__path", "name")
    )


def current_posts_of(*, staff: Staff, day: dt.date | None = None) -> QuerySet[Post]:
    return Post.objects.active_on(day or today()).filter(staff=staff).select_related("window", "window__center")


def leading_group(*, unit: OrgUnit) -> QuerySet[LeadingGroupMember]:
    return LeadingGroupMember.objects.filter(org_unit=unit).order_by("body", "sort_order", "id")


def staff_in_scope(*, user: Any) -> QuerySet[Staff]:
    return scope_filter(Staff.objects.select_related("org_unit", "department"), user, "org_unit__path")


def user_center(*, user: Any) -> OrgUnit | None:
    staff = staff_of(user)
    if staff is None:
        return None
    return center_of(staff.org_unit)
