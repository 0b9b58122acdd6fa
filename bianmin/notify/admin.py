from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.notify.models import AssignedTask, AssignedTaskEvent, Notification, NotificationEvent, PeriodicRun


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records written by services: browsable here, changed only through the pages that call the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "period_key", "status", "attempts", "started_at", "finished_at", "result"]
    list_filter = ["job", "status"]


class AssignedTaskEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AssignedTaskEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "verb", "from_state", "to_state", "note", "actor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssignedTask)
class AssignedTaskAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "center",
        "source",
        "responsible_staff",
        "responsible_window",
        "due_at",
        "status",
    ]
    list_filter = ["status", "source", "center"]
    search_fields = ["number", "title", "source_reference"]
    inlines = [AssignedTaskEventInline]
