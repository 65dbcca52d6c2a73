"""Users, roles, teams, internal departments, API tokens (DOMAIN §13) and company settings."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.core.validators import validate_identifier
from kam.org.notifications import notification_message


class Role(models.TextChoices):
    DIRECTOR = "director", _("Key account director")
    MANAGER = "manager", _("Key account manager")
    SALES = "sales", _("Sales representative")
    MARKETING = "marketing", _("Marketing specialist")
    SERVICE = "service", _("Service")
    EXECUTIVE = "executive", _("Executive (read-only)")
    ADMIN = "admin", _("Administrator")


# DOMAIN §13: these roles see every account; the others see what they own or are on the team of.
ROLES_SEEING_ALL = frozenset({Role.DIRECTOR, Role.EXECUTIVE, Role.ADMIN})
# DOMAIN §13: only these reassign owners, confirm key status, approve plans, edit settings.
ROLES_GOVERNING = frozenset({Role.DIRECTOR, Role.ADMIN})
# DOMAIN §13: a key account manager owns accounts, and the director who runs KAM may take one
# on (docs/rules.md "Who can hold a role"); these are the people an owner is picked from.
ROLES_OWNING = frozenset({Role.MANAGER, Role.DIRECTOR})
# Everyone who works with customers may be on an account's team, executives as sponsors; an
# administrator runs kam itself and is picked for no customer's team.
ROLES_ON_TEAMS = frozenset(set(Role) - {Role.ADMIN})


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "简体中文"


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MANAGER)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_all_accounts(self) -> bool:
        return self.role in ROLES_SEEING_ALL or self.is_superuser

    @property
    def can_write(self) -> bool:
        """Executives read everything and write nothing (DOMAIN §13)."""
        return self.is_active and self.role != Role.EXECUTIVE

    @property
    def governs(self) -> bool:
        return self.role in ROLES_GOVERNING or self.is_superuser


class Team(models.Model):
    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_identifier]
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentCode(models.TextChoices):
    RND = "rnd", _("R&D")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SALES = "sales", _("Sales")
    TRANSPORT = "transport", _("Transport")
    FINANCE = "finance", _("Finance")
    HR = "hr", _("HR")
    SERVICE = "service", _("Service")


class Department(models.Model):
    """One of our own internal departments (S3), to which plan actions and complaints go."""

    code = models.CharField(_("code"), max_length=16, choices=DepartmentCode.choices, unique=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments_headed",
        verbose_name=_("head"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal department")
        verbose_name_plural = _("internal departments")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class CurrencyField(models.CharField):
    """An ISO 4217 code, kept in capitals whatever case it was typed in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 3
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


def default_currency() -> str:
    return str(getattr(settings, "KAM_BASE_CURRENCY", "CNY")).strip().upper()


class CompanySettings(models.Model):
    """What the whole company shares, below every feature app; one row, edited by the director."""

    # Every amount is kept in it, so it cannot change once amounts are stored (the ledger
    # registers that check: org.services.base_currency_lock_register).
    currency = CurrencyField(
        _("base currency"),
        default=default_currency,
        validators=[
            RegexValidator(r"^[A-Z]{3}\Z", _("A currency is a three-letter ISO 4217 code."))
        ],
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=1,
        choices=sorted(MONTHS.items()),  # the page offers month names; the API keeps 1-12
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return str(_("Company settings"))


# The settings a director edits, in the order the settings page shows them.
COMPANY_SETTINGS_FIELDS = tuple(
    f.name for f in CompanySettings._meta.concrete_fields if f.name not in {"id", "updated_at"}
)


TOKEN_PREFIX = "kam_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random, so one SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token; only its hash is stored, the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_identifier])
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("hint"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignInCounter(models.Model):
    """Sign-in attempts counted against one key (a user name from an address, or an address)
    within a window; kept in the database so every server process shares the count.

    Not business data: no history; rows whose window has passed are deleted.
    """

    key = models.CharField(max_length=64, unique=True)  # SHA-256 of scope and value
    attempts = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sign-in counter")
        verbose_name_plural = _("sign-in counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.attempts}"


class Notification(models.Model):
    """One line of a user's inbox: something another user or a job wants them to see.

    `kind` names a registered message (kam.org.notifications) rendered with `params` in the
    reader's language; `text` is what the sender wrote (a note's opening words), shown as is.
    Not business data: no history; the recipient alone reads it and marks it read.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def message(self) -> str:
        return notification_message(self.kind, self.params, self.text)
