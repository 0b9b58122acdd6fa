from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.reports.models import AssessmentEvent, AssessmentScore, AssessmentSettings


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Written through services only (the assessment page), so every change leaves its event."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssessmentSettings)
class AssessmentSettingsAdmin(ReadOnlyAdmin):
    list_display = ("center", "center_weight", "department_weight", "pass_mark", "updated_by", "updated_at")


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(ReadOnlyAdmin):
    list_display = ("center", "year", "quarter", "staff", "center_score", "department_score", "updated_at")
    list_filter = ("year", "quarter")
    search_fields = ("staff__name",)
    list_select_related = ("center", "staff")


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "center", "verb", "note", "actor")
    list_select_related = ("center", "actor")
