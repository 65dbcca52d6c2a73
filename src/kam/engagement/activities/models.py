"""Activities with the customer and the contact cadence's settings (DOMAIN §9, S0 step 4, S3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.transitions import StateMachine
from kam.core.validators import validate_in_calendar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    ONLINE_SESSION = "online_session", _("Online session")
    SERVICE_REQUEST = "service_request", _("Service request")


# The kinds that keep the account's visit cadence (§9 "visit or meeting").
VISIT_KINDS = (ActivityKind.VISIT, ActivityKind.MEETING)


class Channel(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web")
    CALL_CENTRE = "call_centre", _("Call centre")
    WECHAT = "wechat", _("WeChat")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Done is final; a cancelled activity may be planned again (kam.core.transitions).
ACTIVITY_FLOW = StateMachine(
    _("activity"),
    {
        ActivityStatus.PLANNED: {ActivityStatus.DONE, ActivityStatus.CANCELLED},
        ActivityStatus.CANCELLED: {ActivityStatus.PLANNED},
    },
)


class Activity(models.Model):
    """One contact with the customer, planned or done (§9): who took part on each side, what
    was said and what comes next."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="activities", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    planned_for = models.DateTimeField(_("planned for"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_step_on = models.DateField(
        _("next step on"), null=True, blank=True, validators=[validate_in_calendar]
    )
    # The planned activity the next step became (§9: "which becomes a planned activity").
    follows = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_activity",
        verbose_name=_("follows"),
    )
    our_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="activities",
        verbose_name=_("our participants"),
    )
    # A string reference: engagement may not import the buying centre's app.
    their_participants = models.ManyToManyField(
        "relationships.Contact",
        blank=True,
        related_name="activities",
        verbose_name=_("their participants"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_activities",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-planned_for", "-id"]
        indexes = [
            models.Index(fields=["account", "status", "kind"], name="activity_account_status"),
            models.Index(fields=["owner", "status", "planned_for"], name="activity_owner_due"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def when(self) -> object:
        """The moment that dates the activity: done at when done, else planned for."""
        return self.done_at if self.status == ActivityStatus.DONE else self.planned_for


def _days(label: StrOrPromise, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )


class CadenceSettings(models.Model):
    """The contact cadence of §9; one row, edited by the director."""

    visit_days_a = _days(_("class A: visit or meeting every (days)"), 30)
    visit_days_b = _days(_("class B: visit or meeting every (days)"), 45)
    visit_days_c = _days(_("class C: visit or meeting every (days)"), 30)
    visit_days_d = _days(_("class D: visit or meeting every (days)"), 90)
    decision_maker_days = _days(_("each decision maker contacted every (days)"), 60)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("cadence settings")
        verbose_name_plural = _("cadence settings")

    def __str__(self) -> str:
        return str(_("Cadence settings"))

    def visit_days(self, account_class: str) -> int:
        """The interval of a class (0: no class, no cadence)."""
        return int(getattr(self, f"visit_days_{account_class.lower()}", 0) or 0)


@dataclass(frozen=True)
class CadenceSetting:
    """What a field of CadenceSettings cannot say about itself."""

    group: StrOrPromise  # its heading on the settings page


CADENCE = _("Contact cadence")
# One row per field of CadenceSettings (a test holds them equal); the API schema, the
# settings form and the page's section follow from it.
CADENCE_SETTINGS_TABLE: dict[str, CadenceSetting] = {
    **{f"visit_days_{k}": CadenceSetting(CADENCE) for k in "abcd"},
    "decision_maker_days": CadenceSetting(CADENCE),
}
CADENCE_SETTINGS_FIELDS = tuple(CADENCE_SETTINGS_TABLE)
