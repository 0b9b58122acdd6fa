"""Online applications (网上申报) and their pre-review: the minimal state and services the Open311 channel uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bianmin.cases.models import Case, CaseEvent, Status
from bianmin.cases.services import (
    OnlineApplicant,
    case_accept,
    case_materials_present,
    case_prereview,
    case_submit_online,
)
from bianmin.cases.workflow import CaseStateError
from bianmin.catalog.tests.factories import published_item
from bianmin.org.models import Role
from bianmin.org.tests.factories import PostFactory, WindowFactory, center, district, staff_user

GOOD_ID = "11010519491231002X"


@pytest.fixture
def setup(db):
    c = center(parent=district(), code="C1")
    window = WindowFactory.create(center=c, number=3)
    a_staff = staff_user(Role.WINDOW, c, name="王建军")
    PostFactory.create(window=window, staff=a_staff, kind="A")
    version = published_item(owner=c, main=("居民身份证", "户口簿"), general=("收入说明",))
    return {"center": c, "window": window, "a": a_staff, "version": version, "director": staff_user(Role.DIRECTOR, c)}


def submit(setup, has=()):
    return case_submit_online(
        center=setup["center"],
        item=setup["version"].item,
        applicant=OnlineApplicant(id_number=GOOD_ID, name="张三", phone="13800001234"),
        has=has,
    )


def test_an_online_application_is_numbered_and_waits_for_pre_review(setup):
    ids = [m["id"] for m in setup["version"].materials]
    case = submit(setup, has=ids[:1])
    assert case.status == Status.SUBMITTED
    assert case.number.startswith("C1-")
    assert case.received_by is None
    assert case.applicant_id_number == GOOD_ID
    assert case.phone_tail == "1234"
    assert case.materials.filter(presented=True).count() == 0
    event = CaseEvent.objects.get(case=case)
    assert event.verb == "submit_online"
    assert event.data == {"has": ["居民身份证"], "to_bring": ["户口簿", "收入说明"]}


def test_online_application_rejects_a_wrong_checksum_and_unknown_materials(setup):
    with pytest.raises(ValidationError) as caught:
        case_submit_online(
            center=setup["center"],
            item=setup["version"].item,
            applicant=OnlineApplicant(id_number="110105194912310021"),
            has=[999999],
        )
    assert "校验位" in caught.value.message_dict["id_number"][0]
    assert "materials" in caught.value.message_dict
    assert Case.objects.count() == 0


def test_pre_review_sends_the_case_to_the_window_and_its_a_post(setup):
    case = submit(setup)
    case = case_prereview(
        case=case, actor=setup["director"].user, window=setup["window"], supplement=["近三个月工资流水"]
    )
    assert case.status == Status.RECEIVED
    assert case.window == setup["window"]
    assert case.assignee == setup["a"]
    assert case.received_by == setup["director"]
    event = case.events.get(verb="prereview")
    assert event.data["outcome"] == "supplement"
    assert event.data["supplement"] == ["近三个月工资流水"]
    with pytest.raises(CaseStateError):
        case_prereview(case=case, actor=setup["director"].user, window=setup["window"])


def test_pre_review_needs_a_window_of_the_same_center_and_staff_in_scope(setup):
    case = submit(setup)
    other = center(code="C2")
    with pytest.raises(ValidationError):
        case_prereview(case=case, actor=setup["director"].user, window=WindowFactory.create(center=other))
    with pytest.raises(ValidationError):
        case_prereview(case=case, actor=staff_user(Role.DIRECTOR, other).user, window=setup["window"])


def test_at_the_window_the_originals_are_taken_in_and_the_case_accepted(setup):
    case = case_prereview(case=submit(setup), actor=setup["director"].user, window=setup["window"])
    ids = [m["id"] for m in setup["version"].materials]
    with pytest.raises(ValidationError):
        case_accept(case=case, actor=setup["a"].user)  # nothing presented yet: main materials missing
    case_materials_present(case=case, actor=setup["a"].user, presented=dict.fromkeys(ids, "original"))
    case = case_accept(case=case, actor=setup["a"].user)
    assert case.status == Status.ACCEPTED
    assert case.due_at is not None


def test_the_pre_reviews_list_is_the_first_notice_and_later_requests_may_only_repeat_it(setup):
    from bianmin.cases.models import SupplementRequest
    from bianmin.cases.services import case_request_supplement, online_notice_items

    # given a pre-review that told the applicant to bring an extra item
    case = case_prereview(
        case=submit(setup), actor=setup["a"].user, window=setup["window"], supplement=["社区出具的居住证明", " "]
    )
    extra = case.materials.get(material_id__isnull=True)
    assert extra.name == "社区出具的居住证明"
    assert extra.kind == "general"
    assert [i["name"] for i in online_notice_items(case) or []] == [
        "居民身份证",
        "户口簿",
        "收入说明",
        "社区出具的居住证明",
    ]

    # when every material is brought, the extra item too, and the case is accepted
    ids = [m["id"] for m in setup["version"].materials]
    case_materials_present(
        case=case, actor=setup["a"].user, presented=dict.fromkeys(ids, "original"), extras={extra.pk: "original"}
    )
    case = case_accept(case=case, actor=setup["a"].user)
    assert case.status == Status.ACCEPTED

    # then asking again for an item the pre-review listed is the allowed second notice ...
    again = case_request_supplement(
        case=case,
        actor=setup["a"].user,
        items=[{"material_id": None, "name": "社区出具的居住证明", "issue": "correct"}],
        due_date=None,
    )
    assert again.state == SupplementRequest.State.ISSUED
    # ... and anything new waits for the director's sign-off
    from bianmin.cases.services import case_receive_supplement

    case_receive_supplement(case=case, actor=setup["a"].user, presented={}, extras={extra.pk: "original"})
    new = case_request_supplement(
        case=case, actor=setup["a"].user, items=[{"name": "房产证明", "issue": "missing"}], due_date=None
    )
    assert new.state == SupplementRequest.State.PENDING
    assert [i["name"] for i in new.extra_items] == ["房产证明"]
