"""Citizens' pages as people use them: a phone at 390 px (the menu folds behind a button, forms fit a thumb, nothing
scrolls sideways), the 长辈版 switch, the hall screen and the kiosk at the sizes they are hung at."""

import contextlib
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bianmin.cases.services import case_complete
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.catalog.tests.factories import published_item
from bianmin.hall import services as hall_services
from bianmin.hall.models import Ticket
from bianmin.hall.tests.factories import QueueCategoryFactory, future_slot, hall, slot
from bianmin.org.tests.factories import WindowFactory

SHOTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}

# The elements of the page that lie outside the viewport or are clipped by a scrolling or hidden-overflow
# ancestor: what a visitor cannot see.
HIDDEN = """(selector) => {
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    let cut = r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1;
    for (let p = el.parentElement; p && !cut; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === "visible" && s.overflowY === "visible") continue;
      const q = p.getBoundingClientRect();
      cut = r.left < q.left - 1 || r.top < q.top - 1 || r.right > q.right + 1 || r.bottom > q.bottom + 1;
    }
    // or it cuts off its own content (rows squeezed shorter than their text)
    const own = getComputedStyle(el);
    if (own.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 2) cut = true;
    if (cut) out.push(el.textContent.trim().slice(0, 40));
  }
  return out;
}"""

# The smallest font size, in px, of the elements' text.
SMALLEST_TEXT = """(selector) => Math.min(...[...document.querySelectorAll(selector)]
  .map((el) => parseFloat(getComputedStyle(el).fontSize)))"""

# Visible form controls smaller than a thumb (44 px high).
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 80))"""


def _settled(page, check: str, selector: str, timeout: float = 5000) -> list:
    """`check(selector)` once the page has laid out what was just swapped in: under load the first frame after an
    htmx swap can be measured before the stylesheet's sizes apply. Waits up to `timeout` ms for it to come out
    empty, then returns what it finds (the assertion then shows what is wrong)."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(f"({check})({selector!r}).length === 0", timeout=timeout)
    return page.evaluate(check, selector)


def _new_page(browser, viewport, **kwargs):
    context = browser.new_context(locale="zh-CN", viewport=viewport, **kwargs)
    return context, context.new_page()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_public_menu_folds_and_the_forms_fit_a_thumb(live_server, browser):
    world = make_world()
    case = intake(world, item_for(world))
    case_complete(case=case, actor=world.clerk.user, result="准予办理", outcome="granted", dispose_by_form=True)
    h = hall(code="C9")
    future_slot(h)
    context, page = _new_page(browser, PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The progress page with its rating form: the menu is folded behind the button
    page.goto(f"{live_server.url}/progress/t/{case.public_token}/")
    nav, button = page.locator("#site-nav"), page.locator(".public-bar [data-menu-toggle]")
    assert button.is_visible()
    assert not nav.is_visible()
    assert page.inner_text("[data-outcome]") == "准予"
    _no_sideways_scroll(page)
    assert page.evaluate(SMALL_TARGETS, "#rating .levels label, #rating button, main input:not([type=radio])") == []

    # The button opens the menu and says so; again closes it
    button.click()
    assert nav.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-nav a", has_text="预约办理").is_visible()
    page.screenshot(path=str(SHOTS / "phone_menu_open.png"))
    button.click()
    assert not nav.is_visible()
    assert button.get_attribute("aria-expanded") == "false"

    # Booking and complaint forms: full width, thumb-sized, no sideways scrolling
    page.goto(f"{live_server.url}/hall/{h.center.code}/book/?category={h.b.pk}")
    _no_sideways_scroll(page)
    assert page.evaluate(SMALL_TARGETS, ".booking-form input:not([type=radio]), .booking-form button") == []
    assert page.evaluate(SMALL_TARGETS, ".chip span") == []
    page.goto(f"{live_server.url}/centers/{world.center.code}/complaint/")
    _no_sideways_scroll(page)
    assert (
        page.evaluate(SMALL_TARGETS, "main input:not([type=radio]):not([type=checkbox]), main select, main button")
        == []
    )
    page.goto(f"{live_server.url}/progress/")
    _no_sideways_scroll(page)
    assert page.evaluate(SMALL_TARGETS, "main input, main button") == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_staff_menu_folds_behind_a_button(live_server, browser):
    h = hall(code="C8")
    context, page = _new_page(browser, PHONE)
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/")
    page.fill("#id_username", h.clerks[1].user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")

    menu, button = page.locator("#staff-nav"), page.locator(".staff-bar [data-menu-toggle]")
    assert button.is_visible()
    assert not menu.is_visible()
    _no_sideways_scroll(page)
    button.click()
    assert menu.is_visible()
    page.locator("#staff-nav details.menu summary").first.click()  # a group opens in place, not off screen
    assert page.evaluate(HIDDEN, "#staff-nav details[open] .menu-items a") == []
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "phone_staff_menu_open.png"))
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_elder_friendly_switch_enlarges_the_page_and_is_remembered(live_server, page):
    world = make_world()
    page.goto(f"{live_server.url}/centers/{world.center.code}/guide/")
    body_px = "() => parseFloat(getComputedStyle(document.body).fontSize)"
    switch = page.locator(".care-toggle")
    assert page.evaluate(body_px) < 18
    assert switch.get_attribute("aria-pressed") == "false"

    switch.click()
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate(body_px) >= 18
    assert switch.get_attribute("aria-pressed") == "true"
    assert not page.locator(".nav-staff").is_visible()  # fewer choices in the menu

    # Remembered: another page, rendered with the class by the server
    page.goto(f"{live_server.url}/progress/")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate(body_px) >= 18
    assert page.evaluate(SMALL_TARGETS, "main input, main button, .care-toggle") == []
    page.screenshot(path=str(SHOTS / "care_progress.png"), full_page=True)

    page.locator(".care-toggle").click()
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('care')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_hall_screen_shows_the_whole_queue_and_the_items(live_server, browser, size):
    h = hall(code="C7")
    windows = [WindowFactory.create(center=h.center, number=n, name=f"{n}号综合窗口") for n in range(4, 10)]
    names = ["社会保障", "卫生健康", "残疾人与退役军人", "城建事务", "农业农村", "不动产登记"]
    for n, name in enumerate(names):
        category = QueueCategoryFactory.create(center=h.center, prefix=chr(ord("C") + n), name=name)
        category.windows.set([windows[n]])
    for n in range(8):
        published_item(owner=h.center, name=f"城乡居民基本养老保险参保登记及待遇领取申请第{n}项")
    context, page = _new_page(browser, {"width": size[0], "height": size[1]})

    page.goto(f"{live_server.url}/hall/{h.center.code}/screen/")
    page.wait_for_selector("#screen-items tbody tr")

    assert page.locator("[data-waiting] li").count() == 8
    assert page.locator(".screen-window").count() == 9
    for selector in (
        "[data-now-ticket]",
        "[data-waiting] li",
        ".screen-window",
        "#screen-items tbody tr",
        ".screen-foot",
        ".screen-clock",
    ):
        assert page.evaluate(HIDDEN, selector) == [], selector
    # readable from across the hall: the queue at least 2.4% of the screen height
    assert page.evaluate(SMALLEST_TEXT, "[data-waiting] li, .screen-window .wn") >= 0.024 * size[1]
    page.screenshot(path=str(SHOTS / f"hall_screen_{size[0]}x{size[1]}.png"))
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)])
def test_the_kiosk_fits_and_checks_in_a_booking_typed_on_its_keypad(live_server, browser, time_machine, size):
    # Tuesday 10 March 2026, 10:00 in the center's time zone: a same-day slot to check in for.
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    h = hall(code="C6")
    for n, name in enumerate(["社会保障", "卫生健康", "残疾人与退役军人", "城建事务"]):
        QueueCategoryFactory.create(center=h.center, prefix=chr(ord("C") + n), name=name).windows.set([h.windows[1]])
    s = slot(h.b, dt.datetime(2026, 3, 10, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai")))
    appointment = hall_services.appointment_book(slot=s, name="王秀英", phone="13903715001", item_name="高龄津贴")
    context, page = _new_page(browser, {"width": size[0], "height": size[1]}, has_touch=True)

    page.goto(f"{live_server.url}/hall/{h.center.code}/kiosk/")
    assert page.locator(".kiosk-tile").count() == 6
    assert page.evaluate(HIDDEN, ".kiosk-tile, .kiosk-checkin, .pill span") == []
    page.screenshot(path=str(SHOTS / f"kiosk_{size[0]}x{size[1]}.png"))

    page.locator(".kiosk-checkin").tap()
    page.wait_for_selector("[data-keypad]")
    assert (
        _settled(page, HIDDEN, "[data-keypad] button, .kiosk-submit, input[name=number], input[name=phone_tail]") == []
    )
    assert _settled(page, SMALL_TARGETS, "[data-keypad] button") == []
    keypad = page.locator("[data-keypad]")
    # the booking number is chosen first; a wrong key is taken back with 退格
    for key in ["YY", *appointment.number[2:], "9"]:
        keypad.locator(f"button[data-key='{key}']").tap()
    keypad.locator("[data-key-back]").tap()
    assert page.input_value("input[name=number]") == appointment.number
    page.locator("input[name=phone_tail]").tap()
    for key in ["5", "0", "0", "1", "-"]:  # the phone tail takes digits only
        keypad.locator(f"button[data-key='{key}']").tap()
    assert page.input_value("input[name=phone_tail]") == "5001"
    page.screenshot(path=str(SHOTS / f"kiosk_checkin_{size[0]}x{size[1]}.png"))

    page.locator(".kiosk-submit").tap()
    page.wait_for_selector("[data-ticket-number]")
    assert Ticket.objects.get(appointment=appointment).priority == Ticket.Priority.APPOINTMENT
    context.close()
