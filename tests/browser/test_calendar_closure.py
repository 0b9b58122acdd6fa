"""Closing a day in the working calendar reaches the hall, as people click it: the administrator closes a day, the
booking page no longer offers it, and the citizen's booking shows as cancelled with the reason."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.core.selectors import work_calendar
from bianmin.hall import services
from bianmin.hall.models import AppointmentSlot
from bianmin.hall.tests.factories import hall
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_closing_a_day_takes_it_off_the_booking_page_and_cancels_the_booking_with_the_reason(live_server, browser):
    # Given: slots for the coming week and a citizen's booking on the next working day
    h = hall()
    code = h.center.code
    admin = staff_user(Role.ADMIN, h.center, name="管理员")
    today = timezone.localdate()
    day = today + dt.timedelta(days=1)
    while not work_calendar().is_workday(day):
        day += dt.timedelta(days=1)
    services.slots_generate(
        center=h.center, category=h.b, first=today, last=today + dt.timedelta(days=6), actor=h.director.user
    )
    first = AppointmentSlot.objects.filter(category=h.b, date=day).order_by("starts_at").first()
    appointment = services.appointment_book(slot=first, name="王秀英", phone="13903715001", item_name="高龄津贴申请")
    label = f"{day.month}月{day.day}日"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    citizen = context.new_page()
    citizen.goto(f"{live_server.url}/hall/{code}/book/?category={h.b.pk}")
    assert label in citizen.inner_text(".slot-days")

    # When: the administrator closes that day in the working calendar
    desk = context.new_page()
    desk.goto(f"{live_server.url}/accounts/login/?next=/staff/calendar/")
    desk.fill("#id_username", admin.user.username)
    desk.fill("#id_password", "pw-123456")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/staff/calendar/**")
    desk.fill("#id_day", day.isoformat())
    desk.select_option("#id_is_workday", "0")
    desk.fill("#id_name", "临时闭厅")
    desk.fill("#id_reason", "停电检修")
    desk.click("form.form button[type=submit]")
    desk.wait_for_selector("text=特殊日期已设置")

    # Then: the booking page no longer offers the day ...
    citizen.goto(f"{live_server.url}/hall/{code}/book/?category={h.b.pk}")
    assert label not in citizen.inner_text(".slot-days")
    # ... and the citizen's booking shows as cancelled, with the reason and a way to book again
    citizen.goto(f"{live_server.url}/hall/{code}/booking/")
    citizen.fill("#id_number", appointment.number)
    citizen.fill("#id_phone_tail", "5001")
    citizen.click("form button[type=submit]")
    citizen.wait_for_url("**/booking/manage/")
    assert citizen.inner_text(".badge") == "已取消"
    assert "临时闭厅：停电检修" in citizen.inner_text(".cancel-reason")
    assert citizen.get_attribute("a:has-text('重新预约')", "href") == f"/hall/{code}/book/"
    citizen.screenshot(path=str(SHOTS / "hall_booking_cancelled_closed_day.png"))
    context.close()
