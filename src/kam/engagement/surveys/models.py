"""Satisfaction surveys (DOMAIN §9): plans, responses and one-time public invitations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.validators import validate_identifier, validate_in_calendar

CSAT = [MinValueValidator(1), MaxValueValidator(5)]
NPS = [MinValueValidator(0), MaxValueValidator(10)]
# The five CSAT dimensions of §9, in the order the form and the chart show them.
CSAT_FIELDS = (
    "csat_product",
    "csat_service",
    "csat_delivery",
    "csat_price",
    "csat_relationship",
)
SCORE_FIELDS = (*CSAT_FIELDS, "nps")


class SurveyMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone")


class SurveySchedule(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    ONCE = "once", _("Once")


class ResponseSource(models.TextChoices):
    PAGE = "page", _("Entered on the page")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    PUBLIC_FORM = "public_form", _("Public survey form")


class SurveyPlan(models.Model):
    """How one account is surveyed: why, what is asked, how often, how and whom (§9)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="survey_plans", verbose_name=_("account")
    )
    purpose = models.CharField(_("purpose"), max_length=200, validators=[validate_identifier])
    content = models.TextField(_("content and questions"), max_length=5000, blank=True)
    schedule = models.CharField(
        _("schedule"),
        max_length=12,
        choices=SurveySchedule.choices,
        default=SurveySchedule.QUARTERLY,
    )
    next_due_on = models.DateField(
        _("next due"), null=True, blank=True, validators=[validate_in_calendar]
    )
    method = models.CharField(
        _("method"), max_length=12, choices=SurveyMethod.choices, default=SurveyMethod.WEB_FORM
    )
    contacts = models.ManyToManyField(
        "relationships.Contact",
        blank=True,
        related_name="survey_plans",
        verbose_name=_("who is surveyed"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[contacts])

    class Meta:
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        ordering = ["account_id", "next_due_on", "id"]

    def __str__(self) -> str:
        return self.purpose


class SurveyResponse(models.Model):
    """One respondent's answers: NPS 0–10 and CSAT 1–5 on five dimensions (§9); each score is
    optional, but a response carries at least one."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="survey_responses",
        verbose_name=_("account"),
    )
    plan = models.ForeignKey(
        SurveyPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("survey plan"),
    )
    contact = models.ForeignKey(
        "relationships.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("respondent"),
    )
    responded_on = models.DateField(_("responded on"), validators=[validate_in_calendar])
    method = models.CharField(
        _("method"), max_length=12, choices=SurveyMethod.choices, default=SurveyMethod.WEB_FORM
    )
    nps = models.PositiveSmallIntegerField(_("NPS (0–10)"), null=True, blank=True, validators=NPS)
    csat_product = models.PositiveSmallIntegerField(
        _("CSAT product"), null=True, blank=True, validators=CSAT
    )
    csat_service = models.PositiveSmallIntegerField(
        _("CSAT service"), null=True, blank=True, validators=CSAT
    )
    csat_delivery = models.PositiveSmallIntegerField(
        _("CSAT delivery"), null=True, blank=True, validators=CSAT
    )
    csat_price = models.PositiveSmallIntegerField(
        _("CSAT price"), null=True, blank=True, validators=CSAT
    )
    csat_relationship = models.PositiveSmallIntegerField(
        _("CSAT relationship"), null=True, blank=True, validators=CSAT
    )
    comments = models.TextField(_("comments"), max_length=5000, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=ResponseSource.choices, default=ResponseSource.PAGE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-responded_on", "-id"]
        indexes = [models.Index(fields=["account", "responded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10),
                name="survey_response_nps_0_10",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"survey_response_{name}_1_5",
                )
                for name in CSAT_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=False)
                | Q(csat_product__isnull=False)
                | Q(csat_service__isnull=False)
                | Q(csat_delivery__isnull=False)
                | Q(csat_price__isnull=False)
                | Q(csat_relationship__isnull=False),
                name="survey_response_has_a_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.responded_on}"


class SurveyInvitation(models.Model):
    """A one-time link to the public survey form for one contact (§9).

    Only the token's hash is stored (as API tokens are, kam.org.models.hash_token): the link
    is shown once, when it is made. It is spent by the one response it records (`used_at`),
    and closes when it expires or is revoked.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("account"),
    )
    plan = models.ForeignKey(
        SurveyPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("survey plan"),
    )
    contact = models.ForeignKey(
        "relationships.Contact",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("contact"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("hint"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    response = models.OneToOneField(
        SurveyResponse,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("response"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.hint}…"

    @property
    def state(self) -> str:
        """answered, revoked, expired or open."""
        if self.used_at is not None:
            return "answered"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= timezone_now() else "open"
