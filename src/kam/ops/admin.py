from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kam.core.models import WorkerHeartbeat
from kam.ops.models import JobRunStatus, ScheduledJob, ScheduledJobRun


class ScheduledJobRunInline(admin.TabularInline):
    model = ScheduledJobRun
    fields = ("due_at", "started_at", "finished_at", "status", "message")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-started_at", "-id")
    verbose_name_plural = _("runs")


@admin.register(ScheduledJob)
class ScheduledJobAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "task",
        "interval",
        "daily_at",
        "enabled",
        "next_run_at",
        "last_run_at",
        "last_run_status",
    )
    list_filter = ("enabled",)
    search_fields = ("name", "task")
    readonly_fields = ("last_run_at",)
    inlines = (ScheduledJobRunInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScheduledJob]:
        last = ScheduledJobRun.objects.filter(job=OuterRef("pk")).order_by("-started_at", "-id")
        return (
            super().get_queryset(request).annotate(last_status=Subquery(last.values("status")[:1]))
        )

    @admin.display(description=_("last run status"))
    def last_run_status(self, job: ScheduledJob) -> str:
        status = getattr(job, "last_status", None)
        return str(JobRunStatus(status).label) if status else "—"


@admin.register(ScheduledJobRun)
class ScheduledJobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "due_at", "started_at", "finished_at", "status", "message")
    list_filter = ("status", "job")
    list_select_related = ("job",)
    readonly_fields = [field.name for field in ScheduledJobRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are recorded by the scheduler

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """The workers as they last reported (read only: the workers write these rows)."""

    list_display = ("worker_id", "kind", "host", "pid", "started_at", "beat_at", "task")
    readonly_fields = (*list_display, "task_started_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
