"""The hall's pages, one module per banner; the names are re-exported here so `views.<name>` keeps working."""

from bianmin.hall.views.appointments import (
    appointment_cancel,
    appointment_check_in,
    appointments,
    extended_hours,
    extended_hours_remove,
    hall_settings,
    slot_toggle,
    slots,
)
from bianmin.hall.views.cards import card_pdf, cards
from bianmin.hall.views.common import (
    VERB_LABELS,
    EventRow,
)
from bianmin.hall.views.home_visits import home_visit_detail, home_visit_new, home_visits
from bianmin.hall.views.proxies import proxies, proxy_detail, proxy_new
from bianmin.hall.views.public import (
    LOOKUP_LIMIT,
    LOOKUP_WINDOW_SECONDS,
    book,
    book_default,
    book_done,
    booking,
    booking_manage,
    home_visit_request,
    kiosk,
    kiosk_checkin,
    public_index,
    ticket_receipt,
)
from bianmin.hall.views.queue import (
    TICKET_ACTIONS,
    counter,
    counter_call,
    counter_queue,
    staff_home,
    ticket_action,
    tickets,
)
from bianmin.hall.views.reveal import REVEALABLE, reveal_phone
from bianmin.hall.views.screen import screen, screen_state

__all__ = [
    "LOOKUP_LIMIT",
    "LOOKUP_WINDOW_SECONDS",
    "REVEALABLE",
    "TICKET_ACTIONS",
    "VERB_LABELS",
    "EventRow",
    "appointment_cancel",
    "appointment_check_in",
    "appointments",
    "book",
    "book_default",
    "book_done",
    "booking",
    "booking_manage",
    "card_pdf",
    "cards",
    "counter",
    "counter_call",
    "counter_queue",
    "extended_hours",
    "extended_hours_remove",
    "hall_settings",
    "home_visit_detail",
    "home_visit_new",
    "home_visit_request",
    "home_visits",
    "kiosk",
    "kiosk_checkin",
    "proxies",
    "proxy_detail",
    "proxy_new",
    "public_index",
    "reveal_phone",
    "screen",
    "screen_state",
    "slot_toggle",
    "slots",
    "staff_home",
    "ticket_action",
    "ticket_receipt",
    "tickets",
]
