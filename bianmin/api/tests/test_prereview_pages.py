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


def test_what_the_pre_review_told_online_is_the_windows_checklist_and_the_first_notice(world):
    # given an online application pre-reviewed with an item the catalog does not have
    number = submit(world)
    director = login(world.staff["director"])
    director.post(
        f"/staff/online/{number}/",
        {"action": "prereview", "window": world.window.pk, "supplement": "社区出具的居住证明", "note": ""},
    )
    case = Case.objects.get(number=number)
    record = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"}).json()[0]
    # the citizen's notice is now the pre-review's list, the extra item included
    assert "社区出具的居住证明（预审增列）" in record["service_notice"]
    assert "等待" not in record["service_notice"]

    # when the window's checklist is opened: it offers the extra item beside the catalog's materials
    window = login(world.staff["window"])
    page = window.get(f"/staff/online/{number}/").content.decode()
    assert "社区出具的居住证明（一般材料，预审增列）" in page
    assert "社区出具的居住证明（预审增列）" in page  # the 已一次性告知 box shows what the citizen was told
    extra = case.materials.get(material_id__isnull=True)
    catalog_ids = [str(m["id"]) for m in world.version.materials if m["kind"] == "main"]
    # the applicant brought the main materials but not the extra item
    response = window.post(f"/staff/online/{number}/", {"action": "present", "materials": catalog_ids, "form": "both"})
    assert response.status_code == 302

    # and the case is accepted: what is missing, the extra item included, goes on the supplement notice
    response = window.post(f"/staff/cases/c/{number}/decide/", {"decision": "accept"})
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.WAITING
    request = case.supplement_requests.get()
    assert [i["name"] for i in request.items] == ["家庭成员收入情况说明", "社区出具的居住证明"]
    assert request.extra_items == []  # all of it was told online
    detail = window.get(f"/staff/cases/c/{number}/").content.decode()
    assert "网上预审已一次性告知" in detail

    # then Open311 reflects the acceptance
    record = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"}).json()[0]
    assert "受理" in record["service_notice"]
    assert number in record["service_notice"]
    assert "预审" not in record["status_notes"]
    assert record["expected_datetime"] is None or record["expected_datetime"]

    # the extra item can be received with the supplement
    response = window.post(
        f"/staff/cases/c/{number}/receive/",
        {
            f"r_x{extra.pk}": "original",
            "r_" + str(next(m["id"] for m in world.version.materials if m["kind"] == "general")): "original",
        },
    )
    assert response.status_code == 302
    extra.refresh_from_db()
    assert extra.presented
