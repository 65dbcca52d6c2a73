"""Customer accounts, their teams, potential estimates, factors, notes and key status (§2, §13)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.core.validators import validate_identifier, validate_in_calendar

FACTOR_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
# 15 significant digits survive SQLite's numeric storage exactly (up to ~10 trillion).
MAX_MONEY = Decimal("9999999999999.99")
MONEY_DIGITS = 15


class AccountType(models.TextChoices):
    END_USER = "end_user", _("End user")
    OEM = "oem", _("OEM")
    DISTRIBUTOR = "distributor", _("Distributor")
    INTEGRATOR = "integrator", _("System integrator")
    GOVERNMENT = "government", _("Government and public sector")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")
    ENTERPRISE = "enterprise", _("Enterprise")


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    FORMER = "former", _("Former customer")


class Account(models.Model):
    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("The customer code in the ERP."),
        validators=[validate_identifier],
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_identifier])
    legal_name = models.CharField(
        _("legal name"), max_length=300, blank=True, validators=[validate_identifier]
    )
    account_type = models.CharField(
        _("type"), max_length=16, choices=AccountType.choices, default=AccountType.END_USER
    )
    industry = models.CharField(
        _("industry"), max_length=100, blank=True, db_index=True, validators=[validate_identifier]
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, db_index=True, validators=[validate_identifier]
    )
    size_band = models.CharField(
        _("size band"), max_length=16, choices=SizeBand.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent account"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AccountStatus.choices,
        default=AccountStatus.PROSPECT,
        db_index=True,
    )
    is_key = models.BooleanField(_("key account"), default=False, db_index=True)
    key_reason = models.CharField(_("key status reason"), max_length=500, blank=True)
    strategic_importance = models.PositiveSmallIntegerField(
        _("strategic importance"), null=True, blank=True, validators=FACTOR_VALIDATORS
    )
    technical_fit = models.PositiveSmallIntegerField(
        _("technical fit"), null=True, blank=True, validators=FACTOR_VALIDATORS
    )
    credit_reputation = models.PositiveSmallIntegerField(
        _("credit and reputation"),
        null=True,
        blank=True,
        validators=FACTOR_VALIDATORS,
        help_text=_("1 means blocked."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategic_importance__isnull=True)
                | models.Q(strategic_importance__gte=1, strategic_importance__lte=5),
                name="account_strategic_importance_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(technical_fit__isnull=True)
                | models.Q(technical_fit__gte=1, technical_fit__lte=5),
                name="account_technical_fit_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_reputation__isnull=True)
                | models.Q(credit_reputation__gte=1, credit_reputation__lte=5),
                name="account_credit_reputation_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TeamRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")
    TECHNICAL = "technical", _("Technical")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")


class AccountTeamMember(models.Model):
    """A user with a role on one account's team (DOMAIN §13)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        ordering = ["account", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "role"], name="account_team_member_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class PotentialEstimate(models.Model):
    """The most revenue per year the account could bring us, as estimated on a date (§2)."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="potential_estimates",
        verbose_name=_("account"),
    )
    amount = models.DecimalField(
        _("amount per year"),
        max_digits=MONEY_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_MONEY)],
    )
    estimated_on = models.DateField(_("estimated on"), validators=[validate_in_calendar])
    source = models.CharField(_("source"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("potential estimate")
        verbose_name_plural = _("potential estimates")
        ordering = ["-estimated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="potential_estimate_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount} @ {self.estimated_on}"


class KeyStatusChange(models.Model):
    """A decision on an account's key status, with its reason (§2)."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="key_status_changes",
        verbose_name=_("account"),
    )
    is_key = models.BooleanField(_("key account"))
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key status change")
        verbose_name_plural = _("key status changes")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.is_key} ({self.reason[:40]})"


class Note(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="notes", verbose_name=_("account")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=10000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentioned_in_notes",
        verbose_name=_("mentions"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a director")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class AccountRequest(models.Model):
    """An account asked for by a user who does not see every account (docs/rules.md, §13):
    a director or an administrator approves it into an account the asker owns, or declines it.
    """

    code = models.CharField(_("code"), max_length=64, validators=[validate_identifier])
    name = models.CharField(_("name"), max_length=200, validators=[validate_identifier])
    # The other account fields asked for, as `account_create` takes them.
    fields = models.JSONField(_("details"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
