from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.risk"
    verbose_name = _("Risk and win-back")

    def ready(self) -> None:
        # Each part registers its panels, alert kinds, steps and timeline sources here.
        self._win_back()

    @staticmethod
    def _win_back() -> None:
        """The win-back plan's panel, timeline, follow-up type and alert action (§10)."""
        from kam.accounts.panels import register
        from kam.risk.winback import permissions  # noqa: F401  (declares its actions)
        from kam.risk.winback.links import register_links
        from kam.risk.winback.panels import WIN_BACK_PANEL
        from kam.risk.winback.timeline import register_timeline

        register(WIN_BACK_PANEL)
        register_timeline()
        register_links()
