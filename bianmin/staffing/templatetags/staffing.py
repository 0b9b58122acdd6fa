"""Template tags other apps' pages use: the check-in card on the staff home, who is on duty at a window."""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import is_working_moment
from bianmin.org.models import Window
from bianmin.staffing.cover import Duty
from bianmin.staffing.selectors import checkin_state, on_duty_in_center

register = template.Library()


@register.inclusion_tag("staffing/checkin_card.html", takes_context=True)
def checkin_card(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"state": checkin_state(user=user), "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("staffing/_on_duty_line.html", takes_context=True)
def on_duty_line(context: template.Context, window: Window) -> dict[str, Any]:
    """Who staffs `window` now, by the §6(1) rule; the whole center is worked out once per page."""
    now = timezone.now()
    store = context.render_context
    if "staffing_on_duty" not in store:
        store["staffing_on_duty"] = {}
    cache = cast(dict[int, tuple[dict[int, Duty], bool]], store["staffing_on_duty"])
    center = context.get("center")
    if center is None or getattr(center, "pk", None) != window.center_id:
        center = window.center
    if center.pk not in cache:
        cache[center.pk] = (
            on_duty_in_center(center=center, moment=now),
            is_working_moment(now, work_calendar(), center.office_hours),
        )
    duties, open_now = cache[center.pk]
    return {"duty": duties.get(window.pk), "open_now": open_now}


VERB_LABELS = {
    "check_in": _("签到"),
    "check_in_again": _("再次签到"),
    "check_out": _("签退"),
    "correct": _("更正"),
    "request": _("提交申请"),
    "approve": _("批准"),
    "refuse": _("不予批准"),
    "withdraw": _("撤回"),
    "return": _("销假"),
    "open": _("发现无人值守"),
    "close": _("恢复有人在岗"),
    "acknowledge": _("处置"),
    "record": _("登记"),
    "void": _("作废"),
    "statement": _("被检查人情况说明"),
}


@register.filter
def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


@register.filter
def actor_name(user: Any) -> str:
    if user is None:
        return str(_("系统"))
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()
