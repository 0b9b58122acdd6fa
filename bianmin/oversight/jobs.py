from __future__ import annotations

from bianmin.oversight.services import accountability


def accountability_sweep() -> str:
    return f"新增候选 {accountability.accountability_sweep()} 条"


def rating_invitations_send() -> str:
    from bianmin.oversight.services.ratings import rating_invitations_send as send

    return f"发出评价邀请 {send()} 条"


def deadline_reminders() -> str:
    from bianmin.oversight.reminders import oversight_send_reminders

    sent = oversight_send_reminders()
    return f"投诉答复提醒 {sent['complaints']} 件，差评整改提醒 {sent['rectifications']} 件"
