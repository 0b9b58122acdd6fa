from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from bianmin.core.audit import chain_append
from bianmin.core.models import AuditEvent


def audit(
    *, actor: Any, target: models.Model, verb: str, note: str = "", data: dict[str, Any] | None = None
) -> AuditEvent:
    """Record an action on any object in the audit trail (hash-chained), in the caller's transaction."""
    return chain_append(actor=actor, target=target, verb=verb, note=note, data=data)


def audit_trail(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
