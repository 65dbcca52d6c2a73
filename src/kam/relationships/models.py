"""The customer's buying centre: the people kam's managers deal with (DOMAIN §7)."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.validators import validate_identifier, validate_in_calendar
from kam.relationships.phones import phone_key

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
    # The phone's `phone_key`, kept by save() and set by the bulk paths (imports, demo), so
    # duplicates are looked up in SQL. Derived: no history of its own.
    phone_key = models.CharField(_("phone key"), max_length=64, blank=True, editable=False)
    wechat = models.CharField(_("WeChat / IM"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
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
    # A duplicate merged into another contact stays, hidden, so its history is kept.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["phone_key"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account", "-active", "name", "id"]
        indexes = [
            models.Index(fields=["account", "active"], name="contact_account_active"),
            models.Index(fields=["account", "phone_key"], name="contact_account_phone_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save with `phone_key` following the phone (§7 duplicates)."""
        self.key_phone()
        fields = kwargs.get("update_fields")
        if fields is not None and "phone" in fields:
            kwargs["update_fields"] = {*fields, "phone_key"}
        super().save(*args, **kwargs)

    def key_phone(self) -> None:
        """Set `phone_key` from the phone: what a bulk write (which skips save()) calls."""
        self.phone_key = phone_key(self.phone)

    @property
    def initials(self) -> str:
        """The avatar's letters: the first letters of the first two words ("Wang Wei" → "WW"),
        or the first two characters of a one-word name ("王伟" → "王伟")."""
        words = self.name.split()
        if len(words) >= 2:
            return (words[0][0] + words[1][0]).upper()
        return self.name[:2].upper()


class LinkKind(models.TextChoices):
    REPORTS_INFORMALLY = "reports_informally", _("Reports informally to")
    TRUSTS = "trusts", _("Trusts")
    OPPOSES = "opposes", _("Opposes")


class InfluenceLink(models.Model):
    """One line of influence between two contacts of one account, besides the reporting
    line (§7): who influences whom, how strongly (1–3) and how."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="influence_links",
        verbose_name=_("account"),
    )
    source = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("to")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    strength = models.PositiveSmallIntegerField(
        _("strength"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("influence link")
        verbose_name_plural = _("influence links")
        ordering = ["account", "source", "target", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="link_not_to_self"
            ),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=3), name="link_strength_1_3"
            ),
            models.UniqueConstraint(fields=["source", "target", "kind"], name="link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.kind})"


class ScoreReason(models.TextChoices):
    CHANGE = "change", _("a change to the map")
    SWEEP = "sweep", _("the nightly sweep")


class RelationshipScore(models.Model):
    """One point of an account's relationship series (§7 "kept as a dated series"): appended
    by a change to the map or by the nightly sweep, only when a value moved.

    `gaps` holds `[{"kind": GAP_KIND, "people": [contact id, ...]}, ...]`; `department_scores`
    holds `[{"department": name, "score": 0–100 or null, "people": n}, ...]`.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="relationship_scores",
        verbose_name=_("account"),
    )
    recorded_at = models.DateTimeField(_("recorded"))
    as_of = models.DateField(_("as of"))
    overall_closeness = models.FloatField(_("overall closeness"), null=True)
    coverage = models.FloatField(_("coverage"), null=True)
    gap_count = models.PositiveSmallIntegerField(_("gaps"), default=0)
    gaps = models.JSONField(_("gaps"), default=list)
    department_scores = models.JSONField(_("department scores"), default=list)
    people = models.PositiveIntegerField(_("active contacts"), default=0)
    reason = models.CharField(_("reason"), max_length=8, choices=ScoreReason.choices)

    class Meta:
        verbose_name = _("relationship score")
        verbose_name_plural = _("relationship scores")
        ordering = ["account", "-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-recorded_at"], name="relscore_account_recorded")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.as_of}"
