from pathlib import Path

import pytest

from bianmin.cases.services import case_complete
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.oversight.models import Rating

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_applicant_rates_on_the_progress_page_and_the_director_sees_the_bad_review(live_server, page):
    world = make_world()
    case = intake(world, item_for(world))
    case_complete(case=case, actor=world.clerk.user, result="准予办理", dispose_by_form=True)

    # the applicant opens the progress page from the notice's QR code and rates: dissatisfied
    page.goto(f"{live_server.url}/progress/t/{case.public_token}/")
    form = page.locator("#rating form")
    for field in ("overall", "efficiency", "service", "attitude"):
        form.locator(f"input[name={field}][value='2']").check()
    form.locator("textarea[name=comment]").fill("材料清单不清楚，跑了两趟")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "oversight_rating_form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#rating >> text=感谢您的评价")
    assert page.locator("#rating form").count() == 0
    assert Rating.objects.get(case=case).is_bad

    # the director opens 差评整改 from the menu and finds it, due for rectification
    world.director.user.set_password("pw-123456")
    world.director.user.save()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", world.director.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    page.click("nav >> summary:has-text('监督考核')")
    page.click("nav >> text=差评整改")
    page.wait_for_url("**/staff/oversight/ratings/")
    assert case.number in page.inner_text("table")
    assert "整改中" in page.inner_text("table")
    page.screenshot(path=str(SHOTS / "oversight_ratings.png"), full_page=True)
