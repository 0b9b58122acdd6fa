"""Test data for cases: valid identifiers, a center with windows and staff, published items, intakes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from stdnum.cn import ric, uscc

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case
from bianmin.cases.services import ApplicantInput, case_intake
from bianmin.catalog.models import ItemVersion, Mode
from bianmin.catalog.services import item_publish
from bianmin.catalog.tests.factories import published_item
from bianmin.org.models import Department, OrgUnit, Role, Staff, Window
from bianmin.org.tests.factories import DepartmentFactory, PostFactory, WindowFactory, center, district, staff_user


def resident_id(n: int = 1, born: str = "19900101", area: str = "410108") -> str:
    """A resident ID number with a correct GB 11643 check digit."""
    body = f"{area}{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int = 1) -> str:
    body = f"91410108MA{n:07d}"
    return body + uscc.calc_check_digit(body)


@dataclass
class World:
    district: OrgUnit
    center: OrgUnit
    other_center: OrgUnit
    window: Window
    other_window: Window
    clerk: Staff  # window staff, A post on `window`
    colleague: Staff  # window staff, B post on `window`
    director: Staff
    handler: Staff  # department handler (department `dept_b`)
    district_user: Staff
    outsider: Staff  # window staff of another center
    dept_a: Department
    dept_b: Department


def make_world() -> World:
    d = district()
    c = center(parent=d, code="410108901", name="长兴路街道")
    other = center(parent=d, code="410108902", name="迎宾路街道")
    dept_a = DepartmentFactory.create(org_unit=c, code="MZ", name="民政办")
    dept_b = DepartmentFactory.create(org_unit=c, code="SB", name="社会保障所")
    window = WindowFactory.create(center=c, number=2, name="民政窗口")
    other_window = WindowFactory.create(center=c, number=3, name="社保窗口")
    clerk = staff_user(Role.WINDOW, c, name="何春燕", department=dept_a)
    colleague = staff_user(Role.WINDOW, c, name="康梦婷", department=dept_a)
    PostFactory.create(window=window, staff=clerk, kind="A", valid_from=dt.date(2020, 1, 1))
    PostFactory.create(window=window, staff=colleague, kind="B", valid_from=dt.date(2020, 1, 1))
    sb_clerk = staff_user(Role.WINDOW, c, name="王建军", department=dept_b)
    PostFactory.create(window=other_window, staff=sb_clerk, kind="A", valid_from=dt.date(2020, 1, 1))
    return World(
        district=d,
        center=c,
        other_center=other,
        window=window,
        other_window=other_window,
        clerk=clerk,
        colleague=colleague,
        director=staff_user(Role.DIRECTOR, c, name="毛丽华"),
        handler=staff_user(Role.HANDLER, c, name="孙立群", department=dept_b),
        district_user=staff_user(Role.DISTRICT, d, name="钱思源"),
        outsider=staff_user(Role.WINDOW, other, name="陈静"),
        dept_a=dept_a,
        dept_b=dept_b,
    )


def item_for(
    world: World,
    *,
    mode: str = Mode.PROMISED,
    main: tuple[str, ...] = ("居民身份证", "申请表"),
    general: tuple[str, ...] = ("户口簿", "近期照片"),
    promised_limit: int = 5,
    windows: tuple[Window, ...] | None = None,
    **kwargs: Any,
) -> ItemVersion:
    if mode == Mode.FORWARDED:
        kwargs.setdefault("forward_to", world.district)
    version = published_item(
        main=main,
        general=general,
        owner=world.center,
        department=world.dept_a,
        default_mode=mode,
        promised_limit=promised_limit,
        **kwargs,
    )
    version.item.windows.set(windows if windows is not None else [world.window])
    if mode == Mode.JOINT:
        # Joint departments are part of the published snapshot: publish again once they are set.
        version.item.joint_departments.set([world.dept_a, world.dept_b])
        version = item_publish(item=version.item, actor=None)
    return version


def all_presented(version: ItemVersion, form: str = "copy") -> dict[int, str]:
    return {m["id"]: form for m in version.materials}


def presented_except(version: ItemVersion, *names: str, form: str = "copy") -> dict[int, str]:
    return {m["id"]: form for m in version.materials if m["name"] not in names}


def intake(
    world: World,
    version: ItemVersion,
    *,
    by: Staff | None = None,
    presented: dict[int, str] | None = None,
    decision: str = Decision.ACCEPT,
    name: str = "张三",
    n: int = 1,
    phone: str = "13903711234",
    version_known: bool = False,
    **kwargs: Any,
) -> Case:
    """`version_known`: hand the service the version as the intake screen does (else the service reads it)."""
    staff = by or world.clerk
    if version_known:
        kwargs["version"] = version
    return case_intake(
        actor=staff.user,
        center=world.center,
        window=world.window,
        item=version.item,
        applicant=ApplicantInput(kind="person", name=name, id_number=resident_id(n), phone=phone),
        presented=all_presented(version) if presented is None else presented,
        decision=decision,
        **kwargs,
    )
