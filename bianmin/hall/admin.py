from django.contrib import admin

from bianmin.hall.models import (
    Appointment,
    AppointmentSlot,
    HallSettings,
    HomeVisit,
    ProxyCase,
    QueueCategory,
    Ticket,
)


@admin.register(HallSettings)
class HallSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["center", "priority_cap", "booking_daily_limit", "booking_days_ahead", "slot_minutes"]
    autocomplete_fields = ["center"]


@admin.register(QueueCategory)
class QueueCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["prefix", "name", "center", "sort_order", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "prefix"]
    filter_horizontal = ["windows"]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["starts_at", "ends_at", "category", "window", "capacity", "booked", "is_blocked"]
    list_filter = ["center", "category", "is_blocked", "is_extended"]
    date_hierarchy = "date"
    # Bookings move `booked`; only the services may change it.
    readonly_fields = ["booked"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "date", "category", "item_name", "status", "channel"]
    list_filter = ["center", "status", "channel"]
    search_fields = ["number"]
    # Personal data is shown masked elsewhere and never edited here; state changes go through the services.
    exclude = ["phone", "id_number"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "day", "category", "priority", "status", "window", "issued_at", "called_at"]
    list_filter = ["center", "status", "priority"]
    date_hierarchy = "day"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(HomeVisit)
class HomeVisitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "name", "item_name", "status", "scheduled_at"]
    list_filter = ["center", "status", "reason"]
    exclude = ["phone"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ProxyCase)
class ProxyCaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "applicant_name", "agent_name", "item_name", "status", "case"]
    list_filter = ["center", "status", "agent_kind"]
    exclude = ["applicant_phone", "applicant_id_number"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
