"""Intake with one-time notification (§4(1)): the decision, the notices, numbers, personal data."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, CaseMaterial, CasePause, Custody, Notice, Status, SupplementRequest
from bianmin.cases.search import case_search
from bianmin.cases.services import ApplicantInput, ProxyInput, case_intake, referral_record
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import credit_code, intake, item_for, presented_except, resident_id
from bianmin.catalog.models import Mode
from bianmin.catalog.tests.factories import published_item
from bianmin.core.personal_data import blind_index

pytestmark = pytest.mark.django_db


def test_complete_materials_are_accepted_with_an_acceptance_notice_and_a_deadline(world, clock):
    version = item_for(world)

    case = intake(world, version)

    assert case.status == Status.ACCEPTED
    assert case.number == "410108901-2026-00001"
    assert case.accepted_at == at(2026, 3, 9, 10)
    assert case.due_at == at(2026, 3, 16, 17, 30)
    assert case.assignee == world.clerk
    notices = list(case.notices.all())
    assert [n.kind for n in notices] == [Notice.Kind.ACCEPTANCE]
    assert notices[0].number == "SL410108901-2026-00001"
    assert notices[0].content["applicant_identifier"] == "4101**********0010"
    assert [e.verb for e in case.events.all()] == ["receive", "accept"]


def test_general_material_missing_accepts_with_a_supplement_notice_and_pauses_the_clock(world, clock):
    version = item_for(world)

    case = intake(
        world,
        version,
        presented=presented_except(version, "户口簿"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
        corrections=[{"material_id": None, "name": "家庭收入情况说明", "issue": "explain"}],
    )

    assert case.status == Status.WAITING
    assert case.supplement_pending
    assert case.resume_status == Status.ACCEPTED
    kinds = sorted(n.kind for n in case.notices.all())
    assert kinds == [Notice.Kind.ACCEPTANCE, Notice.Kind.SUPPLEMENT]
    first = SupplementRequest.objects.get(case=case)
    assert [i["name"] for i in first.items] == ["户口簿", "家庭收入情况说明"]
    assert first.due_date.isoformat() == "2026-03-16"  # never later than the promised limit
    assert CasePause.objects.filter(case=case, ended_at__isnull=True).count() == 1
    supplement = case.notices.get(kind=Notice.Kind.SUPPLEMENT)
    assert supplement.content["due_date"] == "2026年03月16日"


def test_plain_accept_is_refused_when_a_general_material_is_missing(world, clock):
    version = item_for(world)

    with pytest.raises(ValidationError) as exc:
        intake(world, version, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT)

    assert "补报材料通知单" in str(exc.value)
    assert Case.objects.count() == 0


def test_a_missing_main_material_cannot_be_accepted(world, clock):
    version = item_for(world)

    with pytest.raises(ValidationError) as exc:
        intake(world, version, presented=presented_except(version, "申请表"), decision=Decision.ACCEPT_WITH_SUPPLEMENT)

    assert "主要申报材料缺少（申请表）" in str(exc.value)


def test_refusal_needs_a_reason_then_issues_the_refusal_notice_and_returns_the_materials(world, clock):
    version = item_for(world)
    with pytest.raises(ValidationError) as exc:
        intake(world, version, presented=presented_except(version, "申请表"), decision=Decision.REFUSE)
    assert "不予受理须写明原因" in str(exc.value)

    case = intake(
        world,
        version,
        presented=presented_except(version, "申请表"),
        decision=Decision.REFUSE,
        refusal_reason="缺少申请表，且申请人不符合本辖区户籍条件。",
    )

    assert case.status == Status.REFUSED
    notice = case.notices.get()
    assert notice.kind == Notice.Kind.REFUSAL
    assert notice.number == "BY410108901-2026-00001"
    assert notice.content["missing_main"] == ["申请表"]
    assert set(case.materials.filter(presented=True).values_list("custody", flat=True)) == {Custody.RETURNED}


def test_numbers_are_gap_free_per_center_year_and_kind(world, clock):
    version = item_for(world)
    first = intake(world, version, n=1)
    second = intake(
        world, version, n=2, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT
    )
    third = intake(world, version, n=3)

    assert [c.serial for c in (first, second, third)] == [1, 2, 3]
    assert list(Notice.objects.filter(kind="acceptance").order_by("serial").values_list("serial", flat=True)) == [
        1,
        2,
        3,
    ]
    assert list(Notice.objects.filter(kind="supplement").values_list("number", flat=True)) == ["BZ410108901-2026-00001"]


def test_a_failed_intake_gives_its_number_back(world, clock):
    version = item_for(world)
    intake(world, version, n=1)
    with pytest.raises(ValidationError):
        # Fails after the case number was drawn (supplement due beyond the promised limit).
        intake(
            world,
            version,
            n=2,
            presented=presented_except(version, "户口簿"),
            decision=Decision.ACCEPT_WITH_SUPPLEMENT,
            supplement_due=at(2026, 4, 30).date(),
        )

    assert intake(world, version, n=3).serial == 2


def test_id_number_and_phone_are_stored_encrypted_and_found_by_blind_index(world, clock):
    version = item_for(world)
    case = intake(world, version, n=7, phone="13903719876")

    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_id_number, applicant_phone FROM cases_case WHERE id = %s", [case.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert resident_id(7) not in raw_id
    assert "13903719876" not in raw_phone
    assert case.phone_tail == "9876"
    assert case.applicant_id_index == blind_index(resident_id(7), purpose="case-applicant-id")
    assert [r.pk for r in case_search(user=world.clerk.user, query=resident_id(7))] == [case.pk]
    assert case_search(user=world.clerk.user, query=resident_id(8)) == []


def test_bad_applicant_data_gets_chinese_field_errors_and_nothing_is_saved(world, clock):
    version = item_for(world)

    with pytest.raises(ValidationError) as exc:
        case_intake(
            actor=world.clerk.user,
            center=world.center,
            window=world.window,
            item=version.item,
            applicant=ApplicantInput(kind="person", name="", id_number="410108199001010011", phone="123"),
            presented={},
            decision=Decision.REFUSE,
            refusal_reason="x",
        )

    errors = exc.value.message_dict
    assert errors["applicant_name"] == ["请填写申请人姓名或单位名称。"]
    assert errors["id_number"] == ["公民身份号码校验位不正确，请核对。"]
    assert "手机号码" in errors["phone"][0]
    assert Case.objects.count() == 0


def test_an_organization_applies_with_its_credit_code_and_a_contact(world, clock):
    version = item_for(world)

    case = case_intake(
        actor=world.clerk.user,
        center=world.center,
        window=world.window,
        item=version.item,
        applicant=ApplicantInput(
            kind="organization",
            name="郑州长兴商贸有限公司",
            id_number=credit_code(5),
            phone="0371-63381234",
            contact_name="李经理",
        ),
        presented={m["id"]: "original" for m in version.materials},
        decision=Decision.ACCEPT,
    )

    assert case.applicant_credit_code == credit_code(5)
    assert case.applicant_id_number == ""
    assert case.phone_tail == "1234"
    assert case.notices.get().content["applicant_identifier"] == credit_code(5)


def test_an_item_not_published_at_the_center_cannot_be_taken(world, clock):
    foreign = published_item(owner=world.other_center)

    with pytest.raises(ValidationError) as exc:
        intake(world, foreign)

    assert "未在本中心公开" in str(exc.value)


def test_staff_of_another_center_cannot_take_cases_here(world, clock):
    version = item_for(world)

    with pytest.raises(ValidationError):
        intake(world, version, by=world.outsider)


def test_electronic_materials_are_archived_at_once_and_paper_is_held_where_recorded(world, clock):
    version = item_for(world, general=())
    ids = [m["id"] for m in version.materials]

    case = intake(world, version, presented={ids[0]: "electronic", ids[1]: "original"}, location="2号窗口 A 柜")

    electronic, paper = case.materials.order_by("sort_order")
    assert (electronic.custody, electronic.custodian) == (Custody.ARCHIVED, None)
    assert (paper.custody, paper.custodian, paper.location) == (Custody.HELD, world.clerk, "2号窗口 A 柜")


def test_proxy_service_records_the_authorization(world, clock):
    version = item_for(world)

    case = intake(
        world,
        version,
        proxy=ProxyInput(
            agent=world.colleague,
            authorized_on=at(2026, 3, 9).date(),
            scope="代为申请并领取结果",
            document="委托书 2026-017",
        ),
    )

    assert case.is_proxy
    assert case.proxy.agent == world.colleague
    assert case.notices.get().content["proxy_agent"] == "康梦婷（委托书 2026-017）"
    assert "proxy" in set(case.events.values_list("verb", flat=True))


def test_referral_to_the_right_window_records_which_window_and_who(world, clock):
    version = item_for(world, windows=(world.other_window,))

    referral = referral_record(
        actor=world.clerk.user, center=world.center, item=version.item, from_window=world.window, applicant_name="李四"
    )

    assert referral.to_window == world.other_window
    assert referral.to_staff_names == "王建军（A岗）"


def test_direct_items_are_due_at_the_end_of_the_day(world, clock):
    version = item_for(world, mode=Mode.DIRECT, promised_limit=0)

    case = intake(world, version)

    assert case.due_at == at(2026, 3, 9, 17, 30)
    assert case.notices.get().content["limit"] == "即办件，当日办结"


def test_materials_not_presented_are_logged_as_not_received(world, clock):
    version = item_for(world)
    case = intake(
        world,
        version,
        presented=presented_except(version, "户口簿", "近期照片"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
    )

    missing = case.materials.filter(presented=False)
    assert set(missing.values_list("custody", flat=True)) == {Custody.NOT_RECEIVED}
    assert CaseMaterial.objects.filter(case=case, custody=Custody.HELD).count() == 2


# --- issue 15 §8: conditional materials and originals returned after inspection ---------------------------------


def _with_material_rules(version, *, conditional=(), returned=()):
    from bianmin.catalog.models import Material
    from bianmin.catalog.services import item_publish

    Material.objects.filter(item=version.item, name__in=conditional).update(conditional=True)
    Material.objects.filter(item=version.item, name__in=returned).update(original=Material.Original.RETURNED)
    return item_publish(item=version.item, actor=None)


def test_a_conditional_material_marked_not_applicable_neither_blocks_nor_goes_on_the_notice(world, clock):
    # given 近期照片 is needed only in some cases, and this applicant is not one of them
    version = _with_material_rules(item_for(world), conditional=("近期照片",))
    photo = next(m["id"] for m in version.materials if m["name"] == "近期照片")

    # when the clerk marks it 不适用 and accepts
    case = intake(world, version, presented=presented_except(version, "近期照片"), not_applicable=[photo])

    # then the case is accepted without a supplement notice, and the row records 不适用
    assert case.status == Status.ACCEPTED
    assert not case.supplement_pending
    assert [n.kind for n in case.notices.all()] == [Notice.Kind.ACCEPTANCE]
    row = case.materials.get(material_id=photo)
    assert row.not_applicable
    assert not row.presented
    assert case.events.get(verb="receive").data["not_applicable"] == ["近期照片"]


def test_without_the_mark_a_missing_conditional_material_still_goes_on_the_notice(world, clock):
    version = _with_material_rules(item_for(world), conditional=("近期照片",))
    case = intake(
        world, version, presented=presented_except(version, "近期照片"), decision=Decision.ACCEPT_WITH_SUPPLEMENT
    )
    assert [i["name"] for i in case.supplement_requests.get().items] == ["近期照片"]


def test_only_conditional_materials_can_be_marked_not_applicable(world, clock):
    version = _with_material_rules(item_for(world), conditional=("近期照片",))
    ids = {m["name"]: m["id"] for m in version.materials}

    with pytest.raises(ValidationError, match="视情况提交"):
        intake(world, version, presented=presented_except(version, "户口簿"), not_applicable=[ids["户口簿"]])
    with pytest.raises(ValidationError, match="不能同时标记为不适用"):
        intake(world, version, not_applicable=[ids["近期照片"]])
    assert not Case.objects.exists()


def test_an_original_returned_after_inspection_is_recorded_as_returned_not_held(world, clock):
    # given the catalog says the ID card's original is handed back after inspection
    version = _with_material_rules(item_for(world), returned=("居民身份证",))
    presented = {m["id"]: "original" for m in version.materials}

    case = intake(world, version, presented=presented)

    card = case.materials.get(name="居民身份证")
    assert card.custody == Custody.RETURNED
    assert card.custodian is None
    assert card.disposed_by == world.clerk
    assert card.disposal_note == "原件核验后当场退还申请人"
    # The other originals are kept as before; only they need accounting for.
    assert set(case.materials.filter(custody=Custody.HELD).values_list("name", flat=True)) == {
        "申请表",
        "户口簿",
        "近期照片",
    }
    assert case.events.get(verb="receive").data["returned"] == ["居民身份证"]


def test_an_original_with_its_copy_leaves_the_copy_held(world, clock):
    version = _with_material_rules(item_for(world), returned=("居民身份证",))
    case = intake(world, version, presented={m["id"]: "both" for m in version.materials})
    assert case.materials.get(name="居民身份证").custody == Custody.HELD


# --- cost ------------------------------------------------------------------------------------------------------
# Counted: every statement from the service's entry to the end of its after-commit listeners, the transaction's own
# statements (SAVEPOINT/RELEASE here, BEGIN/COMMIT in production) included: the numbers (case and notice in one
# upsert … RETURNING), the case, its materials, its notice, its events, the applicant's text message (the outbox
# row, written in the same transaction) and, after the commit, its delivery job. The item's current version is
# passed in as the intake screen does (it read it to show the checklist); a caller that does not pass it pays one
# query more. The whole POST (user, item version, the clerk's posts besides) is counted in test_views.py.


def _count_intake(world, version, django_capture_on_commit_callbacks, **kwargs):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        case = intake(world, version, n=77, version_known=True, **kwargs)  # as the screen passes it (read once)
    return case, [q["sql"] for q in ctx.captured_queries]


def test_an_acceptance_costs_one_statement_per_table_whatever_the_checklist(
    world, clock, django_capture_on_commit_callbacks
):
    from django.apps import apps

    notification = apps.get_model("notify", "Notification")  # the listener's app, above cases: not imported
    short = item_for(world)
    long = item_for(world, general=tuple(f"证明材料{i}" for i in range(12)))
    intake(world, short, n=1)  # the year's counter rows exist: the ordinary day

    _, few = _count_intake(world, short, django_capture_on_commit_callbacks)
    case, many = _count_intake(world, long, django_capture_on_commit_callbacks)

    assert len(many) == len(few) <= 9
    assert sum(sql.startswith('INSERT INTO "cases_casematerial"') for sql in many) == 1
    # The text message is written before the transaction ends (the outbox), the delivery job after it.
    outbox = next(i for i, sql in enumerate(many) if sql.startswith('INSERT INTO "notify_notification"'))
    released = max(i for i, sql in enumerate(many) if sql.startswith(("RELEASE SAVEPOINT", "COMMIT")))
    assert outbox < released
    assert not any("SAVEPOINT" in sql for sql in many[1:released])  # one transaction, no nested savepoint
    assert sum(sql.startswith('INSERT INTO "cases_caseevent"') for sql in many) == 1
    assert sum("core_serialcounter" in sql for sql in many) == 1
    assert [e.verb for e in case.events.order_by("id")] == ["receive", "accept"]
    assert case.notices.get().number.startswith("SL410108901-2026-")
    assert notification.objects.filter(key=f"case:{case.pk}:accepted").count() == 1


def test_an_acceptance_with_a_supplement_notice_adds_only_its_pause_and_request(
    world, clock, django_capture_on_commit_callbacks
):
    version = item_for(world)
    intake(world, version, n=1)
    intake(world, version, n=2, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT)

    case, queries = _count_intake(
        world,
        version,
        django_capture_on_commit_callbacks,
        presented=presented_except(version, "户口簿", "近期照片"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
    )

    # Two notices (one statement), the pause, the request; the second text message (the supplement's list) and
    # its delivery job.
    assert len(queries) <= 9 + 2 + 2
    assert [n.kind for n in case.notices.order_by("id")] == [Notice.Kind.ACCEPTANCE, Notice.Kind.SUPPLEMENT]
    assert case.notices.get(kind=Notice.Kind.SUPPLEMENT).number == "BZ410108901-2026-00002"
    request = SupplementRequest.objects.select_related("notice").get(case=case)
    assert request.notice is not None
    assert request.notice.kind == Notice.Kind.SUPPLEMENT
    assert [i["name"] for i in request.items] == ["户口簿", "近期照片"]
    assert CasePause.objects.filter(case=case, ended_at__isnull=True).count() == 1
