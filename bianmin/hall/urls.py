from django.urls import path

from bianmin.hall import views

app_name = "hall"

urlpatterns = [
    # Public: hours, booking, kiosk, the hall screen, home-visit requests, 连心卡
    path("hall/", views.public_index, name="public_index"),
    path("hall/book/", views.book_default, name="book_default"),
    path("hall/<str:code>/", views.public_index, name="public_center"),
    path("hall/<str:code>/book/", views.book, name="book"),
    path("hall/<str:code>/book/done/", views.book_done, name="book_done"),
    path("hall/<str:code>/booking/", views.booking, name="booking"),
    path("hall/<str:code>/booking/manage/", views.booking_manage, name="booking_manage"),
    path("hall/<str:code>/kiosk/", views.kiosk, name="kiosk"),
    path("hall/<str:code>/kiosk/check-in/", views.kiosk_checkin, name="kiosk_checkin"),
    path("hall/<str:code>/tickets/<uuid:public_id>/", views.ticket_receipt, name="ticket"),
    path("hall/<str:code>/screen/", views.screen, name="screen"),
    path("hall/<str:code>/screen/state.json", views.screen_state, name="screen_state"),
    path("hall/<str:code>/home-visit/", views.home_visit_request, name="home_visit_request"),
    path("hall/<str:code>/cards/<str:community>.pdf", views.card_pdf, name="card_pdf"),
    # Staff
    path("staff/hall/", views.staff_home, name="staff_home"),
    path("staff/hall/counter/", views.counter, name="counter"),
    path("staff/hall/counter/<int:window_id>/call/", views.counter_call, name="counter_call"),
    path("staff/hall/counter/<int:window_id>/queue/", views.counter_queue, name="counter_queue"),
    path("staff/hall/tickets/", views.tickets, name="tickets"),
    path("staff/hall/tickets/<int:pk>/<str:action>/", views.ticket_action, name="ticket_action"),
    path("staff/hall/appointments/", views.appointments, name="appointments"),
    path("staff/hall/appointments/<int:pk>/check-in/", views.appointment_check_in, name="appointment_check_in"),
    path("staff/hall/appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("staff/hall/slots/", views.slots, name="slots"),
    path("staff/hall/slots/<int:pk>/toggle/", views.slot_toggle, name="slot_toggle"),
    path("staff/hall/extended-hours/", views.extended_hours, name="extended_hours"),
    path("staff/hall/extended-hours/<int:pk>/remove/", views.extended_hours_remove, name="extended_hours_remove"),
    path("staff/hall/settings/", views.hall_settings, name="settings"),
    path("staff/hall/home-visits/", views.home_visits, name="home_visits"),
    path("staff/hall/home-visits/new/", views.home_visit_new, name="home_visit_new"),
    path("staff/hall/home-visits/<int:pk>/", views.home_visit_detail, name="home_visit"),
    path("staff/hall/proxy/", views.proxies, name="proxies"),
    path("staff/hall/proxy/new/", views.proxy_new, name="proxy_new"),
    path("staff/hall/proxy/<int:pk>/", views.proxy_detail, name="proxy"),
    path("staff/hall/cards/", views.cards, name="cards"),
    path("staff/hall/reveal/<str:kind>/<int:pk>/", views.reveal_phone, name="reveal_phone"),
]
