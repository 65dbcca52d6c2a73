from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kam.portfolio.steps import BoolArray, ScoredDate


def _risk_step(scored: ScoredDate) -> BoolArray:
    # Imported when a run needs it: the models pull in scikit-learn and scipy.stats, a
    # second of every `kam` command's start-up otherwise.
    from kam.risk.services.scoring import risk_step

    return risk_step(scored)


class RiskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.risk"
    verbose_name = _("Risk and win-back")

    def ready(self) -> None:
        # Each part registers its panels, alert kinds, steps and timeline sources here.
        from kam.accounts.panels import register as register_panel
        from kam.portfolio.steps import register_churn_risk
        from kam.risk.panels import RISK_PANEL

        # §6 R2: the portfolio's scoring run asks for "churn risk high" before the strategy.
        register_churn_risk("risk", _risk_step)
        register_panel(RISK_PANEL)
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
