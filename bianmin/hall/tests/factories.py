from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.test import Client
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.catalog.tests.factories import published_item
from bianmin.hall.models import AppointmentSlot, QueueCategory
from bianmin.org.models import OrgUnit, Role, Staff, Window
from bianmin.org.tests.factories import OrgUnitFactory, PostFactory, WindowFactory, center, district, staff_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday, a working day, mid-morning: services that take `now=` are tested at this moment.
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


class QueueCategoryFactory(factory.django.DjangoModelFactory[QueueCategory]):
    class Meta:
        model = QueueCategory

    center = factory.SubFactory(OrgUnitFactory)
    prefix = factory.Sequence(lambda n: chr(ord("A") + n % 26))
    name = factory.Sequence(lambda n: f"业务{n}")


def slot(
    category: QueueCategory,
    starts_at: dt.datetime,
    *,
    minutes: int = 30,
    capacity: int = 2,
    window: Window | None = None,
    **kwargs: object,
) -> AppointmentSlot:
    local = starts_at.astimezone(SHANGHAI)
    return AppointmentSlot.objects.create(
        center=category.center,
        category=category,
        window=window,
        date=local.date(),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        capacity=capacity,
        **kwargs,
    )


@dataclass
class Hall:
    """A center with three windows: 1 serves category A, 2 serves A and B, 3 serves B; one A-post clerk each."""

    center: OrgUnit
    windows: dict[int, Window]
    a: QueueCategory
    b: QueueCategory
    clerks: dict[int, Staff]
    director: Staff
    extra: dict[str, object] = field(default_factory=dict)


def hall(code: str = "C1", parent: OrgUnit | None = None) -> Hall:
    unit = center(parent=parent or district(), code=code)
    windows = {n: WindowFactory.create(center=unit, number=n, name=f"{n}号窗口") for n in (1, 2, 3)}
    a = QueueCategoryFactory.create(center=unit, prefix="A", name="综合受理")
    b = QueueCategoryFactory.create(center=unit, prefix="B", name="民政事务")
    a.windows.set([windows[1], windows[2]])
    b.windows.set([windows[2], windows[3]])
    clerks = {}
    for n, window in windows.items():
        clerks[n] = staff_user(Role.WINDOW, unit, name=f"窗口{n}员")
        PostFactory.create(window=window, staff=clerks[n], kind="A", valid_from=dt.date(2020, 1, 1))
    return Hall(unit, windows, a, b, clerks, staff_user(Role.DIRECTOR, unit, name="主任"))


def case_at(center: OrgUnit, number: str, **kwargs: object) -> Case:
    """A case received at `center` (just the row the hall links to; the cases app tests how cases are made)."""
    version = published_item(owner=center)
    serial = int(number.rsplit("-", 1)[-1])
    return Case.objects.create(
        number=number,
        year=2026,
        serial=serial,
        center=center,
        item=version.item,
        item_version=version,
        item_name=version.item.name,
        mode=version.item.default_mode,
        applicant_name="陈玉珍",
        received_at=timezone.now(),
        public_token=secrets.token_urlsafe(16),
        **kwargs,
    )


def login(staff: Staff) -> Any:
    """A client signed in as `staff` (Any: the tests read its responses as Django's test client builds them)."""
    client = Client()
    client.force_login(staff.user)
    return client


def future_slot(h: Hall, category: QueueCategory | None = None, **kwargs: Any) -> AppointmentSlot:
    """A bookable slot tomorrow at 10:00 (real time: the views use the clock)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(10), tzinfo=timezone.get_current_timezone())
    return slot(category or h.b, start, **kwargs)


def today_slot(h: Hall, **kwargs: Any) -> AppointmentSlot:
    """A slot starting in five minutes: the caller fixes the clock (`working_morning`), so there is always one."""
    return slot(h.b, timezone.now() + dt.timedelta(minutes=5), **kwargs)
