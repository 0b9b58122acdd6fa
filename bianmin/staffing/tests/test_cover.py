from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bianmin.staffing.cover import KIND_ORDER, Holder, decide_duty


def holder(kind: str, *, checked_in: bool = True, on_leave: bool = False, staff_id: int = 0) -> Holder:
    return Holder(
        staff_id=staff_id or hash(kind) % 1000, name=kind, kind=kind, checked_in=checked_in, on_leave=on_leave
    )


def test_a_checked_in_is_on_duty():
    duty = decide_duty(1, [holder("B"), holder("A")])
    assert duty.kind == "A"
    assert not duty.covering
    assert not duty.unmanned


def test_b_covers_when_a_is_on_leave_even_if_a_checked_in():
    duty = decide_duty(1, [holder("A", on_leave=True), holder("B")])
    assert duty.kind == "B"
    assert duty.covering


def test_b_covers_when_a_has_not_checked_in():
    duty = decide_duty(1, [holder("A", checked_in=False), holder("B")])
    assert duty.kind == "B"


def test_b_on_leave_and_a_absent_leaves_the_window_unmanned():
    duty = decide_duty(1, [holder("A", checked_in=False), holder("B", on_leave=True)])
    assert duty.unmanned
    assert duty.holder is None
    assert [h.kind for h in duty.holders] == ["A", "B"]
    assert duty.of_kind("B")[0].state == "on_leave"


def test_rostered_staff_come_after_a_and_b():
    duty = decide_duty(1, [holder("duty"), holder("B", checked_in=False), holder("A", checked_in=False)])
    assert duty.kind == "duty"
    assert decide_duty(1, [holder("duty"), holder("B")]).kind == "B"


def test_several_b_posts_are_tried_in_posting_order():
    first = holder("B", checked_in=False, staff_id=1)
    second = holder("B", staff_id=2)
    third = holder("B", staff_id=3)
    assert decide_duty(1, [first, second, third]).staff_id == 2


def test_a_window_without_posts_is_unmanned():
    assert decide_duty(1, []).unmanned


holders = st.builds(
    Holder,
    staff_id=st.integers(1, 50),
    name=st.just("x"),
    kind=st.sampled_from(["A", "B", "duty"]),
    checked_in=st.booleans(),
    on_leave=st.booleans(),
)


@given(st.lists(holders, max_size=6))
def test_the_rule_picks_the_first_available_holder_of_the_highest_kind(people):
    duty = decide_duty(7, people)
    available = [h for h in people if h.checked_in and not h.on_leave]
    if not available:
        assert duty.unmanned
        return
    best = min(KIND_ORDER[h.kind] for h in available)
    assert duty.holder is not None
    assert duty.holder.available
    assert KIND_ORDER[duty.holder.kind] == best
    assert duty.holder is next(h for h in people if h.available and KIND_ORDER[h.kind] == best)
