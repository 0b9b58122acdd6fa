"""To-do items of every kind, made directly in the database (the services that make them are tested in their apps):
what the staff home and the menu badges read."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from bianmin.api.models import OnlineApplication
from bianmin.api.tests.factories import open311_client
from bianmin.assignments.models import AssignedTask
from bianmin.cases.models import Case, CaseHandover, JointTask, Status, SupplementRequest
from bianmin.cases.tests.factories import World, item_for
from bianmin.catalog.models import ItemVersion, Mode
from bianmin.frontdesk.models import Handover
from bianmin.org.models import Staff
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.staffing.models import Leave, UnmannedWindow

_serial = itertools.count(1)


def make_case(world: World, version: ItemVersion, *, status: str = Status.IN_PROGRESS, **kwargs: object) -> Case:
    n = next(_serial)
    now = timezone.now()
    values: dict[str, object] = {
        "number": f"{world.center.code}-{now.year}-{n:05d}",
        "year": now.year,
        "serial": n,
        "center": world.center,
        "window": world.window,
        "item": version.item,
        "item_version": version,
        "item_name": version.item.name,
        "mode": Mode.PROMISED,
        "status": status,
        "applicant_name": f"申请人{n}",
        "received_at": now - dt.timedelta(days=3),
        "due_at": now + dt.timedelta(hours=3),
        "public_token": uuid.uuid4().hex,
    }
    values.update(kwargs)
    return Case.objects.create(**values)


def add_director_items(world: World, n: int, *, staff: Staff | None = None) -> None:
    """`n` items of every kind the director (or `staff`) has to do."""
    me = staff or world.director
    version = item_for(world)
    client, _secret = open311_client(name=f"对接{next(_serial)}")
    now = timezone.now()
    window = world.window
    for _i in range(n):
        make_case(world, version, assignee=me, due_at=now - dt.timedelta(hours=1))
        handed = make_case(world, version, assignee=world.clerk)
        CaseHandover.objects.create(case=handed, from_staff=world.clerk, to_staff=me, created_at=now)
        joint = make_case(world, version)
        JointTask.objects.create(case=joint, department=world.dept_b, assignee=me, due_at=now, created_at=now)
        supplemented = make_case(world, version, status=Status.WAITING)
        SupplementRequest.objects.create(
            case=supplemented, items=["户口簿"], extra_items=["户口簿"], due_date=now.date(),
            state=SupplementRequest.State.PENDING, requested_by=world.clerk, requested_at=now,
        )  # fmt: skip
        online = make_case(world, version, status=Status.SUBMITTED, assignee=None)
        OnlineApplication.objects.create(case=online, client=client, token=uuid.uuid4().hex)
        Case.objects.filter(pk=online.pk).update(submitted_online=True)  # as case_submit_online marks it
        Handover.objects.create(
            center=world.center, from_staff=world.clerk, to_staff=me, subject="代收材料", materials="户口簿复印件",
            received_at=now,
        )  # fmt: skip
        AssignedTask.objects.create(
            center=world.center, number=f"JB{next(_serial):06d}", source=AssignedTask.Source.LEADER,
            source_issuer="区政务服务中心", title="报送月度统计", content="按时报送", responsible_staff=me,
            assigned_at=now, deadline_kind=AssignedTask.DeadlineKind.DATE, deadline_date=now.date(), due_at=now,
        )  # fmt: skip
        Leave.objects.create(
            staff=world.clerk, center=world.center, kind=Leave.Kind.values[0], start=now + dt.timedelta(days=1),
            end=now + dt.timedelta(days=1, hours=4), reason="事假",
        )  # fmt: skip
        UnmannedWindow.objects.create(window=window, center=world.center, started_at=now, ended_at=now, detected_at=now)
        Accountability.objects.create(
            center=world.center, staff=world.clerk, violation=Accountability.Violation.OVERDUE,
            summary="办件超期", created_at=now,
        )  # fmt: skip
        rated = make_case(world, version, status=Status.DELIVERED, assignee=world.clerk)
        Rating.objects.create(
            case=rated, center=world.center, staff=world.clerk, overall=1, efficiency=1, service=1, attitude=1,
            rectify_due_at=now + dt.timedelta(days=1), created_at=now,
        )  # fmt: skip
        Complaint.objects.create(
            center=world.center, channel=Complaint.Channel.values[0], content="窗口无人", inspector=me,
            due_at=now + dt.timedelta(days=2), created_at=now,
        )  # fmt: skip
