"""The audit trail's integrity: a hash chain over `AuditEvent`, and seals that bind the personal-data access log
(`PersonalDataReveal`) into it.

Every audit row stores the SHA-256 of the previous row's hash and its own content; an append locks the single
`AuditChainHead` row first, so concurrent writers queue up instead of forking the chain. `verify_chain` walks the
rows in id order and reports the first one whose content no longer matches its hash (edited), whose link does not
match its predecessor (a row deleted or inserted out of order), or a head that does not match the last row (rows
cut off the end).

The access log is written with one insert per page view (no lock on a page's path). The periodic job
`core.seal_access_log` appends one audit row per range of access-log rows with their count and digest, so a
sealed access-log row that is edited, deleted or slipped in later is found the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianmin.core.models import AuditChainHead, AuditEvent, PersonalDataReveal

SEAL_VERB = "access_log_seal"
# Access-log rows younger than this are left for the next seal: a transaction still open when the seal runs may
# commit a row with a smaller id afterwards.
SEAL_DELAY = dt.timedelta(minutes=5)
SEAL_MAX_ROWS = 50_000


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(event: AuditEvent) -> str:
    content = {
        "prev": event.prev_hash,
        "actor": event.actor_id,
        "verb": event.verb,
        "from": event.from_state,
        "to": event.to_state,
        "note": event.note,
        "data": event.data,
        "type": event.content_type_id,
        "object": event.object_id,
        "at": _moment(event.created_at),
    }
    return hashlib.sha256(_canonical(content)).hexdigest()


def access_digest(rows: list[PersonalDataReveal]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        content = {
            "id": row.pk,
            "actor": row.actor_id,
            "type": row.content_type_id,
            "object": row.object_id,
            "field": row.field,
            "reason": row.reason,
            "at": _moment(row.created_at),
        }
        digest.update(hashlib.sha256(_canonical(content)).digest())
    return digest.hexdigest()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another writer created it first
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def chain_append(
    *,
    actor: Any,
    target: Any,
    verb: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    content_type: ContentType | None = None,
    object_id: str | None = None,
) -> AuditEvent:
    head = _locked_head()
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        content_type=content_type or ContentType.objects.get_for_model(target),
        object_id=str(target.pk) if object_id is None else object_id,
        verb=verb,
        note=note,
        # Through JSON and back, so the hash is computed over what the database will give back.
        data=json.loads(json.dumps(data or {}, default=str)),
        created_at=timezone.now(),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.save(update_fields=["last_hash"])
    return event


@transaction.atomic
def access_log_seal(*, now: dt.datetime | None = None) -> AuditEvent | None:
    """Seal the access-log rows older than SEAL_DELAY that are not sealed yet, as one audit row."""
    head = _locked_head()
    cutoff = (now or timezone.now()) - SEAL_DELAY
    rows = []
    # A prefix in id order: a young row ends it, so no sealed range ever skips a row.
    for row in PersonalDataReveal.objects.filter(pk__gt=head.sealed_access_id).order_by("pk")[:SEAL_MAX_ROWS]:
        if row.created_at >= cutoff:
            break
        rows.append(row)
    if not rows:
        return None
    first, last = rows[0].pk, rows[-1].pk
    head.sealed_access_id = last
    head.save(update_fields=["sealed_access_id"])
    seal = chain_append(
        actor=None,
        target=None,
        verb=SEAL_VERB,
        content_type=ContentType.objects.get_for_model(PersonalDataReveal),
        object_id=str(last),
        data={"first": first, "last": last, "count": len(rows), "digest": access_digest(rows)},
    )
    return seal


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    kind: str  # "edited", "broken_link", "head", "access_log"
    message: str


def verify_chain(*, batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain; answers how many rows were checked and the first problem found (None: intact)."""
    checked = 0
    prev = ""
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        for event in batch:
            checked += 1
            if event.prev_hash != prev:
                return checked, ChainProblem(
                    event.pk,
                    "broken_link",
                    f"第 {event.pk} 号审计记录与前一条记录衔接不上：其前一条记录被删除、篡改，或本条是后来插入的。",
                )
            if event_hash(event) != event.hash:
                return checked, ChainProblem(event.pk, "edited", f"第 {event.pk} 号审计记录的内容已被修改。")
            if event.verb == SEAL_VERB:
                problem = _verify_seal(event)
                if problem is not None:
                    return checked, problem
            prev = event.hash
        last_id = batch[-1].pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if (head.last_hash if head else "") != prev:
        return checked, ChainProblem(None, "head", "审计记录的末尾与链头不符：最后的若干条记录被删除。")
    return checked, None


def _verify_seal(seal: AuditEvent) -> ChainProblem | None:
    first, last = int(seal.data["first"]), int(seal.data["last"])
    rows = list(PersonalDataReveal.objects.filter(pk__gte=first, pk__lte=last).order_by("pk"))
    if len(rows) != int(seal.data["count"]) or access_digest(rows) != seal.data["digest"]:
        return ChainProblem(
            seal.pk,
            "access_log",
            f"个人信息查看记录第 {first}–{last} 号（由第 {seal.pk} 号审计记录封存）已被修改、删除或插入。",
        )
    return None


# --- what is recorded without a service of ours: logins (Django's auth signals) and everything done in the admin
# (its LogEntry: permission and role changes, deletions). Signals are the only hook these offer.


def _client_ip(request: Any) -> str:
    from bianmin.core.http import client_ip  # behind the reverse proxy: the client's address, not the proxy's

    return client_ip(request) if request is not None and hasattr(request, "META") else ""


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    chain_append(actor=user, target=user, verb="login", data={"ip": _client_ip(request)})


def on_user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        chain_append(actor=user, target=user, verb="logout", data={"ip": _client_ip(request)})


def on_user_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    username = str(credentials.get(user_model.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    known = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).only("pk").first()
    chain_append(
        actor=None,
        target=None,
        verb="login_failed",
        content_type=ContentType.objects.get_for_model(user_model),
        object_id=str(known.pk) if known else "",
        data={"username": username, "ip": _client_ip(request)},
    )


ADMIN_VERBS = {1: "admin_add", 2: "admin_change", 3: "admin_delete"}


def on_admin_log_entry(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    chain_append(
        actor=instance.user,
        target=None,
        verb=ADMIN_VERBS.get(instance.action_flag, "admin_change"),
        content_type=instance.content_type or ContentType.objects.get_for_model(sender),
        object_id=str(instance.object_id or "")[:64],
        note=str(instance.object_repr)[:200],
        data={"change": instance.get_change_message()},
    )


def connect_receivers() -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import post_save

    user_logged_in.connect(on_user_logged_in, dispatch_uid="bianmin.audit.login")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="bianmin.audit.logout")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="bianmin.audit.login_failed")
    post_save.connect(on_admin_log_entry, sender=LogEntry, dispatch_uid="bianmin.audit.admin")
