import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.frontdesk import selectors
from bianmin.frontdesk.models import Handover, HandoverEvent, Inquiry, InquiryEvent
from bianmin.frontdesk.services import handover_acknowledge, handover_create, inquiry_link_case, inquiry_register
from bianmin.frontdesk.tests.factories import answered
from bianmin.org.models import Role
from bianmin.org.tests.factories import WindowFactory, staff_user

pytestmark = pytest.mark.django_db


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- registering ---------------------------------------------------------------------------------------------


def test_register_answered_visit_records_first_contact_window_number_and_event(desk):
    inquiry = answered(desk.clerk, visitor_org="华联超市")

    assert inquiry.first_contact == desk.clerk
    assert inquiry.center == desk.center
    assert inquiry.window == desk.window1
    assert inquiry.number == f"长兴首问{timezone.localdate().year}-00001"
    event = InquiryEvent.objects.get(inquiry=inquiry)
    assert (event.verb, event.to_state, event.actor) == ("inquiry_register", "answered", desk.clerk.user)


def test_numbers_are_sequential_per_center(desk):
    first = answered(desk.clerk)
    second = answered(desk.colleague)
    elsewhere = answered(desk.other_director)

    assert first.number.endswith("-00001")
    assert second.number.endswith("-00002")
    assert elsewhere.number.startswith("迎宾首问")
    assert elsewhere.number.endswith("-00001")


def test_visit_needs_a_name_but_a_call_does_not(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, visitor_name="  ")
    assert errors_of(excinfo)["visitor_name"] == ["请填写来访人姓名。"]

    call = answered(desk.clerk, visitor_name="", channel=Inquiry.Channel.PHONE)
    assert call.visitor_display == "（未留姓名）"


def test_matter_result_and_channel_are_required(desk):
    with pytest.raises(ValidationError) as excinfo:
        inquiry_register(actor=desk.clerk.user, channel="fax", matter=" ", result="maybe", visitor_name="张三")
    errors = errors_of(excinfo)
    assert errors["matter"] == ["请填写咨询或办理事项。"]
    assert errors["result"] == ["请选择办理结果。"]
    assert errors["channel"] == ["请选择来访或来电。"]
    assert not Inquiry.objects.exists()


def test_bad_phone_is_refused_in_chinese_and_good_phone_is_stored_encrypted(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, visitor_phone="12345")
    assert "电话" in errors_of(excinfo)["visitor_phone"][0]

    inquiry = answered(desk.clerk, visitor_phone="139 0371 0001")
    assert inquiry.visitor_phone == "13903710001"
    assert inquiry.visitor_phone_masked == "139****0001"
    raw = Inquiry.objects.filter(pk=inquiry.pk).values_list("visitor_phone", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT visitor_phone FROM frontdesk_inquiry WHERE id = %s", [inquiry.pk])
        stored = cursor.fetchone()[0]
    assert "13903710001" not in stored
    assert list(raw) == ["13903710001"]


def test_received_in_the_future_is_refused(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, received_at=timezone.now() + dt.timedelta(hours=1))
    assert errors_of(excinfo)["received_at"] == ["登记时间不能晚于当前时间。"]


def test_user_without_staff_record_cannot_register(db):
    user = get_user_model().objects.create_user("nobody", password="pw-123456")
    with pytest.raises(ValidationError) as excinfo:
        inquiry_register(actor=user, channel="in_person", matter="问路", result="answered", visitor_name="李四")
    assert excinfo.value.messages == ["您没有工作人员档案，不能进行首问登记。"]


def test_window_of_another_center_is_refused(desk):
    foreign = WindowFactory.create(center=desk.other_center, number=9)
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, window=foreign)
    assert errors_of(excinfo)["window"] == ["接待窗口不属于本中心。"]


# --- referrals and handovers ---------------------------------------------------------------------------------


def test_referral_needs_a_person_and_what_was_done_about_them(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, result=Inquiry.Result.REFERRED)
    errors = errors_of(excinfo)
    assert errors["referred_staff"] == ["请选择引荐的经办人。"]
    assert errors["referral_contact"] == ["请说明经办人是否在岗、是否已联系。"]


def test_referral_to_self_or_outside_the_center_is_refused(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, result="referred", referred_staff=desk.clerk, referral_contact="present")
    assert "不能引荐给本人" in errors_of(excinfo)["referred_staff"][0]

    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, result="referred", referred_staff=desk.other_director, referral_contact="present")
    assert errors_of(excinfo)["referred_staff"] == ["只能引荐给本中心在岗的工作人员。"]

    foreign = WindowFactory.create(center=desk.other_center, number=8)
    with pytest.raises(ValidationError) as excinfo:
        answered(
            desk.clerk,
            result="referred",
            referred_window=foreign,
            referred_staff=desk.colleague,
            referral_contact="present",
        )
    assert errors_of(excinfo)["referred_window"] == ["引荐窗口不属于本中心。"]


def test_referral_with_handler_present_creates_no_handover(desk):
    inquiry = answered(
        desk.clerk,
        result="referred",
        referred_window=desk.window2,
        referred_staff=desk.colleague,
        referral_contact="present",
    )
    assert inquiry.result_detail().startswith("引荐至2号窗口 王建军")
    assert not Handover.objects.exists()


def test_unreachable_handler_needs_the_materials_recorded(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, result="referred", referred_staff=desk.colleague, referral_contact="handover")
    assert "请登记收下的材料" in errors_of(excinfo)["materials"][0]
    assert not Inquiry.objects.exists()


def test_unreachable_handler_gets_a_handover_visible_to_both_until_acknowledged(desk):
    inquiry = answered(
        desk.clerk,
        visitor_name="李秀英",
        matter="申请临时救助",
        result="referred",
        referred_window=desk.window2,
        referred_staff=desk.colleague,
        referral_contact="handover",
        materials="身份证复印件1份\n困难情况说明1份",
    )

    handover = Handover.objects.get()
    assert handover.target == inquiry
    assert (handover.from_staff, handover.to_staff, handover.center) == (desk.clerk, desk.colleague, desk.center)
    assert handover.subject == f"首问登记 {inquiry.number}：李秀英 申请临时救助"
    assert handover.received_at == inquiry.received_at
    assert list(selectors.handovers_for(target=inquiry)) == [handover]
    to_me, from_me = selectors.handovers_pending_of(user=desk.colleague.user)
    assert (to_me, from_me) == ([handover], [])
    to_me, from_me = selectors.handovers_pending_of(user=desk.clerk.user)
    assert (to_me, from_me) == ([], [handover])

    handover_acknowledge(handover=handover, actor=desk.colleague.user, note="材料齐全")

    assert selectors.handovers_pending_of(user=desk.colleague.user) == ([], [])
    assert selectors.handovers_pending_of(user=desk.clerk.user) == ([], [])
    assert [e.verb for e in HandoverEvent.objects.filter(handover=handover)] == [
        "handover_create",
        "handover_acknowledge",
    ]


def test_only_the_receiver_acknowledges_and_only_once(desk):
    handover = handover_create(
        center=desk.center,
        from_staff=desk.clerk,
        to_staff=desk.colleague,
        subject="办件 CX2026-00001 补正材料",
        materials="户口簿复印件",
        actor=desk.clerk.user,
    )
    with pytest.raises(ValidationError) as excinfo:
        handover_acknowledge(handover=handover, actor=desk.director.user)
    assert excinfo.value.messages == ["只有接收人本人可以确认接收材料。"]

    handover_acknowledge(handover=handover, actor=desk.colleague.user)
    with pytest.raises(ValidationError) as excinfo:
        handover_acknowledge(handover=handover, actor=desk.colleague.user)
    assert "已于" in excinfo.value.messages[0]
    assert handover.target is None  # usable without a target record, e.g. by cases later


def test_handover_needs_materials_and_two_different_people(desk):
    with pytest.raises(ValidationError) as excinfo:
        handover_create(
            center=desk.center,
            from_staff=desk.clerk,
            to_staff=desk.clerk,
            subject="x",
            materials=" ",
            actor=desk.clerk.user,
        )
    errors = errors_of(excinfo)
    assert errors["materials"] == ["请登记收下的材料。"]
    assert errors["to_staff"] == ["移交人和接收人不能是同一人。"]


def test_a_caller_cannot_hand_over_materials(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(
            desk.clerk,
            channel="phone",
            result="referred",
            referred_staff=desk.colleague,
            referral_contact="handover",
            materials="无",
            phone_given="0371-63381234",
        )
    assert "来电无法收下材料" in errors_of(excinfo)["referral_contact"][0]


def test_a_caller_referred_must_be_given_the_number(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(
            desk.clerk, channel="phone", result="referred", referred_staff=desk.colleague, referral_contact="contacted"
        )
    assert "告知来电人" in errors_of(excinfo)["phone_given"][0]

    inquiry = answered(
        desk.clerk,
        channel="phone",
        result="referred",
        referred_staff=desk.colleague,
        referral_contact="contacted",
        phone_given="0371-63381302",
    )
    assert "告知电话 0371-63381302" in inquiry.result_detail()


def test_outside_remit_needs_the_explanation_and_for_calls_the_number(desk):
    with pytest.raises(ValidationError) as excinfo:
        answered(desk.clerk, channel="phone", result="outside_remit")
    errors = errors_of(excinfo)
    assert "解释和指导" in errors["result_note"][0]
    assert "电话" in errors["phone_given"][0]

    inquiry = answered(
        desk.clerk,
        channel="phone",
        result="outside_remit",
        result_note="不动产登记不属于中心职能，请到区不动产登记中心办理。",
        phone_given="0371-63300000",
    )
    assert inquiry.result == "outside_remit"


def test_referral_fields_are_dropped_for_other_results(desk):
    inquiry = answered(desk.clerk, referred_staff=desk.colleague, referral_contact="handover", materials="x")
    assert inquiry.referred_staff is None
    assert inquiry.referral_contact == ""
    assert not Handover.objects.exists()


def test_community_point_registers_for_itself_and_may_refer_up_to_its_center(desk):
    inquiry = answered(
        desk.point_clerk,
        result="referred",
        referred_window=desk.window2,
        referred_staff=desk.colleague,
        referral_contact="contacted",
    )
    assert inquiry.center == desk.point
    assert inquiry.window is None
    assert inquiry.number.startswith("宏达首问")


# --- linking the case it became (seam for the cases app) ----------------------------------------------------


def test_link_case_records_the_number_once(desk):
    inquiry = answered(desk.clerk, result="handled")

    inquiry_link_case(inquiry=inquiry, case_number=" 长兴2026-00042 ", actor=desk.clerk.user)
    inquiry_link_case(inquiry=inquiry, case_number="长兴2026-00042", actor=desk.clerk.user)

    inquiry.refresh_from_db()
    assert inquiry.case_number == "长兴2026-00042"
    assert InquiryEvent.objects.filter(inquiry=inquiry, verb="inquiry_link_case").count() == 1
    with pytest.raises(ValidationError) as excinfo:
        inquiry_link_case(inquiry=inquiry, case_number="长兴2026-00043", actor=desk.clerk.user)
    assert "不能重复关联" in errors_of(excinfo)["case_number"][0]


def test_link_case_refuses_answered_inquiries_and_blank_numbers(desk):
    inquiry = answered(desk.clerk)
    with pytest.raises(ValidationError) as excinfo:
        inquiry_link_case(inquiry=inquiry, case_number="长兴2026-00042", actor=desk.clerk.user)
    assert "受理办理" in excinfo.value.messages[0]
    handled = answered(desk.clerk, result="handled")
    with pytest.raises(ValidationError) as excinfo:
        inquiry_link_case(inquiry=handled, case_number="  ", actor=desk.clerk.user)
    assert errors_of(excinfo)["case_number"] == ["请填写办件编号。"]


# --- selectors ------------------------------------------------------------------------------------------------


def test_scope_point_sees_only_its_own_center_sees_below_other_center_nothing(desk):
    at_center = answered(desk.clerk)
    at_point = answered(desk.point_clerk)

    assert set(selectors.inquiries(user=desk.point_clerk.user)) == {at_point}
    assert set(selectors.inquiries(user=desk.director.user)) == {at_center, at_point}
    assert set(selectors.inquiries(user=desk.other_director.user)) == set()


def test_list_filters_by_period_staff_result_channel_and_matter(desk):
    now = timezone.now()
    old = answered(desk.clerk, matter="咨询老年人优待证", received_at=now - dt.timedelta(days=40))
    mine = answered(desk.clerk, matter="咨询医保缴费", result="handled")
    theirs = answered(desk.colleague, matter="咨询医保报销", channel="phone")
    user = desk.director.user
    today = timezone.localdate()

    def ids(**kwargs):
        return {i.pk for i in selectors.inquiry_list(user=user, filters=selectors.InquiryFilters(**kwargs))}

    assert ids(start=today - dt.timedelta(days=7), end=today) == {mine.pk, theirs.pk}
    assert ids(end=today - dt.timedelta(days=30)) == {old.pk}
    assert ids(staff_id=desk.colleague.pk) == {theirs.pk}
    assert ids(result="handled") == {mine.pk}
    assert ids(channel="phone") == {theirs.pk}
    assert ids(q="医保") == {mine.pk, theirs.pk}
    assert ids(q="医保 报销") == {theirs.pk}


def test_recent_visitors_are_the_users_own_distinct_latest(desk):
    answered(desk.clerk, visitor_name="张三", visitor_org="华联超市")
    answered(desk.clerk, visitor_name="李四")
    answered(desk.clerk, visitor_name="张三", visitor_org="华联超市")
    answered(desk.colleague, visitor_name="王五")
    answered(desk.clerk, visitor_name="", channel="phone")

    found = selectors.recent_visitors(user=desk.clerk.user)

    assert [(v.name, v.org) for v in found] == [("张三", "华联超市"), ("李四", "")]


def test_counts_per_staff_and_per_window(desk):
    answered(desk.clerk)
    answered(desk.clerk, result="handled")
    answered(desk.clerk, channel="phone", visitor_name="")
    answered(desk.colleague, result="outside_remit", result_note="请到区政务服务中心办理。")
    answered(desk.point_clerk)

    by_staff = {
        row["first_contact__name"]: row
        for row in selectors.inquiry_counts_by_staff(user=desk.director.user, start=None, end=None)
    }
    assert by_staff["何春燕"]["total"] == 3
    assert by_staff["何春燕"]["answered"] == 2
    assert by_staff["何春燕"]["handled"] == 1
    assert by_staff["何春燕"]["phone"] == 1
    assert by_staff["王建军"]["outside_remit"] == 1
    assert by_staff["阴华"]["total"] == 1

    by_window = {
        row["window__number"]: row["total"]
        for row in selectors.inquiry_counts_by_window(user=desk.director.user, start=None, end=None)
    }
    assert by_window == {1: 3, 2: 1, None: 1}


def test_referral_staff_ranks_the_windows_posts_first(desk):
    handler = staff_user(Role.HANDLER, desk.center, name="艾经办")

    ranked = selectors.referral_staff_ranked(center=desk.center, window=desk.window2)

    assert ranked[0] == desk.colleague
    assert handler in ranked
    assert desk.other_director not in ranked
    assert desk.point_clerk not in ranked
    from_point = selectors.referral_staff(center=desk.point)
    assert desk.point_clerk in from_point
    assert desk.colleague in from_point


# --- the real link to cases.Case -------------------------------------------------------------------------------


def test_link_case_by_number_links_the_case_of_the_same_center(desk):
    from bianmin.cases.tests.factories import intake, item_for, make_world

    world = make_world()
    case = intake(world, item_for(world))
    inquiry = answered(desk.clerk, result="handled")
    Inquiry.objects.filter(pk=inquiry.pk).update(center=world.center)
    inquiry.refresh_from_db()

    inquiry_link_case(inquiry=inquiry, case_number=case.number, actor=desk.clerk.user)

    inquiry.refresh_from_db()
    assert inquiry.case == case
    assert inquiry.case_number == case.number
    assert list(case.inquiries.all()) == [inquiry]


def test_link_case_keeps_an_unknown_number_as_text_and_refuses_another_centers_case(desk):
    from bianmin.cases.tests.factories import intake, item_for, make_world

    world = make_world()
    case = intake(world, item_for(world))
    inquiry = answered(desk.clerk, result="handled")

    with pytest.raises(ValidationError) as excinfo:
        inquiry_link_case(inquiry=inquiry, case=case, actor=desk.clerk.user)
    assert "不属于本服务中心" in errors_of(excinfo)["case_number"][0]

    inquiry_link_case(inquiry=inquiry, case_number=case.number, actor=desk.clerk.user)
    inquiry.refresh_from_db()
    assert inquiry.case is None
    assert inquiry.case_number == case.number
