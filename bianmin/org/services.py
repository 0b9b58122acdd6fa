from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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


@transaction.atomic
def post_assign(*, window: Window, staff: Staff, kind: str, valid_from: dt.date, actor: Any, note: str = "") -> Post:
    if staff.org_unit_id != window.center_id and not window.center.path.startswith(staff.org_unit.path):
        raise ValidationError(_("该工作人员不属于本中心，不能安排到本中心的窗口。"))
    clash = Post.objects.active_on(valid_from).filter(window=window, staff=staff, kind=kind).exists()
    if clash:
        raise ValidationError(_("该工作人员已在此窗口担任该岗位。"))
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
    """Replace the staff member on a post from `on` (§6(5)); the old post ends the day before, history kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调换原因。")})
    if new_staff.pk == post.staff_id:
        raise ValidationError({"new_staff": _("接替人员不能与原岗位人员相同。")})
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.is_active_on(on):
        raise ValidationError({"on": _("该岗位在调换日期不在有效期内。")})
    if hasattr(post, "replaced_by"):
        raise ValidationError(_("该岗位已被调换过。"))
    window = post.window
    if new_staff.org_unit_id != window.center_id and not window.center.path.startswith(new_staff.org_unit.path):
        raise ValidationError({"new_staff": _("接替人员不属于本中心。")})
    old_end = post.valid_to
    if on <= post.valid_from:
        raise ValidationError({"on": _("调换日期须晚于原岗位的起始日期。")})
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
        data={"kind": post.kind, "from": post.staff.name, "to": new_staff.name, "on": on.isoformat()},
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
