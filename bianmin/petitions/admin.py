from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.petitions.models import Petition, PetitionEvent, PetitionReply, PetitionSettings


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Written through services only (time limits on the staff page, matters through their actions)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReplyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PetitionReply
    extra = 0
    can_delete = False
    fields = ("replied_at", "method", "replied_by", "is_final", "text")
    readonly_fields = ("replied_at", "method", "replied_by", "is_final", "text")


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = ("created_at", "actor", "verb", "from_state", "to_state", "note")


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_on", "channel", "person_name", "category", "status", "due_at", "handler"]
    list_filter = ["status", "category", "channel", "center"]
    search_fields = ["number", "person_name", "content"]
    date_hierarchy = "received_on"
    exclude = ["phone", "phone_index"]
    inlines = [ReplyInline, EventInline]


@admin.register(PetitionSettings)
class PetitionSettingsAdmin(ReadOnlyAdmin):
    list_display = ["center", "ordinary_days", "major_days", "updated_by", "updated_at"]
