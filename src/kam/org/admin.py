from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from kam.org.models import ApiToken, Department, Team, User


@admin.register(User)
class KamUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("kam", {"fields": ("role", "language")}))  # type: ignore[misc]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    filter_horizontal = ("members",)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "head")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "hint", "created_at", "last_used_at")
    list_filter = ("revoked_at",)

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created by their owner (page, API or `kam token create`)
