from __future__ import annotations

from typing import get_args

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.api.routes import cases as case_routes
from bianmin.cases.models import Case, Status
from bianmin.catalog.models import Mode

GOOD_ID = "11010519491231002X"


def intake_body(world, decision="accept", presented=None, **applicant):
    ids = [m["id"] for m in world.version.materials]
    return {
        "item_code": "MZ-001",
        "window_number": 2,
        "applicant": {"name": "王五", "id_number": GOOD_ID, "phone": "13800005678", **applicant},
        "presented": [{"material_id": i, "form": "both"} for i in (ids if presented is None else presented)],
        "decision": decision,
    }


def test_intake_through_the_api_uses_the_case_services_and_masks_personal_data(world, as_role):
    response = as_role("window").post("/api/v1/cases", intake_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.status == Status.ACCEPTED
    assert body["status"] == "accepted"
    assert body["applicant"] == "王*"
    assert body["applicant_identifier"] == "1101**********002X"
    assert GOOD_ID not in response.content.decode()
    assert [n["kind"] for n in body["notices"]] == ["acceptance"]
    assert body["due_at"] is not None
    assert body["deadline_explanation"]
    assert [e["verb"] for e in body["timeline"]] == ["receive", "accept"]


def test_intake_errors_are_field_level_in_chinese(world, as_role):
    client = as_role("window")
    response = client.post("/api/v1/cases", intake_body(world, id_number="110105194912310021"))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "id_number", "message": "公民身份号码校验位不正确，请核对。"}]
    response = client.post("/api/v1/cases", intake_body(world, presented=[]))
    assert response.status_code == 400
    assert "主要申报材料缺少" in response.json()["message"]
    response = client.post("/api/v1/cases", {**intake_body(world), "item_code": "YB-001"})
    assert response.json()["errors"] == [{"field": "item_code", "message": "该事项未在本中心公开。"}]
    response = client.post("/api/v1/cases", {**intake_body(world), "decision": "maybe"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "decision"
    response = client.post("/api/v1/cases", "not json")
    assert response.status_code == 400
    assert response.json()["message"] == "请求内容无法解析，请提交有效的 JSON。"
    assert Case.objects.count() == 0


def test_roles_and_scope_for_cases(world, as_role):
    number = as_role("window").post("/api/v1/cases", intake_body(world)).json()["number"]
    assert as_role("handler").post("/api/v1/cases", intake_body(world)).status_code == 403
    assert as_role("inspector").get(f"/api/v1/cases/{number}").status_code == 200
    assert as_role("other_director").get(f"/api/v1/cases/{number}").status_code == 404
    assert as_role("other_director").post(f"/api/v1/cases/{number}/start", {}).status_code == 404
    assert as_role("inspector").post(f"/api/v1/cases/{number}/start", {}).status_code == 403
    assert number not in as_role("other_director").get("/api/v1/cases").content.decode()


def test_transitions_follow_the_state_machine_and_conflicts_are_409(world, as_role):
    client = as_role("window")
    number = client.post("/api/v1/cases", intake_body(world)).json()["number"]
    assert client.post(f"/api/v1/cases/{number}/start", {}).json()["status"] == "in_progress"
    # completing with materials still held is refused with a clear message
    response = client.post(f"/api/v1/cases/{number}/complete", {"result": "准予享受最低生活保障"})
    assert response.status_code == 400
    assert "尚未退还申请人或归档" in response.json()["message"]
    bad = client.post(f"/api/v1/cases/{number}/complete", {"result": "准予", "outcome": "maybe"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "outcome"
    done = client.post(
        f"/api/v1/cases/{number}/complete", {"result": "准予", "outcome": "granted", "dispose_by_form": True}
    )
    assert done.json()["status"] == "completed"
    assert Case.objects.get(number=number).outcome == "granted"  # shown on the public progress page
    again = client.post(f"/api/v1/cases/{number}/start", {})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert client.post(f"/api/v1/cases/{number}/refuse", {"reason": ""}).status_code == 400


def test_list_filters_and_cursor_pagination_with_bounded_queries(world, as_role, django_assert_max_num_queries):
    client = as_role("window")
    numbers = [client.post("/api/v1/cases", intake_body(world)).json()["number"] for _n in range(5)]
    client.post(f"/api/v1/cases/{numbers[0]}/withdraw", {"reason": "申请人撤回"})
    seen = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(6):
            page = client.get("/api/v1/cases", **params).json()
        seen += [c["number"] for c in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(numbers))
    assert [c["number"] for c in client.get("/api/v1/cases", status="withdrawn").json()["results"]] == [numbers[0]]
    assert client.get("/api/v1/cases", item="YB-001").json()["results"] == []
    assert len(client.get("/api/v1/cases", window=2).json()["results"]) == 5
    assert client.get("/api/v1/cases", cursor="garbage!!").status_code == 200  # a bad cursor restarts
    assert client.get("/api/v1/cases", status="lost").status_code == 400
    assert client.get("/api/v1/cases", received_from="2026-99-01").status_code == 400


def test_prereview_through_the_api(world, as_role):
    from bianmin.cases.services import OnlineApplicant, case_submit_online

    case = case_submit_online(
        center=world.center, item=world.version.item, applicant=OnlineApplicant(id_number=GOOD_ID), has=[]
    )
    client = as_role("director")
    response = client.post(f"/api/v1/cases/{case.number}/prereview", {"window_number": 2, "supplement": ["收入证明"]})
    assert response.status_code == 200
    assert response.json()["status"] == "received"
    assert client.post(f"/api/v1/cases/{case.number}/prereview", {"window_number": 99}).status_code == 400


def test_literal_choices_match_the_models():
    assert set(get_args(case_routes.StatusName)) == set(Status.values)
    assert set(get_args(case_routes.ModeName)) == set(Mode.values)


def test_moments_with_offsets_postgresql_cannot_store_are_converted_not_500(world, as_role):
    # Found by schemathesis on PostgreSQL: an offset of -21:06 used to reach the database and answer 500.
    client = as_role("window")

    response = client.get("/api/v1/cases", received_to="0551-12-23T00:08:09.6-21:06")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert client.get("/api/v1/cases", received_from="2026-11-01T08:00:00").status_code == 200  # naive = local


def test_intake_through_the_api_accepts_an_elderly_applicant_whose_number_names_a_younger_district(world, as_role):
    # 天河区 (440106) dates from 1985; the applicant was born in 1941.
    response = as_role("window").post("/api/v1/cases", intake_body(world, id_number="440106194102080034"))

    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.json()["number"]).applicant_id_number == "440106194102080034"


def test_list_pages_carry_a_next_link_with_the_same_filters(world, as_role):
    client = as_role("window")
    numbers = [client.post("/api/v1/cases", intake_body(world)).json()["number"] for _n in range(3)]
    page = client.get("/api/v1/cases", limit=2, window=2).json()
    assert page["next"].startswith("http://testserver/api/v1/cases?")
    assert "window=2" in page["next"]
    following = client.get(page["next"].removeprefix("http://testserver")).json()
    assert [c["number"] for c in page["results"] + following["results"]] == list(reversed(numbers))
    assert following["next"] is None


def test_district_list_merges_its_centers_newest_first_page_by_page(world, as_role):
    # given five cases, three in one center and two in another, received at interleaved moments
    import datetime as dt

    from django.utils import timezone

    client = as_role("window")
    numbers = [client.post("/api/v1/cases", intake_body(world)).json()["number"] for _n in range(5)]
    start = timezone.now() - dt.timedelta(days=3)
    order = [3, 0, 4, 1, 2]  # received order, oldest first
    for rank, i in enumerate(order):
        center = world.other if i in (0, 4) else world.center
        Case.objects.filter(number=numbers[i]).update(center=center, received_at=start + dt.timedelta(hours=rank))
    # when the district account pages through its list two at a time
    seen, cursor = [], None
    while True:
        page = as_role("district").get("/api/v1/cases", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["number"] for c in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    # then it sees both centers' cases once each, newest received first
    assert seen == [numbers[i] for i in reversed(order)]
    # and a center's clerk sees only their own center's
    mine = [c["number"] for c in client.get("/api/v1/cases", limit=10).json()["results"]]
    assert mine == [numbers[i] for i in (2, 1, 3)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_list_walks_the_received_index_of_each_unit_and_reads_only_the_page(world, as_role):
    # given cases in the district's centers
    client = as_role("window")
    for _n in range(3):
        client.post("/api/v1/cases", intake_body(world))
    # when the district account reads its first page
    with CaptureQueriesContext(connection) as ctx:
        assert as_role("district").get("/api/v1/cases", limit=2).status_code == 200
    # then the page's ids come from the received index of each unit, walked in order (sequential scans off: the
    # question is whether an index serves the shape), and no query reads every case of a center to sort them (a
    # bitmap scan of a center index, or a sequential scan); the page's rows are then read by id
    plans = []
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        for q in ctx.captured_queries:
            if "cases_case" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT"):
                cur.execute("EXPLAIN " + q["sql"])
                plans.append("\n".join(row[0] for row in cur.fetchall()))
        cur.execute("SET enable_seqscan = on")
    assert any("case_center_received_idx" in p for p in plans), plans
    whole = ("Seq Scan on cases_case", "Bitmap Index Scan on cases_case_center", "Bitmap Index Scan on case_center")
    assert [p for p in plans if any(w in p for w in whole)] == []


def test_the_list_reads_only_the_fields_it_shows_and_shows_what_the_case_holds(world, as_role):
    client = as_role("window")
    numbers = [client.post("/api/v1/cases", intake_body(world)).json()["number"] for _n in range(4)]
    client.post(f"/api/v1/cases/{numbers[1]}/withdraw", {"reason": "申请人撤回"})

    counts = []
    for limit in (1, 4):
        with CaptureQueriesContext(connection) as ctx:
            listed = client.get("/api/v1/cases", limit=limit).json()["results"]
        counts.append(len(ctx.captured_queries))
    # four cases cost the same queries as one: nothing left out of the page's read is fetched row by row
    assert counts[0] == counts[1]
    assert [c["number"] for c in listed] == list(reversed(numbers))
    for row in listed:
        detail = client.get(f"/api/v1/cases/{row['number']}").json()
        assert row == {key: detail[key] for key in row}


def test_a_list_of_values_reads_no_personal_data():
    from bianmin.cases import listing

    for field in ("applicant_id_number", "applicant_phone", "assignee__phone"):
        with pytest.raises(ValueError, match="personal"):
            listing.case_values(values=("number", field), user=None)


def test_the_list_of_values_pages_as_the_list_of_cases_does(world, as_role):
    from bianmin.cases import listing

    client = as_role("window")
    for _n in range(5):
        client.post("/api/v1/cases", intake_body(world))
    user = client.get("/api/v1/cases").wsgi_request.user
    # given the same scope walked two at a time, once as cases and once as values
    as_cases, as_values, cursor_c, cursor_v = [], [], None, None
    while True:
        cases, cursor_c = listing.case_list(user=user, limit=2, cursor=cursor_c)
        rows, cursor_v = listing.case_values(values=("number", "item__code"), user=user, limit=2, cursor=cursor_v)
        as_cases.append([(c.number, c.item.code, c.received_at, c.pk) for c in cases])
        as_values.append([(r["number"], r["item__code"], r["received_at"], r["id"]) for r in rows])
        assert cursor_c == cursor_v
        if cursor_c is None:
            break
    # then the pages hold the same cases, with the cursor's columns
    assert as_cases == as_values
    assert sum(len(page) for page in as_values) >= 5
