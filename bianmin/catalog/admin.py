from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.catalog.models import ItemVersion, ServiceItem, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "audience", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Items are edited in the staff catalog pages, where review, versions and the search index are kept."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "department", "default_mode", "status", "version"]
    list_filter = ["status", "default_mode", "item_type"]
    search_fields = ["name", "code"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "number", "published_at", "published_by", "note"]
    search_fields = ["item__name"]
