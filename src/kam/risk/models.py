"""Early warning and win-back (DOMAIN §10).

`ModelRun` records one fit of one model (data window, parameters, quality); `RiskScore` is an
account's risk as of a scoring run's date, with the factors behind it; `RiskMonth` keeps the
risk and the §10 churn label at each month end (the monthly history the churn model trains
on and the intervention report reads). A `WinBackPlan` is started from a high-risk alert: its
`WinBackReason`s are proposed from evidence and confirmed or rejected by the manager, its
`Intervention`s are carried out by activities on the agenda, and its outcome is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.transitions import StateMachine


class ModelKind(models.TextChoices):
    BGNBD = "bgnbd", _("BG/NBD (purchases and p(alive))")
    BGNBD_COVARIATES = "bgnbd_covariates", _("BG/NBD with account covariates")
    GAMMA_GAMMA = "gammagamma", _("Gamma-Gamma (spend)")
    CHURN = "churn", _("Logistic regression (churn probability)")
    MARKOV = "markov", _("Markov class migration")


class ModelRun(models.Model):
    """One fit of one model on the data as of a date.

    `parameters` holds the fitted values (by the model's own names: r, alpha, a, b; p, q, v;
    coefficients; the transition matrix); `quality` the figures the model-quality page shows
    (log-likelihood, hold-out predicted against actual, AUC, Brier score, calibration table,
    the baseline's figures); `used` says whether the run drives scores and alerts (a churn
    model that does not beat its baseline, or a covariate BG/NBD that does not improve the
    hold-out fit, is recorded but not used).
    """

    kind = models.CharField(_("model"), max_length=20, choices=ModelKind.choices)
    as_of = models.DateField(_("as of"))
    data_from = models.DateField(_("data from"), null=True, blank=True)
    data_until = models.DateField(_("data until"), null=True, blank=True)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    quality = models.JSONField(_("quality"), default=dict, blank=True)
    used = models.BooleanField(_("used"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    fitted_at = models.DateTimeField(_("fitted"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), default=0.0)

    class Meta:
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")
        ordering = ["-fitted_at", "-id"]
        indexes = [models.Index(fields=["kind", "-fitted_at"], name="model_run_latest")]

    def __str__(self) -> str:
        return f"{self.kind} as of {self.as_of.isoformat()}"


class RiskLevel(models.TextChoices):
    """§10: high if churn probability ≥ 0.5 or p(alive) < 0.3; medium if probability ≥ 0.25."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskScore(models.Model):
    """An account's risk as of a scoring run's date (§10), replaced whole per date.

    `top_factors` lists the churn model's signed contributions, largest first:
    `[{"factor": "recency_ratio", "value": 2.4, "contribution": 0.81}, …]` (contribution on
    the log-odds scale; positive pushes toward churn). `contribution_cents` is the account's
    12-month contribution as of the date: what is at stake.
    """

    # No index of its own: (account, -as_of) below leads with it.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="risk_scores",
        verbose_name=_("account"),
        db_index=False,
    )
    as_of = models.DateField(_("as of"))
    p_alive = models.FloatField(_("p(alive)"), null=True, blank=True)
    expected_purchases = models.FloatField(_("expected purchases"), null=True, blank=True)
    churn_probability = models.FloatField(_("churn probability"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    top_factors = models.JSONField(_("top factors"), default=list, blank=True)
    features = models.JSONField(_("features"), default=dict, blank=True)
    clv_cents = models.BigIntegerField(_("customer lifetime value"), null=True, blank=True)
    expected_spend_cents = models.BigIntegerField(_("expected spend"), null=True, blank=True)
    contribution_cents = models.BigIntegerField(_("contribution"), default=0)
    account_class = models.CharField(_("class"), max_length=1, blank=True)
    is_key = models.BooleanField(_("key account"), default=False)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        ordering = ["-as_of", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "account"], name="risk_score_once_per_date")
        ]
        indexes = [
            models.Index(fields=["account", "-as_of"], name="risk_score_latest"),
            models.Index(fields=["as_of", "risk_level"], name="risk_score_level"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.as_of.isoformat()}: {self.risk_level}"


class RiskMonth(models.Model):
    """An account's risk and churn label at one month end (the monthly history, §10).

    `churned` is the §10 label at the month end (revenue in the next `churn_horizon_months`
    below half the 6 months before), None while the horizon has not passed yet.
    """

    # No index of its own: (account, month_end) below leads with it.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="risk_months",
        verbose_name=_("account"),
        db_index=False,
    )
    month_end = models.DateField(_("month end"))
    churn_probability = models.FloatField(_("churn probability"), null=True, blank=True)
    p_alive = models.FloatField(_("p(alive)"), null=True, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    churned = models.BooleanField(_("churned"), null=True, blank=True)
    revenue_before_cents = models.BigIntegerField(_("revenue, 6 months before"), default=0)

    class Meta:
        verbose_name = _("risk month")
        verbose_name_plural = _("risk months")
        ordering = ["account_id", "month_end"]
        # One index serves both the account's history and the uniqueness: a second one on
        # the same pair doubled the cost of the 70,000 rows a re-score rewrites. Replacing a
        # month end (all accounts) reads the table through, 240,000 short rows.
        constraints = [
            models.UniqueConstraint(
                fields=["account", "month_end"], name="risk_month_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month_end.isoformat()}"


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PlanOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet known")
    WON_BACK = "won_back", _("Won back")
    STABILISED = "stabilised", _("Stabilised")
    LOST = "lost", _("Lost")


# open → closed (with an outcome); a closed plan may be reopened.
PLAN_STATUS = StateMachine(
    _("win-back plan"),
    {PlanStatus.OPEN: {PlanStatus.CLOSED}, PlanStatus.CLOSED: {PlanStatus.OPEN}},
    field="status",
)


class WinBackPlan(models.Model):
    """The work to win a drifting account back (§10), started from its high-risk alert.

    `risk_at_start` keeps the churn probability and risk level the plan started from, so the
    intervention report compares like with like after the scores move on.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="win_back_plans", verbose_name=_("account")
    )
    alert = models.ForeignKey(
        "alerts.Alert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alert"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    churn_probability_at_start = models.FloatField(
        _("churn probability at start"), null=True, blank=True
    )
    risk_level_at_start = models.CharField(
        _("risk level at start"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    goal = models.TextField(_("goal"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=PlanOutcome.choices, default=PlanOutcome.PENDING
    )
    outcome_note = models.TextField(_("outcome note"), max_length=2000, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("win-back plan")
        verbose_name_plural = _("win-back plans")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status="open"),
                name="win_back_plan_one_open_per_account",
            )
        ]
        indexes = [models.Index(fields=["account", "-started_on"], name="win_back_plan_account")]

    def __str__(self) -> str:
        return f"{self.account_id} from {self.started_on.isoformat()}"


class ReasonKind(models.TextChoices):
    """§10's reasons behind a risk."""

    SERVICE_QUALITY = "service_quality", _("Service quality decline")
    COMPETITOR_POLICY = "competitor_policy", _("Competitor's preferential policy")
    PRICE = "price", _("Price")
    RELATIONSHIP_CHANGE = "relationship_change", _("Relationship change")
    PRODUCT_FIT = "product_fit", _("Product fit")
    BUDGET = "budget", _("Budget")
    OTHER = "other", _("Other")


class ReasonStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class WinBackReason(models.Model):
    """A reason behind the risk, proposed from evidence or added by the manager.

    `evidence` lists the records behind it, each as the pages cite it:
    `[{"type": "complaint", "id": 12, "date": "2026-05-02", "label": "…", "url": "…"}, …]`,
    and `figures` what moved (e.g. `{"complaints_before": 1, "complaints_after": 4}`).
    """

    plan = models.ForeignKey(
        WinBackPlan, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("plan")
    )
    kind = models.CharField(_("reason"), max_length=20, choices=ReasonKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReasonStatus.choices, default=ReasonStatus.PROPOSED
    )
    proposed = models.BooleanField(_("proposed from evidence"), default=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("win-back reason")
        verbose_name_plural = _("win-back reasons")
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="win_back_reason_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.kind}"


class InterventionKind(models.TextChoices):
    """§10's interventions."""

    SERVICE_IMPROVEMENT = "service_improvement", _("Service improvement")
    PREFERENTIAL_POLICY = "preferential_policy", _("Preferential policy")
    MORE_COMMUNICATION = "more_communication", _("More communication")
    EXECUTIVE_VISIT = "executive_visit", _("Executive visit")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Intervention(models.Model):
    """What the plan does about a reason, owned and due; carried out by activities (their
    planned ones stand on the owner's agenda)."""

    plan = models.ForeignKey(
        WinBackPlan,
        on_delete=models.CASCADE,
        related_name="interventions",
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("intervention"), max_length=20, choices=InterventionKind.choices)
    description = models.TextField(_("what is done"), max_length=2000, blank=True)
    reason = models.ForeignKey(
        WinBackReason,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("reason addressed"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    activities = models.ManyToManyField(
        "engagement.Activity", blank=True, related_name="+", verbose_name=_("activities")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="intervention_due")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.kind}"
