import datetime as dt
import logging
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bianmin.notify import selectors, services
from bianmin.notify.models import Channel, Notification, NotificationEvent
from bianmin.notify.sms import LocmemSmsBackend, SmsError
from bianmin.notify.tests.factories import Office, run_queued_tasks
from bianmin.notify.tests.sms_backends import FailingSmsBackend

pytestmark = pytest.mark.django_db

CITIZEN = "13712345678"
CONTEXT = {"item": "老年人优待证", "case_number": "CX2026-00001", "window": "2号窗口"}


def send_sms(key="case:1:ready", phone=CITIZEN, **kwargs):
    return services.notification_send(
        key=key, channel=Channel.SMS, template="case_ready", context=CONTEXT, recipient_phone=phone, **kwargs
    )


@pytest.fixture
def failing(settings):
    settings.BIANMIN_SMS = {"BACKEND": "bianmin.notify.tests.sms_backends.FailingSmsBackend"}
    FailingSmsBackend.errors, FailingSmsBackend.sent = [], []
    return FailingSmsBackend


def test_in_app_message_is_delivered_at_once_and_counted_unread():
    office = Office()
    user = office.clerk_a.user

    n = services.notification_send(
        key="k1", channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=user
    )

    assert n.status == Notification.Status.SENT
    assert n.sent_at is not None
    assert n.to_display == office.clerk_a.name
    assert n.center == office.center
    assert selectors.unread_count(user=user) == 1
    assert not DBTaskResult.objects.exists()  # in-app needs no worker


def test_same_event_twice_is_recorded_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_sms()
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = send_sms()

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert second_callbacks == []
    assert DBTaskResult.objects.count() == 1

    run_queued_tasks()
    run_queued_tasks()
    assert len(LocmemSmsBackend.outbox) == 1


def test_the_delivery_job_is_written_with_the_message_and_rolled_back_with_it(django_capture_on_commit_callbacks):
    """The database queue: the job's row is part of the message's transaction (no second commit, no message
    committed without its job, no job for a message rolled back)."""
    with django_capture_on_commit_callbacks() as callbacks:
        n = send_sms()
    assert callbacks == []  # nothing left for after the commit
    assert DBTaskResult.objects.get().args_kwargs["args"] == [n.pk]

    with transaction.atomic():
        send_sms(key="case:2:ready")
        transaction.set_rollback(True)
    assert Notification.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_a_queue_outside_the_database_is_told_after_the_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks() as callbacks:
        send_sms()
    assert len(callbacks) == 1  # a job it could not take back if the transaction rolled back
    assert not DBTaskResult.objects.exists()


def test_sms_is_stored_encrypted_shown_masked_and_sent_through_the_worker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = send_sms()

    assert n.status == Notification.Status.PENDING
    assert n.to_display == "137****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM notify_notification WHERE id = %s", [n.pk])
        assert CITIZEN not in cursor.fetchone()[0]

    assert run_queued_tasks() == 1

    n.refresh_from_db()
    assert n.status == Notification.Status.SENT
    assert n.attempts == 1
    assert LocmemSmsBackend.outbox[0]["phone"] == CITIZEN
    assert LocmemSmsBackend.outbox[0]["text"].startswith("【测试中心】您申请的“老年人优待证”")
    assert [e.verb for e in n.events.all()] == ["deliver"]


def test_staff_number_is_read_from_the_staff_record_when_sending(django_capture_on_commit_callbacks):
    office = Office()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notification_send(
            key="k", channel=Channel.SMS, template="case_ready", context=CONTEXT, recipient_user=office.clerk_a.user
        )
    assert n.phone == ""
    office.clerk_a.phone = "13611112222"
    office.clerk_a.save()

    run_queued_tasks()

    assert LocmemSmsBackend.outbox[0]["phone"] == "13611112222"


def test_staff_without_a_number_is_skipped_with_the_reason(django_capture_on_commit_callbacks):
    office = Office()
    office.clerk_a.phone = ""
    office.clerk_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notification_send(
            key="k", channel=Channel.SMS, template="case_ready", context=CONTEXT, recipient_user=office.clerk_a.user
        )

    run_queued_tasks()

    n.refresh_from_db()
    assert n.status == Notification.Status.SKIPPED
    assert "未登记手机号码" in n.last_error
    assert LocmemSmsBackend.outbox == []


def test_bad_calls_are_refused():
    with pytest.raises(ValidationError, match="手机号码"):
        send_sms(phone="12345")
    with pytest.raises(ValueError, match="接收人"):
        services.notification_send(key="k", channel=Channel.IN_APP, template="case_ready", context=CONTEXT)
    with pytest.raises(ValueError, match="渠道"):
        services.notification_send(key="k", channel="fax", template="case_ready", context=CONTEXT)
    assert not Notification.objects.exists()


def test_failures_are_retried_with_exponential_backoff_then_given_up(failing, settings, caplog):
    settings.BIANMIN_SMS_MAX_ATTEMPTS = 3
    settings.BIANMIN_SMS_RETRY_BASE_SECONDS = 60
    failing.errors = [SmsError(f"网关超时（{CITIZEN}）") for _ in range(5)]
    n = send_sms()
    caplog.set_level(logging.INFO)

    t0 = timezone.now()
    assert services.notification_deliver(notification_id=n.pk) == "retry"
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Notification.Status.PENDING, 1)
    assert dt.timedelta(seconds=59) < n.next_attempt_at - t0 < dt.timedelta(seconds=62)
    assert CITIZEN not in n.last_error
    assert "137****5678" in n.last_error

    # Not due yet: a second worker picking the job early does nothing
    assert services.notification_deliver(notification_id=n.pk) == "not-due"

    assert services.notification_deliver(notification_id=n.pk, now=n.next_attempt_at) == "retry"
    n.refresh_from_db()
    assert n.attempts == 2
    assert dt.timedelta(seconds=119) < n.next_attempt_at - timezone.now() < dt.timedelta(seconds=122)

    assert services.notification_deliver(notification_id=n.pk, now=n.next_attempt_at) == "failed"
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Notification.Status.FAILED, 3)
    assert [e.verb for e in n.events.all()] == ["retry", "retry", "fail"]
    assert CITIZEN not in caplog.text


def test_a_retry_is_queued_for_later(failing):
    failing.errors = [SmsError("网关繁忙")]
    n = send_sms()
    first = DBTaskResult.objects.get()

    assert run_queued_tasks() == 1  # the first attempt: the gateway is busy

    n.refresh_from_db()
    deferred = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert deferred.run_after == n.next_attempt_at
    assert run_queued_tasks() == 0  # not yet
    # A minute later (moved back instead of waited for)
    past = timezone.now() - dt.timedelta(seconds=1)
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(pk=deferred.pk).update(run_after=past)
    assert run_queued_tasks() == 1
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT
    assert len(failing.sent) == 1


def test_a_rejection_is_not_retried(failing):
    failing.errors = [SmsError("号码无效", retryable=False)]
    n = send_sms()

    assert services.notification_deliver(notification_id=n.pk) == "failed"
    n.refresh_from_db()
    assert (n.status, n.attempts, n.last_error) == (Notification.Status.FAILED, 1, "号码无效")


def test_a_message_held_by_a_dead_worker_is_taken_over_after_its_lease(settings):
    n = send_sms()
    # A worker claimed it and died before recording anything
    Notification.objects.filter(pk=n.pk).update(
        status=Notification.Status.SENDING, claimed_until=timezone.now() + dt.timedelta(minutes=5), attempts=1
    )
    assert services.notification_deliver(notification_id=n.pk) == "not-due"

    later = timezone.now() + dt.timedelta(minutes=6)
    assert services.notification_deliver(notification_id=n.pk, now=later) == "sent"
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Notification.Status.SENT, 2)
    assert len(LocmemSmsBackend.outbox) == 1


def test_a_sent_message_is_never_sent_again():
    n = send_sms()
    assert services.notification_deliver(notification_id=n.pk) == "sent"

    assert services.notification_deliver(notification_id=n.pk) == "not-due"
    later = timezone.now() + dt.timedelta(days=1)
    assert services.notification_deliver(notification_id=n.pk, now=later) == "not-due"
    assert len(LocmemSmsBackend.outbox) == 1


def test_requeue_finds_lost_messages_but_not_queued_ones():
    queued = send_sms(key="queued")
    jobs = list(DBTaskResult.objects.values_list("pk", flat=True))
    lost = send_sms(key="lost", phone="13700000001")
    DBTaskResult.objects.exclude(pk__in=jobs).delete()  # its job was lost (e.g. the queue's table restored)
    later = timezone.now() + dt.timedelta(minutes=3)

    assert services.notification_requeue_stale(now=later) == 1
    assert services.notification_requeue_stale(now=later) == 0  # now it has a job waiting

    run_queued_tasks()
    assert {queued.pk, lost.pk} == set(Notification.objects.filter(status="sent").values_list("pk", flat=True))


def test_email_goes_out_only_when_configured(settings, django_capture_on_commit_callbacks):
    office = Office()
    user = office.clerk_a.user
    user.email = "clerk@example.org"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        off = services.notification_send(
            key="a", channel=Channel.EMAIL, template="case_ready", context=CONTEXT, recipient_user=user
        )
    run_queued_tasks()
    off.refresh_from_db()
    assert off.status == Notification.Status.SKIPPED
    assert off.to_display == "c***@example.org"

    settings.BIANMIN_EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        on = services.notification_send(
            key="b", channel=Channel.EMAIL, template="case_ready", context=CONTEXT, recipient_user=user
        )
    run_queued_tasks()
    on.refresh_from_db()
    assert on.status == Notification.Status.SENT
    assert mail.outbox[0].to == ["clerk@example.org"]
    assert mail.outbox[0].subject == "办结领取通知"


def test_mark_read_only_own_messages():
    office = Office()
    n = services.notification_send(
        key="k", channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=office.clerk_a.user
    )

    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=n, actor=office.clerk_b.user)
    assert services.notification_mark_read(notification=n, actor=office.clerk_a.user) is True
    assert services.notification_mark_read(notification=n, actor=office.clerk_a.user) is False
    assert selectors.unread_count(user=office.clerk_a.user) == 0
    assert NotificationEvent.objects.filter(notification=n, verb="read").count() == 1


def test_mark_all_read():
    office = Office()
    for i in range(3):
        services.notification_send(
            key=f"k{i}",
            channel=Channel.IN_APP,
            template="case_ready",
            context=CONTEXT,
            recipient_user=office.clerk_a.user,
        )
    services.notification_send(
        key="other", channel=Channel.IN_APP, template="case_ready", context=CONTEXT, recipient_user=office.clerk_b.user
    )

    assert services.notification_mark_all_read(actor=office.clerk_a.user) == 3

    assert selectors.unread_count(user=office.clerk_a.user) == 0
    assert selectors.unread_count(user=office.clerk_b.user) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_event_make_one_message():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; concurrent inserts need PostgreSQL")
    barrier = threading.Barrier(4)
    ids, errors = [], []

    def worker():
        try:
            barrier.wait()
            ids.append(send_sms(key="race").pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(set(ids)) == 1
    assert Notification.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
