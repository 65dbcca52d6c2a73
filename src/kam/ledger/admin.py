from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kam.ledger.models import ExchangeRate, ImportBatch, LedgerLine, MonthlyAggregate


@admin.register(ImportBatch)
class ImportBatchAdmin(SimpleHistoryAdmin):
    list_display = ("id", "kind", "file_name", "status", "lines_added", "created_by", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False  # batches come from imports only


@admin.register(LedgerLine)
class LedgerLineAdmin(admin.ModelAdmin):
    list_display = ("date", "account", "document", "line", "category", "amount_cents", "currency")
    list_select_related = ("account",)
    search_fields = ("document", "account__code")
    readonly_fields = [field.name for field in LedgerLine._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False  # lines are immutable: import or undo a batch

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # the monthly aggregates must follow: undo the batch instead


@admin.register(MonthlyAggregate)
class MonthlyAggregateAdmin(admin.ModelAdmin):
    list_display = ("account", "month", "category", "revenue_cents", "lines", "orders")
    list_select_related = ("account",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # the monthly aggregates must follow: undo the batch instead


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ("currency", "month", "rate")
    list_filter = ("currency",)
