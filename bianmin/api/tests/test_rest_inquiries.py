from __future__ import annotations

import datetime as dt
from typing import get_args

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bianmin.api.routes import inquiries as inquiry_routes
from bianmin.frontdesk.models import Inquiry, InquiryEvent

PHONE = "13800005678"


def visit(**extra):
    return {
        "channel": "in_person",
        "visitor_name": "张三丰",
        "visitor_phone": PHONE,
        "matter": "咨询低保申请条件",
        "result": "answered",
        **extra,
    }


def test_register_goes_through_the_frontdesk_service_and_masks_personal_data(world, as_role):
    response = as_role("window").post("/api/v1/inquiries", visit())
    assert response.status_code == 201, response.content
    body = response.json()
    inquiry = Inquiry.objects.get(pk=body["id"])
    assert inquiry.first_contact == world.staff["window"]
    assert inquiry.window == world.window  # the first contact's own window when none is given
    assert InquiryEvent.objects.filter(inquiry=inquiry, verb="inquiry_register").count() == 1
    assert body["visitor"] == "张**"
    assert body["visitor_phone"] == "138****5678"
    assert body["window_number"] == 2
    assert PHONE not in response.content.decode()
    assert "张三丰" not in response.content.decode()


def test_referral_to_a_colleague_and_bad_input_in_chinese(world, as_role):
    client = as_role("window")
    director = world.staff["director"]
    response = client.post(
        "/api/v1/inquiries",
        visit(result="referred", referred_staff_id=director.pk, referral_contact="present", window_number=2),
    )
    assert response.status_code == 201, response.content
    assert response.json()["referred_staff"] == "毛丽华"
    # a colleague of another center cannot be referred to
    other = world.staff["other_director"]
    response = client.post("/api/v1/inquiries", visit(result="referred", referred_staff_id=other.pk))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "referred_staff_id", "message": "只能引荐给本中心在岗的工作人员。"}]
    # the service's own checks, field by field
    response = client.post("/api/v1/inquiries", visit(visitor_name="", matter="  ", visitor_phone="123"))
    assert response.status_code == 400
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["visitor_name"] == "请填写来访人姓名。"
    assert fields["matter"] == "请填写咨询或办理事项。"
    assert "visitor_phone" in fields
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = client.post("/api/v1/inquiries", visit(received_at=future))
    assert response.json()["errors"] == [{"field": "received_at", "message": "登记时间不能晚于当前时间。"}]
    response = client.post("/api/v1/inquiries", visit(channel="fax"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "channel"
    response = client.post("/api/v1/inquiries", visit(result="referred"))
    named = {e["field"] for e in response.json()["errors"]}
    assert named == {"referred_staff_id", "referral_contact"}
    response = client.post("/api/v1/inquiries", visit(window_number=9))
    assert response.json()["errors"] == [{"field": "window_number", "message": "本中心没有该窗口。"}]
    assert Inquiry.objects.count() == 1


def test_roles_and_scope_for_inquiries(world, as_role):
    inquiry_id = as_role("window").post("/api/v1/inquiries", visit()).json()["id"]
    assert as_role("inspector").get(f"/api/v1/inquiries/{inquiry_id}").status_code == 200
    assert as_role("district").get(f"/api/v1/inquiries/{inquiry_id}").status_code == 200
    missing = as_role("other_director").get(f"/api/v1/inquiries/{inquiry_id}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert as_role("other_director").get("/api/v1/inquiries").json()["results"] == []
    # an account without a staff role may not use the interface at all
    plain = get_user_model().objects.create_user("visitor", password="x")
    browser = Client()
    browser.force_login(plain)
    for response in (browser.get("/api/v1/inquiries"), browser.post("/api/v1/inquiries", visit())):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    # no token: 401
    assert Client().get("/api/v1/inquiries").status_code == 401


def test_list_filters_and_cursor_pagination_with_bounded_queries(world, as_role, django_assert_max_num_queries):
    client = as_role("window")
    ids = [client.post("/api/v1/inquiries", visit()).json()["id"] for _n in range(4)]
    ids.append(
        client.post(
            "/api/v1/inquiries",
            visit(channel="phone", result="outside_remit", result_note="请到区社保局咨询", phone_given="0371-12345678"),
        ).json()["id"]
    )
    director = as_role("director")
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(6):
            page = director.get("/api/v1/inquiries", **params).json()
        seen += [i["id"] for i in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    phone = director.get("/api/v1/inquiries", channel="phone").json()["results"]
    assert [i["id"] for i in phone] == [ids[-1]]
    assert [i["id"] for i in director.get("/api/v1/inquiries", result="outside_remit").json()["results"]] == [ids[-1]]
    staff_id = world.staff["window"].pk
    assert len(director.get("/api/v1/inquiries", staff=staff_id).json()["results"]) == 5
    assert director.get("/api/v1/inquiries", staff=world.staff["director"].pk).json()["results"] == []
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert director.get("/api/v1/inquiries", start=tomorrow.isoformat()).json()["results"] == []
    assert len(director.get("/api/v1/inquiries", end=timezone.localdate().isoformat()).json()["results"]) == 5
    bad = director.get("/api/v1/inquiries", start=tomorrow.isoformat(), end=timezone.localdate().isoformat())
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"field": "end", "message": "结束日期不能早于开始日期。"}]
    assert director.get("/api/v1/inquiries", result="maybe").status_code == 400
    # a forged cursor restarts from the first page
    assert len(director.get("/api/v1/inquiries", cursor="!!garbage").json()["results"]) == 5


def test_literal_choices_match_the_models():
    assert set(get_args(inquiry_routes.ChannelName)) == set(Inquiry.Channel.values)
    assert set(get_args(inquiry_routes.ResultName)) == set(Inquiry.Result.values)
    assert set(get_args(inquiry_routes.ReferralContactName)) == set(Inquiry.ReferralContact.values)


def test_a_time_with_an_offset_the_database_cannot_store_is_kept_as_the_same_moment(world, as_role):
    response = as_role("window").post("/api/v1/inquiries", visit(received_at="2026-01-01T00:00:00-21:06"))
    assert response.status_code == 201, response.content
    expected = dt.datetime(2026, 1, 1, 21, 6, tzinfo=dt.UTC)
    assert Inquiry.objects.get(pk=response.json()["id"]).received_at == expected
    listed = as_role("window").get("/api/v1/cases", received_to="0551-12-23T00:08:09.6-21:06")
    assert listed.status_code == 200
