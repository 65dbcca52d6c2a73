from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kam.relationships.models import Contact


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "account", "department", "title", "buying_role", "influence", "active")
    list_filter = ("buying_role", "attitude", "active")
    search_fields = ("name", "email", "account__code", "account__name")
    raw_id_fields = ("account", "reports_to")
