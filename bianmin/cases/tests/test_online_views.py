"""The online pre-review pages live with cases: they work for any channel, and show what the channel recorded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bianmin.cases import channels
from bianmin.cases.models import Case, Status
from bianmin.cases.tests.test_online import setup as setup
from bianmin.cases.tests.test_online import submit
from bianmin.org.models import Role
from bianmin.org.tests.factories import center, district, staff_user

pytestmark = pytest.mark.django_db


class FakeChannel:
    def labels(self, cases):
        return {case.pk: "掌上办" for case in cases}

    def details(self, case):
        return channels.ChannelDetails(rows=[("来源应用", "掌上办"), ("申请说明", "给母亲办理")], notice="请携带原件。")


FAKE = FakeChannel()


def login(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def test_the_queue_lists_only_online_cases_of_the_users_centers_without_any_channel_configured(setup, settings):
    settings.BIANMIN_CASE_CHANNELS = []
    ids = [m["id"] for m in setup["version"].materials]
    case = submit(setup, has=ids[:1])
    assert case.submitted_online
    director = login(setup["director"])
    page = director.get("/staff/online/").content.decode()
    assert case.number in page
    assert "张*" in page
    detail = director.get(f"/staff/online/{case.number}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "网上申报已提交，等待工作人员预审。" in body
    assert "已备齐" in body
    assert "尚需准备" in body
    assert "13800001234" not in body
    assert "138****1234" in body
    # another center's director sees neither
    other = login(staff_user(Role.DIRECTOR, center(parent=district(code="D2"), code="C2")))
    assert case.number not in other.get("/staff/online/").content.decode()
    assert other.get(f"/staff/online/{case.number}/").status_code == 404


def test_the_pages_show_what_the_channel_recorded(setup, settings):
    settings.BIANMIN_CASE_CHANNELS = ["bianmin.cases.tests.test_online_views.FAKE"]
    case = submit(setup)
    director = login(setup["director"])
    assert "掌上办" in director.get("/staff/online/").content.decode()
    body = director.get(f"/staff/online/{case.number}/").content.decode()
    assert "给母亲办理" in body
    assert "请携带原件。" in body


def test_pre_review_from_the_page_moves_the_case_to_the_chosen_window(setup, settings):
    settings.BIANMIN_CASE_CHANNELS = []
    case = submit(setup)
    director = login(setup["director"])
    response = director.post(
        f"/staff/online/{case.number}/",
        {"action": "prereview", "window": setup["window"].pk, "supplement": "社区证明", "note": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.window_id) == (Status.RECEIVED, setup["window"].pk)
    bad = director.post(f"/staff/online/{case.number}/", {"action": "present", "materials": ["nonsense"]})
    assert bad.status_code == 400
    assert "nonsense" in bad.content.decode() or "选择" in bad.content.decode()


def test_a_window_case_is_not_in_the_queue_and_the_queue_costs_a_fixed_number_of_queries(setup, settings):
    settings.BIANMIN_CASE_CHANNELS = []
    for _ in range(3):
        submit(setup)
    director = login(setup["director"])
    director.get("/staff/online/")
    with CaptureQueriesContext(connection) as three:
        director.get("/staff/online/")
    for _ in range(3):
        submit(setup)
    with CaptureQueriesContext(connection) as six:
        director.get("/staff/online/")
    assert len(six.captured_queries) == len(three.captured_queries)
    Case.objects.update(submitted_online=False)
    assert "C1-" not in director.get("/staff/online/").content.decode()
