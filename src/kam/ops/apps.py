from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from kam.ops.scheduler.runs import run_finished, run_started

        # Each scheduled run follows its task: started, then succeeded or failed.
        task_started.connect(run_started, dispatch_uid="kam.ops.run_started")
        task_finished.connect(run_finished, dispatch_uid="kam.ops.run_finished")
