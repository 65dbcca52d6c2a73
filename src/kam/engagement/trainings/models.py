"""Trainings and education sessions held for an account's people (DOMAIN §9, S2 step 7)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.validators import validate_identifier, validate_in_calendar


class TrainingTopic(models.TextChoices):
    PRODUCT_KNOWLEDGE = "product_knowledge", _("Product knowledge")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    SOLUTIONS = "solutions", _("Solutions")


class Training(models.Model):
    """One session: what it taught, when, who gave it, who came, what they took home and how
    they rated it (§9 feedback 1–5, the attendees' average)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("account")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_identifier])
    held_on = models.DateField(_("held on"), validators=[validate_in_calendar])
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(80)],
    )
    # Often one of ours, sometimes a partner's engineer: a name, not a user.
    trainer = models.CharField(_("trainer"), max_length=200)
    # A string reference: engagement may not import the buying centre's app.
    attendees = models.ManyToManyField(
        "relationships.Contact",
        blank=True,
        related_name="trainings",
        verbose_name=_("attendees"),
    )
    materials = models.TextField(
        _("materials"),
        blank=True,
        max_length=5000,
        help_text=_("Slides, handouts and links, one per line."),
    )
    feedback_score = models.DecimalField(
        _("feedback (1–5)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
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
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[attendees])

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["account", "held_on"], name="training_account_held")]

    def __str__(self) -> str:
        return self.title
