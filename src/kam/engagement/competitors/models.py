"""A competitor's offer or activity recorded at an account (DOMAIN §9, S0's case: "the
preferential policies of competitors"), the evidence the risk models and win-back cite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.validators import validate_identifier, validate_in_calendar


class CompetitorOffer(models.TextChoices):
    PRICE_CUT = "price_cut", _("Price cut")
    PAYMENT_TERMS = "payment_terms", _("Payment terms")
    BUNDLED_SERVICE = "bundled_service", _("Bundled service")
    OTHER = "other", _("Other")


class MoveSource(models.TextChoices):
    CUSTOMER = "customer", _("The customer told us")
    FIELD = "field", _("Seen in the field")
    TENDER = "tender", _("Tender or quotation")
    PRESS = "press", _("Press or web")
    OTHER = "other", _("Other")


class CompetitorMove(models.Model):
    """What a competitor offered or did at the account, seen when, by whom, from which source."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="competitor_moves",
        verbose_name=_("account"),
    )
    competitor = models.CharField(_("competitor"), max_length=200, validators=[validate_identifier])
    offer = models.CharField(_("what was offered"), max_length=16, choices=CompetitorOffer.choices)
    description = models.TextField(_("details"), blank=True, max_length=5000)
    products = models.CharField(_("products concerned"), max_length=500, blank=True)
    seen_on = models.DateField(_("seen on"), validators=[validate_in_calendar])
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seen by"),
    )
    source = models.CharField(_("source"), max_length=10, choices=MoveSource.choices)
    source_detail = models.CharField(_("source details"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("competitor move")
        verbose_name_plural = _("competitor moves")
        ordering = ["-seen_on", "-id"]
        indexes = [models.Index(fields=["account", "seen_on"], name="competitor_move_seen")]

    def __str__(self) -> str:
        return f"{self.competitor}: {self.get_offer_display()}"
