from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from kam.accounts import columns
        from kam.accounts.panels import register
        from kam.accounts.signals import account_inputs_changed
        from kam.accounts.timeline import register_history
        from kam.ledger.signals import ledger_changed
        from kam.portfolio.columns import LIST_COLUMNS
        from kam.portfolio.importing import register_importers
        from kam.portfolio.panels import STRATEGY_PANEL
        from kam.portfolio.receivers import score_when_inputs_change, score_when_ledger_changes
        from kam.portfolio.timeline import KINDS as TIMELINE_KINDS
        from kam.portfolio.timeline import portfolio_history

        ledger_changed.connect(score_when_ledger_changes, dispatch_uid="portfolio-score")
        account_inputs_changed.connect(score_when_inputs_change, dispatch_uid="portfolio-inputs")
        register_importers()
        register(STRATEGY_PANEL)
        for column in LIST_COLUMNS:
            columns.register(column)
        register_history("portfolio", portfolio_history, TIMELINE_KINDS)
