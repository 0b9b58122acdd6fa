"""The case page at 1366 px: what the case needs next leads, the other actions fold under 其他操作 and open from the
keyboard."""

from pathlib import Path

import pytest

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, Status
from bianmin.cases.services import case_start
from bianmin.cases.tests.factories import intake, item_for, make_world, presented_except

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_case_page_leads_with_the_next_action_and_folds_the_rest(live_server, page):
    world = make_world()
    world.clerk.user.username = "clerk"
    world.clerk.user.save()
    version = item_for(world)
    waiting = intake(
        world, version, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT, n=1
    )
    working = case_start(case=intake(world, version, n=2), actor=world.clerk.user)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")

    # Accepted with a material missing: receiving it leads; the rest are folded.
    page.goto(f"{live_server.url}/staff/cases/c/{waiting.number}/")
    assert page.is_visible("#act-receive")
    assert "收取补正材料" in page.inner_text("#act-receive h2")
    assert not page.is_visible("#act-supplement")
    assert not page.is_visible("#act-withdraw")
    assert "其他操作（4）" in page.inner_text("#more-actions > summary")
    page.locator("#act-receive").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "case_actions_waiting_1366.png"), full_page=True)

    # In progress: completing leads; the folded ones open from the keyboard.
    page.goto(f"{live_server.url}/staff/cases/c/{working.number}/")
    assert page.is_visible("#act-complete")
    assert not page.is_visible("#act-handover")
    page.focus("#more-actions > summary")
    page.keyboard.press("Enter")
    page.wait_for_selector("#act-handover", state="visible")
    assert page.is_visible("#act-withdraw")
    page.screenshot(path=str(SHOTS / "case_actions_in_progress_open_1366.png"), full_page=True)
    page.check("#act-complete input[name=outcome][value=granted]")
    page.fill("#act-complete textarea[name=result]", "经审核符合条件，准予办理。")
    page.click("#act-complete button[type=submit]")
    page.wait_for_selector("text=办件已办结。")
    assert Case.objects.get(pk=working.pk).status == Status.COMPLETED
    # Completed: delivering the result now leads.
    assert page.is_visible("#act-deliver")
    page.screenshot(path=str(SHOTS / "case_actions_completed_1366.png"), full_page=True)
