from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone

from bianmin.org.models import Department, ExtendedHours, LeadingGroupMember, OrgUnit, Post, Staff, Window
from bianmin.org.postings import Span
from bianmin.org.services import check_a_coverage, holder_clash


class LeadingGroupInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LeadingGroupMember
    extra = 0
    autocomplete_fields = ["staff"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "level", "hall_kind", "parent", "is_active", "catalog_self_approval"]
    list_filter = ["level", "hall_kind", "is_active", "catalog_self_approval"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    inlines = [LeadingGroupInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "org_unit", "phone"]
    list_filter = ["org_unit"]
    search_fields = ["name", "code"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "role", "org_unit", "department", "employment", "is_active"]
    list_filter = ["role", "employment", "is_active", "org_unit"]
    search_fields = ["name", "user__username", "badge_number"]
    autocomplete_fields = ["user", "org_unit", "department"]


class PostInlineFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """§6(1): the admin refuses to save a window's postings that leave it without an A post."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            spans.append(Span(data["kind"], data["valid_from"], data.get("valid_to")))
            if form.has_changed() and data.get("staff") is not None:
                clash = holder_clash(
                    staff=data["staff"], window=self.instance, kind=data["kind"], start=data["valid_from"],
                    end=data.get("valid_to"), ignore=form.instance if form.instance.pk else None,
                )  # fmt: skip
                if clash:
                    form.add_error("staff", clash)
        if any(self.errors):
            return
        if self.instance.is_active:
            check_a_coverage(window=self.instance, spans=spans, since=timezone.localdate())


class PostInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Post
    formset = PostInlineFormSet
    fk_name = "window"
    extra = 0
    autocomplete_fields = ["staff"]
    fields = ["kind", "staff", "valid_from", "valid_to", "note"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "center", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "business_scope"]
    filter_horizontal = ["departments"]
    inlines = [PostInline]


@admin.register(ExtendedHours)
class ExtendedHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["center", "date", "start", "end", "note"]
    list_filter = ["center"]
