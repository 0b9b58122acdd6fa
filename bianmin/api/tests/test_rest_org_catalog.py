from __future__ import annotations

import re

import pytest
from django.test import Client

from bianmin.api.tests.conftest import ApiClient
from bianmin.catalog.tests.factories import published_item
from bianmin.org.tests.factories import PostFactory, StaffFactory, WindowFactory, community


def test_org_units_are_limited_to_the_users_scope(world, as_role):
    community(parent=world.center, code="C1-01", name="宏达社区")
    director = as_role("director").get("/api/v1/org-units").json()
    district = as_role("district").get("/api/v1/org-units").json()
    assert {u["code"] for u in director} == {"C1", "C1-01"}
    assert {u["code"] for u in district} == {"D1", "C1", "C2", "C1-01"}
    assert next(u for u in director if u["code"] == "C1-01")["parent_code"] == "C1"


def test_org_unit_out_of_scope_answers_404_like_a_missing_one(world, as_role):
    client = as_role("director")
    out_of_scope = client.get("/api/v1/org-units/C2")
    missing = client.get("/api/v1/org-units/NOPE")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert out_of_scope.json()["code"] == "not_found"


def test_windows_show_a_and_b_staff_on_duty_with_bounded_queries(world, as_role, django_assert_max_num_queries):
    client = as_role("director")
    for number in range(3, 10):
        w = WindowFactory.create(center=world.center, number=number)
        PostFactory.create(window=w, staff=StaffFactory.create(org_unit=world.center), kind="A")
        PostFactory.create(window=w, staff=StaffFactory.create(org_unit=world.center), kind="B")
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/org-units/C1/windows")
    assert response.status_code == 200
    windows = response.json()
    assert [w["number"] for w in windows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert windows[0]["a_posts"][0]["staff_name"] == "何春燕"
    assert windows[0]["departments"] == ["民政办"]
    assert all(len(w["b_posts"]) == 1 for w in windows[1:])
    # no personal data of staff
    assert "phone" not in windows[0]["a_posts"][0]


def test_window_detail_and_scope(world, as_role):
    ok = as_role("window").get(f"/api/v1/windows/{world.window.pk}")
    assert ok.status_code == 200
    assert ok.json()["name"] == "民政窗口"
    assert as_role("other_director").get(f"/api/v1/windows/{world.window.pk}").status_code == 404


def test_items_list_and_detail_with_materials_from_the_published_version(world, as_role):
    client = as_role("window")
    page = client.get("/api/v1/items").json()
    assert page["count"] == 1
    assert page["results"][0]["code"] == "MZ-001"
    detail = client.get("/api/v1/items/MZ-001").json()
    assert [m["name"] for m in detail["materials"]] == ["居民身份证", "户口簿", "家庭成员收入情况说明"]
    assert [m["kind"] for m in detail["materials"]] == ["main", "main", "general"]
    assert detail["windows"] == [{"number": 2, "name": "民政窗口"}]
    # another center's items by its code; an item not public there is 404
    assert client.get("/api/v1/items", center="C2").json()["results"][0]["code"] == "YB-001"
    assert client.get("/api/v1/items/YB-001").status_code == 404
    assert client.get("/api/v1/items", center="NOPE").status_code == 404


def test_items_search_and_paging(world, as_role, django_assert_max_num_queries):
    for n in range(5):
        published_item(owner=world.center, code=f"Z-{n}", name=f"居住证办理{n}")
    client = as_role("window")
    with django_assert_max_num_queries(8):
        page = client.get("/api/v1/items", q="居住证", limit=2, offset=1).json()
    assert page["count"] == 5
    assert [i["code"] for i in page["results"]] == ["Z-1", "Z-2"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": "x"}, "limit", "请填写整数。"),
        ({"limit": 0}, "limit", "不能小于 1。"),
        ({"limit": 999}, "limit", "不能大于 200。"),
        ({"offset": -1}, "offset", "不能小于 0。"),
        ({"offset": 10**30}, "offset", "不能大于 1000000。"),
        ({"q": "a\x00b"}, "q", "不能包含空字符（\\x00）。"),
        ({"q": "长" * 101}, "q", "长度不能超过 100 个字符。"),
    ],
)
def test_bad_query_arguments_get_400_with_field_messages_in_chinese(world, as_role, params, field, message):
    response = as_role("window").get("/api/v1/items", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "请求参数有误。"
    assert {"field": field, "message": message} in body["errors"]


def test_bad_path_arguments_are_400_not_500(world, as_role):
    client = as_role("window")
    assert client.get("/api/v1/windows/abc").status_code == 400
    assert client.get(f"/api/v1/windows/{2**70}").status_code == 400
    assert client.get("/api/v1/org-units/C1/windows", on="2026-13-45").json()["errors"] == [
        {"field": "on", "message": "日期格式不正确，应为 YYYY-MM-DD。"}
    ]


def test_without_token_401_with_revoked_token_401_and_non_staff_403(world, django_user_model):
    from bianmin.api.services import api_token_revoke
    from bianmin.api.tests.factories import token_for

    assert ApiClient(None).get("/api/v1/org-units").status_code == 401
    assert ApiClient("bm_wrong").get("/api/v1/org-units").json()["code"] == "unauthenticated"

    token, secret = token_for(world.staff["window"].user)
    assert ApiClient(secret).get("/api/v1/org-units").status_code == 200
    api_token_revoke(token=token, actor=world.staff["window"].user)
    assert ApiClient(secret).get("/api/v1/org-units").status_code == 401

    outsider = django_user_model.objects.create_user("outsider", password="x-123456789")
    _t, secret = token_for(outsider)
    response = ApiClient(secret).get("/api/v1/org-units")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_staff_session_can_use_the_api_for_the_documentation(world):
    client = Client()
    client.force_login(world.staff["director"].user)
    assert client.get("/api/v1/org-units").status_code == 200


def test_wrong_method_and_unknown_path_use_the_same_error_shape(world, as_role):
    client = as_role("window")
    response = client.post("/api/v1/org-units", {})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "errors"}


def test_openapi_schema_and_docs_are_served_without_a_cdn(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/org-units" in schema["paths"]
    html = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # The page's CSRF token is random letters and can spell "cdn" by chance; everything else is checked.
    html = re.sub(r'data-csrf-token="[^"]*"', 'data-csrf-token=""', html)
    assert "cdn" not in html.lower()


def test_last_used_is_recorded(world):
    from bianmin.api.tests.factories import token_for

    token, secret = token_for(world.staff["window"].user)
    ApiClient(secret).get("/api/v1/org-units")
    token.refresh_from_db()
    assert token.last_used_at is not None
