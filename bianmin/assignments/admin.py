from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.assignments.models import AssignedTask, AssignedTaskEvent
from bianmin.core.admin import ReadOnlyAdmin


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
