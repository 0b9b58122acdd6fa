"""One-time notification rules, pure."""

from __future__ import annotations

from typing import Any

from bianmin.cases.checklists import Decision, assess, beyond_first_notice
from bianmin.cases.models import Status
from bianmin.cases.workflow import TRANSITIONS, can_transition

MATERIALS = [
    {"id": 1, "name": "居民身份证", "kind": "main"},
    {"id": 2, "name": "申请表", "kind": "main"},
    {"id": 3, "name": "户口簿", "kind": "general"},
    {"id": 4, "name": "近期照片", "kind": "general"},
]


def test_everything_present_proposes_accept():
    result = assess(MATERIALS, [1, 2, 3, 4])

    assert result.proposal == Decision.ACCEPT
    assert result.complete
    assert Decision.ACCEPT in result.allowed


def test_general_missing_proposes_accept_with_supplement_and_forbids_plain_accept():
    result = assess(MATERIALS, [1, 2, 4])

    assert result.proposal == Decision.ACCEPT_WITH_SUPPLEMENT
    assert [m["name"] for m in result.missing_general] == ["户口簿"]
    assert Decision.ACCEPT not in result.allowed


def test_main_missing_allows_only_refusal_or_receipt_for_the_handler():
    result = assess(MATERIALS, [1, 3, 4])

    assert result.proposal == Decision.REFUSE
    assert set(result.allowed) == {Decision.REFUSE, Decision.RECEIVE_ONLY}
    assert [m["name"] for m in result.missing_main] == ["申请表"]


def test_a_later_request_may_repeat_only_what_the_first_notice_listed():
    first: list[dict[str, Any]] = [
        {"material_id": 3, "name": "户口簿", "issue": "missing"},
        {"material_id": None, "name": "收入情况 说明", "issue": "explain"},
    ]

    assert beyond_first_notice([{"material_id": 3, "name": "户口簿"}], first) == []
    assert beyond_first_notice([{"material_id": None, "name": "收入情况说明"}], first) == []
    beyond = beyond_first_notice([{"material_id": 4, "name": "近期照片"}, {"material_id": 3, "name": "户口簿"}], first)
    assert [i["name"] for i in beyond] == ["近期照片"]


def test_without_a_first_notice_everything_asked_later_is_beyond_it():
    assert len(beyond_first_notice([{"material_id": 3, "name": "户口簿"}], None)) == 1


def test_final_states_have_no_way_out_and_received_cannot_jump_to_completed():
    for final in (Status.DELIVERED, Status.REFUSED, Status.WITHDRAWN):
        assert TRANSITIONS[final] == frozenset()
    assert not can_transition(Status.RECEIVED, Status.COMPLETED)
    assert not can_transition(Status.COMPLETED, Status.COMPLETED)
    assert can_transition(Status.WAITING, Status.FORWARDED)
    assert set(TRANSITIONS) == set(Status.values)
