from __future__ import annotations

import datetime as dt
from typing import get_args

from django.utils import timezone

from bianmin.api.routes import petitions as petition_routes
from bianmin.petitions.models import Petition, PetitionEvent, PetitionReply

PHONE = "13912345678"


def letter(**extra):
    return {
        "channel": "letter",
        "person_name": "李四",
        "phone": PHONE,
        "content": "反映小区路灯损坏，夜间出行不便。",
        **extra,
    }


def test_register_goes_through_the_service_and_masks_the_phone(world, as_role):
    response = as_role("window").post("/api/v1/petitions", letter())
    assert response.status_code == 201, response.content
    body = response.json()
    petition = Petition.objects.get(pk=body["id"])
    assert petition.registered_by == world.staff["window"]
    assert PetitionEvent.objects.filter(petition=petition, verb="petition_register").count() == 1
    assert body["status"] == "registered"
    assert body["received_on"] == timezone.localdate().isoformat()
    assert body["person"] == "李*"
    assert body["phone"] == "139****5678"
    assert PHONE not in response.content.decode()
    detail = as_role("director").get(f"/api/v1/petitions/{body['id']}")
    assert detail.json()["phone"] == "139****5678"
    assert PHONE not in detail.content.decode()


def test_bad_input_answers_field_messages_in_chinese(world, as_role):
    client = as_role("window")
    response = client.post("/api/v1/petitions", letter(person_name=" ", phone="", content=""))
    assert response.status_code == 400
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {
        "person_name": "请填写来信来访人姓名。",
        "content": "请填写反映的内容。",
        "phone": "请至少填写联系电话或通讯地址之一，以便答复。",
    }
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post("/api/v1/petitions", letter(received_on=tomorrow))
    assert response.json()["errors"] == [{"field": "received_on", "message": "收到日期不能晚于今天。"}]
    response = client.post("/api/v1/petitions", letter(category="urgent"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "category"
    assert Petition.objects.count() == 0


def test_assign_reply_close_through_the_services(world, as_role):
    pk = as_role("window").post("/api/v1/petitions", letter()).json()["id"]
    director = as_role("director")
    handler = world.staff["window"]
    # only managers assign
    assert as_role("window").post(f"/api/v1/petitions/{pk}/assign", {"handler_id": handler.pk}).status_code == 403
    response = director.post(f"/api/v1/petitions/{pk}/assign", {"handler_id": world.staff["other_director"].pk})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "handler_id", "message": "承办人须为本中心在岗工作人员。"}]
    response = director.post(f"/api/v1/petitions/{pk}/assign", {"handler_id": handler.pk, "note": "请核实"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"
    assert response.json()["handler"] == handler.name
    again = director.post(f"/api/v1/petitions/{pk}/assign", {"handler_id": handler.pk})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "handler"
    # a colleague who is neither the handler nor a manager may not reply
    reply = {"method": "phone", "text": "已收到，正在联系物业。"}
    assert as_role("handler").post(f"/api/v1/petitions/{pk}/reply", reply).status_code == 403
    response = as_role("window").post(f"/api/v1/petitions/{pk}/reply", reply)
    assert response.status_code == 200, response.content
    assert [r["text"] for r in response.json()["replies"]] == ["已收到，正在联系物业。"]
    empty = as_role("window").post(f"/api/v1/petitions/{pk}/reply", {"method": "phone", "text": " "})
    assert empty.json()["errors"] == [{"field": "text", "message": "请填写给来信来访人的答复内容。"}]
    close = {"outcome": "路灯已修复", "reply_method": "letter", "reply_text": "您反映的路灯已修复。"}
    missing = as_role("window").post(f"/api/v1/petitions/{pk}/close", {**close, "outcome": ""})
    assert missing.json()["errors"] == [{"field": "outcome", "message": "请填写办理结果。"}]
    response = as_role("window").post(f"/api/v1/petitions/{pk}/close", close)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"] == "路灯已修复"
    assert [r["is_final"] for r in body["replies"]] == [False, True]
    assert PetitionReply.objects.filter(petition_id=pk).count() == 2
    closed = as_role("window").post(f"/api/v1/petitions/{pk}/reply", reply)
    assert closed.status_code == 400
    assert closed.json()["message"] == "该事项已办结，不能再修改。"


def test_close_before_assignment_is_refused(world, as_role):
    pk = as_role("window").post("/api/v1/petitions", letter()).json()["id"]
    close = {"outcome": "已处理", "reply_method": "letter", "reply_text": "已处理。"}
    response = as_role("director").post(f"/api/v1/petitions/{pk}/close", close)
    assert response.status_code == 400
    assert response.json()["message"] == "请先分办承办人，再办结。"


def test_roles_and_scope_for_petitions(world, as_role):
    pk = as_role("window").post("/api/v1/petitions", letter()).json()["id"]
    assert as_role("inspector").get(f"/api/v1/petitions/{pk}").status_code == 200
    assert as_role("district").get(f"/api/v1/petitions/{pk}").status_code == 200
    other = as_role("other_director")
    for response in (
        other.get(f"/api/v1/petitions/{pk}"),
        other.post(f"/api/v1/petitions/{pk}/assign", {"handler_id": world.staff["window"].pk}),
        other.post(f"/api/v1/petitions/{pk}/reply", {"method": "phone", "text": "答复"}),
        other.post(f"/api/v1/petitions/{pk}/close", {"outcome": "x", "reply_method": "phone", "reply_text": "y"}),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert other.get("/api/v1/petitions").json()["results"] == []
    assert as_role("inspector").post(f"/api/v1/petitions/{pk}/assign", {"handler_id": 1}).status_code == 403
    assert as_role("window").get("/api/v1/petitions/999999").status_code == 404


def test_list_filters_and_cursor_pagination_with_bounded_queries(world, as_role, django_assert_max_num_queries):
    client = as_role("window")
    today = timezone.localdate()
    ids = [
        client.post("/api/v1/petitions", letter(received_on=(today - dt.timedelta(days=n)).isoformat())).json()["id"]
        for n in (3, 2, 2, 1, 0)
    ]
    old = (today - dt.timedelta(days=40)).isoformat()
    late = client.post("/api/v1/petitions", letter(received_on=old, category="major")).json()["id"]
    director = as_role("director")
    director.post(f"/api/v1/petitions/{ids[0]}/assign", {"handler_id": world.staff["window"].pk})
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(6):
            page = director.get("/api/v1/petitions", **params).json()
        seen += [p["id"] for p in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [ids[4], ids[3], ids[2], ids[1], ids[0], late]
    assert [p["id"] for p in director.get("/api/v1/petitions", status="assigned").json()["results"]] == [ids[0]]
    assert [p["id"] for p in director.get("/api/v1/petitions", category="major").json()["results"]] == [late]
    overdue = director.get("/api/v1/petitions", overdue="true").json()["results"]
    assert [p["id"] for p in overdue] == [late]
    assert overdue[0]["overdue"] is True
    assert director.get("/api/v1/petitions", status="lost").status_code == 400
    assert director.get("/api/v1/petitions", limit=0).status_code == 400
    assert len(director.get("/api/v1/petitions", cursor="%%%").json()["results"]) == 6


def test_literal_choices_match_the_models():
    assert set(get_args(petition_routes.StatusName)) == set(Petition.Status.values)
    assert set(get_args(petition_routes.CategoryName)) == set(Petition.Category.values)
    assert set(get_args(petition_routes.ChannelName)) == set(Petition.Channel.values)
    assert set(get_args(petition_routes.ReplyMethod)) == set(PetitionReply.Method.values)
