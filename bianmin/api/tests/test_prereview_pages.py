from __future__ import annotations

import pytest
from django.test import Client

from bianmin.api.tests.factories import open311_client
from bianmin.cases.models import Case, Status

GOOD_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _client_app(world):
    open311_client(secret="k-prereview")


def submit(world) -> str:
    materials = [m["id"] for m in world.version.materials]
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": "k-prereview",
            "jurisdiction_id": "C1",
            "service_code": "MZ-001",
            "address_string": "宏达小区",
            "last_name": "李",
            "first_name": "四",
            "attribute[resident_id]": GOOD_ID,
            "attribute[materials][]": [str(materials[0])],
        },
    )
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def login(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def test_online_application_is_listed_masked_and_pre_reviewed_into_the_window_workbench(world):
    number = submit(world)
    director = login(world.staff["director"])
    page = director.get("/staff/online/").content.decode()
    assert number in page
    assert "李*" in page
    detail = director.get(f"/staff/online/{number}/").content.decode()
    assert GOOD_ID not in detail
    assert "1101**********002X" in detail
    assert "尚需准备" in detail
    # pre-review: come to window 2
    response = director.post(
        f"/staff/online/{number}/", {"action": "prereview", "window": world.window.pk, "supplement": "", "note": ""}
    )
    assert response.status_code == 302
    case = Case.objects.get(number=number)
    assert case.status == Status.RECEIVED
    notes = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"}).json()[0]["status_notes"]
    assert notes.startswith("预审通过")
    # the A post of window 2 finds it on the workbench
    workbench = login(world.staff["window"]).get("/staff/cases/")
    assert number in workbench.content.decode()
    # at the window: originals checked, then the case page takes the decision
    ids = [str(m["id"]) for m in world.version.materials]
    response = login(world.staff["window"]).post(
        f"/staff/online/{number}/", {"action": "present", "materials": ids, "form": "both"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/c/{number}/"
    assert case.materials.filter(presented=True).count() == 3


def test_pre_review_without_a_window_is_a_form_error_not_a_500(world):
    number = submit(world)
    response = login(world.staff["director"]).post(f"/staff/online/{number}/", {"action": "prereview"})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert Case.objects.get(number=number).status == Status.SUBMITTED


def test_pre_review_pages_keep_roles_and_scope(world):
    number = submit(world)
    assert login(world.staff["handler"]).get("/staff/online/").status_code == 403
    assert login(world.staff["other_director"]).get(f"/staff/online/{number}/").status_code == 404
    assert number not in login(world.staff["other_director"]).get("/staff/online/").content.decode()
