"""Every write of the hall: one function per business action, in one transaction, with its event row.

One module per banner; the names are re-exported here so `bianmin.hall.services.<name>` keeps working."""

from bianmin.hall.services.appointments import (
    CLOSED_DAY_MARK,
    REMIND_FROM,
    REMIND_UNTIL,
    appointment_book,
    appointment_cancel,
    appointment_change,
    appointment_check_in,
    appointment_reminders_send,
    appointments_follow_calendar,
)
from bianmin.hall.services.home_visits import (
    home_visit_assign,
    home_visit_cancel,
    home_visit_link_case,
    home_visit_record,
    home_visit_request,
)
from bianmin.hall.services.proxies import proxy_advance, proxy_link_case, proxy_register
from bianmin.hall.services.queue import (
    MAX_CALL_ATTEMPTS,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_scope,
    ticket_start,
    ticket_transfer,
)
from bianmin.hall.services.screen import screen_touch
from bianmin.hall.services.slots import (
    MAX_GENERATE_DAYS,
    extended_hours_add,
    extended_hours_remove,
    hall_settings_save,
    slot_block,
    slot_unblock,
    slots_block_range,
    slots_generate,
)

__all__ = [
    "CLOSED_DAY_MARK",
    "MAX_CALL_ATTEMPTS",
    "MAX_GENERATE_DAYS",
    "REMIND_FROM",
    "REMIND_UNTIL",
    "appointment_book",
    "appointment_cancel",
    "appointment_change",
    "appointment_check_in",
    "appointment_reminders_send",
    "appointments_follow_calendar",
    "extended_hours_add",
    "extended_hours_remove",
    "hall_settings_save",
    "home_visit_assign",
    "home_visit_cancel",
    "home_visit_link_case",
    "home_visit_record",
    "home_visit_request",
    "proxy_advance",
    "proxy_link_case",
    "proxy_register",
    "screen_touch",
    "slot_block",
    "slot_unblock",
    "slots_block_range",
    "slots_generate",
    "ticket_call_next",
    "ticket_finish",
    "ticket_issue",
    "ticket_no_show",
    "ticket_recall",
    "ticket_scope",
    "ticket_start",
    "ticket_transfer",
]
