"""The customer's buying centre: the people kam's managers deal with (DOMAIN §7)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.validators import validate_identifier, validate_in_calendar

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    TECHNICAL_EVALUATOR = "technical_evaluator", _("Technical evaluator")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    COACH = "coach", _("Coach")


class Attitude(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    SCEPTIC = "sceptic", _("Sceptic")
    OPPONENT = "opponent", _("Opponent")


class Contact(models.Model):
    """One person at a customer: role in the buying centre and the ratings of §7."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_identifier])
    department = models.CharField(
        _("department"), max_length=200, blank=True, validators=[validate_identifier]
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[validate_identifier]
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    buying_role = models.CharField(
        _("buying role"), max_length=24, choices=BuyingRole.choices, blank=True
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    attitude = models.CharField(_("attitude"), max_length=12, choices=Attitude.choices, blank=True)
    closeness = models.PositiveSmallIntegerField(
        _("closeness"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    solution_approval = models.PositiveSmallIntegerField(
        _("solution approval"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    price_acceptance = models.PositiveSmallIntegerField(
        _("price acceptance"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    last_contact = models.DateField(
        _("last contact"), null=True, blank=True, validators=[validate_in_calendar]
    )
    active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(
        _("left on"), null=True, blank=True, validators=[validate_in_calendar]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account", "-active", "name", "id"]
        indexes = [models.Index(fields=["account", "active"], name="contact_account_active")]

    def __str__(self) -> str:
        return self.name
