import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from bianmin.frontdesk.models import Handover, Inquiry
from bianmin.petitions.models import Petition


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "bianmin-demo")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_desk_call_by_keyboard_referral_handover_and_acknowledgement(live_server, page, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    base = live_server.url

    # A routine phone call from the keyboard: the channel by its shortcut, two fields, Enter. (How long it takes is
    # not asserted here: a wall-clock bound fails on a loaded machine, not on a slow form.)
    login(page, base, "window_b")
    page.goto(base + "/staff/frontdesk/")
    page.keyboard.press("Alt+2")
    page.focus("#id_visitor_name")
    page.keyboard.type("王大爷")
    page.focus("#id_matter")
    page.keyboard.type("咨询城乡居民医保缴费截止时间")
    page.keyboard.press("Enter")
    page.wait_for_selector("#entry-form .msg-success")
    assert "咨询城乡居民医保缴费截止时间" in page.inner_text("#today-list")
    call = Inquiry.objects.get(matter="咨询城乡居民医保缴费截止时间")
    assert (call.channel, call.result, call.first_contact.user.username) == ("phone", "answered", "window_b")

    # A visitor for window 2 whose A post cannot be reached: materials received and handed over.
    page.fill("#id_visitor_name", "李秀英")
    page.fill("#id_matter", "申请临时救助")
    page.keyboard.press("Alt+1")
    page.keyboard.press("Alt+5")
    assert page.is_visible("#id_referred_window")
    with page.expect_response(lambda r: "/referral-staff/" in r.url):
        page.select_option("#id_referred_window", label="2号窗口 民政窗口（长兴）")
    expect(page.locator("#id_referred_staff")).to_be_enabled()
    assert "何春燕" in page.locator("#id_referred_staff option").nth(1).inner_text()  # the window's A post first
    page.select_option("#id_referred_staff", index=1)
    page.check("input[name=referral_contact][value=handover]")
    page.fill("#id_materials", "身份证复印件1份\n困难情况说明1份")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("#desk-handovers .from-me")
    handover = Handover.objects.get(materials__startswith="身份证复印件1份\n困难")
    assert handover.to_staff.user.username == "window_a"

    # The receiver sees it on her desk and on the handovers page, and acknowledges it.
    page.context.clear_cookies()
    login(page, base, "window_a")
    page.goto(base + "/staff/frontdesk/")
    assert "申请临时救助" in page.inner_text("#desk-handovers")
    page.goto(base + "/staff/handovers/")
    row = page.locator("tr", has_text="申请临时救助")
    row.locator("input[name=note]").fill("材料已收到")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=已确认接收材料")
    handover.refresh_from_db()
    assert handover.acknowledged_at is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_director_board_shows_overdue_first_and_prints_a_reply(live_server, page, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    base = live_server.url
    login(page, base, "director")
    page.goto(base + "/staff/petitions/board/")
    rows = page.locator("tbody tr")
    assert "超期" in rows.first.inner_text()
    overdue_numbers = {p.number for p in Petition.objects.open().overdue()}
    assert overdue_numbers
    first_numbers = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(len(overdue_numbers))]
    assert set(first_numbers) == overdue_numbers

    closed = Petition.objects.filter(status="closed", closure="handled").first()
    page.goto(base + f"/staff/petitions/{closed.pk}/")
    with page.expect_response(lambda r: r.url.endswith("letter.pdf")) as answer:
        page.evaluate("url => fetch(url)", page.get_attribute("a[href$='letter.pdf']", "href"))
    assert answer.value.headers["content-type"] == "application/pdf"
