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


def _all_alive(now):
    from bianmin.core.models import Heartbeat
    from bianmin.core.services import heartbeat_record

    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="app1:101", now=now)
    heartbeat_record(kind=Heartbeat.Kind.SCHEDULER, instance="app1:102", now=now)


def test_healthz_ok_when_worker_and_scheduler_are_alive(client):
    from django.utils import timezone

    _all_alive(timezone.now())

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_503_when_the_worker_heartbeat_is_stale(client, settings):
    import datetime as dt

    from django.utils import timezone

    from bianmin.core.models import Heartbeat
    from bianmin.core.services import heartbeat_record

    now = timezone.now()
    _all_alive(now)
    heartbeat_record(
        kind=Heartbeat.Kind.WORKER,
        instance="app1:101",
        now=now - dt.timedelta(seconds=settings.BIANMIN_HEALTH_WORKER_STALE_SECONDS + 5),
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}  # no detail in public


def test_healthz_503_when_no_worker_ever_ran_or_scheduler_is_stale(client, settings):
    import datetime as dt

    from django.utils import timezone

    from bianmin.core.models import Heartbeat
    from bianmin.core.services import heartbeat_record

    now = timezone.now()
    heartbeat_record(kind=Heartbeat.Kind.SCHEDULER, instance="s", now=now)
    assert client.get("/healthz").status_code == 503  # no worker has ever run

    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="w", now=now)
    heartbeat_record(kind=Heartbeat.Kind.SCHEDULER, instance="s", now=now - dt.timedelta(hours=1))
    assert client.get("/healthz").status_code == 503


def test_healthz_503_when_disk_is_short(client, settings):
    from django.utils import timezone

    _all_alive(timezone.now())
    settings.BIANMIN_HEALTH_DISK_MIN_FREE_MB = 10**12

    assert client.get("/healthz").status_code == 503


def test_one_live_worker_among_several_is_enough(client, settings):
    import datetime as dt

    from django.utils import timezone

    from bianmin.core.models import Heartbeat
    from bianmin.core.services import heartbeat_record

    now = timezone.now()
    _all_alive(now)
    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="app2:7", now=now - dt.timedelta(days=1))

    assert client.get("/healthz").status_code == 200
    assert Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER).count() == 2


def test_staff_health_page_names_the_failing_part_and_warns_of_no_backup(client):
    from django.utils import timezone

    from bianmin.core.models import Heartbeat
    from bianmin.core.services import heartbeat_record

    office = Office()
    heartbeat_record(kind=Heartbeat.Kind.SCHEDULER, instance="app1:102", now=timezone.now())
    client.force_login(office.director.user)

    response = client.get(reverse("web:staff_health"))

    page = response.content.decode()
    checks = {check.name: check for check in response.context["system"].checks}
    assert not checks["worker"].ok
    assert checks["scheduler"].ok
    assert checks["backup"].ok
    assert checks["backup"].warning
    assert "请检查 db_worker 进程" in page
    assert "/healthz 返回 503" in page
