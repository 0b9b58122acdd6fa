import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.cases.tests.factories import item_for, make_world
from bianmin.reports.tests import factories as f

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_director_sees_the_months_charts_drawn(live_server, page):
    # given a center with a few cases completed lately
    world = make_world()
    version = item_for(world)
    now = timezone.now()
    for hours in (30, 20, 5):
        received = now - dt.timedelta(hours=hours)
        f.case(
            version,
            center=world.center,
            staff=world.clerk,
            window=world.window,
            received=received,
            due=received + dt.timedelta(days=3),
            completed=received + dt.timedelta(hours=2),
        )
    month = timezone.localdate().strftime("%Y-%m")

    # when the director logs in and opens the center's statistics for this month
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", world.director.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/staff/reports/centers/{world.center.code}/?month={month}")

    # then every chart is drawn by the locally served ECharts, and the tables are there to export
    page.wait_for_function("() => document.querySelectorAll('[data-chart] canvas').length >= 8")
    assert page.locator("text=导出全部表格（Excel）").count() == 1
    assert page.locator("section.card table").count() == 11
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports_center_dashboard.png"), full_page=True)
