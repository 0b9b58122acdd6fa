"""Demo cases at 长兴路街道便民服务中心: open, due today, overdue, waiting for a supplement, joint, forwarded,
handed over, done — enough for every workbench to show something.

Each case is taken in through the services at a moment in the past (the clock is set back while it is created),
so numbers, notices, deadlines and timelines are exactly what real use would have produced. Idempotent: once
the center has cases, nothing is added. Names, ID numbers and phones are fictional (ID numbers carry a valid
GB 11643 check digit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from bianmin.cases import services
from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case
from bianmin.catalog.models import ItemVersion, Mode, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.selectors import work_calendar
from bianmin.org.models import OrgUnit, Post, Staff

CENTER_CODE = "410108001"


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """Services, auto_now fields and events all read `timezone.now()`: set it back while a step is replayed."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _resident_id(n: int, born: tuple[str, dt.date] | None = None) -> str:
    if born is not None:
        region, birth = born
        body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    else:
        body = f"410108{1988 + n % 18}{(n % 12) + 1:02d}{(n % 27) + 1:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Scenario:
    code: str  # the catalog key the item's implementation code starts with
    mode: str  # fallback when the catalog has no such item
    name: str
    days_ago: int  # working days before today the applicant came ...
    steps: list[str] = field(default_factory=list)
    missing: tuple[str, ...] = ()  # "general": leave out the general materials; "main": leave out one main one
    hour: int = 10
    due_in: int | None = None  # ... or: so that the case falls due this many working days from today
    # An elderly applicant: region code and birth date of a number issued by a district younger than its holder.
    born: tuple[str, dt.date] | None = None


SCENARIOS = [
    Scenario("CXMZ002", Mode.PROMISED, "张伟", 2, ["start"]),
    # 惠济区 (410108, 邙山区 from 1987) and 天河区 (440106, from 1985) issued these numbers to people born before.
    Scenario("CXMZ004", Mode.PROMISED, "王秀英", 0, [], due_in=0, born=("410108", dt.date(1936, 5, 17))),  # due today
    Scenario("CXSB003", Mode.PROMISED, "李娜", 0, ["start"], due_in=-2),  # overdue
    Scenario("CXCJ003", Mode.PROMISED, "刘洋", 0, ["start"], due_in=-1),  # overdue
    Scenario("CXWJ002", Mode.PROMISED, "陈磊", 1, [], ("general",)),  # waiting for the supplement
    Scenario(
        "CXMZ006", Mode.PROMISED, "杨静", 4, ["start", "extra_supplement"], born=("410108", dt.date(1949, 9, 30))
    ),  # sign-off pending
    Scenario("CXWJ005", Mode.PROMISED, "赵敏", 0, ["start"], due_in=1),  # due next working day
    Scenario("CXMZ009", Mode.JOINT, "黄强", 3, ["split", "one_task_done"]),
    Scenario("CXTY004", Mode.JOINT, "周丽", 1, []),  # waiting for the director to split
    Scenario("CXMZ001", Mode.FORWARDED, "吴霞", 6, ["forward", "district_progress"]),
    Scenario("CXSB004", Mode.FORWARDED, "徐涛", 8, ["forward", "district_result"]),  # to deliver
    Scenario("CXCL001", Mode.FORWARDED, "孙丽", 2, ["proxy", "forward"]),
    Scenario("CXMZ005", Mode.DIRECT, "马超", 0, ["complete", "deliver"], born=("440106", dt.date(1941, 2, 8))),
    Scenario("CXSB005", Mode.DIRECT, "朱红", 1, []),  # a direct case left open: overdue
    Scenario("CXSB002", Mode.DIRECT, "胡军", 0, [], ("main",), 11),  # refused
    Scenario("CXSB008", Mode.PROMISED, "郭芳", 0, ["handover"], ("main",), 9),  # received by the first contact
    Scenario("CXMZ007", Mode.PROMISED, "何平", 0, ["start", "complete", "deliver"], due_in=-3),  # history
    # Handed to the department handler (account `handler`), who acknowledged it and now works it.
    Scenario("CXSB010", Mode.PROMISED, "冯静", 1, ["start", "to_handler"]),
]


def _anchor(now: dt.datetime) -> dt.date:
    """The working day the demo calls "today": today once the hall has been open a while, else the last one."""
    cal = work_calendar()
    local = timezone.localtime(now)
    day = local.date()
    if cal.is_workday(day) and local.time() >= dt.time(9, 30):
        return day
    day -= dt.timedelta(days=1)
    while not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _working_day_back(today: dt.date, n: int) -> dt.date:
    cal = work_calendar()
    day = today
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not cal.is_workday(day):
            day -= dt.timedelta(days=1)
    return day


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _item(center: OrgUnit, scenario: Scenario, used: set[int]) -> ServiceItem | None:
    items = published_items(center=center).exclude(pk__in=used)
    return (
        items.filter(code__startswith=scenario.code).first()
        or items.filter(default_mode=scenario.mode).order_by("code").first()
    )


def _window_staff(center: OrgUnit, item: ServiceItem, today: dt.date) -> tuple[Any, Staff] | None:
    for window in item.windows.filter(center=center).order_by("number"):
        post = Post.objects.active_on(today).filter(window=window).select_related("staff").order_by("kind").first()
        if post is not None:
            return window, post.staff
    post = Post.objects.active_on(today).filter(window__center=center).select_related("staff", "window").first()
    return (post.window, post.staff) if post else None


def _presented(version: ItemVersion, missing: tuple[str, ...]) -> dict[int, str]:
    presented = {m["id"]: ("copy" if m.get("form") != "original" else "original") for m in version.materials}
    if "general" in missing:
        for m in version.general_materials:
            presented.pop(m["id"], None)
    if "main" in missing and version.main_materials:
        presented.pop(version.main_materials[-1]["id"], None)
    return presented


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER_CODE).first()
    if center is None:
        stdout.write("办件演示数据：未找到长兴路街道便民服务中心，跳过。")
        return
    if Case.objects.filter(center=center).exists():
        # Loaded under an earlier counting rule: bring the open cases' due moments up to the current one.
        changed = services.cases_recompute_open_due(actor=None, center=center)
        stdout.write(f"办件演示数据：已存在，跳过（重新计算办理期限 {changed} 件）。")
        return
    if not published_items(center=center).exists():
        stdout.write("办件演示数据：本中心尚无已发布的事项（需先载入事项目录），跳过。")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["director", "district", "handler"])}
    director = users.get("director")
    district = users.get("district")
    now = timezone.now()
    today = _anchor(now)
    # Deadlines are counted from the real date, so "due today" is due today even before the hall opens.
    due_reference = timezone.localdate() if work_calendar().is_workday(timezone.localdate()) else today
    used: set[int] = set()
    made = 0
    for index, scenario in enumerate(SCENARIOS, start=1):
        item = _item(center, scenario, used)
        if item is None:
            continue
        used.add(item.pk)
        found = _window_staff(center, item, today)
        if found is None:
            continue
        window, clerk = found
        version = ItemVersion.objects.get(item=item, number=item.version)
        days_ago = scenario.days_ago
        if scenario.due_in is not None and item.promised_limit and item.limit_unit == "working":
            # Accepted mid-morning, the day itself does not count: N working days later is the due day.
            days_ago = max(item.promised_limit - scenario.due_in, 0)
        day = _working_day_back(due_reference if scenario.due_in is not None else today, days_ago)
        start = min(_moment(day, scenario.hour), now)
        step_at = iter(start + dt.timedelta(minutes=25 * k, hours=2 * k) for k in range(1, 20))
        presented = _presented(version, scenario.missing)
        receive_only = "handover" in scenario.steps
        decision = (
            Decision.RECEIVE_ONLY
            if receive_only
            else Decision.REFUSE
            if "main" in scenario.missing
            else Decision.ACCEPT_WITH_SUPPLEMENT
            if "general" in scenario.missing and version.general_materials
            else Decision.ACCEPT
        )
        first_contact = clerk
        handler: Staff | None = None
        if receive_only:
            # The handler was away: the comprehensive window (window 1) received the materials for them.
            zh = Post.objects.active_on(today).filter(window__center=center, window__number=1, kind="A").first()
            if zh is not None and zh.staff_id != clerk.pk:
                first_contact, handler = zh.staff, clerk
            else:
                decision = Decision.ACCEPT
        with _clock(start):
            case = services.case_intake(
                actor=first_contact.user,
                center=center,
                window=window if first_contact == clerk else None,
                item=item,
                applicant=services.ApplicantInput(
                    kind="person",
                    name=scenario.name,
                    id_number=_resident_id(index * 37, scenario.born),
                    phone=f"1390371{5000 + index * 13:04d}",
                ),
                presented=presented,
                decision=decision,
                refusal_reason="缺少主要申报材料，且申请人户籍不在本街道，不符合受理条件。"
                if decision == Decision.REFUSE
                else "",
                handover_to=handler,
                handover_note="经办人外出核查，材料先行收下，请确认接收。" if handler else "",
            )
        for step in scenario.steps:
            moment = min(next(step_at), now)
            with _clock(moment):
                _play(step, case, clerk, director, district, moment, users.get("handler"))
            case.refresh_from_db()
        made += 1
    stdout.write(f"办件演示数据：{made} 件（在办、临期、超期、待补正、联办、上报、移交、部门经办、已办结）。")


def _play(
    step: str, case: Case, clerk: Staff, director: Any, district: Any, moment: dt.datetime, handler_user: Any = None
) -> None:
    actions: dict[str, Callable[[], Any]] = {
        "start": lambda: services.case_start(case=case, actor=clerk.user),
        "complete": lambda: services.case_complete(
            case=case, actor=clerk.user, result="经审核符合条件，已办结。", outcome="granted", dispose_by_form=True
        ),
        "deliver": lambda: services.case_deliver(case=case, actor=clerk.user, method="window"),
        "forward": lambda: services.case_forward(case=case, actor=clerk.user, note="初审通过，材料齐全，报区级审批。"),
        "handover": lambda: None,  # the handover was made at intake; it waits for the handler
        "proxy": lambda: services.proxy_authorize(
            case=case,
            actor=clerk.user,
            agent=clerk,
            authorized_on=moment.date(),
            scope="代为报送区残联并领取结果",
            document=f"委托书 {moment:%Y}-{case.serial:03d}",
        ),
    }
    if step in actions:
        actions[step]()
    elif step == "to_handler" and handler_user is not None:
        handler = Staff.objects.filter(user=handler_user).first()
        if handler is not None:
            handover = services.case_handover(
                case=case, actor=clerk.user, to_staff=handler, note="需社会保障所核实参保情况，转由部门经办人办理。"
            )
            services.handover_acknowledge(handover=handover, actor=handler_user)
    elif step == "extra_supplement":
        services.case_request_supplement(
            case=case,
            actor=clerk.user,
            items=[{"material_id": None, "name": "近三个月医疗费用票据", "issue": "missing"}],
            due_date=None,
            reason="审核中发现需核实医疗支出。",
        )
    elif step == "split" and director is not None:
        departments = _joint_departments(case)
        due = timezone.localtime(case.due_at).date() if case.due_at else moment.date()
        cal = work_calendar()
        while not cal.is_workday(due):
            due -= dt.timedelta(days=1)
        services.case_split(
            case=case,
            actor=director,
            tasks=[
                services.TaskInput(department=d, due_date=due, instructions="请核实并出具意见。") for d in departments
            ],
        )
    elif step == "one_task_done" and director is not None:
        task = case.tasks.order_by("id").first()
        if task is not None:
            services.task_complete(task=task, actor=director, result="经核实情况属实，同意。")
    elif step == "district_progress" and district is not None:
        services.forwarding_update(
            case=case, actor=district, reference=f"HJ{moment:%Y}-{case.serial:04d}", progress="已转区民政局审核。"
        )
    elif step == "district_result" and district is not None:
        services.forwarding_update(case=case, actor=district, reference=f"HJ{moment:%Y}-{case.serial:04d}")
        services.forwarding_result(case=case, actor=district, approved=True, result="经审核符合条件，准予办理。")


def _joint_departments(case: Case) -> list[Any]:
    from bianmin.org.models import Department

    ids = case.item_version.snapshot.get("joint_department_ids") or []
    departments = list(Department.objects.filter(pk__in=ids).order_by("code"))
    return departments or list(Department.objects.filter(org_unit=case.center).order_by("code")[:2])
