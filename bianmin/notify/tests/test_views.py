import pytest
from django.urls import reverse

from bianmin.assignments import services as assignments
from bianmin.assignments.models import AssignedTask
from bianmin.notify import services
from bianmin.notify.models import Channel, Notification
from bianmin.notify.tests.factories import Office, aware, make_task

pytestmark = pytest.mark.django_db

CONTEXT = {"item": "老年人优待证", "case_number": "CX2026-00001", "window": "2号窗口"}


def inbox_message(staff, key, url=""):
    return services.notification_send(
        key=key, channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=staff.user, url=url
    )


def test_the_bell_shows_the_unread_count_on_staff_pages(client):
    office = Office()
    for i in range(3):
        inbox_message(office.clerk_a, f"k{i}")
    client.force_login(office.clerk_a.user)

    page = client.get(reverse("org:staff_home")).content.decode()

    assert 'id="notify-bell"' in page
    assert '<span class="bell-count">3</span>' in page
    partial = client.get(reverse("notify:bell")).content.decode()
    assert '<span class="bell-count">3</span>' in partial
    assert "<html" not in partial


def test_inbox_lists_own_messages_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    office = Office()
    for i in range(25):
        inbox_message(office.clerk_a, f"k{i}")
    inbox_message(office.clerk_b, "not-mine")
    client.force_login(office.clerk_a.user)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("notify:notifications"))

    assert response.status_code == 200
    assert response.content.decode().count('class="unread"') == 25
    assert response.context["page"].paginator.count == 25


def test_mark_read_and_open_the_link(client):
    office = Office()
    n = inbox_message(office.clerk_a, "k", url="/staff/tasks/")
    client.force_login(office.clerk_a.user)

    response = client.post(reverse("notify:notification_read", args=[n.pk]), {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/tasks/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_message_answers_404(client):
    office = Office()
    n = inbox_message(office.clerk_a, "k")
    client.force_login(office.clerk_b.user)

    assert client.post(reverse("notify:notification_read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notify:notification_read", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(client):
    office = Office()
    inbox_message(office.clerk_a, "a")
    inbox_message(office.clerk_a, "b")
    client.force_login(office.clerk_a.user)

    response = client.post(reverse("notify:notification_read_all"), follow=True)

    assert "已将 2 条消息标记为已读" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_message_log_is_masked_scoped_and_for_managers(client, django_assert_max_num_queries):
    office = Office()
    elsewhere = Office()
    services.notification_send(
        key="ours",
        channel=Channel.SMS,
        template="case_ready",
        context=CONTEXT,
        recipient_phone="13712345678",
        center=office.center,
    )
    services.notification_send(
        key="theirs",
        channel=Channel.SMS,
        template="case_ready",
        context=CONTEXT,
        recipient_phone="13787654321",
        center=elsewhere.center,
    )
    client.force_login(office.director.user)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("notify:message_log"), {"channel": "sms"}).content.decode()

    assert "137****5678" in page
    assert "13712345678" not in page
    assert "137****4321" not in page
    client.force_login(office.clerk_a.user)
    assert client.get(reverse("notify:message_log")).status_code == 403


def test_register_a_task_through_the_form(client):
    office = Office()
    client.force_login(office.director.user)
    form = client.get(reverse("assignments:task_create"))
    assert form.status_code == 200

    response = client.post(
        reverse("assignments:task_create"),
        {
            "center": office.center.pk,
            "source": "document",
            "source_reference": "惠政办〔2026〕12号",
            "source_issuer": "区政府办公室",
            "title": "报送统计表",
            "content": "按附件格式报送。",
            "responsible_staff": office.clerk_a.pk,
            "deadline_kind": "working",
            "deadline_days": "5",
        },
    )

    task = AssignedTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assignments:task_detail", args=[task.pk])
    assert task.source_reference == "惠政办〔2026〕12号"
    assert Notification.objects.filter(recipient_user=office.clerk_a.user, template="task_assigned").count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source_reference": ""}, "上级文件交办的事项请填写文号。"),
        ({"deadline_days": ""}, "请填写时限天数。"),
        ({"deadline_days": "abc"}, "输入整数。"),
        ({"deadline_kind": "date", "deadline_date": "2020-01-01"}, "截止日期须晚于交办时间。"),
        ({"responsible_staff": ""}, "请指定责任人或责任窗口。"),
        ({"assigned_at": "2099-01-01T09:00"}, "交办时间不能晚于现在。"),
        ({"center": "999999"}, "选择一个有效的选项"),
    ],
)
def test_bad_task_input_gets_chinese_errors_not_a_500(client, changes, message):
    office = Office()
    client.force_login(office.director.user)
    data = {
        "center": office.center.pk,
        "source": "document",
        "source_reference": "惠政办〔2026〕12号",
        "source_issuer": "区政府办公室",
        "title": "报送统计表",
        "content": "按附件格式报送。",
        "responsible_staff": office.clerk_a.pk,
        "deadline_kind": "working",
        "deadline_days": "5",
        **changes,
    }

    response = client.post(reverse("assignments:task_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AssignedTask.objects.exists()


def test_window_staff_cannot_register_tasks(client):
    office = Office()
    client.force_login(office.clerk_a.user)

    assert client.get(reverse("assignments:task_create")).status_code == 403
    assert client.get(reverse("assignments:task_board")).status_code == 403


def test_my_tasks_and_the_workbench_card(client, django_assert_max_num_queries):
    office = Office()
    mine = make_task(office, title="我的事项", assigned_at=aware(2026, 1, 5, 10))
    window_task = make_task(office, title="窗口事项", responsible_staff=None, responsible_window=office.window)
    make_task(office, title="别人的事项", responsible_staff=office.other)
    client.force_login(office.clerk_b.user)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("assignments:tasks")).content.decode()
    assert "窗口事项" in page
    assert "我的事项" not in page

    client.force_login(office.clerk_a.user)
    home = client.get(reverse("org:staff_home")).content.decode()
    assert 'id="my-tasks"' in home
    assert "我的事项" in home
    assert "1 件超期" in home
    assert window_task.title in home
    assert mine.number in client.get(reverse("assignments:tasks")).content.decode()


def test_board_lists_the_center_with_overdue_first_and_constant_queries(client, django_assert_max_num_queries):
    office = Office()
    for i in range(8):
        make_task(office, title=f"事项{i}", assigned_at=aware(2026, 1, 5 + i, 10))
    client.force_login(office.director.user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("assignments:task_board"))

    assert response.status_code == 200
    assert response.context["overdue"] == 8
    assert "8 件超期未办结" in response.content.decode()


def test_detail_is_404_for_another_center_and_actions_403_for_bystanders(client):
    office = Office()
    elsewhere = Office()
    task = make_task(office)

    client.force_login(elsewhere.director.user)
    assert client.get(reverse("assignments:task_detail", args=[task.pk])).status_code == 404
    assert (
        client.post(reverse("assignments:task_action", args=[task.pk, "confirm"]), {"confirm-note": ""}).status_code
        == 404
    )

    client.force_login(office.other.user)
    assert client.get(reverse("assignments:task_detail", args=[task.pk])).status_code == 200
    response = client.post(reverse("assignments:task_action", args=[task.pk, "progress"]), {"progress-note": "x"})
    assert response.status_code == 403
    assert client.post(reverse("assignments:task_action", args=[task.pk, "nonsense"])).status_code == 404


def test_the_task_is_worked_to_completion_on_its_page(client):
    office = Office()
    task = make_task(office)
    detail = reverse("assignments:task_detail", args=[task.pk])

    client.force_login(office.clerk_a.user)
    page = client.get(detail).content.decode()
    assert "登记办理进展" in page
    assert "确认办结" not in page
    missing = client.post(reverse("assignments:task_action", args=[task.pk, "complete"]), {"complete-submitted": ""})
    assert missing.status_code == 400
    assert "这个字段是必填项。" in missing.content.decode()
    client.post(reverse("assignments:task_action", args=[task.pk, "progress"]), {"progress-note": "已起草"})
    done = client.post(
        reverse("assignments:task_action", args=[task.pk, "complete"]), {"complete-submitted": "报送一份"}, follow=True
    )
    assert "已报办结，等待中心主任确认。" in done.content.decode()

    client.force_login(office.director.user)
    assert "确认办结" in client.get(detail).content.decode()
    confirmed = client.post(reverse("assignments:task_action", args=[task.pk, "confirm"]), {"confirm-note": "同意"})
    assert confirmed.status_code == 302
    task.refresh_from_db()
    assert task.status == AssignedTask.Status.CONFIRMED
    timeline = client.get(detail).content.decode()
    assert "已起草" in timeline
    assert "确认办结" in timeline

    again = client.post(reverse("assignments:task_action", args=[task.pk, "confirm"]), {"confirm-note": ""})
    assert again.status_code == 400
    assert "只有已报办结的事项才能确认。" in again.content.decode()


def test_the_page_shows_reminders_sent_by_the_system(client):
    office = Office()
    task = make_task(office, assigned_at=aware(2026, 1, 5, 10))
    assignments.assigned_task_send_reminders()
    client.force_login(office.director.user)

    page = client.get(reverse("assignments:task_detail", args=[task.pk])).content.decode()

    assert "超期提醒" in page
    assert "系统" in page


def test_the_board_puts_open_tasks_before_finished_ones(client):
    office = Office()
    done = make_task(office, title="已确认", assigned_at=aware(2026, 1, 5, 10))
    assignments.assigned_task_complete(task=done, submitted="x", actor=office.clerk_a.user)
    assignments.assigned_task_confirm(task=done, actor=office.director.user)
    late = make_task(office, title="超期", assigned_at=aware(2026, 2, 2, 10))
    soon = make_task(office, title="未到期")
    client.force_login(office.director.user)

    page = client.get(reverse("assignments:task_board"))

    assert list(page.context["page"]) == [late, soon, done]


def test_mark_the_ticked_messages_read_leaves_the_others_and_someone_elses(client):
    office = Office()
    a = inbox_message(office.clerk_a, "a")
    b = inbox_message(office.clerk_a, "b")
    c = inbox_message(office.clerk_a, "c")
    theirs = inbox_message(office.clerk_b, "theirs")
    client.force_login(office.clerk_a.user)
    page = client.get(reverse("notify:notifications")).content.decode()
    assert 'form="bulk-read"' in page
    assert f'value="{a.pk}"' in page

    response = client.post(
        reverse("notify:notification_read_all"), {"selected": "1", "ids": [a.pk, b.pk, theirs.pk]}, follow=True
    )

    assert "已将 2 条消息标记为已读" in response.content.decode()
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert a.events.filter(verb="read", actor=office.clerk_a.user).count() == 1
    assert Notification.objects.get(pk=c.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(reverse("notify:notification_read_all"), {"selected": "1"}, follow=True)
    assert "请至少选择一条消息。" in response.content.decode()
