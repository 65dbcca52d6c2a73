"""Portfolio settings, snapshots, playbooks, overrides, cost to serve and alerts (§2–§6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import MAX_MONEY, MONEY_DIGITS, Account
from kam.analytics.score import FACTORS
from kam.core.transitions import StateMachine
from kam.core.validators import validate_in_calendar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHARE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]
MONEY = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_MONEY)]
MONTHS = [MinValueValidator(1), MaxValueValidator(120)]


def _share(label: StrOrPromise, default: str, help_text: StrOrPromise = "") -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=4,
        default=Decimal(default),
        validators=SHARE,
        help_text=help_text,
    )


def _money(label: StrOrPromise, default: int) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=MONEY_DIGITS, decimal_places=2, default=Decimal(default), validators=MONEY
    )


class PortfolioSettings(models.Model):
    """Every threshold and weight of DOMAIN §2–§6; one row, edited by the director."""

    pareto_revenue_share = _share(_("Pareto revenue share"), "0.80")
    pareto_max_account_share = _share(_("Pareto maximum share of accounts"), "0.20")
    key_score_threshold = models.DecimalField(
        _("key-account score threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    potential_max_age_months = models.PositiveSmallIntegerField(
        _("potential estimate maximum age (months)"), default=12, validators=MONTHS
    )
    contribution_high = _money(_("high contribution from"), 10_000_000)
    contribution_medium = _money(_("medium contribution from"), 5_000_000)
    potential_high = _money(_("high potential from"), 30_000_000)
    potential_medium = _money(_("medium potential from"), 10_000_000)
    relative_share_threshold = _share(_("relative rule: share of wallet below"), "0.30")
    lost_after_months = models.PositiveSmallIntegerField(
        _("lost after months without revenue"), default=12, validators=MONTHS
    )
    min_history_months = models.PositiveSmallIntegerField(
        _("months of history before the trend counts"), default=6, validators=MONTHS
    )
    lifecycle_window_months = models.PositiveSmallIntegerField(
        _("trend window (months)"),
        default=24,
        validators=[MinValueValidator(3), MaxValueValidator(120)],
    )
    lifecycle_t_threshold = models.DecimalField(
        _("trend t-statistic threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    lifecycle_slope_threshold = _share(_("trend relative annual slope threshold"), "0.05")
    weight_contribution = _share(_("weight: contribution"), "0.30")
    weight_potential = _share(_("weight: potential"), "0.20")
    weight_growth = _share(_("weight: growth"), "0.10")
    weight_margin = _share(_("weight: margin %"), "0.10")
    weight_strategic_importance = _share(_("weight: strategic importance"), "0.15")
    weight_technical_fit = _share(_("weight: technical fit"), "0.05")
    weight_credit_reputation = _share(_("weight: credit and reputation"), "0.10")
    band_a_low = _share(_("class A investment ratio from"), "0.03")
    band_a_high = _share(_("class A investment ratio to"), "0.08")
    band_b_low = _share(_("class B investment ratio from"), "0.01")
    band_b_high = _share(_("class B investment ratio to"), "0.05")
    band_c_low = _share(_("class C investment ratio from"), "0.05")
    band_c_high = _share(_("class C investment ratio to"), "0.15")
    band_d_low = _share(_("class D investment ratio from"), "0.00")
    band_d_high = _share(_("class D investment ratio to"), "0.02")
    contact_window_days = models.PositiveSmallIntegerField(
        _("contact window (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("A contact counts as covered when last met within this many days (§7)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("portfolio settings")
        verbose_name_plural = _("portfolio settings")

    def __str__(self) -> str:
        return str(_("Portfolio settings"))

    def clean(self) -> None:
        """The rules between settings (§3, §4, §2); one field's own bounds are on the field."""
        errors: dict[str, StrOrPromise] = {}
        for low, high in ORDERED_SETTINGS:
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                errors.setdefault(low, _("The lower threshold must not exceed the upper one."))
        if sum(getattr(self, name) or 0 for name in WEIGHT_SETTINGS) <= 0:
            errors[WEIGHT_SETTINGS[0]] = _("At least one score weight must be above zero.")
        if errors:
            raise ValidationError(errors)


# Every setting the director edits, in the order of the model (and of the settings page).
SETTINGS_FIELDS = tuple(
    f.name for f in PortfolioSettings._meta.concrete_fields if f.name not in {"id", "updated_at"}
)
WEIGHT_SETTINGS = tuple(f"weight_{name}" for name in FACTORS)
# Each lower threshold and the upper one it must not exceed.
ORDERED_SETTINGS = (
    ("contribution_medium", "contribution_high"),
    ("potential_medium", "potential_high"),
    ("band_a_low", "band_a_high"),
    ("band_b_low", "band_b_high"),
    ("band_c_low", "band_c_high"),
    ("band_d_low", "band_d_high"),
)


@dataclass(frozen=True)
class Setting:
    """What a field of PortfolioSettings cannot say about itself."""

    group: StrOrPromise  # its heading on the settings page
    cents: bool = False  # money: the pure core reads it in integer cents, as `<name>_cents`
    percent: bool = False  # a share 0–1, which the settings page shows as a percentage
    # Read by the portfolio's pure core through kam.analytics.rules.Rules; False for a setting
    # another app hands its own core (the relationship map's window, kam.relationships).
    rules: bool = True


KEY_ACCOUNTS = _("Identifying key accounts")
MATRIX = _("Matrix thresholds")
LIFECYCLE = _("Lifecycle")
WEIGHTS = _("Score weights")
BANDS = _("Investment bands")
RELATIONSHIPS = _("Relationship map")
# One row per field of PortfolioSettings (a test holds them equal). A new setting is a model
# field (label, default, validators), a row here, and, if the pure core reads it, a field of
# kam.analytics.rules.Rules of the same name (else `rules=False`); the API schemas, the
# settings form and rules_from (portfolio/rules.py) follow from these.
SETTINGS_TABLE: dict[str, Setting] = {
    "pareto_revenue_share": Setting(KEY_ACCOUNTS, percent=True),
    "pareto_max_account_share": Setting(KEY_ACCOUNTS, percent=True),
    "key_score_threshold": Setting(KEY_ACCOUNTS),
    "potential_max_age_months": Setting(KEY_ACCOUNTS),
    "contribution_high": Setting(MATRIX, cents=True),
    "contribution_medium": Setting(MATRIX, cents=True),
    "potential_high": Setting(MATRIX, cents=True),
    "potential_medium": Setting(MATRIX, cents=True),
    "relative_share_threshold": Setting(MATRIX, percent=True),
    "lost_after_months": Setting(LIFECYCLE),
    "min_history_months": Setting(LIFECYCLE),
    "lifecycle_window_months": Setting(LIFECYCLE),
    "lifecycle_t_threshold": Setting(LIFECYCLE),
    "lifecycle_slope_threshold": Setting(LIFECYCLE, percent=True),
    **{name: Setting(WEIGHTS, percent=True) for name in WEIGHT_SETTINGS},
    **{f"band_{k}_{end}": Setting(BANDS, percent=True) for k in "abcd" for end in ("low", "high")},
    "contact_window_days": Setting(RELATIONSHIPS, rules=False),
}


class Scope(models.TextChoices):
    ENTITY = "entity", _("Legal entity")
    GROUP = "group", _("Group")


class AccountClass(models.TextChoices):
    A = "A", _("A: great potential, great contribution")
    B = "B", _("B: contribution beyond potential")
    C = "C", _("C: headroom")
    D = "D", _("D: little potential or contribution")


class Level(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class Lifecycle(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    GROWTH = "growth", _("Growth")
    MATURITY = "maturity", _("Maturity")
    DECLINE = "decline", _("Decline")
    LOST = "lost", _("Lost")


class Strategy(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    PROMOTION = "promotion", _("Promotion")
    RETENTION = "retention", _("Retention")
    WIN_BACK = "win_back", _("Win-back")
    WAIT_AND_SEE = "wait_and_see", _("Wait and see")


class InvestmentBand(models.TextChoices):
    WITHIN = "within", _("within its band")
    BELOW = "below", _("below its band")
    ABOVE = "above", _("above its band")
    UNDEFINED = "", _("undefined")


class Snapshot(models.Model):
    """Every computed figure of one account (or group) as of one date (§2–§6)."""

    # No index of its own: (account, as_of) below serves every lookup by account.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("account"),
        db_index=False,
    )
    as_of = models.DateField(_("as of"))
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    active = models.BooleanField(_("active"))
    contribution_cents = models.BigIntegerField(_("contribution"))
    contribution_prev_cents = models.BigIntegerField(_("contribution of the 12 months before"))
    margin_cents = models.BigIntegerField(_("margin"))
    margin_pct = models.FloatField(_("margin %"), null=True)
    growth = models.FloatField(_("growth"), null=True)
    potential_estimate_cents = models.BigIntegerField(_("potential estimate"), null=True)
    potential_estimated_on = models.DateField(_("potential estimated on"), null=True)
    potential_cents = models.BigIntegerField(_("effective potential"))
    share_of_wallet = models.FloatField(_("share of wallet"), null=True)
    potential_missing = models.BooleanField(_("potential missing"), default=False)
    potential_below_contribution = models.BooleanField(
        _("potential below contribution"), default=False
    )
    potential_stale = models.BooleanField(_("potential stale"), default=False)
    relative_rule = models.BooleanField(_("relative rule applied"), default=False)
    contribution_level = models.CharField(
        _("contribution level"), max_length=8, choices=Level.choices
    )
    potential_level = models.CharField(_("potential level"), max_length=8, choices=Level.choices)
    account_class = models.CharField(_("class"), max_length=1, choices=AccountClass.choices)
    score = models.FloatField(_("score"), null=True)
    # The factors of the score (§2), each 0–1 or NULL when missing: plain columns, not JSON,
    # so a back-fill of many dates writes numbers rather than encoding and checking text.
    factor_contribution = models.FloatField(_("contribution factor"), null=True)
    factor_potential = models.FloatField(_("potential factor"), null=True)
    factor_growth = models.FloatField(_("growth factor"), null=True)
    factor_margin = models.FloatField(_("margin factor"), null=True)
    factor_strategic_importance = models.FloatField(_("strategic importance factor"), null=True)
    factor_technical_fit = models.FloatField(_("technical fit factor"), null=True)
    factor_credit_reputation = models.FloatField(_("credit and reputation factor"), null=True)
    pareto_rank = models.PositiveIntegerField(_("Pareto rank"), null=True)
    revenue_share = models.FloatField(_("revenue share"), null=True)
    cumulative_share = models.FloatField(_("cumulative revenue share"), null=True)
    pareto_candidate = models.BooleanField(_("Pareto candidate"), default=False)
    key_proposal = models.BooleanField(_("proposed as key account"), default=False)
    is_key = models.BooleanField(_("key account"), default=False)
    lifecycle = models.CharField(_("lifecycle"), max_length=12, choices=Lifecycle.choices)
    trend_slope = models.FloatField(_("trend slope"), null=True)
    trend_t = models.FloatField(_("trend t-statistic"), null=True)
    trend_relative_slope = models.FloatField(_("relative annual slope"), null=True)
    trend_months = models.PositiveSmallIntegerField(_("trend months"), default=0)
    strategy = models.CharField(_("recommended strategy"), max_length=16, choices=Strategy.choices)
    strategy_rule = models.CharField(_("strategy rule"), max_length=4)
    review_key_status = models.BooleanField(_("review key status"), default=False)
    investment_cents = models.BigIntegerField(_("investment"), default=0)
    investment_ratio = models.FloatField(_("investment ratio"), null=True)
    roi = models.FloatField(_("ROI"), null=True)
    investment_band = models.CharField(
        _("investment band"), max_length=8, choices=InvestmentBand.choices, blank=True
    )
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-as_of", "scope", "account__code"]
        # Date first: a date's rows are written together and read together (the portfolio
        # of a date), so its index grows at one end instead of everywhere.
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "scope", "account"], name="snapshot_unique_date_scope_account"
            )
        ]
        indexes = [
            models.Index(fields=["account", "as_of"], name="snapshot_account_date"),
            # The portfolio of a date, largest contribution first: the matrix, its table and
            # GET /portfolio read a page of it without sorting every account.
            models.Index(
                fields=["as_of", "scope", "-contribution_cents"],
                name="snapshot_date_contribution",
            ),
            # The Pareto curve of a date in rank order (its first few hundred bars).
            models.Index(fields=["as_of", "scope", "pareto_rank"], name="snapshot_date_pareto"),
            # How many rows a date has and when they were written, read from the index alone:
            # the version of the date's stored matrix and Pareto totals (selectors).
            models.Index(fields=["as_of", "scope", "computed_at"], name="snapshot_date_version"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.as_of} {self.scope} {self.account_class}"

    @property
    def score_factors(self) -> dict[str, float | None]:
        """Each factor of the score by its name in §2."""
        return {name: getattr(self, f"factor_{name}") for name in FACTORS}


class MonthlyHistory(models.Model):
    """The monthly history of one account (or group) from a back-fill (§2 --history, §3
    migration): one row per account and scope holding a value per month end, so that
    36 months of history are 20,000 rows rather than 720,000 full snapshots.

    Month i (from 0) is the month end `months_after(first_month_end, i)`. One character per
    month: `classes` A–D; `stages` the lifecycle's first letter (a, g, m, d, l); `present`
    1 where the account counts in the portfolio (revenue in the last 24 months or the 12
    before); `strategy_rules` the rule's digit (R1–R5). The amounts and scores are JSON lists.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="monthly_history",
        verbose_name=_("account"),
        db_index=False,
    )
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    first_month_end = models.DateField(_("first month end"))
    months = models.PositiveSmallIntegerField(_("months"))
    classes = models.TextField(_("classes"))
    stages = models.TextField(_("lifecycle stages"))
    present = models.TextField(_("present"))
    strategy_rules = models.TextField(_("strategy rules"))
    contribution_cents = models.JSONField(_("contribution"), default=list)
    potential_cents = models.JSONField(_("effective potential"), default=list)
    score = models.JSONField(_("score"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("monthly history")
        verbose_name_plural = _("monthly histories")
        constraints = [
            models.UniqueConstraint(fields=["account", "scope"], name="series_unique_account_scope")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.scope} {self.first_month_end} +{self.months}"


class ScoreRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# The moves of a score run's status, declared once (kam.core.transitions).
SCORE_RUN_STATUS = StateMachine(
    _("score run"),
    {
        ScoreRunStatus.QUEUED: {ScoreRunStatus.RUNNING, ScoreRunStatus.FAILED},
        # running → running: a worker that died mid-run left it running; the task starts over.
        ScoreRunStatus.RUNNING: {
            ScoreRunStatus.RUNNING,
            ScoreRunStatus.DONE,
            ScoreRunStatus.FAILED,
        },
        # failed → queued: retried (each date is replaced whole, so running it again is safe).
        ScoreRunStatus.FAILED: {ScoreRunStatus.QUEUED},
    },
)


class ScoreRun(models.Model):
    """One scoring job: a date, or a monthly back-fill, with its progress (§2–§6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    as_of = models.DateField(_("as of"))
    history = models.BooleanField(_("monthly back-fill"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ScoreRunStatus.choices, default=ScoreRunStatus.QUEUED
    )
    dates_total = models.PositiveIntegerField(_("dates"), default=0)
    dates_done = models.PositiveIntegerField(_("dates done"), default=0)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    # Reset when the run is retried; created_at stays the first request.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # The worker running the run (kam.core.workers): if it stops beating, the run is failed.
    worker_id = models.CharField(_("worker"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"


class RescoreCause(models.TextChoices):
    """The inputs whose change queues a re-score (docs/rules.md "Inputs and re-scoring")."""

    POTENTIAL = "potential", _("potential estimate")
    FACTORS = "factors", _("factor rating")
    PARENT = "parent", _("parent account")
    STATUS = "status", _("account status")
    KEY_STATUS = "key_status", _("key-account status")
    COST_TO_SERVE = "cost_to_serve", _("cost to serve")


class AccountRescore(models.Model):
    """One account's re-score queued by a manager's input: what was shown before the run and
    what the run computed, for the account page's history (§2–§6)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="rescores", verbose_name=_("account")
    )
    run = models.ForeignKey(
        ScoreRun, on_delete=models.CASCADE, related_name="rescores", verbose_name=_("score run")
    )
    cause = models.CharField(_("cause"), max_length=16, choices=RescoreCause.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("account re-score")
        verbose_name_plural = _("account re-scores")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["account", "finished_at"], name="rescore_account_open")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.cause} {self.requested_at:%Y-%m-%d %H:%M}"


class Playbook(models.Model):
    """The tactics of one strategy (S1 §2), editable by the director."""

    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices, unique=True)
    summary = models.TextField(_("summary"), max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["strategy"]

    def __str__(self) -> str:
        return self.get_strategy_display()


class Tactic(models.Model):
    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="tactics", verbose_name=_("playbook")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("tactic"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tactic")
        verbose_name_plural = _("tactics")
        ordering = ["playbook", "position", "id"]

    def __str__(self) -> str:
        return self.text


class StrategyOverride(models.Model):
    """A manager's choice of strategy over the recommendation, with the reason (§6)."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="strategy_overrides",
        verbose_name=_("account"),
    )
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices)
    reason = models.CharField(_("reason"), max_length=1000)
    recommended = models.CharField(
        _("recommended strategy"), max_length=16, choices=Strategy.choices, blank=True
    )
    recommended_rule = models.CharField(_("rule"), max_length=4, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy override")
        verbose_name_plural = _("strategy overrides")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.strategy}"


class ProposalDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class KeyProposalDecision(models.Model):
    """The director's answer to a key-account proposal of a snapshot (§2)."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="key_proposal_decisions",
        verbose_name=_("account"),
    )
    as_of = models.DateField(_("proposed as of"))
    score = models.FloatField(_("score"), null=True)
    pareto_candidate = models.BooleanField(_("Pareto candidate"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=ProposalDecision.choices)
    reason = models.CharField(_("reason"), max_length=1000)
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
        verbose_name = _("key-account proposal decision")
        verbose_name_plural = _("key-account proposal decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.decision}"


class CostKind(models.TextChoices):
    PEOPLE = "people", _("People (hours × rate)")
    DISCOUNT = "discount", _("Discounts and rebates")
    FREE_GOODS = "free_goods", _("Free goods and services")
    PRESALES = "presales", _("Pre-sales and solution work")
    TRAVEL = "travel", _("Travel and entertainment")
    OTHER = "other", _("Other")


class CostToServe(models.Model):
    """Resources spent on an account in one month (§4)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="costs_to_serve", verbose_name=_("account")
    )
    month = models.DateField(
        _("month"), help_text=_("The first day of the month."), validators=[validate_in_calendar]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CostKind.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    rate = models.DecimalField(
        _("rate per hour"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    amount = models.DecimalField(
        _("amount"), max_digits=MONEY_DIGITS, decimal_places=2, validators=MONEY
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost to serve")
        verbose_name_plural = _("costs to serve")
        ordering = ["-month", "kind", "id"]
        indexes = [models.Index(fields=["account", "month"], name="cost_to_serve_account_month")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month} {self.kind} {self.amount}"
