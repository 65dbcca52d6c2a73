"""One alert model for every area (ARCHITECTURE names; DOMAIN §10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account


class AlertSeverity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class Alert(models.Model):
    """One alert model for all areas (§10); at most one open per account and kind.

    The kind names a registered `kam.alerts.registry.AlertKind`; `data` holds what its message
    template is worded from. Open means not resolved; acknowledging records who took it on.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.CharField(_("severity"), max_length=8, choices=AlertSeverity.choices)
    message = models.CharField(_("message"), max_length=500)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    is_open = models.BooleanField(_("open"), default=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=models.Q(is_open=True),
                name="alert_one_open_per_account_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"
