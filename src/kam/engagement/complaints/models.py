"""Complaints and conflicts with their service levels (DOMAIN §9; docs/rules.md "Complaints
and service levels"): the complaint, the log of its moves and the company's SLA settings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.analytics.sla import parse_target
from kam.core.transitions import StateMachine
from kam.org.models import Department, Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Channel(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web")
    CALL_CENTRE = "call_centre", _("Call centre")
    WECHAT = "wechat", _("WeChat")


class Category(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service")
    PRICE_BILLING = "price_billing", _("Price and billing")
    RELATIONSHIP = "relationship", _("Relationship")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", pgettext_lazy("complaint severity", "Medium")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# §9: open → acknowledged → in progress → resolved → closed, reopen from resolved.
COMPLAINT_FLOW = StateMachine(
    _("complaint"),
    {
        Status.OPEN: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.RESOLVED},
        Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
    },
)
# The statuses whose acknowledge or resolve clock still runs.
ACKNOWLEDGE_RUNNING = (Status.OPEN,)
RESOLVE_RUNNING = (Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
# Escalation is for a conflict still being worked on.
ESCALATABLE = RESOLVE_RUNNING


class ClockMode(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time")
    BUSINESS = "business", _("Business hours")


def validate_target(value: str) -> None:
    try:
        parse_target(value)
    except ValueError as error:
        raise ValidationError(
            _("Write a target as hours or days above zero, such as 4h or 2d, at most a year.")
        ) from error


def validate_work_days(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(
            _("Working days are ISO weekday digits, Monday 1 to Sunday 7, such as 12345.")
        )


def _target(label: StrOrPromise, default: str) -> models.CharField:
    return models.CharField(
        label,
        max_length=10,
        default=default,
        validators=[validate_target],
        help_text=_("Hours or days, such as 4h or 2d."),
    )


class ComplaintSettings(models.Model):
    """The SLA targets per severity (§9 defaults) and how their clocks count time; one row,
    edited by the director. Business hours are read in the company time zone."""

    clock = models.CharField(
        _("SLA clock"), max_length=10, choices=ClockMode.choices, default=ClockMode.CALENDAR
    )
    work_days = models.CharField(
        _("working days"),
        max_length=7,
        default="12345",
        validators=[validate_work_days],
        help_text=_("ISO weekday digits: Monday 1 to Sunday 7."),
    )
    work_opens = models.TimeField(_("working day opens"), default=dt.time(9))
    work_closes = models.TimeField(_("working day closes"), default=dt.time(18))
    acknowledge_critical = _target(_("critical: acknowledge within"), "4h")
    resolve_critical = _target(_("critical: resolve within"), "2d")
    acknowledge_high = _target(_("high: acknowledge within"), "1d")
    resolve_high = _target(_("high: resolve within"), "5d")
    acknowledge_medium = _target(_("medium: acknowledge within"), "2d")
    resolve_medium = _target(_("medium: resolve within"), "10d")
    acknowledge_low = _target(_("low: acknowledge within"), "5d")
    resolve_low = _target(_("low: resolve within"), "20d")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self) -> str:
        return str(_("Complaint settings"))

    def clean(self) -> None:
        if self.work_opens and self.work_closes and self.work_opens >= self.work_closes:
            raise ValidationError({"work_closes": _("A working day closes after it opens.")})


# Every setting the director edits, in the model's order (the page and the API follow it).
COMPLAINT_SETTINGS_FIELDS = tuple(
    f.name for f in ComplaintSettings._meta.concrete_fields if f.name not in {"id", "updated_at"}
)


class Complaint(models.Model):
    """A complaint or conflict of a customer (§9), assigned to an internal department (§13),
    with its SLA due times fixed when it is received (from the settings then in force)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("account")
    )
    contact = models.ForeignKey(
        "relationships.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("reported by"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("internal department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_owned",
        verbose_name=_("owner"),
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_complaints",
        verbose_name=_("escalated to"),
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    escalation_reason = models.TextField(_("reason for escalation"), max_length=2000, blank=True)
    root_cause = models.TextField(_("root cause"), max_length=5000, blank=True)
    resolution = models.TextField(_("resolution"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "acknowledge_due_at"], name="complaint_ack_clock"),
            models.Index(fields=["status", "resolve_due_at"], name="complaint_resolve_clock"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def reporter(self) -> str:
        return self.contact.name if self.contact_id and self.contact else self.reporter_name


class EventAction(models.TextChoices):
    CREATED = "created", _("Recorded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    STARTED = "started", _("Work started")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    EDITED = "edited", _("Edited")


class ComplaintEvent(models.Model):
    """One entry of a complaint's log (§9): a move or an assignment, who made it, when, and
    the comment it carried."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    action = models.CharField(_("action"), max_length=14, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=14, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"
