from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.frontdesk.models import Handover, HandoverEvent, Inquiry, InquiryEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Registers are written through services only (each write leaves its event); the admin just reads."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InquiryEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = InquiryEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_at", "channel", "visitor_name", "matter", "result", "first_contact", "center"]
    list_filter = ["result", "channel", "center"]
    search_fields = ["number", "matter", "visitor_name", "visitor_org", "case_number"]
    date_hierarchy = "received_at"
    exclude = ["visitor_phone"]
    inlines = [InquiryEventInline]


class HandoverEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HandoverEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["subject", "from_staff", "to_staff", "received_at", "acknowledged_at", "center"]
    list_filter = ["center"]
    search_fields = ["subject", "materials", "from_staff__name", "to_staff__name"]
    inlines = [HandoverEventInline]
