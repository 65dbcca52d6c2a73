"""One alert model for every area (ARCHITECTURE names; DOMAIN §10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.transitions import StateMachine


class AlertSeverity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Resolution(models.TextChoices):
    CONDITION_CLEARED = "condition_cleared", _("The condition cleared on a later run")
    BY_HAND = "by_hand", _("Resolved by hand")


# open → acknowledged → resolved; an alert resolved by hand may be reopened (docs/rules.md).
ALERT_STATE = StateMachine(
    _("alert"),
    {
        AlertState.OPEN: {AlertState.ACKNOWLEDGED, AlertState.RESOLVED},
        AlertState.ACKNOWLEDGED: {AlertState.RESOLVED},
        AlertState.RESOLVED: {AlertState.OPEN},
    },
    field="state",
)


class Alert(models.Model):
    """One alert model for all areas (§10); at most one open per account and kind.

    The kind names a registered `kam.alerts.registry.AlertKind`; `data` holds what its message
    template is worded from and `cause` which input moved, from what to what. `state` moves
    open → acknowledged → resolved (`ALERT_STATE`); `is_open` is "not resolved", kept beside
    it (a check constraint ties them) for the one-open-per-account-and-kind rule.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.CharField(_("severity"), max_length=8, choices=AlertSeverity.choices)
    message = models.CharField(_("message"), max_length=500)
    data = models.JSONField(_("data"), default=dict, blank=True)
    cause = models.JSONField(_("cause"), default=dict, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN
    )
    is_open = models.BooleanField(_("open"), default=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_alerts",
        verbose_name=_("assigned to"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    resolution_reason = models.TextField(_("reason"), max_length=2000, blank=True)
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
            ),
            models.CheckConstraint(
                condition=(models.Q(state=AlertState.RESOLVED) & models.Q(is_open=False))
                | (~models.Q(state=AlertState.RESOLVED) & models.Q(is_open=True)),
                name="alert_open_means_not_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"


class CommentAction(models.TextChoices):
    COMMENT = "", _("Comment")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    RESOLVE = "resolve", _("Resolved")
    REOPEN = "reopen", _("Reopened")
    ASSIGN = "assign", _("Assigned")


class AlertComment(models.Model):
    """One entry of an alert's discussion (§10): a comment, or the comment a move carried
    (acknowledging, resolving, reopening, assigning), with its author and time."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="comments", verbose_name=_("alert")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    action = models.CharField(
        _("action"), max_length=12, choices=CommentAction.choices, default="", blank=True
    )
    body = models.TextField(_("text"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert comment")
        verbose_name_plural = _("alert comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class AlertFollowUp(models.Model):
    """What was done about an alert (§10): a reference to an object of a registered follow-up
    type (`kam.alerts.followups`; a note now, an activity or a plan action from their own
    apps later), by type code and id, so a lower app never points at a higher one."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("alert")
    )
    target_type = models.CharField(_("type"), max_length=30)
    target_id = models.BigIntegerField(_("object"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert follow-up")
        verbose_name_plural = _("alert follow-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "target_type", "target_id"], name="alert_follow_up_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id}"
