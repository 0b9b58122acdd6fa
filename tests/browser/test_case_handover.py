"""A window clerk hands a case to a department handler; the handler acknowledges and works it; the clerk then
sees it read-only (whoever holds a case works it)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.factories import intake, item_for, make_world

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_hands_over_the_handler_acknowledges_and_completes_the_clerk_sees_it_read_only(live_server, page):
    world = make_world()
    for staff, username in ((world.clerk, "clerk"), (world.handler, "sb_handler")):
        staff.user.username = username
        staff.user.save()
    case = intake(world, item_for(world))
    url = f"{live_server.url}/staff/cases/c/{case.number}/"
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The clerk hands the case to the department handler.
    log_in(page, live_server.url, "clerk")
    page.goto(url)
    page.click("#more-actions > summary")  # handing over is not what an accepted case needs next: folded
    page.select_option("#act-handover select[name=to_staff]", str(world.handler.pk))
    page.fill("#act-handover input[name=note]", "需社会保障所核实参保情况")
    page.click("#act-handover button[type=submit]")
    page.wait_for_selector("#pending-handover")
    assert "待其确认接收" in page.inner_text("#pending-handover")

    # The handler logs in, acknowledges, and now has the actions.
    log_in(page, live_server.url, "sb_handler")
    page.goto(url)
    page.click("#pending-handover button:has-text('确认接收')")
    page.wait_for_selector("#act-complete")
    assert world.handler.name in page.inner_text("main")
    assert not page.is_visible("#act-supplement")  # the rest folded under 其他操作
    page.click("#more-actions > summary")  # its cards are fetched when it opens
    expect(page.locator("#act-supplement")).to_be_visible()
    assert page.is_visible("#act-handover")
    page.screenshot(path=str(SHOTS / "case_handler_works.png"), full_page=True)
    page.check("#act-complete input[name=outcome][value=granted]")
    page.fill("#act-complete textarea[name=result]", "经核实参保情况属实，准予办理。")
    page.click("#act-complete button[type=submit]")
    page.wait_for_selector("text=办件已办结。")
    assert Case.objects.get(pk=case.pk).status == Status.COMPLETED
    assert Case.objects.get(pk=case.pk).events.get(verb="complete").actor == world.handler.user

    # The clerk who handed it over sees it read-only: no action forms.
    log_in(page, live_server.url, "clerk")
    page.goto(url)
    assert page.locator("section[id^=act-]").count() == 0
    assert "您只能查看" in page.inner_text("#read-only")
    page.screenshot(path=str(SHOTS / "case_clerk_read_only.png"), full_page=True)
