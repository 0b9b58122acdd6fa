"""Admin: read-mostly. Attendance, leave and unmanned records change only through the staff pages' services,
which keep the reasons and the events; the admin shows them for support and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.staffing.models import (
    AttendanceDay,
    AttendanceEvent,
    DutyShift,
    Inspection,
    InspectionEvent,
    Leave,
    LeaveEvent,
    UnmannedEvent,
    UnmannedWindow,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttendanceEventInline(ReadOnlyInline):
    model = AttendanceEvent
    fields = ["created_at", "actor", "verb", "from_state", "to_state", "note"]


@admin.register(AttendanceDay)
class AttendanceDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "staff", "center", "check_in", "check_out", "corrected"]
    list_filter = ["center", "corrected", "date"]
    search_fields = ["staff__name"]
    date_hierarchy = "date"
    inlines = [AttendanceEventInline]


class LeaveEventInline(ReadOnlyInline):
    model = LeaveEvent
    fields = ["created_at", "actor", "verb", "from_state", "to_state", "note"]


@admin.register(Leave)
class LeaveAdmin(ReadOnlyAdmin):
    list_display = ["staff", "kind", "start", "end", "status", "decided_by", "center"]
    list_filter = ["status", "kind", "center"]
    search_fields = ["staff__name", "reason"]
    date_hierarchy = "start"
    inlines = [LeaveEventInline]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyAdmin):
    list_display = ["date", "start", "end", "kind", "window", "staff", "center"]
    list_filter = ["kind", "center"]
    date_hierarchy = "date"


class UnmannedEventInline(ReadOnlyInline):
    model = UnmannedEvent
    fields = ["created_at", "actor", "verb", "note"]


@admin.register(UnmannedWindow)
class UnmannedWindowAdmin(ReadOnlyAdmin):
    list_display = ["window", "center", "started_at", "ended_at", "acknowledged_by"]
    list_filter = ["center"]
    date_hierarchy = "started_at"
    inlines = [UnmannedEventInline]


class InspectionEventInline(ReadOnlyInline):
    model = InspectionEvent
    fields = ["created_at", "actor", "verb", "note"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["inspected_at", "center", "window", "staff", "rule", "finding", "voided"]
    list_filter = ["finding", "rule", "voided", "center"]
    search_fields = ["staff__name", "note", "place"]
    date_hierarchy = "inspected_at"
    inlines = [InspectionEventInline]
