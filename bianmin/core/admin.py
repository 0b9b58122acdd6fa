from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from bianmin.core.models import AuditEvent, CalendarDay, PeriodicRun, PersonalDataReveal
from bianmin.core.services import calendar_day_remove, calendar_day_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Special days go through the same service as the staff calendar page, so they leave a trace."""

    list_display = ["date", "name", "is_workday", "source", "reason"]
    list_filter = ["source", "is_workday"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name", "reason"]

    def has_change_permission(self, request: Any, obj: CalendarDay | None = None) -> bool:
        return obj is None or obj.source == CalendarDay.Source.ADMIN

    def save_model(self, request: Any, obj: CalendarDay, form: Any, change: bool) -> None:
        try:
            saved = calendar_day_set(
                day=obj.date, is_workday=obj.is_workday, name=obj.name, reason=obj.reason, actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: CalendarDay) -> None:
        calendar_day_remove(row=obj, reason="管理后台删除", actor=request.user)

    def has_delete_permission(self, request: Any, obj: CalendarDay | None = None) -> bool:
        return obj is None or obj.source == CalendarDay.Source.ADMIN


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "actor", "verb", "content_type", "object_id", "note"]
    list_filter = ["verb", "content_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # append-only: not even the administrator deletes audit rows (verify_audit would notice)


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "actor", "field", "content_type", "object_id", "reason"]
    readonly_fields = [f.name for f in PersonalDataReveal._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # append-only: not even the administrator deletes audit rows (verify_audit would notice)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records written by services: browsable here, changed only through the pages that call the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "period_key", "status", "attempts", "started_at", "finished_at", "result"]
    list_filter = ["job", "status"]
