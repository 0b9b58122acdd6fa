"""The reports dashboard at 1366 px (issue 20): chart legends clear of every label, and months picked in Chinese
("2026年11月") from a plain select whose values keep the `?month=YYYY-MM` links working."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.cases.tests.factories import item_for, make_world
from bianmin.oversight.models import Rating
from bianmin.reports.tests import factories as f

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# For one chart: every text drawn outside the legend whose box meets the legend's box (zrender's own geometry).
LEGEND_CLASHES = """(el) => {
  const chart = echarts.getInstanceByDom(el);
  const clashes = [];
  chart.getModel().eachComponent('legend', (model) => {
    const group = chart.getViewOfComponentModel(model).group;
    const legend = group.getBoundingRect().clone();
    legend.applyTransform(group.getComputedTransform());
    const inLegend = (node) => {
      for (let p = node; p; p = p.parent || p.__hostTarget) { if (p === group) return true; }
      return false;
    };
    chart.getZr().storage.getDisplayList(true).forEach((d) => {
      // zrender draws each text as 'tspan' displayables under a Text element
      if (d.type !== 'tspan' && d.type !== 'text') return;
      if (inLegend(d) || d.ignore || d.invisible || !d.style || !d.style.text) return;
      const box = d.getBoundingRect().clone();
      box.applyTransform(d.getComputedTransform());
      if (box.width > 0 && box.height > 0 && box.intersect(legend)) clashes.push(String(d.style.text));
    });
  });
  return clashes;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chart_legends_clear_the_labels_and_the_month_is_picked_in_chinese(live_server, page):
    # given a month of cases over several items and modes, with ratings
    world = make_world()
    versions = [
        item_for(world, name="城乡居民最低生活保障申请（含特困人员救助供养）"),
        item_for(world, name="残疾人两项补贴申请", mode="instant"),
        item_for(world, name="老年人高龄津贴申领"),
    ]
    now = timezone.now()
    for n in range(12):
        received = now - dt.timedelta(hours=6 + 7 * n)
        done = f.case(
            versions[n % 3],
            center=world.center,
            staff=world.clerk,
            window=world.window,
            received=received,
            due=received + dt.timedelta(days=3),
            completed=received + dt.timedelta(hours=2),
        )
        if n % 2:
            f.rating(done, overall=5 - n % 4, created=received + dt.timedelta(hours=3))
    assert Rating.objects.exists()
    today = timezone.localdate()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, world.director.user.username)

    # when the director opens the statistics of this month
    page.goto(f"{live_server.url}/staff/reports/centers/{world.center.code}/?month={today:%Y-%m}")
    page.wait_for_function("() => document.querySelectorAll('[data-chart] canvas').length >= 8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports_dashboard_1366.png"), full_page=True)

    # then no chart's legend sits on an axis name, an axis label or a pie label
    clashes = {el.get_attribute("data-chart"): el.evaluate(LEGEND_CLASHES) for el in page.locator("[data-chart]").all()}
    assert {k: v for k, v in clashes.items() if v} == {}
    assert len(clashes) >= 8

    # and the month picker reads in Chinese, this month selected, no browser month input left
    assert page.locator("input[type=month]").count() == 0
    picker = page.locator("select#f-month")
    this_month = f"{today.year}年{today.month}月"
    assert picker.locator("option:checked").inner_text() == this_month
    assert picker.locator("option:checked").get_attribute("value") == f"{today:%Y-%m}"
    # picking last month asks for ?month=YYYY-MM, as the old links do
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    picker.select_option(label=f"{last.year}年{last.month}月")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**/?month={last:%Y-%m}")
    assert f"{last.year}年{last.month}月办件统计" in page.inner_text("h1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_attendance_sheet_and_roster_pick_months_in_chinese(live_server, page):
    world = make_world()
    today = timezone.localdate()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, world.director.user.username)
    page.goto(f"{live_server.url}/staff/staffing/attendance/sheet/?center={world.center.code}&month={today:%Y-%m}")
    assert page.locator("input[type=month]").count() == 0
    assert page.locator("#f-month option:checked").inner_text() == f"{today.year}年{today.month}月"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "attendance_month_picker_1366.png"))
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page.select_option("#f-month", value=f"{last:%Y-%m}")
    page.click("form.filters:has(#f-month) button[type=submit]")
    page.wait_for_url(f"**month={last:%Y-%m}**")
    assert f"{last.year}年{last.month}月" in page.inner_text("h1")

    # the roster's month navigation offers the same picker between 上月 and 下月
    page.goto(f"{live_server.url}/staff/staffing/roster/?center={world.center.code}")
    nav = page.locator("form.month-nav")
    assert nav.locator("#f-month-nav option:checked").inner_text() == f"{today.year}年{today.month}月"
    nav.locator("#f-month-nav").select_option(value=f"{last:%Y-%m}")
    nav.locator("button[type=submit]").click()
    page.wait_for_url(f"**month={last:%Y-%m}**")
    assert page.locator("#f-month-nav option:checked").inner_text() == f"{last.year}年{last.month}月"
