from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.org.models import Post, Staff, Window
from bianmin.org.postings import Span, first_day_without_a


def check_a_coverage(*, window: Window, spans: list[Span], since: dt.date) -> None:
    """§6(1): a window is never left without an A post. Raises a ValidationError naming the first gap."""
    gap = first_day_without_a(spans, since)
    if gap is not None:
        raise ValidationError(
            _("%(window)s 自 %(day)s 起没有A岗人员。每个窗口必须始终安排A岗（常驻）工作人员。")
            % {"window": window, "day": gap.isoformat()}
        )


def _spans(window: Window, replace: dict[int, Span] | None = None, extra: list[Span] | None = None) -> list[Span]:
    replace = replace or {}
    spans = [replace.get(p.pk, Span(p.kind, p.valid_from, p.valid_to)) for p in window.posts.all()]
    return spans + (extra or [])


def can_hold_posts_of(staff: Staff, window: Window) -> bool:
    """Who may be put on a window's post: an active member of the window's center or of a unit above it."""
    center = window.center
    return staff.is_active and (staff.org_unit_id == center.pk or center.path.startswith(staff.org_unit.path))


def holder_clash(
    *, staff: Staff, window: Window, kind: str, start: dt.date, end: dt.date | None, ignore: Post | None = None
) -> str | None:
    """§6(1): one person holds at most one A post, and never both the A and the B post of one window. The reason
    why `staff` cannot take a `kind` post on `window` from `start` to `end` (None: open), or None if they can."""
    others = Post.objects.filter(staff=staff).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")))
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        others = others.filter(valid_from__lte=end)
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    here = others.filter(window=window).select_related("window").first()
    if here is not None:
        if here.kind == kind:
            return _("该工作人员已在此窗口担任该岗位。")
        return _("同一窗口的A岗和B岗不能由同一人担任（%(name)s 已是该窗口的%(kind)s）。") % {
            "name": staff.name,
            "kind": here.get_kind_display(),
        }
    if kind == Post.Kind.A:
        a_post = others.filter(kind=Post.Kind.A).select_related("window").first()
        if a_post is not None:
            return _("%(name)s 已担任%(window)s的A岗，一人只能担任一个A岗。") % {
                "name": staff.name,
                "window": a_post.window,
            }
    return None


@transaction.atomic
def post_assign(*, window: Window, staff: Staff, kind: str, valid_from: dt.date, actor: Any, note: str = "") -> Post:
    if not can_hold_posts_of(staff, window):
        raise ValidationError(_("该工作人员不属于本中心，不能安排到本中心的窗口。"))
    clash = holder_clash(staff=staff, window=window, kind=kind, start=valid_from, end=None)
    if clash:
        raise ValidationError(clash)
    post = Post.objects.create(window=window, staff=staff, kind=kind, valid_from=valid_from, note=note)
    audit(
        actor=actor,
        target=window,
        verb="post_assign",
        note=note,
        data={"post": post.pk, "staff": staff.name, "kind": kind},
    )
    return post


@transaction.atomic
def post_replace(*, post: Post, new_staff: Staff, on: dt.date, reason: str, actor: Any) -> Post:
    """Replace the staff member on a post from `on` (§6(5)); the old post ends the day before, history kept.

    Replacing a post on the day it starts, while that day has not passed, corrects a replacement made in error: the
    post made in error stays in the history, marked as never in effect (it ends the day before it starts)."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调换原因。")})
    if new_staff.pk == post.staff_id:
        raise ValidationError({"new_staff": _("接替人员不能与原岗位人员相同。")})
    post = Post.objects.select_for_update().select_related("window__center", "staff").get(pk=post.pk)
    if not post.is_active_on(on):
        raise ValidationError({"on": _("该岗位在调换日期不在有效期内。")})
    if hasattr(post, "replaced_by"):
        raise ValidationError(_("该岗位已被调换过。"))
    window = post.window
    if not can_hold_posts_of(new_staff, window):
        raise ValidationError({"new_staff": _("接替人员不属于本中心或已不在岗。")})
    old_end = post.valid_to
    correction = on == post.valid_from
    if correction and on < timezone.localdate():
        raise ValidationError({"on": _("调换日期须晚于原岗位的起始日期。")})
    clash = holder_clash(staff=new_staff, window=window, kind=post.kind, start=on, end=old_end, ignore=post)
    if clash:
        raise ValidationError({"new_staff": clash})
    post.valid_to = on - dt.timedelta(days=1)
    post.save(update_fields=["valid_to"])
    successor = Post.objects.create(
        window=window, staff=new_staff, kind=post.kind, valid_from=on, valid_to=old_end, replaces=post, note=reason
    )
    audit(
        actor=actor,
        target=window,
        verb="post_replace",
        note=reason,
        data={
            "kind": post.kind,
            "from": post.staff.name,
            "to": new_staff.name,
            "on": on.isoformat(),
            "correction": correction,
        },
    )
    return successor


@transaction.atomic
def post_end(*, post: Post, last_day: dt.date, reason: str, actor: Any) -> Post:
    if not reason.strip():
        raise ValidationError({"reason": _("请填写结束原因。")})
    window = post.window
    if last_day < post.valid_from:
        raise ValidationError({"last_day": _("结束日期不能早于起始日期。")})
    new_span = Span(post.kind, post.valid_from, last_day)
    check_a_coverage(window=window, spans=_spans(window, replace={post.pk: new_span}), since=last_day)
    post.valid_to = last_day
    post.save(update_fields=["valid_to"])
    audit(
        actor=actor,
        target=window,
        verb="post_end",
        note=reason,
        data={"post": post.pk, "last_day": last_day.isoformat()},
    )
    return post
