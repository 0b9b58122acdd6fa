"""The hall journey as people click it: a visitor takes a number at the kiosk, a clerk calls it, the hall screen
shows the call without being reloaded."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.catalog.tests.factories import published_item
from bianmin.hall.models import Ticket
from bianmin.hall.tests.factories import hall
from bianmin.staffing.tests.factories import AttendanceDayFactory

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_ticket_is_called_at_a_window_and_shown_on_the_screen(live_server, browser):
    h = hall()
    code = h.center.code
    version = published_item(owner=h.center, name="城乡居民最低生活保障申请")
    version.item.windows.set([h.windows[1]])
    # window 1's clerk checked in this morning; window 3's is not in yet and nobody covers
    for n in (1, 2):
        AttendanceDayFactory.create(
            staff=h.clerks[n],
            date=timezone.localdate(),
            check_in=timezone.now() - dt.timedelta(hours=1),
            check_out=None,
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 900})

    # The hall screen is up before anyone takes a number; the catalog's display-screen address leads to it
    screen = context.new_page()
    screen.goto(f"{live_server.url}/centers/{code}/screen/")
    assert screen.url.endswith(f"/hall/{code}/screen/")
    assert screen.inner_text("[data-now-name]") == "暂无叫号"
    assert screen.inner_text("[data-window='1'] .wstaff") == "窗口1员"
    assert screen.inner_text("[data-window='3'] .wstaff") == "—"
    # the public items (服务事项公开) load into the same screen
    screen.wait_for_selector("#screen-items:has-text('城乡居民最低生活保障申请')", timeout=5000)

    # A visitor touches 综合受理 on the kiosk and gets A001 on a receipt
    kiosk = context.new_page()
    kiosk.goto(f"{live_server.url}/hall/{code}/kiosk/")
    kiosk.click("button.kiosk-tile:has-text('综合受理')")
    kiosk.wait_for_selector("[data-ticket-number]")
    assert kiosk.inner_text("[data-ticket-number]") == "A001"
    assert "您前面还有 0 人等候" in kiosk.inner_text(".receipt-ahead")
    kiosk.screenshot(path=str(SHOTS / "hall_receipt.png"))
    # the screen's waiting count follows within a second or two
    screen.wait_for_function(
        "() => [...document.querySelectorAll('[data-waiting] li')].some(li => li.textContent.includes('综合受理1'))",
        timeout=5000,
    )

    # The clerk of window 1 logs in and calls the next ticket
    desk = context.new_page()
    desk.goto(f"{live_server.url}/accounts/login/?next=/staff/hall/counter/")
    desk.fill("#id_username", h.clerks[1].user.username)
    desk.fill("#id_password", "pw-123456")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/staff/hall/counter/")
    desk.click("[data-call-next]")
    desk.wait_for_selector("[data-current-ticket]")
    assert desk.inner_text("[data-current-ticket]") == "A001"
    desk.screenshot(path=str(SHOTS / "hall_counter.png"))

    # The screen, never reloaded, now shows A001 → window 1, highlighted
    screen.wait_for_function(
        "() => document.querySelector('[data-now-ticket]').textContent.trim() === 'A001'", timeout=3000
    )
    assert screen.inner_text("[data-now-where]").replace(" ", "") == "号到1号窗口"
    assert screen.evaluate("window.hallScreenChimes") == 1  # the Web Audio chime played once
    assert "calling" in (screen.get_attribute("[data-window='1']", "class") or "")
    screen.screenshot(path=str(SHOTS / "hall_screen.png"))
    assert Ticket.objects.get(number="A001").status == Ticket.Status.CALLED
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_screen_recovers_by_itself_after_a_network_drop(live_server, browser):
    h = hall()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 720})
    screen = context.new_page()
    screen.goto(f"{live_server.url}/hall/{h.center.code}/screen/")

    context.set_offline(True)
    screen.wait_for_selector("[data-offline]:not([hidden])", timeout=8000)
    from bianmin.hall import services

    services.ticket_issue(center=h.center, category=h.a)
    services.ticket_call_next(window=h.windows[1], actor=h.clerks[1].user)
    context.set_offline(False)

    screen.wait_for_selector("[data-offline]", state="hidden", timeout=10000)
    screen.wait_for_function(
        "() => document.querySelector('[data-now-ticket]').textContent.trim() === 'A001'", timeout=10000
    )
    context.close()
