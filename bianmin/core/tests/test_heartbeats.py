import datetime as dt

import pytest
from django.utils import timezone

from bianmin.core import jobs
from bianmin.core.models import Heartbeat
from bianmin.core.services import heartbeat_record, job_records_prune, scheduler_tick, this_process

pytestmark = pytest.mark.django_db


def test_scheduler_tick_records_the_schedulers_heartbeat():
    now = timezone.now()

    scheduler_tick(now=now)

    beat = Heartbeat.objects.get(kind=Heartbeat.Kind.SCHEDULER)
    assert beat.instance == this_process()
    assert beat.seen_at == now


def test_worker_heartbeat_job_is_registered_and_overwrites_its_own_row():
    from bianmin.core.scheduling import periodic_job

    assert periodic_job("core.worker_heartbeat") is not None
    jobs.worker_heartbeat()
    jobs.worker_heartbeat()

    assert Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER, instance=this_process()).count() == 1


def test_prune_drops_gone_processes_but_keeps_the_newest_backup():
    now = timezone.now()
    old = now - dt.timedelta(days=40)
    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="gone:1", now=old)
    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="alive:2", now=now)
    heartbeat_record(kind=Heartbeat.Kind.BACKUP, instance="bianmin-a.tar", now=old - dt.timedelta(days=1))
    heartbeat_record(kind=Heartbeat.Kind.BACKUP, instance="bianmin-b.tar", now=old)

    job_records_prune(now=now)

    assert set(Heartbeat.objects.values_list("instance", flat=True)) == {"alive:2", "bianmin-b.tar"}
