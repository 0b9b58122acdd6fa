import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bianmin.core.models import AuditEvent
from bianmin.petitions import selectors
from bianmin.petitions.models import Petition, PetitionEvent, PetitionReply
from bianmin.petitions.services import (
    petition_answer_outside_remit,
    petition_assign,
    petition_classify,
    petition_close,
    petition_reply,
    petition_settings_set,
)
from bianmin.petitions.tests.factories import days_ago, register

pytestmark = pytest.mark.django_db


def due_date(petition):
    return timezone.localtime(petition.due_at).date()


def close(petition, actor, **kwargs):
    values = {
        "outcome": "城建办已于现场更换灯具，路灯恢复照明。",
        "reply_method": PetitionReply.Method.PHONE,
        "reply_text": "您反映的路灯问题已修复，感谢您的监督。",
    }
    values.update(kwargs)
    return petition_close(petition=petition, actor=actor.user, **values)


# --- registering and deadlines -------------------------------------------------------------------------------


def test_register_numbers_and_sets_the_default_ten_day_deadline(org):
    received = days_ago(3)
    petition = register(org.clerk, received_on=received)

    assert petition.number == f"长兴信访{received.year}-00001"
    assert petition.center == org.center
    assert petition.status == Petition.Status.REGISTERED
    assert petition.time_limit_days == 10
    assert due_date(petition) == received + dt.timedelta(days=10)
    assert petition.registered_by == org.clerk
    event = PetitionEvent.objects.get(petition=petition)
    assert (event.verb, event.to_state) == ("petition_register", "registered")


def test_center_may_set_seven_days_and_major_matters_get_thirty(org):
    petition_settings_set(center=org.center, ordinary_days=7, major_days=30, actor=org.director.user)

    ordinary = register(org.clerk)
    major = register(org.clerk, category=Petition.Category.MAJOR)

    assert due_date(ordinary) == timezone.localdate() + dt.timedelta(days=7)
    assert due_date(major) == timezone.localdate() + dt.timedelta(days=30)
    assert AuditEvent.objects.filter(verb="petition_settings_set").count() == 1


def test_a_point_without_its_own_settings_follows_its_center(org):
    petition_settings_set(center=org.center, ordinary_days=8, major_days=20, actor=org.director.user)

    at_point = register(org.point_clerk)

    assert at_point.center == org.point
    assert at_point.time_limit_days == 8
    assert at_point.number.startswith("宏达信访")


def test_changing_settings_leaves_registered_matters_alone(org):
    petition = register(org.clerk)
    petition_settings_set(center=org.center, ordinary_days=7, major_days=30, actor=org.director.user)
    petition.refresh_from_db()
    assert petition.time_limit_days == 10


@pytest.mark.parametrize(
    ("ordinary", "major", "field", "message"),
    [
        (6, 30, "ordinary_days", "一般事项办理时限应为 7 至 10 日。"),
        (11, 30, "ordinary_days", "一般事项办理时限应为 7 至 10 日。"),
        (10, 31, "major_days", "重大事项办理时限应不少于一般事项时限，且不超过 30 日（一个月）。"),
        (10, 9, "major_days", "重大事项办理时限应不少于一般事项时限，且不超过 30 日（一个月）。"),
    ],
)
def test_settings_follow_the_regulation(org, ordinary, major, field, message):
    with pytest.raises(ValidationError) as excinfo:
        petition_settings_set(center=org.center, ordinary_days=ordinary, major_days=major, actor=org.director.user)
    assert excinfo.value.message_dict[field] == [message]


def test_register_refuses_bad_input_in_chinese(org):
    with pytest.raises(ValidationError) as excinfo:
        register(
            org.clerk,
            channel="fax",
            category="urgent",
            person_name=" ",
            content="",
            phone="",
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    errors = excinfo.value.message_dict
    assert errors["channel"] == ["请选择来信、来访、网上留言或来电。"]
    assert errors["category"] == ["请选择一般事项或重大事项。"]
    assert errors["person_name"] == ["请填写来信来访人姓名。"]
    assert errors["content"] == ["请填写反映的内容。"]
    assert errors["phone"] == ["请至少填写联系电话或通讯地址之一，以便答复。"]
    assert errors["received_on"] == ["收到日期不能晚于今天。"]
    with pytest.raises(ValidationError) as excinfo:
        register(org.clerk, phone="010")
    assert "电话" in excinfo.value.message_dict["phone"][0]
    assert not Petition.objects.exists()


def test_an_address_alone_is_enough_contact(org):
    petition = register(org.clerk, phone="", address="宏达小区 3 号楼 2 单元 501")
    assert petition.phone == ""
    assert petition.phone_index == ""


def test_phone_is_encrypted_and_found_by_exact_number(org):
    petition = register(org.clerk, phone="139 0371 0001")
    register(org.clerk, phone="13903710002")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM petitions_petition WHERE id = %s", [petition.pk])
        assert "13903710001" not in cursor.fetchone()[0]
    found = selectors.petition_list(user=org.director.user, filters=selectors.PetitionFilters(phone="13903710001"))
    assert list(found) == [petition]


# --- working a matter ----------------------------------------------------------------------------------------


def test_assign_and_reassign_within_the_center(org):
    petition = register(org.clerk)

    petition_assign(petition=petition, handler=org.handler, actor=org.director.user, note="请三日内核实")
    petition.refresh_from_db()
    assert (petition.status, petition.handler) == (Petition.Status.ASSIGNED, org.handler)

    with pytest.raises(ValidationError) as excinfo:
        petition_assign(petition=petition, handler=org.other_director, actor=org.director.user)
    assert excinfo.value.message_dict["handler"] == ["承办人须为本中心在岗工作人员。"]
    with pytest.raises(ValidationError):
        petition_assign(petition=petition, handler=org.handler, actor=org.director.user)

    petition_assign(petition=petition, handler=org.clerk, actor=org.director.user)
    verbs = list(PetitionEvent.objects.filter(petition=petition).values_list("verb", "data__handler"))
    assert verbs == [("petition_register", None), ("petition_assign", "郑海波"), ("petition_assign", "康梦婷")]


def test_classify_recomputes_the_deadline_from_receipt(org):
    petition = register(org.clerk, received_on=days_ago(5))

    with pytest.raises(ValidationError) as excinfo:
        petition_classify(petition=petition, category="major", reason=" ", actor=org.director.user)
    assert excinfo.value.message_dict["reason"] == ["请填写调整类别的原因。"]

    petition_classify(petition=petition, category="major", reason="涉及多户群众安全", actor=org.director.user)
    petition.refresh_from_db()
    assert petition.time_limit_days == 30
    assert due_date(petition) == days_ago(5) + dt.timedelta(days=30)


def test_interim_reply_keeps_it_open(org):
    petition = register(org.clerk)
    petition_assign(petition=petition, handler=org.handler, actor=org.director.user)

    reply = petition_reply(petition=petition, method="phone", text="已收到，正在核实。", actor=org.handler.user)

    petition.refresh_from_db()
    assert petition.status == Petition.Status.ASSIGNED
    assert not reply.is_final
    with pytest.raises(ValidationError) as excinfo:
        petition_reply(petition=petition, method="pigeon", text=" ", actor=org.handler.user)
    assert set(excinfo.value.message_dict) == {"method", "text"}


def test_nothing_closes_without_a_handler_an_outcome_and_the_reply(org):
    petition = register(org.clerk)
    with pytest.raises(ValidationError) as excinfo:
        close(petition, org.director)
    assert excinfo.value.messages == ["请先分办承办人，再办结。"]

    petition_assign(petition=petition, handler=org.handler, actor=org.director.user)
    with pytest.raises(ValidationError) as excinfo:
        close(petition, org.handler, outcome=" ", reply_text="")
    errors = excinfo.value.message_dict
    assert errors["outcome"] == ["请填写办理结果。"]
    assert errors["reply_text"] == ["请填写给来信来访人的答复内容。"]
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ASSIGNED
    assert not PetitionReply.objects.exists()


def test_close_records_outcome_final_reply_and_event(org):
    petition = register(org.clerk)
    petition_assign(petition=petition, handler=org.handler, actor=org.director.user)

    close(petition, org.handler)

    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert petition.closure == Petition.Closure.HANDLED
    assert petition.closed_by == org.handler
    assert petition.replies.get().is_final
    assert not petition.is_overdue()
    event = list(PetitionEvent.objects.filter(petition=petition))[-1]
    assert (event.verb, event.from_state, event.to_state, event.data["overdue"]) == (
        "petition_close",
        "assigned",
        "closed",
        False,
    )
    with pytest.raises(ValidationError) as excinfo:
        petition_reply(petition=petition, method="phone", text="补充", actor=org.handler.user)
    assert excinfo.value.messages == ["该事项已办结，不能再修改。"]


def test_outside_remit_answer_closes_it_with_where_to_go(org):
    petition = register(org.clerk, content="反映邻居房屋产权纠纷。")

    with pytest.raises(ValidationError) as excinfo:
        petition_answer_outside_remit(
            petition=petition, explanation="", where_to_go="", reply_method="letter", actor=org.clerk.user
        )
    assert set(excinfo.value.message_dict) == {"explanation", "where_to_go"}

    petition_answer_outside_remit(
        petition=petition,
        explanation="房屋产权纠纷属于民事争议，不属于本中心办理范围。",
        where_to_go="惠济区人民法院或区不动产登记中心",
        reply_method="letter",
        actor=org.clerk.user,
    )
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert petition.closure == Petition.Closure.OUTSIDE_REMIT
    assert petition.handler == org.clerk
    final = petition.replies.get()
    assert final.is_final
    assert "建议您向惠济区人民法院或区不动产登记中心反映或办理" in final.text


def test_database_refuses_a_closed_matter_without_outcome(org):
    petition = register(org.clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(status="closed")


# --- overdue and the board -----------------------------------------------------------------------------------


def test_overdue_flags_open_past_due_and_closed_late_only(org):
    late_open = register(org.clerk, received_on=days_ago(12))
    on_time_open = register(org.clerk, received_on=days_ago(2))
    closed_late = register(org.clerk, received_on=days_ago(15))
    closed_on_time = register(org.clerk, received_on=days_ago(3))
    for p in (closed_late, closed_on_time):
        petition_assign(petition=p, handler=org.handler, actor=org.director.user)
        close(p, org.handler)

    overdue = set(selectors.petitions_overdue(user=org.director.user))

    assert overdue == {late_open, closed_late}
    assert late_open.is_overdue()
    assert not on_time_open.is_overdue()
    closed_late.refresh_from_db()
    assert closed_late.is_overdue()
    assert PetitionEvent.objects.get(petition=closed_late, verb="petition_close").data["overdue"] is True


def test_board_lists_open_matters_overdue_first_then_by_deadline(org):
    soon = register(org.clerk, received_on=days_ago(8))
    later = register(org.clerk, received_on=days_ago(1))
    very_late = register(org.clerk, received_on=days_ago(20))
    late = register(org.clerk, received_on=days_ago(11))
    major_old = register(org.clerk, received_on=days_ago(25), category="major")
    done = register(org.clerk, received_on=days_ago(2))
    petition_assign(petition=done, handler=org.handler, actor=org.director.user)
    close(done, org.handler)

    board = selectors.petition_board(user=org.director.user)

    assert list(board) == [very_late, late, soon, major_old, later]
    assert list(board.values_list("overdue", flat=True)) == [True, True, False, False, False]  # type: ignore[misc]


def test_scope_point_sees_its_own_center_sees_below_other_center_nothing(org):
    at_center = register(org.clerk)
    at_point = register(org.point_clerk)

    assert set(selectors.petitions(user=org.point_clerk.user)) == {at_point}
    assert set(selectors.petitions(user=org.director.user)) == {at_center, at_point}
    assert not selectors.petitions(user=org.other_director.user).exists()


def test_list_filters(org):
    letter = register(org.clerk, received_on=days_ago(20), content="反映垃圾清运不及时")
    visit = register(org.clerk, channel="visit", content="咨询低保政策", category="major")
    petition_assign(petition=visit, handler=org.handler, actor=org.director.user)
    user = org.director.user

    def ids(**kwargs):
        return {p.pk for p in selectors.petition_list(user=user, filters=selectors.PetitionFilters(**kwargs))}

    assert ids(start=days_ago(5)) == {visit.pk}
    assert ids(end=days_ago(10)) == {letter.pk}
    assert ids(channel="visit") == {visit.pk}
    assert ids(category="major") == {visit.pk}
    assert ids(status="registered") == {letter.pk}
    assert ids(handler_id=org.handler.pk) == {visit.pk}
    assert ids(overdue=True) == {letter.pk}
    assert ids(q="垃圾") == {letter.pk}
