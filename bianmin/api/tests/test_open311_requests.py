from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.api import open311
from bianmin.api.models import OnlineApplication
from bianmin.api.services import open311_client_revoke
from bianmin.api.tests.factories import open311_client
from bianmin.api.tests.open311_schema import parse_xml, swagger, validate
from bianmin.cases.models import Case, Status
from bianmin.cases.services import (
    case_accept,
    case_complete,
    case_deliver,
    case_materials_present,
    case_prereview,
    case_start,
)

GOOD_ID = "11010519491231002X"
KEY = "test-open311-key"


@pytest.fixture
def client_app(world):
    app, _secret = open311_client(secret=KEY)
    return app


def form(world, **overrides):
    materials = [m["id"] for m in world.version.materials]
    data = {
        "api_key": KEY,
        "jurisdiction_id": "C1",
        "service_code": "MZ-001",
        "address_string": "长兴路宏达小区 3 号楼 2 单元",
        "first_name": "三",
        "last_name": "张",
        "phone": "13800001234",
        "email": "zhangsan@example.com",
        "description": "申请低保，家住宏达小区",
        f"attribute[{open311.RESIDENT_ID}]": GOOD_ID,
        f"attribute[{open311.MATERIALS}][]": [str(materials[0])],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(data, fmt="json"):
    return Client().post(f"/open311/v2/requests.{fmt}", data)


def response_schema():
    definitions = swagger()["definitions"]
    return {"type": "array", "items": definitions["RequestResponse"], "minItems": 1}


def test_posting_an_application_creates_a_case_awaiting_pre_review_and_tells_once_what_to_bring(world, client_app):
    # When
    response = post(form(world))
    # Then
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, response_schema())
    (record,) = body
    case = Case.objects.get(number=record["service_request_id"])
    assert case.status == Status.SUBMITTED
    assert case.center == world.center
    assert case.applicant_name == "张三"
    assert case.applicant_id_number == GOOD_ID
    application = OnlineApplication.objects.get(case=case)
    assert application.client == client_app
    assert application.token == record["token"]
    notice = record["service_notice"]
    # the main material not ticked and the general one, each named with its kind; the ticked one as ready
    assert "主要材料：户口簿（主要材料" in notice
    assert "一般材料：家庭成员收入情况说明（一般材料" in notice
    assert "已备齐的材料请携带原件到窗口核验：居民身份证" in notice
    assert case.number in notice


def test_all_materials_ticked_says_so(world, client_app):
    ids = [str(m["id"]) for m in world.version.materials]
    notice = post(form(world, **{"attribute[materials][]": ids})).json()[0]["service_notice"]
    assert "您已备齐本事项的全部申请材料" in notice
    assert "尚需准备" not in notice


def test_posting_xml_answers_in_the_specification_shape(world, client_app):
    response = post(form(world), fmt="xml")
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id", "").startswith("C1-")
    assert root.findtext("request/token")
    assert "户口簿" in root.findtext("request/service_notice", "")


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"jurisdiction_id": "NOPE"}, 404, "NOPE"),
        ({"address_string": None}, 400, "位置"),
        ({"address_string": None, "lat": "34.8"}, 400, "lat 与 long"),
        ({"address_string": None, "lat": "134.8", "long": "113.6"}, 400, "lat"),
        ({"address_string": None, "lat": "abc", "long": "113.6"}, 400, "lat"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "YB-001"}, 400, "YB-001"),
        ({"description": "长" * 4001}, 400, "description"),
        ({"attribute[resident_id]": None}, 400, "resident_id"),
        ({"attribute[resident_id]": "110105194912310021"}, 400, "校验位"),
        ({"attribute[materials][]": ["999999"]}, 400, "materials"),
        ({"attribute[materials][]": ["x"]}, 400, "materials"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"phone": "12"}, 400, "电话"),
        ({"address_string": "a\x00b"}, 400, "address_string"),
    ],
)
def test_every_bad_submission_answers_in_the_spec_error_shape_and_saves_nothing(
    world, client_app, overrides, status, words
):
    response = post(form(world, **overrides))
    assert response.status_code == status
    body = response.json()
    assert body[0]["code"] == status
    assert words in body[0]["description"]
    assert Case.objects.count() == 0


def test_lat_long_or_address_id_are_locations_too(world, client_app):
    assert post(form(world, address_string=None, lat="34.8", long="113.6")).status_code == 200
    assert post(form(world, address_string=None, address_id="HD-3-2")).status_code == 200


def test_a_revoked_key_is_refused(world, client_app):
    open311_client_revoke(client=client_app, actor=None)
    response = post(form(world), fmt="xml")
    assert response.status_code == 403
    assert parse_xml(response.content).findtext("error/code") == "403"


def test_without_jurisdiction_the_default_center_takes_the_application(world, client_app, settings):
    settings.BIANMIN_DEFAULT_CENTER = "C1"
    assert post(form(world, jurisdiction_id=None)).status_code == 200
    assert Case.objects.get().center == world.center


def _submit(world):
    return post(form(world)).json()[0]


def test_request_records_validate_and_carry_no_personal_data(world, client_app):
    record = _submit(world)
    response = Client().get("/open311/v2/requests.json", {"jurisdiction_id": "C1"})
    assert response.status_code == 200
    data = response.json()
    validate(data, "requests.json")
    (public,) = data
    assert public["service_request_id"] == record["service_request_id"]
    assert public["status"] == "open"
    assert public["status_notes"] == "网上申报已提交，等待工作人员预审。"
    assert public["service_code"] == "MZ-001"
    assert public["agency_responsible"] == "长兴路街道便民服务中心"
    assert public["address"] == "长兴路街道便民服务中心（长兴路 88 号）"
    assert public["expected_datetime"] is None
    text = json.dumps(data, ensure_ascii=False)
    for personal in ("张三", "张", GOOD_ID, "13800001234", "1234", "zhangsan", "宏达小区"):
        assert personal not in text.replace(record["service_request_id"], "")


def test_single_request_and_token_lookups(world, client_app):
    record = _submit(world)
    number = record["service_request_id"]
    one = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"})
    assert one.status_code == 200
    validate(one.json(), "requests.json")
    assert one.json()[0]["service_request_id"] == number
    xml = parse_xml(Client().get(f"/open311/v2/requests/{number}.xml", {"jurisdiction_id": "C1"}).content)
    assert xml.findtext("request/service_request_id") == number
    assert xml.findtext("request/status") == "open"

    token = Client().get(f"/open311/v2/tokens/{record['token']}.json", {"jurisdiction_id": "C1"})
    assert token.json() == [{"service_request_id": number, "token": record["token"]}]

    assert Client().get("/open311/v2/requests/C1-2026-99999.json", {"jurisdiction_id": "C1"}).status_code == 404
    assert Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C2"}).status_code == 404
    assert Client().get("/open311/v2/tokens/nope.xml", {"jurisdiction_id": "C1"}).status_code == 404


def test_request_filters(world, client_app):
    first = _submit(world)["service_request_id"]
    second = _submit(world)["service_request_id"]
    old = _submit(world)["service_request_id"]
    Case.objects.filter(number=old).update(received_at=timezone.now() - dt.timedelta(days=100))

    def ids(**params):
        response = Client().get("/open311/v2/requests.json", {"jurisdiction_id": "C1", **params})
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [second, first]  # default: the last 90 days, newest first
    assert ids(service_request_id=f"{first},{old}") == [first, old]  # ids override the date range
    assert ids(service_code="YB-001") == []
    assert ids(status="closed") == []
    assert ids(status="open,closed") == [second, first]
    start = (timezone.now() - dt.timedelta(days=101)).isoformat()
    end = (timezone.now() - dt.timedelta(days=20)).isoformat()
    assert ids(start_date=start, end_date=end) == [old]
    assert ids(start_date=(timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [second, first]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-02-30"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_request_filters_are_400(world, params, words):
    for fmt in ("json", "xml"):
        response = Client().get(f"/open311/v2/requests.{fmt}", {"jurisdiction_id": "C1", **params})
        assert response.status_code == 400
    assert words in response.content.decode()


def test_at_most_1000_records(world, client_app, monkeypatch):
    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)
    for _n in range(3):
        _submit(world)
    assert len(Client().get("/open311/v2/requests.json", {"jurisdiction_id": "C1"}).json()) == 2


def test_request_list_queries_do_not_grow(world, client_app, django_assert_max_num_queries):
    for _n in range(6):
        _submit(world)
    for case in Case.objects.all()[:3]:
        case_prereview(case=case, actor=world.staff["director"].user, window=world.window, supplement=["工资流水"])
    with django_assert_max_num_queries(6):
        response = Client().get("/open311/v2/requests.xml", {"jurisdiction_id": "C1"})
    assert len(parse_xml(response.content).findall("request")) == 6


def test_pre_review_and_acceptance_show_in_status_notes_and_expected_datetime(world, client_app):
    number = _submit(world)["service_request_id"]
    case = Case.objects.get(number=number)

    def record():
        data = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"}).json()
        validate(data, "requests.json")
        return data[0]

    # pre-review: materials fine, come to window 2 with the originals
    case_prereview(case=case, actor=world.staff["director"].user, window=world.window)
    notes = record()["status_notes"]
    assert notes == "预审通过：材料齐全。请携带全部申请材料原件到长兴路街道便民服务中心 2号窗口（民政窗口）办理。"
    # at the window: originals checked, accepted; the deadline becomes the expected moment
    ids = [m["id"] for m in world.version.materials]
    case_materials_present(case=case, actor=world.staff["window"].user, presented=dict.fromkeys(ids, "original"))
    case = case_accept(case=case, actor=world.staff["window"].user)
    now = record()
    assert now["status"] == "open"
    assert now["status_notes"].startswith("已受理，正在办理，承诺于")
    assert now["expected_datetime"] == timezone.localtime(case.due_at).isoformat(timespec="seconds")
    # completed, then delivered: closed, and the record says so
    case_start(case=case, actor=world.staff["window"].user)
    case_complete(case=case, actor=world.staff["window"].user, result="准予", dispose_by_form=True)
    assert record()["status_notes"].startswith("已办结，请凭受理告知单")
    case_deliver(case=case, actor=world.staff["window"].user, method="window")
    closed = record()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已办结，办理结果已送达。"
    assert closed["updated_datetime"] >= now["updated_datetime"]


def test_pre_review_asking_for_a_supplement_is_shown_to_the_applicant(world, client_app):
    number = _submit(world)["service_request_id"]
    case_prereview(
        case=Case.objects.get(number=number),
        actor=world.staff["director"].user,
        window=world.window,
        supplement=["近六个月家庭收入证明"],
        note="请由社区盖章",
    )
    notes = Client().get(f"/open311/v2/requests/{number}.json", {"jurisdiction_id": "C1"}).json()[0]["status_notes"]
    assert notes.startswith("预审意见：需补充材料：近六个月家庭收入证明。请补齐后")
    assert "2号窗口" in notes
    assert notes.endswith("（请由社区盖章）")


def test_arguments_in_the_query_string_of_a_post_are_read_too(world, client_app):
    data = form(world)
    query = "api_key=test-open311-key&jurisdiction_id=C1&service_code=MZ-001"
    for key in ("api_key", "jurisdiction_id", "service_code"):
        del data[key]
    response = Client().post(f"/open311/v2/requests.json?{query}", data)
    assert response.status_code == 200, response.content
    assert Case.objects.get().center == world.center


def test_token_response_validates_against_the_published_swagger_definition(world, client_app):
    record = post(form(world)).json()[0]
    response = Client().get(f"/open311/v2/tokens/{record['token']}.json", {"jurisdiction_id": "C1"})
    schema = {"type": "array", "items": swagger()["definitions"]["TokenResponse"], "minItems": 1}
    jsonschema.validate(response.json(), schema)


def test_an_elderly_applicant_whose_number_names_a_younger_district_is_accepted(world, client_app):
    # 惠济区 (410108) dates from 1987 as 邙山区; the applicant was born in 1936.
    response = post(form(world, **{f"attribute[{open311.RESIDENT_ID}]": "410108193605170026"}))

    assert response.status_code == 200, response.content
    (record,) = response.json()
    assert Case.objects.get(number=record["service_request_id"]).applicant_id_number == "410108193605170026"


def test_request_list_is_keyset_paginated_with_a_next_link(world, client_app):
    # given five online applications, received one after another
    numbers = [_submit(world)["service_request_id"] for _n in range(5)]
    # when an integrator follows the `Link: rel="next"` headers two at a time
    seen: list[str] = []
    url = "/open311/v2/requests.json?jurisdiction_id=C1&page_size=2"
    pages = 0
    while url:
        response = Client().get(url)
        assert response.status_code == 200
        seen += [r["service_request_id"] for r in response.json()]
        link = response.get("Link", "")
        url = link[link.index("<") + 1 : link.index(">")].removeprefix("http://testserver") if link else ""
        pages += 1
    # then it gets every application once, newest first, in three pages, the last without a link
    assert seen == list(reversed(numbers))
    assert pages == 3


@pytest.mark.parametrize("size", ["0", "1001", "many"])
def test_bad_page_size_is_400(world, size):
    response = Client().get("/open311/v2/requests.json", {"jurisdiction_id": "C1", "page_size": size})
    assert response.status_code == 400
    assert "page_size" in response.json()[0]["description"]


def test_posts_are_limited_per_api_key(world, client_app, settings):
    settings.BIANMIN_PUBLIC_WRITE_LIMITS = {"open311": 2}
    answers = [post(form(world)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    refused = post(form(world))
    assert "提交过于频繁" in refused.json()[0]["description"]
    assert Case.objects.count() == 2


def test_the_list_reads_what_every_status_shows_and_nothing_else(world, client_app):
    """The list reads only the columns a public record shows (`progress.PUBLIC_COLUMNS`): whatever the status, each
    record equals the one made from the whole rows, with no read per record."""
    from bianmin.api.progress import public_record
    from bianmin.cases.models import SupplementRequest

    statuses = list(Status.values)
    for _n in statuses:
        _submit(world)
    cases = list(Case.objects.order_by("id"))
    case_prereview(case=cases[1], actor=world.staff["director"].user, window=world.window, supplement=["工资流水"])
    now = timezone.now()
    for case, status in zip(cases, statuses, strict=True):
        accepted = status not in (Status.SUBMITTED, Status.RECEIVED, Status.REFUSED)
        Case.objects.filter(pk=case.pk).update(
            status=status,
            accepted_at=now - dt.timedelta(days=2) if accepted else None,
            due_at=now + dt.timedelta(days=5) if accepted else None,
            closed_at=now - dt.timedelta(hours=1) if status in (Status.DELIVERED, Status.REFUSED) else None,
        )
        if status == Status.WAITING:
            SupplementRequest.objects.create(
                case=case,
                items=[{"name": "户口簿", "detail": ""}],
                extra_items=[],
                due_date=now.date() + dt.timedelta(days=10),
                reason="补报",
                state=SupplementRequest.State.ISSUED,
                requested_by=world.staff["director"],
                requested_at=now,
            )

    def queries(size: int) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as ctx:
            response = Client().get("/open311/v2/requests.json", {"jurisdiction_id": "C1", "page_size": str(size)})
        return len(ctx.captured_queries), response

    one, _first = queries(1)
    count, response = queries(100)
    assert count == one <= 6  # no read for any record
    listed = {r["service_request_id"]: r for r in response.json()}
    validate(response.json(), "requests.json")
    whole = OnlineApplication.objects.select_related("case", "case__center", "case__item", "case__window")
    assert len(listed) == len(statuses)
    for application in whole:
        assert listed[application.case.number] == public_record(application)
    notes = {r["status_notes"] for r in listed.values()}
    assert any("工资流水" in n for n in notes)  # the pre-review's supplement (received)
    assert any("户口簿" in n for n in notes)  # the issued supplement request (waiting)
