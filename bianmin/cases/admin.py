"""Cases are changed only through the services (and so leave events); the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.cases.models import Case, CaseEvent, Notice, OneTimeNotificationFailure, WindowReferral


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseEvent
    extra = 0
    fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "item_name", "mode", "status", "center", "assignee", "due_at"]
    list_filter = ["status", "mode"]
    search_fields = ["number"]
    list_select_related = ["center", "assignee"]
    exclude = ["applicant_id_number", "applicant_phone"]
    inlines = [CaseEventInline]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number"]
    list_select_related = ["case"]


@admin.register(OneTimeNotificationFailure)
class OneTimeNotificationFailureAdmin(ReadOnlyAdmin):
    list_display = ["case", "center", "responsible", "approved_by", "created_at"]
    list_select_related = ["case", "center", "responsible", "approved_by"]


@admin.register(WindowReferral)
class WindowReferralAdmin(ReadOnlyAdmin):
    list_display = ["item", "to_window", "to_staff_names", "referred_by", "created_at"]
    list_select_related = ["item", "to_window", "referred_by"]
