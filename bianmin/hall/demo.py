"""Demo hall for 长兴路街道便民服务中心 (410108001): queue categories per window, a week of appointment slots,
bookings and tickets today (some called, one served), home visits and proxy cases. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.cases.models import OPEN_STATUSES, Case
from bianmin.core.personal_data import blind_index
from bianmin.hall import selectors, services
from bianmin.hall.models import Appointment, AppointmentSlot, HallSettings, HomeVisit, ProxyCase, QueueCategory, Ticket
from bianmin.org.models import OrgUnit, Staff, Window

CENTER = "410108001"

CATEGORIES = [
    # prefix, name, description, windows
    ("A", "综合受理", "咨询导办、证明开具、代办登记", [1]),
    ("B", "民政事务", "低保、特困、临时救助、高龄津贴", [2]),
    ("C", "社会保障", "养老保险、医疗保险、就业失业登记", [3]),
    ("D", "卫生健康", "生育登记、计生奖励扶助", [4]),
    ("E", "残疾人与退役军人", "残疾人证、两项补贴、优待证", [5, 6]),
    ("F", "城建事务", "居住证、房屋租赁登记", [7]),
]

BOOKINGS = [
    # category, name, phone, fallback item
    ("B", "王秀英", "13903715001", "高龄津贴申请"),
    ("C", "李建国", "13903715002", "城乡居民养老保险参保登记"),
    ("B", "赵桂兰", "13903715003", "临时救助申请"),
    ("F", "孙浩", "13903715004", "居住证办理"),
    ("E", "周海燕", "13903715005", "残疾人证办理"),
]

WALK_INS = [
    ("A", ""),
    ("B", "elderly"),
    ("C", ""),
    ("A", ""),
    ("B", ""),
    ("C", "pregnant"),
    ("D", ""),
    ("A", ""),
    ("F", ""),
    ("B", ""),
    ("E", "disabled"),
    ("C", ""),
]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _item_for(center: OrgUnit, category: QueueCategory) -> Any:
    return selectors.items_for_category(center=center, category=category).first()


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER).first()
    if center is None:
        stdout.write("大厅：未找到演示中心，跳过。")
        return
    director = _user("director")
    HallSettings.objects.get_or_create(center=center)
    windows = {w.number: w for w in Window.objects.filter(center=center)}

    categories: dict[str, QueueCategory] = {}
    for order, (prefix, name, description, numbers) in enumerate(CATEGORIES):
        category, _ = QueueCategory.objects.update_or_create(
            center=center, prefix=prefix, defaults={"name": name, "description": description, "sort_order": order}
        )
        category.windows.set([windows[n] for n in numbers if n in windows])
        categories[prefix] = category

    now = timezone.now()
    today = timezone.localdate()
    day_start, _ = selectors.day_bounds(today)
    for category in categories.values():
        services.slots_generate(
            center=center,
            category=category,
            first=today,
            last=today + dt.timedelta(days=7),
            actor=director,
            now=day_start,
        )

    demo_phones = [blind_index(phone, purpose="phone") for _, _, phone, _ in BOOKINGS]
    booked = 0
    if not Appointment.objects.filter(center=center, phone_index__in=demo_phones).exists():
        for index, (prefix, name, phone, fallback) in enumerate(BOOKINGS):
            category = categories[prefix]
            day = today if index < 3 else today + dt.timedelta(days=1)
            free = AppointmentSlot.objects.filter(category=category, is_blocked=False).order_by("starts_at")
            # Today's bookings take the next slot still open, so one of them can check in now.
            slot = free.filter(date=day, ends_at__gt=now).first() or free.filter(date__gte=day).first()
            if slot is None:
                continue
            item = _item_for(center, category)
            services.appointment_book(
                slot=slot,
                name=name,
                phone=phone,
                item=item,
                item_name="" if item else fallback,
                channel=Appointment.Channel.PHONE if index % 2 else Appointment.Channel.ONLINE,
                actor=director,
                now=day_start,
            )
            booked += 1

    issued = 0
    if not Ticket.objects.filter(center=center, day=today).exists():
        base = min(max(now - dt.timedelta(minutes=50), day_start), now)
        step = min((now - base) / (len(WALK_INS) + 12), dt.timedelta(minutes=3))
        moment = base
        for prefix, priority in WALK_INS:
            services.ticket_issue(center=center, category=categories[prefix], priority=priority, now=moment)
            moment += step
            issued += 1
        grace = dt.timedelta(minutes=selectors.settings_for(center).checkin_grace_minutes)
        first_booking = (
            Appointment.objects.filter(
                center=center, date=today, status=Appointment.Status.BOOKED, slot__ends_at__gte=now - grace
            )
            .select_related("slot")
            .order_by("slot__starts_at")
            .first()
        )
        if first_booking is not None:
            services.appointment_check_in(appointment=first_booking, actor=_user("director"), now=moment)
            issued += 1
        # Windows 1–3 have called; window 1 has finished one and called the next.
        for username, number in (("zh_a", 1), ("window_a", 2), ("sb_a", 3), ("zh_a", 1)):
            moment += step
            actor = _user(username)
            window = windows.get(number)
            if actor is None or window is None:
                continue
            current = selectors.active_ticket(window=window, day=today)
            if current is not None:
                services.ticket_start(ticket=current, actor=actor, now=min(moment, now))
                moment += step
                services.ticket_finish(ticket=current, actor=actor, now=min(moment, now))
            services.ticket_call_next(window=window, actor=actor, now=min(moment, now))

    if not HomeVisit.objects.filter(center=center).exists():
        hongda = OrgUnit.objects.filter(code="410108001001").first()
        gangli = OrgUnit.objects.filter(code="410108001201").first()
        services.home_visit_request(
            center=center,
            community=hongda,
            channel=HomeVisit.Channel.POINT,
            name="刘德福",
            phone="13903716001",
            address="长兴路宏达小区 5 号楼 2 单元 301",
            item_name="高龄津贴资格认证",
            reason=HomeVisit.Reason.ELDERLY,
            reason_detail="九十二岁，卧床，子女在外地。",
            actor=_user("hongda"),
        )
        scheduled = services.home_visit_request(
            center=center,
            community=gangli,
            channel=HomeVisit.Channel.PHONE,
            name="马桂芝",
            phone="13903716002",
            address="岗李村三组 18 号",
            item_name="残疾人两项补贴申请",
            reason=HomeVisit.Reason.DISABLED,
            reason_detail="肢体二级残疾，行动不便。",
            actor=director,
        )
        cl_a = Staff.objects.filter(user__username="cl_a").first()
        window_b = Staff.objects.filter(user__username="window_b").first()
        assignees = [s for s in (cl_a, window_b) if s is not None]
        if assignees:
            services.home_visit_assign(
                visit=scheduled,
                assignees=assignees,
                scheduled_at=timezone.localtime(now).replace(hour=15, minute=0, second=0, microsecond=0)
                + dt.timedelta(days=1),
                actor=director,
                note="带上申请表和评估表。",
            )
        _home_visit_that_started_a_case(center, director)

    if not ProxyCase.objects.filter(center=center).exists():
        window_b = Staff.objects.filter(user__username="window_b").first()
        first = services.proxy_register(
            center=center,
            applicant_name="陈玉珍",
            applicant_phone="13903717001",
            agent_kind=ProxyCase.AgentKind.STAFF,
            agent_staff=window_b,
            authorization=ProxyCase.Authorization.POWER_OF_ATTORNEY,
            authorized_on=today,
            authorization_note="委托代为办理城乡居民养老保险待遇领取资格认证及相关材料递交，期限一个月。",
            item_name="城乡居民养老保险待遇领取资格认证",
            actor=_user("window_b"),
        )
        _link_demo_case(first, center)
        services.proxy_register(
            center=center,
            applicant_name="黄志强",
            applicant_phone="13903717002",
            agent_kind=ProxyCase.AgentKind.COMMUNITY,
            agent_name="阴华",
            community=OrgUnit.objects.filter(code="410108001001").first(),
            authorization=ProxyCase.Authorization.REGISTER_SIGNED,
            authorized_on=today,
            authorization_note="委托社区代办员代为向区行政服务中心递交退役军人优待证申请材料。",
            item_name="退役军人优待证申领（上报区级）",
            actor=_user("hongda"),
        )

    closed = _closed_day(center, categories["B"], director, today)

    stdout.write(
        f"大厅：{len(categories)} 个取号类别，"
        f"{AppointmentSlot.objects.filter(center=center, date__gte=today).count()} 个预约时段，"
        f"新增 {booked} 个预约、{issued} 个排队号{closed}。"
    )


CLOSED_DAY_REASON = "配电室检修，中心暂停办公"


def _closed_day(center: OrgUnit, category: QueueCategory, director: Any, today: dt.date) -> str:
    """§6(2) 特殊情况另行通知: a working day next week closed by the administrator's notice, with a booking on it. The
    closure reaches the hall after commit: the day's slots close, the booking is cancelled and the citizen gets a text
    message with the reason and the rebooking link (through the background worker)."""
    from bianmin.core.models import CalendarDay
    from bianmin.core.selectors import work_calendar
    from bianmin.core.services import calendar_day_set

    if CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN, reason=CLOSED_DAY_REASON).exists():
        return ""
    cal = work_calendar()
    days = [today + dt.timedelta(days=n) for n in range(7, 2, -1) if cal.is_workday(today + dt.timedelta(days=n))]
    admin = _user("admin")
    if not days or admin is None:
        return ""
    day = days[0]
    slot = AppointmentSlot.objects.filter(category=category, date=day, is_blocked=False).order_by("starts_at").first()
    if slot is not None:
        item = _item_for(center, category)
        services.appointment_book(
            slot=slot,
            name="吴秀兰",
            phone="13903715006",
            item=item,
            item_name="" if item else "临时救助申请",
            actor=director,
        )
    calendar_day_set(day=day, is_workday=False, name="临时闭厅", reason=CLOSED_DAY_REASON, actor=admin)
    return f"；{day:%m月%d日}临时闭厅，当日预约取消并短信告知"


def _demo_cases(center: OrgUnit) -> list[Case]:
    return list(Case.objects.filter(center=center, status__in=OPEN_STATUSES).order_by("received_at", "id")[:2])


def _home_visit_that_started_a_case(center: OrgUnit, director: Any) -> None:
    """A visit done today whose outcome started one of the demo cases (so that case shows 上门受理)."""
    cases = _demo_cases(center)
    clerk = Staff.objects.filter(user__username="cl_a").first()
    if not cases or clerk is None:
        return
    case = cases[0]
    visit = services.home_visit_request(
        center=center,
        channel=HomeVisit.Channel.PHONE,
        name=case.applicant_name,
        phone="13903716003",
        address="长兴路 66 号院 1 号楼 101",
        item=case.item,
        reason=HomeVisit.Reason.ILL,
        reason_detail="术后卧床，家属来电申请。",
        actor=director,
    )
    moment = timezone.now()
    services.home_visit_assign(visit=visit, assignees=[clerk], scheduled_at=moment, actor=director)
    services.home_visit_record(
        visit=visit,
        outcome=HomeVisit.Outcome.CASE_STARTED,
        note="材料齐全，当场核验并受理。",
        visited_at=moment,
        case_number=case.number,
        actor=clerk.user,
    )


def _link_demo_case(proxy: ProxyCase, center: OrgUnit) -> None:
    cases = _demo_cases(center)
    if len(cases) < 2:
        return
    services.proxy_link_case(proxy=proxy, case_number=cases[1].number, actor=_user("window_b"))
    services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.SUBMITTED, actor=_user("window_b"))
