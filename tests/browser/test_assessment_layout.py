"""The assessment sheet at 1366 px (issue 20): the name column stays put while the rest scrolls sideways, and the
result column can always be reached."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.cases.tests.factories import make_world
from bianmin.reports import services
from bianmin.reports.periods import Period

from .axe import assert_accessible
from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_assessment_sheet_scrolls_sideways_under_a_sticky_name_column_at_1366(live_server, page):
    # given a scored clerk who fails this year
    world = make_world()
    year = timezone.localdate().year
    services.assessment_score_record(
        center=world.center,
        staff=world.clerk,
        period=Period(year),
        center_score=Decimal(60),
        department_score=Decimal(55),
        remarks="迟到较多，建议调换。",
        actor=world.director.user,
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, world.director.user.username)

    # when the director opens the sheet on a 1366 px screen
    page.goto(f"{live_server.url}/staff/assessment/{world.center.code}/?year={year}")
    wrap, name = ".assess-wrap", f".assess tbody tr:has-text('{world.clerk.name}') .assess-name"
    result = f".assess tbody tr:has-text('{world.clerk.name}') .assess-result"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "assessment_1366.png"), full_page=True)

    # then the table scrolls inside its box, not the page, and the page itself never needs a sideways scroll
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    overflow = page.eval_on_selector(wrap, "el => el.scrollWidth - el.clientWidth")
    assert overflow > 0
    name_before = box(page, name)

    # scrolled all the way right: the result column is in view, the name column has not moved
    page.eval_on_selector(wrap, "el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function("(sel) => document.querySelector(sel).scrollLeft > 0", arg=wrap)
    page.screenshot(path=str(SHOTS / "assessment_1366_scrolled.png"), full_page=False)
    name_after, result_box, wrap_box = box(page, name), box(page, result), box(page, wrap)
    assert name_after["x"] == pytest.approx(name_before["x"], abs=1)
    assert page.locator(name).is_visible()
    assert world.clerk.name in page.inner_text(name)
    assert wrap_box["x"] <= result_box["x"]
    assert result_box["x"] + result_box["width"] <= wrap_box["x"] + wrap_box["width"]
    assert result_box["x"] >= name_after["x"] + name_after["width"]  # not hidden under the sticky column
    assert "不合格" in page.inner_text(result)
    # and the wide table's horizontal scrollbar is on screen (the box is no taller than the window)
    assert wrap_box["height"] <= 768
    assert_accessible(page, "工作人员考核")
