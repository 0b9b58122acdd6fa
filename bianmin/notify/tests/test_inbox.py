"""The bell's count (`Inbox`): kept by the services as messages are sent and read, exact under concurrent writers,
read with the user at sign-in, and recountable."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bianmin.notify import selectors, services
from bianmin.notify.models import Channel, Inbox, Notification
from bianmin.notify.tests.factories import Office

CONTEXT = {"item": "老年人优待证", "case_number": "CX2026-00001", "window": "2号窗口"}


def send(user, key, channel=Channel.IN_APP):
    kwargs = {"recipient_user": user} if channel != Channel.SMS else {"recipient_phone": "13712345678"}
    return services.notification_send(key=key, channel=channel, template="case_ready", context=CONTEXT, **kwargs)


def live(user):
    return Notification.objects.filter(recipient_user=user, channel=Channel.IN_APP, read_at__isnull=True).count()


@pytest.mark.django_db
def test_the_count_follows_sends_repeats_reads_and_other_channels():
    office = Office()
    user = office.clerk_a.user
    assert selectors.unread_count(user=user) == 0  # no row yet: nothing unread

    first = send(user, "a")
    send(user, "a")  # the same event again: one message, counted once
    send(user, "b")
    send(user, "c", channel=Channel.EMAIL)  # not the bell's
    send(None, "d", channel=Channel.SMS)
    assert Inbox.objects.get(user=user).unread == 2 == live(user)

    services.notification_mark_read(notification=first, actor=user)
    services.notification_mark_read(notification=first, actor=user)  # read twice: counted once
    assert selectors.unread_count(user=user) == 1 == live(user)

    for key in ("e", "f", "g"):
        send(user, key)
    mine = list(Notification.objects.filter(recipient_user=user, channel=Channel.IN_APP, read_at__isnull=True))
    other = send(office.clerk_b.user, "h")
    # ticked ones, one of them someone else's (ignored)
    services.notification_mark_all_read(actor=user, ids=[mine[0].pk, mine[1].pk, other.pk])
    assert selectors.unread_count(user=user) == 2 == live(user)
    services.notification_mark_all_read(actor=user)
    assert selectors.unread_count(user=user) == 0 == live(user)
    assert selectors.unread_count(user=office.clerk_b.user) == 1


@pytest.mark.django_db
def test_a_rolled_back_send_leaves_the_count_alone():
    office = Office()
    user = office.clerk_a.user
    send(user, "kept")

    def send_then_fail():
        with transaction.atomic():
            send(user, "lost")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert selectors.unread_count(user=user) == 1 == live(user)


@pytest.mark.django_db
def test_staff_pages_read_the_bell_with_the_user_in_one_query(django_assert_num_queries):
    office = Office()
    user = office.clerk_a.user
    for key in ("a", "b", "c"):
        send(user, key)
    client = Client()
    client.force_login(user)
    client.get(reverse("bench:floor"))

    # the user with staff record and unread count (the session comes from the cache): nothing else on a page
    # without domain data
    with django_assert_num_queries(1):
        page = client.get(reverse("bench:floor")).content.decode()
    assert '<span class="bell-count">3</span>' in page

    # a user without any message has no row: the same one query, no bell count
    Inbox.objects.filter(user=user).delete()
    Notification.objects.all().update(read_at="2026-12-01T10:00:00+08:00")
    with django_assert_num_queries(1):
        page = client.get(reverse("bench:floor")).content.decode()
    assert "bell-count" not in page


@pytest.mark.django_db
def test_recount_repairs_counts_changed_outside_the_services():
    office = Office()
    a, b = office.clerk_a.user, office.clerk_b.user
    for key in ("a1", "a2"):
        send(a, key)
    send(b, "b1")
    Inbox.objects.filter(user=a).update(unread=9)  # edited by hand
    Inbox.objects.filter(user=b).delete()  # lost in a partial restore

    out = __import__("io").StringIO()
    call_command("notify_recount_inboxes", stdout=out)

    assert "2" in out.getvalue()
    assert selectors.unread_count(user=a) == 2
    assert selectors.unread_count(user=b) == 1
    assert services.inbox_recount() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_and_a_reader_each_count_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; concurrent transactions need PostgreSQL")
    office = Office()
    user = office.clerk_a.user
    read_first = send(user, "before")
    barrier = threading.Barrier(7)
    errors = []

    def sender(i):
        try:
            barrier.wait()
            send(user, f"race-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def reader():
        try:
            barrier.wait()
            services.notification_mark_read(notification=read_first, actor=user)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    Inbox.objects.filter(user=user).delete()  # first message of the race creates the row
    threads = [threading.Thread(target=sender, args=(i,)) for i in range(6)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert selectors.unread_count(user=user) == 6 == live(user)
