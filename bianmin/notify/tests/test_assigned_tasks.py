import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bianmin.assignments import selectors, services
from bianmin.assignments.models import AssignedTask
from bianmin.core.models import CalendarDay
from bianmin.core.selectors import invalidate_work_calendar
from bianmin.notify.models import Channel, Notification
from bianmin.notify.tests.factories import Office, aware, make_task
from bianmin.org.models import Role
from bianmin.org.tests.factories import WindowFactory, district, staff_user

pytestmark = pytest.mark.django_db

MONDAY = aware(2026, 3, 2, 10, 0)


def messages_to(staff, template=None):
    qs = Notification.objects.filter(recipient_user=staff.user)
    if template:
        qs = qs.filter(template=template)
    return sorted(qs.values_list("channel", flat=True))


def test_a_task_gets_a_number_a_working_day_deadline_and_its_responsible_person_is_told():
    office = Office()

    task = make_task(office, assigned_at=MONDAY, deadline_days=3)

    assert task.number == f"{office.center.short_name}交办2026-0001"
    assert task.due_at == aware(2026, 3, 5, 17, 30)
    assert task.deadline_explain[-1] == "截止：2026-03-05 17:30"
    assert task.status == AssignedTask.Status.OPEN
    assert [e.verb for e in task.events.all()] == ["create"]
    assert messages_to(office.clerk_a, "task_assigned") == [Channel.IN_APP, Channel.SMS]
    assert messages_to(office.clerk_b) == []


def test_a_notified_rest_day_moves_the_deadline():
    office = Office()
    CalendarDay.objects.create(date=dt.date(2026, 3, 4), source="admin", is_workday=False, name="临时闭厅")
    invalidate_work_calendar()

    task = make_task(office, assigned_at=MONDAY, deadline_days=3)

    assert task.due_at == aware(2026, 3, 6, 17, 30)
    assert any("临时闭厅" in line for line in task.deadline_explain)


def test_a_window_task_is_told_to_everyone_on_the_window():
    office = Office()

    task = make_task(office, responsible_staff=None, responsible_window=office.window)

    assert messages_to(office.clerk_a, "task_assigned") == [Channel.IN_APP, Channel.SMS]
    assert messages_to(office.clerk_b, "task_assigned") == [Channel.IN_APP, Channel.SMS]
    assert selectors.is_responsible(user=office.clerk_b.user, task=task)
    assert not selectors.is_responsible(user=office.other.user, task=task)


def test_a_task_for_a_window_and_a_person_is_that_persons_not_the_b_posts():
    office = Office()

    task = make_task(office, responsible_staff=office.clerk_a, responsible_window=office.window)

    assert messages_to(office.clerk_a, "task_assigned") == [Channel.IN_APP, Channel.SMS]
    assert messages_to(office.clerk_b) == []
    assert selectors.is_responsible(user=office.clerk_a.user, task=task)
    assert not selectors.is_responsible(user=office.clerk_b.user, task=task)
    assert list(selectors.my_tasks(user=office.clerk_a.user)) == [task]
    assert list(selectors.my_tasks(user=office.clerk_b.user)) == []


def test_calendar_days_and_a_date():
    office = Office()

    by_days = make_task(office, assigned_at=MONDAY, deadline_kind="calendar", deadline_days=7)
    by_date = make_task(office, assigned_at=MONDAY, deadline_kind="date", deadline_date=dt.date(2026, 3, 20))

    assert by_days.due_at.date() == dt.date(2026, 3, 9)
    assert by_date.due_at == aware(2026, 3, 20, 17, 30)
    assert by_date.number.endswith("-0002")


def test_bad_input_is_refused_field_by_field_in_chinese():
    office = Office()
    elsewhere = Office()
    with pytest.raises(ValidationError) as caught:
        make_task(
            office,
            source=AssignedTask.Source.DOCUMENT,
            source_reference=" ",
            source_issuer="",
            title="",
            responsible_staff=elsewhere.clerk_a,
            responsible_window=WindowFactory.create(center=elsewhere.center, number=9),
            deadline_days=None,
        )
    errors = caught.value.message_dict
    assert errors["source_reference"] == ["上级文件交办的事项请填写文号。"]
    assert errors["source_issuer"] == ["请填写交办单位或领导。"]
    assert errors["title"] == ["请填写事项名称。"]
    assert errors["responsible_staff"] == ["责任人不属于本中心。"]
    assert errors["responsible_window"] == ["责任窗口不属于本中心。"]
    assert "时限天数" in errors["deadline_days"][0]

    with pytest.raises(ValidationError) as caught:
        make_task(office, responsible_staff=None, assigned_at=aware(2099, 1, 1, 9))
    assert caught.value.message_dict["responsible_staff"] == ["请指定责任人或责任窗口。"]
    assert caught.value.message_dict["assigned_at"] == ["交办时间不能晚于现在。"]
    assert not AssignedTask.objects.exists()


def test_only_the_centers_director_registers_tasks():
    office = Office()
    elsewhere = Office()

    with pytest.raises(PermissionDenied):
        make_task(office, actor=office.clerk_a.user)
    with pytest.raises(PermissionDenied):
        make_task(office, actor=elsewhere.director.user)


def test_the_district_administrator_may_register_for_a_center_below():
    top = district()
    office = Office(parent=top)
    admin = staff_user(Role.ADMIN, top)

    task = make_task(office, actor=admin.user)

    assert task.center == office.center


def test_progress_complete_confirm():
    office = Office()
    task = make_task(office)

    services.assigned_task_progress(task=task, note="已联系区政府办确认格式。", actor=office.clerk_a.user)
    with pytest.raises(ValidationError) as caught:
        services.assigned_task_complete(task=task, submitted="", actor=office.clerk_a.user)
    assert "报送" in caught.value.message_dict["submitted"][0]
    task = services.assigned_task_complete(task=task, submitted="统计表一份，已报区政府办。", actor=office.clerk_a.user)

    assert task.status == AssignedTask.Status.SUBMITTED
    assert task.completed_by == office.clerk_a.user
    assert messages_to(office.director, "task_submitted") == [Channel.IN_APP]
    with pytest.raises(ValidationError):
        services.assigned_task_progress(task=task, note="补充", actor=office.clerk_a.user)
    with pytest.raises(PermissionDenied):
        services.assigned_task_confirm(task=task, actor=office.clerk_a.user)

    task = services.assigned_task_confirm(task=task, actor=office.director.user, note="同意")

    assert task.status == AssignedTask.Status.CONFIRMED
    assert task.confirmed_by == office.director.user
    assert [e.verb for e in task.events.all()] == ["create", "progress", "complete", "confirm"]
    with pytest.raises(ValidationError, match="已报办结"):
        services.assigned_task_confirm(task=task, actor=office.director.user)
    with pytest.raises(ValidationError, match="不能撤销"):
        services.assigned_task_cancel(task=task, reason="x", actor=office.director.user)


def test_someone_else_cannot_work_on_the_task():
    office = Office()
    task = make_task(office)

    with pytest.raises(PermissionDenied):
        services.assigned_task_progress(task=task, note="x", actor=office.other.user)
    with pytest.raises(PermissionDenied):
        services.assigned_task_complete(task=task, submitted="x", actor=office.clerk_b.user)


def test_a_return_reopens_the_task_and_tells_the_responsible_person():
    office = Office()
    task = make_task(office)
    services.assigned_task_complete(task=task, submitted="初稿", actor=office.clerk_a.user)

    with pytest.raises(ValidationError):
        services.assigned_task_return(task=task, reason=" ", actor=office.director.user)
    task = services.assigned_task_return(task=task, reason="缺少盖章件", actor=office.director.user)

    assert task.status == AssignedTask.Status.OPEN
    assert task.completed_at is None
    returned = Notification.objects.get(recipient_user=office.clerk_a.user, template="task_returned")
    assert "缺少盖章件" in returned.body
    services.assigned_task_cancel(task=task, reason="上级通知不再报送", actor=office.director.user)
    task.refresh_from_db()
    assert task.status == AssignedTask.Status.CANCELLED


def test_overdue_tasks_for_the_accountability_sweep():
    office = Office()
    elsewhere = Office()
    late_open = make_task(office, assigned_at=aware(2026, 1, 5, 10), title="逾期未办")
    on_time = make_task(office, assigned_at=aware(2026, 1, 5, 10), title="按时办结")
    services.assigned_task_complete(task=on_time, submitted="x", actor=office.clerk_a.user)
    AssignedTask.objects.filter(pk=on_time.pk).update(completed_at=aware(2026, 1, 6, 10))
    late_done = make_task(office, assigned_at=aware(2026, 1, 5, 10), title="逾期办结")
    services.assigned_task_complete(task=late_done, submitted="x", actor=office.clerk_a.user)
    future = make_task(office, title="未到期", deadline_days=30)
    theirs = make_task(elsewhere, assigned_at=aware(2026, 1, 5, 10), actor=elsewhere.director.user)

    assert list(selectors.overdue_tasks(user=office.director.user)) == [late_open]
    assert set(selectors.overdue_tasks(user=office.director.user, include_finished_late=True)) == {
        late_open,
        late_done,
    }
    assert set(selectors.overdue_tasks()) == {late_open, theirs}
    assert future not in selectors.overdue_tasks()
    assert list(selectors.task_board(user=office.director.user, overdue_only=True)) == [late_open]


def test_reminders_the_working_day_before_and_when_overdue_each_once():
    office = Office()
    task = make_task(office, assigned_at=MONDAY, deadline_days=3)  # due Thursday 03-05 17:30

    assert services.assigned_task_send_reminders(now=aware(2026, 3, 4, 8, 59)) == {"near": 0, "overdue": 0}
    assert services.assigned_task_send_reminders(now=aware(2026, 3, 4, 9, 0)) == {"near": 1, "overdue": 0}
    assert services.assigned_task_send_reminders(now=aware(2026, 3, 4, 9, 15)) == {"near": 0, "overdue": 0}
    assert messages_to(office.clerk_a, "task_near_deadline") == [Channel.IN_APP, Channel.SMS]

    # Past the deadline at night: the overdue notice waits for Friday morning
    assert services.assigned_task_send_reminders(now=aware(2026, 3, 5, 20, 0)) == {"near": 0, "overdue": 0}
    assert services.assigned_task_send_reminders(now=aware(2026, 3, 6, 9, 0)) == {"near": 0, "overdue": 1}
    assert services.assigned_task_send_reminders(now=aware(2026, 3, 6, 9, 15)) == {"near": 0, "overdue": 0}
    assert messages_to(office.clerk_a, "task_overdue") == [Channel.IN_APP, Channel.SMS]
    assert messages_to(office.director, "task_overdue_director") == [Channel.IN_APP]
    assert [e.verb for e in task.events.all()] == ["create", "remind_near", "remind_overdue"]


def test_a_monday_deadline_is_announced_on_friday_and_finished_tasks_are_left_alone():
    office = Office()
    monday_due = make_task(office, assigned_at=aware(2026, 3, 5, 10), deadline_days=2)
    done = make_task(office, assigned_at=aware(2026, 3, 5, 10), deadline_days=2, title="已办结")
    services.assigned_task_complete(task=done, submitted="x", actor=office.clerk_a.user)
    assert monday_due.due_at == aware(2026, 3, 9, 17, 30)

    sent = services.assigned_task_send_reminders(now=aware(2026, 3, 6, 9, 30))

    assert sent == {"near": 1, "overdue": 0}
    assert Notification.objects.filter(template="task_near_deadline").count() == 2
    assert not Notification.objects.filter(template="task_near_deadline", body__contains="已办结").exists()
