"""Hand-built records for the statistics tests: each row says exactly what it is, so the expected figures can be
counted by eye. Rows are inserted directly (the apps' services are tested in their own apps)."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from typing import Any

from bianmin.cases.models import Case, Status
from bianmin.catalog.models import ItemVersion, Mode
from bianmin.core.workcalendar import SHANGHAI
from bianmin.frontdesk.models import Inquiry
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.petitions.models import Petition
from bianmin.staffing.models import AttendanceDay, Inspection, Leave

_serial = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def case(
    version: ItemVersion,
    *,
    center: OrgUnit,
    staff: Staff | None,
    received: dt.datetime,
    due: dt.datetime | None = None,
    completed: dt.datetime | None = None,
    mode: str = Mode.PROMISED,
    window: Window | None = None,
    status: str | None = None,
) -> Case:
    n = next(_serial)
    if status is None:
        status = Status.DELIVERED if completed else Status.IN_PROGRESS
    return Case.objects.create(
        number=f"T{center.code}-{received.year}-{n:05d}",
        year=received.year,
        serial=n,
        center=center,
        window=window,
        item=version.item,
        item_version=version,
        item_name=version.item.name,
        mode=mode,
        status=status,
        applicant_name="张三",
        received_by=staff,
        assignee=staff,
        received_at=received,
        accepted_at=received,
        due_at=due,
        completed_at=completed,
        public_token=secrets.token_urlsafe(16),
    )


def rating(of: Case, overall: int, created: dt.datetime, **kw: Any) -> Rating:
    return Rating.objects.create(
        **kw,
        case=of,
        center=of.center,
        overall=overall,
        efficiency=overall,
        service=overall,
        attitude=overall,
        created_at=created,
    )


def inquiry(center: OrgUnit, staff: Staff, received: dt.datetime, result: str = Inquiry.Result.ANSWERED) -> Inquiry:
    return Inquiry.objects.create(
        center=center,
        number=f"Q{next(_serial)}",
        channel=Inquiry.Channel.IN_PERSON,
        received_at=received,
        matter="咨询",
        result=result,
        first_contact=staff,
    )


def complaint(center: OrgUnit, staff: Staff, created: dt.datetime, finding: str) -> Complaint:
    return Complaint.objects.create(
        center=center,
        staff=staff,
        channel=Complaint.Channel.WEB,
        content="态度不好",
        status=Complaint.Status.DECIDED if finding else Complaint.Status.RECEIVED,
        finding=finding,
        due_at=created + dt.timedelta(days=14),
        created_at=created,
    )


def accountability(center: OrgUnit, staff: Staff, created: dt.datetime, status: str) -> Accountability:
    return Accountability.objects.create(
        center=center,
        staff=staff,
        violation=Accountability.Violation.OVERDUE,
        status=status,
        summary="超期",
        created_at=created,
    )


def attendance(staff: Staff, day: dt.date, check_in: str, check_out: str | None = "17:40") -> AttendanceDay:
    def moment(clock: str) -> dt.datetime:
        hour, minute = (int(x) for x in clock.split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)

    return AttendanceDay.objects.create(
        staff=staff,
        center=staff.org_unit,
        date=day,
        check_in=moment(check_in),
        check_out=moment(check_out) if check_out else None,
    )


def leave(staff: Staff, start: dt.datetime, end: dt.datetime, status: str = Leave.Status.APPROVED, **kw: Any) -> Leave:
    return Leave.objects.create(
        staff=staff,
        center=staff.org_unit,
        kind=Leave.Kind.PERSONAL,
        start=start,
        end=end,
        reason="事假",
        status=status,
        **kw,
    )


def inspection(staff: Staff, inspector: Staff, when: dt.datetime, finding: str, voided: bool = False) -> Inspection:
    return Inspection.objects.create(
        center=staff.org_unit,
        inspected_at=when,
        inspector=inspector.user,
        staff=staff,
        rule=Inspection.Rule.CONDUCT,
        finding=finding,
        voided=voided,
    )


def petition(
    center: OrgUnit, staff: Staff, received: dt.date, *, closed: dt.datetime | None = None, closure: str = ""
) -> Petition:
    due = dt.datetime.combine(received + dt.timedelta(days=11), dt.time(0), tzinfo=SHANGHAI)
    return Petition.objects.create(
        center=center,
        number=f"P{next(_serial)}",
        channel=Petition.Channel.VISIT,
        person_name="李四",
        received_on=received,
        content="反映问题",
        category=Petition.Category.ORDINARY,
        time_limit_days=10,
        due_at=due,
        status=Petition.Status.CLOSED if closed else Petition.Status.ASSIGNED,
        handler=staff,
        closure=closure if closed else "",
        outcome="已答复" if closed else "",
        closed_at=closed,
        closed_by=staff if closed else None,
        registered_by=staff,
    )
