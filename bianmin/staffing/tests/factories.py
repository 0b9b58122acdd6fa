from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from bianmin.org.models import OrgUnit, Post, Role, Staff, Window
from bianmin.org.tests.factories import PostFactory, WindowFactory, center, staff_user
from bianmin.staffing.models import AttendanceDay, DutyShift, Leave

# A Tuesday with no holiday: a plain working day in every calendar.
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, clock: str) -> dt.datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


@dataclass
class StaffedWindow:
    center: OrgUnit
    window: Window
    a: Staff
    b: Staff


def staffed_window(hall: OrgUnit | None = None, number: int | None = None) -> StaffedWindow:
    """A window with one A post and one B post, valid from 2026-01-01."""
    hall = hall or center()
    window = WindowFactory.create(center=hall, **({"number": number} if number else {}))
    a = staff_user(Role.WINDOW, hall)
    b = staff_user(Role.WINDOW, hall)
    PostFactory.create(window=window, staff=a, kind=Post.Kind.A)
    PostFactory.create(window=window, staff=b, kind=Post.Kind.B)
    return StaffedWindow(hall, window, a, b)


class AttendanceDayFactory(factory.django.DjangoModelFactory[AttendanceDay]):
    class Meta:
        model = AttendanceDay

    date = DAY
    center = factory.LazyAttribute(lambda o: o.staff.org_unit)
    check_in = factory.LazyAttribute(lambda o: at(o.date, "08:55"))
    check_out = factory.LazyAttribute(lambda o: at(o.date, "17:35"))


class LeaveFactory(factory.django.DjangoModelFactory[Leave]):
    class Meta:
        model = Leave

    center = factory.LazyAttribute(lambda o: o.staff.org_unit)
    kind = Leave.Kind.PERSONAL
    start = factory.LazyFunction(lambda: at(DAY, "09:00"))
    end = factory.LazyFunction(lambda: at(DAY, "17:30"))
    reason = "家中有事"
    status = Leave.Status.APPROVED


class DutyShiftFactory(factory.django.DjangoModelFactory[DutyShift]):
    class Meta:
        model = DutyShift

    center = factory.LazyAttribute(lambda o: o.staff.org_unit)
    date = DAY
    start = dt.time(12, 0)
    end = dt.time(13, 30)
    kind = DutyShift.Kind.EXTENDED
