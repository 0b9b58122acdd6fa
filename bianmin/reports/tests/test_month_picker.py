"""The dashboards pick months in Chinese and keep reading `?month=YYYY-MM` (issue 20)."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from bianmin.reports.periods import PeriodError, parse_month


def test_parse_month_reads_the_chinese_form_too():
    assert parse_month("2026年3月", dt.date(2020, 1, 5)) == dt.date(2026, 3, 1)
    with pytest.raises(PeriodError):
        parse_month("2026年13月", dt.date(2020, 1, 5))


def test_the_dashboard_offers_a_chinese_month_select_not_the_browsers_month_input(world, clock, client):
    client.force_login(world.director.user)
    url = reverse("reports:center_dashboard", kwargs={"code": world.center.code})

    html = client.get(url + "?month=2026-03").content.decode()

    assert 'type="month"' not in html
    assert '<select id="f-month" name="month"' in html
    assert '<option value="2026-03" selected>2026年3月</option>' in html
    assert '<option value="2026-05">2026年5月</option>' in html  # up to next month (clock: 15 April 2026)
    assert "2026年3月办件统计" in html
    # the chart axes read Chinese dates too
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found[1])
    assert data["days"][0] == "3月1日"
    assert data["days"][-1] == "3月31日"
    assert data["months"][-1] == "2026年3月"


def test_a_chinese_month_in_the_query_string_is_understood(world, clock, client):
    client.force_login(world.director.user)
    url = reverse("reports:center_dashboard", kwargs={"code": world.center.code})

    response = client.get(url, {"month": "2026年2月"})

    assert response.status_code == 200
    assert "2026年2月办件统计" in response.content.decode()
