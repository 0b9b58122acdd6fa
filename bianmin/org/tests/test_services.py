import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bianmin.core.events import audit_trail
from bianmin.org.models import Post
from bianmin.org.services import post_end, post_replace
from bianmin.org.tests.factories import PostFactory, StaffFactory, UserFactory, WindowFactory, center


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
