from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.core.admin import ReadOnlyAdmin
from bianmin.notify.models import Notification, NotificationEvent


class NotificationEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NotificationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "verb", "from_state", "to_state", "note", "actor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "to_display", "title", "status", "attempts", "sent_at", "read_at"]
    list_filter = ["channel", "status", "template"]
    search_fields = ["key", "title", "to_display"]
    # The encrypted number is never shown, even to administrators: to_display carries the masked one.
    exclude = ["phone", "claim_token"]
    inlines = [NotificationEventInline]
