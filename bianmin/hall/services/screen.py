"""The hall screen is told when the queue changes."""

from __future__ import annotations

from django.db.models import F

from bianmin.hall.models import (
    QueueVersion,
)

# --- The hall screen is told when the queue changes ------------------------------------------------------------


def screen_touch(center_id: int) -> None:
    """Bump the center's screen version in the caller's transaction: shared by every app server through the
    database, visible exactly when the change it announces is."""
    if not QueueVersion.objects.filter(center_id=center_id).update(value=F("value") + 1):
        QueueVersion.objects.get_or_create(center_id=center_id)
        QueueVersion.objects.filter(center_id=center_id).update(value=F("value") + 1)
