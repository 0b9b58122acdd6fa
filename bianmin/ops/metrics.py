"""Metrics for Prometheus (PROMETHEUS_METRICS=1): django-prometheus counts requests and latency by view and database
queries; this collector adds, read at each scrape, the queue, job outcomes, heartbeats and overdue cases per center."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bianmin.cases.models import CLOCK_RUNNING, Case
from bianmin.core.aggregates import Rows
from bianmin.core.models import Heartbeat, PeriodicRun
from bianmin.core.selectors import jobs_health


class BianminCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        queue = jobs_health(now=now).queue
        depth = GaugeMetricFamily("bianmin_queue_tasks", "Background tasks by state", labels=["state"])
        for state, value in (("ready", queue.ready), ("scheduled", queue.scheduled), ("running", queue.running)):
            depth.add_metric([state], value)
        yield depth
        failed = GaugeMetricFamily("bianmin_queue_failed_last_day", "Background tasks failed in the last 24 hours")
        failed.add_metric([], queue.failed_recent)
        yield failed

        runs = GaugeMetricFamily(
            "bianmin_periodic_runs_last_day", "Periodic job runs of the last 24 hours", labels=["job", "status"]
        )
        for row in (
            PeriodicRun.objects.filter(scheduled_for__gte=now - dt.timedelta(days=1))
            .values("job", "status")
            .annotate(n=Rows())
            .order_by("job", "status")
        ):
            runs.add_metric([row["job"], row["status"]], row["n"])
        yield runs

        ages = GaugeMetricFamily(
            "bianmin_heartbeat_age_seconds", "Seconds since the newest heartbeat of each kind", labels=["kind"]
        )
        newest: dict[str, dt.datetime] = {}
        for kind, seen_at in Heartbeat.objects.values_list("kind", "seen_at"):
            newest[kind] = max(seen_at, newest.get(kind, seen_at))
        for kind, seen_at in sorted(newest.items()):
            ages.add_metric([kind], (now - seen_at).total_seconds())
        yield ages

        overdue = GaugeMetricFamily("bianmin_cases_overdue", "Overdue cases per center", labels=["center"])
        for row in (
            Case.objects.filter(status__in=CLOCK_RUNNING, due_at__lt=now)
            .values("center__code")
            .annotate(n=Rows())
            .order_by("center__code")
        ):
            overdue.add_metric([row["center__code"]], row["n"])
        yield overdue
