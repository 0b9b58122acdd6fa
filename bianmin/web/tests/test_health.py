import pytest
from django.urls import reverse

from bianmin.assignments.tests.factories import Office
from bianmin.core.services import scheduler_tick

pytestmark = pytest.mark.django_db


def test_health_page_for_director_and_admin_only(client, django_assert_max_num_queries):
    office = Office()
    scheduler_tick()
    client.force_login(office.director.user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:staff_health"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "交办事项到期和超期提醒" in page
    assert "已排队" in page
    assert response.context["health"].queue.ready == len(response.context["health"].jobs)
    client.force_login(office.clerk_a.user)
    assert client.get(reverse("web:staff_health")).status_code == 403
