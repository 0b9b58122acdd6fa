"""The audit trail is append-only and hash-chained: an edited, deleted or reordered row is found by verify_audit;
the admin cannot change or delete it; on PostgreSQL the database refuses it; parallel writers never fork it."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone

from bianmin.core.admin import AuditEventAdmin, PersonalDataRevealAdmin
from bianmin.core.audit import ChainProblem, access_log_seal, verify_chain
from bianmin.core.events import audit
from bianmin.core.models import AuditChainHead, AuditEvent, PersonalDataReveal
from bianmin.core.services import personal_data_viewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="inspector", password="x")


def _three(user):
    return [audit(actor=user, target=user, verb=f"step_{n}", data={"n": n}) for n in range(3)]


def _force(sql: str, params: list) -> None:
    """What someone with direct database access could do (on PostgreSQL a superuser, past the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _first_problem() -> ChainProblem:
    _, problem = verify_chain()
    assert problem is not None
    return problem


def test_an_intact_chain_verifies(user):
    events = _three(user)

    assert verify_chain() == (3, None)
    assert events[1].prev_hash == events[0].hash
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计记录完整：共 3 条" in out.getvalue()


def test_an_edited_row_is_found(user):
    events = _three(user)
    _force("UPDATE core_auditevent SET note = %s WHERE id = %s", ["改过", events[1].pk])

    problem = _first_problem()

    assert problem.event_id == events[1].pk
    assert problem.kind == "edited"
    with pytest.raises(CommandError, match=f"第 {events[1].pk} 号审计记录的内容已被修改"):
        call_command("verify_audit", stdout=StringIO())


def test_a_deleted_row_is_found(user):
    events = _three(user)
    _force("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])

    problem = _first_problem()

    assert (problem.event_id, problem.kind) == (events[2].pk, "broken_link")


def test_a_deleted_last_row_is_found_by_the_head(user):
    events = _three(user)
    _force("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])

    problem = _first_problem()

    assert problem.kind == "head"


def test_rows_reordered_are_found(user):
    events = _three(user)
    # Swap the contents of rows 1 and 2 (each keeps its own, valid, hash): the order no longer links.
    a, b = events[1], events[2]
    for mine, theirs in ((a, b), (b, a)):
        _force(
            "UPDATE core_auditevent SET verb = %s, data = %s, prev_hash = %s, hash = %s, created_at = %s WHERE id = %s",
            [
                theirs.verb,
                f'{{"n": {theirs.data["n"]}}}',
                theirs.prev_hash,
                theirs.hash,
                theirs.created_at,
                mine.pk,
            ],
        )

    problem = _first_problem()

    assert (problem.event_id, problem.kind) == (a.pk, "broken_link")


def test_a_row_inserted_later_out_of_order_is_found(user):
    events = _three(user)
    forged = AuditEvent(
        actor=user,
        content_type=events[0].content_type,
        object_id=events[0].object_id,
        verb="forged",
        prev_hash=events[2].prev_hash,
        created_at=events[1].created_at,
    )
    from bianmin.core.audit import event_hash

    forged.hash = event_hash(forged)
    forged.save()  # appended at the end with a hash of its own, but it claims a place in the middle

    problem = _first_problem()

    assert (problem.event_id, problem.kind) == (forged.pk, "broken_link")


def test_the_access_log_is_one_insert_and_is_sealed_into_the_chain(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        personal_data_viewed(actor=user, target=user)
    personal_data_viewed(actor=user, target=user)
    later = timezone.now() + dt.timedelta(minutes=10)

    seal = access_log_seal(now=later)

    assert seal is not None
    assert seal.data["count"] == 2
    assert access_log_seal(now=later) is None
    assert verify_chain() == (1, None)
    row = PersonalDataReveal.objects.order_by("pk")[0]
    _force("DELETE FROM core_personaldatareveal WHERE id = %s", [row.pk])
    problem = _first_problem()
    assert problem.kind == "access_log"


def test_the_access_log_row_holds_who_saw_what_and_when(user):
    from django.contrib.contenttypes.models import ContentType

    before = timezone.now()
    personal_data_viewed(actor=user, target=user)
    row = PersonalDataReveal.objects.get()
    assert (row.actor_id, row.content_type, row.object_id, row.field, row.reason) == (
        user.pk,
        ContentType.objects.get_for_model(user),
        str(user.pk),
        "",
        "",
    )
    assert before <= row.created_at <= timezone.now()
    assert row.target == user


def test_young_access_rows_wait_for_the_next_seal(user):
    personal_data_viewed(actor=user, target=user)
    assert access_log_seal() is None


def test_the_admin_can_neither_change_nor_delete_audit_rows(user):
    from django.contrib import admin

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.create_superuser(username="root", password="x")
    event = audit(actor=user, target=user, verb="x")
    for admin_class, obj in ((AuditEventAdmin, event), (PersonalDataRevealAdmin, None)):
        model_admin = admin_class(AuditEvent if admin_class is AuditEventAdmin else PersonalDataReveal, admin.site)
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)
        assert not model_admin.has_add_permission(request)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_update_and_delete(user):
    event = audit(actor=user, target=user, verb="x")
    personal_data_viewed(actor=user, target=user)

    for statement in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(note="改过"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: PersonalDataReveal.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            statement()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_fork_the_chain():
    target = get_user_model().objects.create_user(username="target", password="x")
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                audit(actor=None, target=target, verb=f"w{n}_{i}")
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
    assert verify_chain() == (40, None)
    assert AuditChainHead.objects.get(pk=1).last_hash == AuditEvent.objects.order_by("-pk")[0].hash


def test_logins_failures_and_admin_deletions_are_in_the_chain(client, user):
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    client.post("/accounts/login/", {"username": "inspector", "password": "wrong"})
    client.post("/accounts/login/", {"username": "inspector", "password": "x"})
    LogEntry.objects.create(  # what the admin writes when it deletes an object
        user=user,
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=DELETION,
    )

    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["login_failed", "login", "admin_delete"]
    failed = AuditEvent.objects.get(verb="login_failed")
    assert failed.data["username"] == "inspector"
    assert failed.object_id == str(user.pk)
    assert verify_chain() == (3, None)
