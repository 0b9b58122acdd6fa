"""Bulk lists: one box ticks every row (and shows when only some are ticked); without JavaScript the box is not
there and rows are ticked one by one."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bianmin.notify import services
from bianmin.notify.models import Channel, Notification
from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CONTEXT = {"item": "老年人优待证", "case_number": "CX2026-00001", "window": "2号窗口"}


@pytest.mark.django_db(transaction=True)
def test_select_all_ticks_every_message_and_marks_them_read(live_server, page, browser):
    clerk = staff_user(Role.WINDOW, center(code="410108001"))
    for i in range(4):
        services.notification_send(
            key=f"k{i}", channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=clerk.user
        )
    log_in(page, live_server.url, clerk.user.username)
    page.goto(live_server.url + "/staff/notifications/")
    everything = page.locator("input[data-select-all=bulk-read]")
    rows = page.locator("input[name=ids][form=bulk-read]")
    expect(everything).to_be_visible()
    assert rows.count() == 4

    everything.check()
    assert all(rows.nth(i).is_checked() for i in range(4))
    rows.nth(0).uncheck()  # some ticked: the box says so
    assert everything.evaluate("box => box.indeterminate")
    assert not everything.is_checked()
    rows.nth(0).check()
    assert everything.is_checked()
    page.screenshot(path=str(SHOTS / "bulk_select_all.png"))
    page.click("button[name=selected]")
    page.wait_for_selector("text=已将 4 条消息标记为已读")
    assert not Notification.objects.filter(recipient_user=clerk.user, read_at__isnull=True).exists()

    # Without JavaScript the box is hidden; the rows are still there to tick one by one
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    log_in(plain, live_server.url, clerk.user.username)
    services.notification_send(
        key="k9", channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=clerk.user
    )
    plain.goto(live_server.url + "/staff/notifications/")
    assert not plain.locator("input[data-select-all=bulk-read]").is_visible()
    assert plain.locator("input[name=ids][form=bulk-read]").count() == 1
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_form_that_comes_back_with_errors_puts_the_focus_on_the_first_wrong_field(live_server, page):
    clerk = staff_user(Role.WINDOW, center(code="410108001"))
    log_in(page, live_server.url, clerk.user.username)
    page.goto(live_server.url + "/staff/account/password/")
    page.fill("input[name=old_password]", "not-my-password")
    page.fill("input[name=new_password1]", "Lanzhou-2026-window")
    page.fill("input[name=new_password2]", "Lanzhou-2026-window")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")

    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.getAttribute('aria-invalid')]")
    assert focused == ["old_password", "true"]
    # the message is what the field names as its description
    described = page.get_attribute("input[name=old_password]", "aria-describedby") or ""
    assert "old_password_error" in described
    assert page.inner_text(f"#{described.split()[-1]}").strip()
