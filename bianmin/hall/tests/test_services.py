"""Extended hours, slot generation and blocking, home visits and proxy cases."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.cases.models import CaseEvent
from bianmin.core.models import AuditEvent, CalendarDay
from bianmin.hall import selectors, services
from bianmin.hall.models import AppointmentSlot, HomeVisit, HomeVisitEvent, ProxyCase, ProxyEvent
from bianmin.hall.tests.factories import NOW, SHANGHAI, case_at, hall, slot
from bianmin.org.models import ExtendedHours, Role
from bianmin.org.tests.factories import community, staff_user

T = dt.time


@pytest.fixture
def h(db):
    return hall()


def future_weekday(weekday: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


# --- Extended hours -----------------------------------------------------------------------------------------


def test_an_extended_session_opens_the_hall_and_is_audited(h):
    tuesday = future_weekday(1)

    row = services.extended_hours_add(
        center=h.center, date=tuesday, start=T(12), end=T(13, 30), note="午间延时服务", actor=h.director.user
    )

    sessions = selectors.sessions_on(center=h.center, day=tuesday)
    assert [(s.start, s.extended) for s in sessions] == [(T(9), False), (T(12), True), (T(13, 30), False)]
    assert AuditEvent.objects.filter(verb="extended_hours_add", object_id=str(row.pk)).exists()


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [(T(11), T(12, 30), "正常办公时间"), (T(12, 30), T(13), "其他延时服务时段"), (T(13), T(12), "结束时间必须晚于")],
)
def test_extended_sessions_may_not_overlap_or_run_backwards(h, start, end, words):
    tuesday = future_weekday(1)
    services.extended_hours_add(center=h.center, date=tuesday, start=T(12), end=T(13, 30), note="", actor=None)

    with pytest.raises(ValidationError, match=words):
        services.extended_hours_add(center=h.center, date=tuesday, start=start, end=end, note="", actor=None)


def test_a_weekend_duty_session_is_allowed_and_a_past_day_is_not(h):
    saturday = future_weekday(5)

    services.extended_hours_add(center=h.center, date=saturday, start=T(9), end=T(12), note="周末值班", actor=None)

    with pytest.raises(ValidationError, match="已过去"):
        services.extended_hours_add(
            center=h.center,
            date=timezone.localdate() - dt.timedelta(days=1),
            start=T(9),
            end=T(12),
            note="",
            actor=None,
        )


def test_removing_a_session_with_bookings_is_refused_and_keeps_them(h):
    saturday = future_weekday(5)
    row = services.extended_hours_add(center=h.center, date=saturday, start=T(9), end=T(10), note="", actor=None)
    services.slots_generate(center=h.center, category=h.b, first=saturday, last=saturday, actor=None)
    first = AppointmentSlot.objects.filter(date=saturday).order_by("starts_at")[0]
    services.appointment_book(slot=first, name="李四", phone="13903710001", item_name="临时救助")

    with pytest.raises(ValidationError, match="已有 1 个预约"):
        services.extended_hours_remove(row=row, reason="人手不足", actor=None)
    assert ExtendedHours.objects.filter(pk=row.pk).exists()

    services.appointment_cancel(appointment=first.appointments.get())
    services.extended_hours_remove(row=row, reason="人手不足", actor=None)
    assert not ExtendedHours.objects.filter(pk=row.pk).exists()
    left = AppointmentSlot.objects.filter(date=saturday)
    assert list(left) == [first]  # the slot with a (cancelled) booking stays, closed; the empty ones are gone
    assert left.get().is_blocked


# --- Slots ------------------------------------------------------------------------------------------------


def test_slots_follow_the_calendar_office_hours_and_extended_hours_and_generation_is_idempotent(h):
    tuesday, saturday = dt.date(2026, 11, 24), dt.date(2026, 11, 28)
    ExtendedHours.objects.create(center=h.center, date=tuesday, start=T(12), end=T(13), note="午间")
    CalendarDay.objects.create(date=dt.date(2026, 11, 25), source="admin", is_workday=False, name="闭厅", reason="停电")
    before = NOW.replace(hour=0)

    created = services.slots_generate(
        center=h.center, category=h.a, first=tuesday, last=saturday, minutes=60, capacity=4, actor=None, now=before
    )

    by_day: dict[dt.date, list[AppointmentSlot]] = {}
    for s in AppointmentSlot.objects.filter(category=h.a).order_by("starts_at"):
        by_day.setdefault(s.date, []).append(s)
    tuesday_starts = [timezone.localtime(s.starts_at).time() for s in by_day[tuesday]]
    # 09–12 in hours, 12–13 extended, 13:30–17:30 in hours (the 17:30 tail of half an hour is kept)
    assert tuesday_starts == [T(9), T(10), T(11), T(12), T(13, 30), T(14, 30), T(15, 30), T(16, 30)]
    assert [s.is_extended for s in by_day[tuesday]].count(True) == 1
    assert dt.date(2026, 11, 25) not in by_day  # notified closure
    assert saturday not in by_day  # weekend
    assert set(by_day) == {tuesday, dt.date(2026, 11, 26), dt.date(2026, 11, 27)}
    assert all(s.capacity == 4 for day in by_day.values() for s in day)
    assert created == sum(len(v) for v in by_day.values())
    again = services.slots_generate(
        center=h.center, category=h.a, first=tuesday, last=saturday, minutes=60, capacity=4, actor=None, now=before
    )
    assert again == 0


def test_slots_in_the_past_are_not_generated(h):
    created = services.slots_generate(
        center=h.center, category=h.a, first=NOW.date(), last=NOW.date(), minutes=60, actor=None, now=NOW
    )

    starts = [timezone.localtime(s.starts_at).time() for s in AppointmentSlot.objects.order_by("starts_at")]
    assert starts[0] == T(10, 0) or starts[0] > T(10)
    assert created == len(starts)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": dt.date(2026, 12, 2), "last": dt.date(2026, 12, 1)}, "last"),
        ({"first": dt.date(2026, 12, 1), "last": dt.date(2027, 3, 1)}, "last"),
        ({"minutes": 5}, "minutes"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_slot_generation_checks_its_input(h, kwargs, field):
    args: dict[str, Any] = {"first": dt.date(2026, 12, 1), "last": dt.date(2026, 12, 1), "minutes": 30, "capacity": 3}
    args.update(kwargs)

    with pytest.raises(ValidationError) as err:
        services.slots_generate(center=h.center, category=h.a, actor=None, now=NOW, **args)

    assert field in err.value.message_dict


def test_a_window_slot_must_be_for_a_window_of_the_category(h):
    with pytest.raises(ValidationError, match="不办理该业务类别"):
        services.slots_generate(
            center=h.center, category=h.a, window=h.windows[3], first=NOW.date(), last=NOW.date(), actor=None
        )


def test_a_booked_slot_cannot_be_blocked_and_a_free_one_can(h):
    booked = slot(h.b, NOW + dt.timedelta(hours=1))
    free = slot(h.b, NOW + dt.timedelta(hours=2))
    services.appointment_book(slot=booked, name="李四", phone="13903710001", item_name="临时救助", now=NOW)

    with pytest.raises(ValidationError, match="已有预约"):
        services.slot_block(slot=booked, reason="培训", actor=None)
    with pytest.raises(ValidationError, match="停约原因"):
        services.slot_block(slot=free, reason=" ", actor=None)
    services.slot_block(slot=free, reason="业务培训", actor=None)

    free.refresh_from_db()
    assert free.is_blocked
    assert free.block_reason == "业务培训"
    services.slot_unblock(slot=free, actor=None)
    free.refresh_from_db()
    assert not free.is_blocked


def test_blocking_a_range_skips_booked_slots_and_reports_them(h):
    day = NOW.date()
    slots = [
        slot(h.b, dt.datetime.combine(day, T(14, 0), tzinfo=SHANGHAI) + dt.timedelta(minutes=30 * i)) for i in range(4)
    ]
    services.appointment_book(slot=slots[1], name="李四", phone="13903710001", item_name="临时救助", now=NOW)

    blocked, left = services.slots_block_range(
        center=h.center, day=day, start=T(14, 15), end=T(15, 15), reason="大型活动", actor=None
    )

    assert (blocked, left) == (2, 1)
    flags = [s.is_blocked for s in AppointmentSlot.objects.order_by("starts_at")]
    assert flags == [True, False, True, False]


# --- Home visits ------------------------------------------------------------------------------------------


def request_visit(h, **kwargs):
    data = {
        "center": h.center,
        "channel": HomeVisit.Channel.PHONE,
        "name": "刘德福",
        "phone": "13903716001",
        "address": "宏达小区 5 号楼",
        "reason": HomeVisit.Reason.ELDERLY,
        "item_name": "高龄津贴资格认证",
    }
    data.update(kwargs)
    return services.home_visit_request(actor=None, **data)


def test_a_home_visit_is_requested_assigned_and_the_case_it_started_records_it_was_received_at_home(h):
    point = community(parent=h.center)
    case = case_at(h.center, "C1-2026-00042")
    visit = request_visit(h, community=point)
    when = timezone.now() + dt.timedelta(days=1)

    services.home_visit_assign(
        visit=visit, assignees=[h.clerks[1], h.clerks[2]], scheduled_at=when, actor=h.director.user
    )
    with pytest.raises(ValidationError) as err:
        services.home_visit_record(
            visit=visit,
            outcome=HomeVisit.Outcome.CASE_STARTED,
            note="材料齐全，上门受理",
            visited_at=timezone.now(),
            actor=h.clerks[1].user,
        )
    assert "办件编号" in " ".join(err.value.message_dict["case_number"])
    with pytest.raises(ValidationError, match="未找到本中心编号为“C1-2026-00099”的办件"):
        services.home_visit_record(
            visit=visit,
            outcome=HomeVisit.Outcome.CASE_STARTED,
            note="材料齐全，上门受理",
            visited_at=timezone.now(),
            case_number="C1-2026-00099",
            actor=h.clerks[1].user,
        )
    services.home_visit_record(
        visit=visit,
        outcome=HomeVisit.Outcome.CASE_STARTED,
        note="材料齐全，上门受理",
        visited_at=timezone.now(),
        case_number=" C1-2026-00042 ",
        actor=h.clerks[1].user,
    )

    visit.refresh_from_db()
    case.refresh_from_db()
    assert visit.number.startswith("SM")
    assert visit.status == HomeVisit.Status.DONE
    assert visit.case == case
    assert case.received_at_home is True
    home = CaseEvent.objects.get(case=case, verb="received_at_home")
    assert home.note == visit.number
    assert home.actor == h.clerks[1].user
    assert set(visit.assignees.all()) == {h.clerks[1], h.clerks[2]}
    verbs = list(HomeVisitEvent.objects.filter(visit=visit).values_list("verb", flat=True))
    assert verbs == ["request", "assign", "record"]


def test_a_home_visit_cannot_link_another_centers_case(h):
    other = hall(code="C2")
    foreign = case_at(other.center, "C2-2026-00001")
    visit = request_visit(h)
    services.home_visit_assign(
        visit=visit, assignees=[h.clerks[1]], scheduled_at=timezone.now() + dt.timedelta(hours=1), actor=None
    )

    with pytest.raises(ValidationError, match="未找到本中心"):
        services.home_visit_record(
            visit=visit,
            outcome=HomeVisit.Outcome.CASE_STARTED,
            note="上门受理",
            visited_at=timezone.now(),
            case_number=foreign.number,
            actor=h.clerks[1].user,
        )

    foreign.refresh_from_db()
    assert foreign.received_at_home is False
    assert HomeVisit.objects.get(pk=visit.pk).case is None


def test_home_visit_input_is_checked(h):
    other = hall(code="C2")
    far_point = community(parent=other.center)

    with pytest.raises(ValidationError) as err:
        request_visit(h, community=far_point)
    assert "辖区" in str(err.value)
    with pytest.raises(ValidationError) as err:
        request_visit(h, address=" ", phone="123")
    assert set(err.value.message_dict) & {"phone", "address"}
    visit = request_visit(h)
    with pytest.raises(ValidationError, match="不属于本中心"):
        services.home_visit_assign(
            visit=visit, assignees=[other.clerks[1]], scheduled_at=timezone.now() + dt.timedelta(hours=2), actor=None
        )
    with pytest.raises(ValidationError, match="不能早于当前时间"):
        services.home_visit_assign(
            visit=visit, assignees=[h.clerks[1]], scheduled_at=timezone.now() - dt.timedelta(days=1), actor=None
        )
    with pytest.raises(ValidationError, match="已安排"):
        services.home_visit_record(visit=visit, outcome="completed", note="x", visited_at=timezone.now(), actor=None)


def test_a_cancelled_visit_stays_cancelled(h):
    visit = request_visit(h)

    services.home_visit_cancel(visit=visit, reason="家属已代为办理", actor=h.director.user)

    with pytest.raises(ValidationError, match="已取消"):
        services.home_visit_assign(
            visit=visit, assignees=[h.clerks[1]], scheduled_at=timezone.now() + dt.timedelta(hours=1), actor=None
        )


# --- Proxy ------------------------------------------------------------------------------------------------


def register(h, **kwargs):
    data = {
        "center": h.center,
        "applicant_name": "陈玉珍",
        "applicant_phone": "13903717001",
        "agent_kind": ProxyCase.AgentKind.STAFF,
        "agent_staff": h.clerks[1],
        "authorization": ProxyCase.Authorization.POWER_OF_ATTORNEY,
        "authorized_on": timezone.localdate(),
        "authorization_note": "委托代为办理养老保险资格认证，期限一个月。",
        "item_name": "养老保险资格认证",
        "actor": h.clerks[1].user,
    }
    data.update(kwargs)
    return services.proxy_register(**data)


def test_a_proxy_case_records_who_acts_for_whom_and_follows_the_case(h):
    proxy = register(h)
    case = case_at(h.center, "C1-2026-00077")

    assert proxy.number.startswith("DB")
    assert proxy.agent_name == h.clerks[1].name
    with pytest.raises(ValidationError) as err:
        services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.SUBMITTED, actor=None)
    assert "case_number" in err.value.message_dict
    with pytest.raises(ValidationError, match="未找到本中心"):
        services.proxy_link_case(proxy=proxy, case_number="C1-2026-00078", actor=None)
    services.proxy_link_case(proxy=proxy, case_number="C1-2026-00077", actor=None)
    services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.SUBMITTED, actor=None)
    services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.COMPLETED, actor=None)
    services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.DELIVERED, actor=None)

    proxy.refresh_from_db()
    assert proxy.status == ProxyCase.Status.DELIVERED
    assert proxy.case == case
    assert ProxyEvent.objects.filter(proxy=proxy).count() == 5
    with pytest.raises(ValidationError, match="不能改为该状态"):
        services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.OPEN, actor=None)


def test_proxy_registration_checks_the_agent_and_the_authorization(h):
    outsider = staff_user(Role.WINDOW, hall(code="C2").center)

    cases: list[tuple[dict[str, Any], str]] = [
        ({"agent_staff": None}, "agent_staff"),
        ({"agent_staff": outsider}, "agent_staff"),
        ({"agent_kind": ProxyCase.AgentKind.COMMUNITY, "agent_staff": None, "agent_name": ""}, "agent_name"),
        ({"authorization_note": " "}, "authorization_note"),
        ({"authorized_on": timezone.localdate() + dt.timedelta(days=1)}, "authorized_on"),
        ({"applicant_id_number": "123"}, "applicant_id_number"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            register(h, **kwargs)
        assert field in err.value.message_dict, kwargs
    assert ProxyCase.objects.count() == 0
    community_agent = register(h, agent_kind=ProxyCase.AgentKind.COMMUNITY, agent_staff=None, agent_name="阴华")
    assert community_agent.agent_name == "阴华"


def test_withdrawing_a_proxy_needs_a_reason(h):
    proxy = register(h)

    with pytest.raises(ValidationError, match="说明原因"):
        services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.WITHDRAWN, actor=None)
    services.proxy_advance(proxy=proxy, to_status=ProxyCase.Status.WITHDRAWN, note="申请人本人办理", actor=None)
