from __future__ import annotations

from bianmin.hall import services


def appointment_reminders() -> str:
    return f"发送预约提醒 {services.appointment_reminders_send()} 条"
