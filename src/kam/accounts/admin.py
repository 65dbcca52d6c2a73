from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    KeyStatusChange,
    Note,
    PotentialEstimate,
)


class TeamMemberInline(admin.TabularInline):
    model = AccountTeamMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "status", "is_key", "industry", "region", "owner")
    list_filter = ("status", "is_key", "account_type", "size_band")
    search_fields = ("code", "name", "legal_name")
    autocomplete_fields = ("parent", "owner")
    inlines = [TeamMemberInline]


@admin.register(AccountTeamMember)
class AccountTeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ("account", "user", "role")
    autocomplete_fields = ("account", "user")


@admin.register(PotentialEstimate)
class PotentialEstimateAdmin(SimpleHistoryAdmin):
    list_display = ("account", "amount", "estimated_on", "source", "author")
    autocomplete_fields = ("account",)


@admin.register(KeyStatusChange)
class KeyStatusChangeAdmin(SimpleHistoryAdmin):
    list_display = ("account", "is_key", "reason", "decided_by", "decided_at")


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    list_display = ("account", "author", "created_at")
    autocomplete_fields = ("account",)
