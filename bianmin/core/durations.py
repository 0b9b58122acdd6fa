"""How long something lasted, in the plain Chinese way ("3小时5分钟"), instead of Django's timesince
("3 小时，5 分钟"), which is written for languages with spaces and commas between units."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def describe_duration(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return (
            _("%(days)d天%(hours)d小时") % {"days": days, "hours": hours} if hours else _("%(days)d天") % {"days": days}
        )
    if hours:
        return (
            _("%(hours)d小时%(minutes)d分钟") % {"hours": hours, "minutes": minutes}
            if minutes
            else _("%(hours)d小时") % {"hours": hours}
        )
    return _("%(minutes)d分钟") % {"minutes": minutes} if minutes else _("不到1分钟")
