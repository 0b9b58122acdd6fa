"""The intake screen under a slow network: ticking the checklist asks the server for its decision (htmx); 确认 waits
for the answer to the last tick, so what is confirmed is the decision for the list as ticked."""

import pytest

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.factories import item_for, make_world, resident_id
from tests.browser.session import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_confirming_while_the_last_tick_is_being_checked_confirms_the_list_as_ticked(live_server, page):
    world = make_world()
    version = item_for(world)

    log_in(page, live_server.url, world.clerk.user.username)
    page.goto(f"{live_server.url}/staff/cases/intake/{version.item_id}/")
    # From here every request takes 0.4 s more, as on a busy network (Chromium's own network emulation).
    page.context.new_cdp_session(page).send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.fill("#id_applicant_name", "李桂兰")
    page.fill("#id_id_number", resident_id(7, born="19491231"))  # an elderly citizen's ID
    page.fill("#id_phone", "13903711234")
    page.select_option("#id_window", str(world.window.pk))
    for box in page.locator("#intake-form input[type=checkbox][name^=p_]").all():
        box.check()  # no waiting between ticks, nor before confirming

    page.click("#confirm-intake")
    page.wait_for_url("**/staff/cases/c/**", timeout=10_000)

    case = Case.objects.get()
    assert case.status == Status.ACCEPTED  # not a supplement notice proposed for a half-ticked list
    assert case.materials.filter(presented=False).count() == 0
    assert "已受理" in page.inner_text("main")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_each_material_is_a_card_whose_form_can_be_read(live_server, page):
    """At 390 px the checklist's five columns left the form's select a few pixels wide (its choice unreadable): each
    material is now a card, each value beside its column's name."""
    world = make_world()
    version = item_for(world)
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, live_server.url, world.clerk.user.username)
    page.goto(f"{live_server.url}/staff/cases/intake/{version.item_id}/")

    selects = page.locator("#intake-form select[name^=f_]").all()
    assert len(selects) == len(version.materials)
    for select in selects:
        box = select.bounding_box()
        assert box is not None
        assert box["width"] >= 150, box  # the longest choice, 原件及复印件, fits
    assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    page.locator("#intake-form input[name^=p_]").first.check()  # and the tick box is still there to tick
