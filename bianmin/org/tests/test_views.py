import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bianmin.org.models import Post, Role
from bianmin.org.tests.factories import PostFactory, StaffFactory, WindowFactory, center, district, staff_user

# 6 for the board itself, 5 for who is on duty now (staffing's on_duty_line: windows, posts, shifts, attendance,
# leave) and 1 for the working calendar, whatever the number of windows.
BOARD_QUERIES = 12


@pytest.fixture
def hall(db):
    c = center(parent=district(), code="C1", name="长兴路街道", complaint_phone="0371-63380000")
    w1 = WindowFactory.create(center=c, number=1, name="综合受理窗口", business_scope="咨询导办")
    w2 = WindowFactory.create(center=c, number=2, name="民政窗口", business_scope="低保、救助")
    a1 = PostFactory.create(window=w1, staff=StaffFactory.create(org_unit=c, name="李晓宁"), kind="A")
    PostFactory.create(window=w1, staff=StaffFactory.create(org_unit=c, name="康梦婷"), kind="B")
    PostFactory.create(window=w2, staff=StaffFactory.create(org_unit=c, name="何春燕"), kind="A")
    # A post that ended yesterday must not show.
    PostFactory.create(
        window=w2,
        staff=StaffFactory.create(org_unit=c, name="已调离"),
        kind="B",
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    return {"center": c, "w1": w1, "w2": w2, "a1": a1}


def test_staff_board_shows_each_window_with_its_a_and_b_staff_and_the_complaint_phone(
    hall, django_assert_max_num_queries
):
    client = Client()
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get("/centers/C1/staff/")

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "长兴路街道便民服务中心",
        "综合受理窗口",
        "民政窗口",
        "李晓宁",
        "康梦婷",
        "何春燕",
        "0371-63380000",
        "低保、救助",
    ):
        assert text in html
    assert "已调离" not in html


def test_staff_board_query_count_does_not_grow_with_windows(hall, django_assert_max_num_queries):
    for number in range(3, 13):
        w = WindowFactory.create(center=hall["center"], number=number)
        PostFactory.create(window=w, staff=StaffFactory.create(org_unit=hall["center"]), kind="A")
        PostFactory.create(window=w, staff=StaffFactory.create(org_unit=hall["center"]), kind="B")

    with django_assert_max_num_queries(BOARD_QUERIES):
        assert Client().get("/centers/C1/staff/").status_code == 200


def test_public_home_names_the_center_and_links_to_the_board(hall):
    html = Client().get("/").content.decode()

    assert "长兴路街道便民服务中心" in html
    assert "/centers/C1/staff/" in html


def test_staff_home_shows_center_window_post_and_todays_hours(hall):
    client = Client()
    client.force_login(hall["a1"].staff.user)

    html = client.get("/staff/").content.decode()

    assert "长兴路街道便民服务中心" in html
    assert "综合受理窗口" in html
    assert "A岗" in html
    assert "今日" in html


def test_replacing_with_a_bad_date_gets_a_chinese_error_and_changes_nothing(hall):
    director = staff_user(Role.DIRECTOR, hall["center"])
    client = Client()
    client.force_login(director.user)

    response = client.post(
        f"/staff/windows/{hall['w1'].pk}/",
        {"post": hall["a1"].pk, "new_staff": director.pk, "on": "不是日期", "reason": "调换"},
    )

    assert response.status_code == 400
    assert "有效的日期" in response.content.decode()
    assert Post.objects.filter(window=hall["w1"]).count() == 2


def test_calendar_form_errors_are_shown_in_chinese(hall):
    admin = staff_user(Role.ADMIN, hall["center"])
    client = Client()
    client.force_login(admin.user)

    response = client.post("/staff/calendar/", {"day": "", "is_workday": "0", "name": "", "reason": ""})

    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()


def test_the_replacement_picker_offers_only_people_who_can_take_the_post(hall):
    from bianmin.org.tests.factories import community

    director = staff_user(Role.DIRECTOR, hall["center"])
    outsider = StaffFactory.create(org_unit=community(hall["center"]), name="红达社区")
    free = StaffFactory.create(org_unit=hall["center"], name="赵自由")
    client = Client()
    client.force_login(director.user)

    page = client.get(f"/staff/windows/{hall['w1'].pk}/?replace={hall['a1'].pk}")

    assert page.status_code == 200
    offered = {s.name for s in page.context["form"].fields["new_staff"].queryset}
    assert free.name in offered
    assert outsider.name not in offered  # a community account
    assert "康梦婷" not in offered  # the B post of this window
    assert "何春燕" not in offered  # already A of window 2
    assert "李晓宁" not in offered  # the holder
    assert outsider.name not in page.content.decode()


def test_making_the_b_post_also_the_a_post_is_refused_with_a_chinese_message(hall):
    director = staff_user(Role.DIRECTOR, hall["center"])
    b_holder = Post.objects.get(window=hall["w1"], kind="B").staff
    client = Client()
    client.force_login(director.user)

    response = client.post(
        f"/staff/windows/{hall['w1'].pk}/",
        {"post": hall["a1"].pk, "new_staff": b_holder.pk, "on": timezone.localdate().isoformat(), "reason": "调整"},
    )

    assert response.status_code == 400
    assert Post.objects.filter(window=hall["w1"]).count() == 2
