import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.core.events import audit_trail
from bianmin.org.models import Post
from bianmin.org.services import post_assign, post_end, post_replace
from bianmin.org.tests.factories import PostFactory, StaffFactory, UserFactory, WindowFactory, center
from bianmin.org.tests.factories import community as community_unit


@pytest.fixture
def window():
    return WindowFactory.create(center=center())


@pytest.mark.django_db
def test_replacing_the_staff_on_a_post_keeps_history(window):
    old = PostFactory.create(window=window, staff=StaffFactory.create(org_unit=window.center), kind="A")
    newcomer = StaffFactory.create(org_unit=window.center)
    director = UserFactory.create()

    successor = post_replace(post=old, new_staff=newcomer, on=dt.date(2026, 12, 1), reason="不能胜任", actor=director)

    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 11, 30)
    assert successor.replaces == old
    assert (successor.staff, successor.kind, successor.valid_from) == (newcomer, "A", dt.date(2026, 12, 1))
    assert [p.staff for p in Post.objects.active_on(dt.date(2026, 12, 1)).filter(window=window)] == [newcomer]
    assert [e.verb for e in audit_trail(window)] == ["post_replace"]


@pytest.mark.django_db
def test_replacement_needs_a_reason_and_someone_of_this_center(window):
    old = PostFactory.create(window=window, staff=StaffFactory.create(org_unit=window.center))
    outsider = StaffFactory.create(org_unit=center())

    with pytest.raises(ValidationError) as exc:
        post_replace(
            post=old,
            new_staff=StaffFactory.create(org_unit=window.center),
            on=dt.date(2026, 12, 1),
            reason="",
            actor=None,
        )
    assert "原因" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        post_replace(post=old, new_staff=outsider, on=dt.date(2026, 12, 1), reason="调整", actor=None)
    assert "不属于本中心" in str(exc.value)


@pytest.mark.django_db
def test_ending_the_only_a_post_is_refused(window):
    a_post = PostFactory.create(window=window, kind="A")
    PostFactory.create(window=window, kind="B")

    with pytest.raises(ValidationError) as exc:
        post_end(post=a_post, last_day=dt.date(2026, 12, 31), reason="调离", actor=None)

    assert "没有A岗" in str(exc.value)
    a_post.refresh_from_db()
    assert a_post.valid_to is None


@pytest.mark.django_db
def test_ending_an_a_post_is_fine_when_another_a_post_follows(window):
    a_post = PostFactory.create(window=window, kind="A")
    PostFactory.create(window=window, kind="A", valid_from=dt.date(2027, 1, 1))

    post_end(post=a_post, last_day=dt.date(2026, 12, 31), reason="轮岗", actor=None)

    a_post.refresh_from_db()
    assert a_post.valid_to == dt.date(2026, 12, 31)


@pytest.fixture
def two_windows():
    hall = center()
    w1 = WindowFactory.create(center=hall, number=1)
    w2 = WindowFactory.create(center=hall, number=2)
    a1 = PostFactory.create(window=w1, staff=StaffFactory.create(org_unit=hall, name="甲"), kind="A")
    b = StaffFactory.create(org_unit=hall, name="乙")
    b1 = PostFactory.create(window=w1, staff=b, kind="B")
    b2 = PostFactory.create(window=w2, staff=b, kind="B")
    a2 = PostFactory.create(window=w2, staff=StaffFactory.create(org_unit=hall, name="丙"), kind="A")
    return {"hall": hall, "w1": w1, "w2": w2, "a1": a1, "a2": a2, "b": b, "b1": b1, "b2": b2}


@pytest.mark.django_db
def test_the_b_post_of_a_window_cannot_also_become_its_a_post(two_windows):
    t = two_windows
    with pytest.raises(ValidationError) as exc:
        post_replace(post=t["a1"], new_staff=t["b"], on=dt.date(2026, 12, 1), reason="调整", actor=None)
    assert "同一窗口的A岗和B岗不能由同一人担任" in str(exc.value)
    t["a1"].refresh_from_db()
    assert t["a1"].valid_to is None


@pytest.mark.django_db
def test_a_person_holds_at_most_one_a_post(two_windows):
    t = two_windows
    with pytest.raises(ValidationError) as exc:
        post_replace(post=t["a2"], new_staff=t["a1"].staff, on=dt.date(2026, 12, 1), reason="调整", actor=None)
    assert "一人只能担任一个A岗" in str(exc.value)
    with pytest.raises(ValidationError, match="一人只能担任一个A岗"):
        post_assign(window=t["w2"], staff=t["a1"].staff, kind="A", valid_from=dt.date(2026, 12, 1), actor=None)
    with pytest.raises(ValidationError, match="A岗和B岗"):
        post_assign(window=t["w1"], staff=t["a1"].staff, kind="B", valid_from=dt.date(2026, 12, 1), actor=None)
    # A B post at another window is allowed: B covers several windows (§6(1)).
    post_assign(window=t["w2"], staff=t["a1"].staff, kind="B", valid_from=dt.date(2026, 12, 1), actor=None)


@pytest.mark.django_db
def test_a_replacement_made_in_error_is_corrected_the_same_day_and_kept_in_the_history(two_windows):
    t = two_windows
    today = timezone.localdate()
    newcomer = StaffFactory.create(org_unit=t["hall"], name="丁")
    right = StaffFactory.create(org_unit=t["hall"], name="戊")
    wrong = post_replace(post=t["a1"], new_staff=newcomer, on=today, reason="调整", actor=None)

    fixed = post_replace(post=wrong, new_staff=right, on=today, reason="选错人员，当日更正", actor=None)

    wrong.refresh_from_db()
    assert wrong.valid_to == today - dt.timedelta(days=1)  # never in effect, still on record
    assert not wrong.is_active_on(today)
    assert fixed.replaces == wrong
    assert [p.staff for p in Post.objects.active_on(today).filter(window=t["w1"], kind="A")] == [right]
    assert [e.data["correction"] for e in audit_trail(t["w1"])] == [False, True]
    # The erroneous holder is free again: they may take an A post elsewhere.
    assert post_replace(post=t["a2"], new_staff=newcomer, on=today + dt.timedelta(days=1), reason="调整", actor=None)


@pytest.mark.django_db
def test_a_post_that_began_on_an_earlier_day_cannot_be_replaced_from_its_first_day(two_windows):
    t = two_windows
    with pytest.raises(ValidationError, match="调换日期须晚于原岗位的起始日期"):
        post_replace(
            post=t["a1"], new_staff=StaffFactory.create(org_unit=t["hall"]), on=t["a1"].valid_from, reason="调整",
            actor=None,
        )  # fmt: skip


@pytest.mark.django_db
def test_a_community_account_cannot_take_a_center_post(two_windows):
    t = two_windows
    community = StaffFactory.create(org_unit=community_unit(t["hall"]))
    with pytest.raises(ValidationError, match="不属于本中心"):
        post_replace(post=t["b1"], new_staff=community, on=dt.date(2026, 12, 1), reason="调整", actor=None)
