import pytest
from django.test import Client

from bianmin.org.models import Post, Role
from bianmin.org.tests.factories import PostFactory, StaffFactory, WindowFactory, center, staff_user


def inline_data(window, rows):
    data = {
        "center": window.center.pk,
        "number": window.number,
        "name": window.name,
        "business_scope": window.business_scope,
        "is_active": "on",
        "posts-TOTAL_FORMS": str(len(rows)),
        "posts-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "posts-MIN_NUM_FORMS": "0",
        "posts-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"posts-{i}-{key}"] = value
        data[f"posts-{i}-window"] = window.pk
    return data


@pytest.mark.django_db
def test_admin_refuses_postings_that_leave_a_window_without_an_a_post():
    c = center()
    admin = staff_user(Role.ADMIN, c)
    window = WindowFactory.create(center=c)
    a_post = PostFactory.create(window=window, kind="A", staff=StaffFactory.create(org_unit=c))
    client = Client()
    client.force_login(admin.user)

    row = {"id": a_post.pk, "kind": "B", "staff": a_post.staff.pk, "valid_from": "2026-01-01", "valid_to": ""}
    response = client.post(f"/admin/org/window/{window.pk}/change/", inline_data(window, [row]))

    assert response.status_code == 200  # the form comes back with the error
    assert "没有A岗" in response.content.decode()
    assert Post.objects.get(pk=a_post.pk).kind == "A"


@pytest.mark.django_db
def test_admin_saves_postings_that_keep_an_a_post():
    c = center()
    admin = staff_user(Role.ADMIN, c)
    window = WindowFactory.create(center=c)
    a_post = PostFactory.create(window=window, kind="A", staff=StaffFactory.create(org_unit=c))
    b_staff = StaffFactory.create(org_unit=c)
    client = Client()
    client.force_login(admin.user)

    rows = [
        {"id": a_post.pk, "kind": "A", "staff": a_post.staff.pk, "valid_from": "2026-01-01", "valid_to": ""},
        {"id": "", "kind": "B", "staff": b_staff.pk, "valid_from": "2026-01-01", "valid_to": ""},
    ]
    response = client.post(f"/admin/org/window/{window.pk}/change/", inline_data(window, rows))

    assert response.status_code == 302
    assert Post.objects.filter(window=window, kind="B", staff=b_staff).exists()
