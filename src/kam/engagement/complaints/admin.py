"""The complaints in the admin (read mostly: moves go through the services and pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kam.engagement.complaints.models import Complaint, ComplaintEvent, ComplaintSettings


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "at", "comment")


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "account", "severity", "status", "received_at", "department")
    list_filter = ("status", "severity", "category", "channel", "department")
    search_fields = ("subject", "account__code", "account__name")
    raw_id_fields = ("account", "contact", "owner", "escalated_by", "created_by")
    # The status moves only through the flow (kam.engagement.complaints.services).
    readonly_fields = ("status", "acknowledge_due_at", "resolve_due_at")
    inlines = [EventInline]


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "clock", "updated_at")
