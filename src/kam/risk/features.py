"""The churn model's feature panel (DOMAIN §10; docs/rules.md "Risk scoring"): every account at
every month end of the training window and at the scored date, one column per factor.

Everything is read once (`load_sources`: a few queries per source whatever the number of
accounts) and turned into sorted event arrays; each date's features are then a handful of
`searchsorted` calls over all accounts at once. A value that cannot be known (no survey yet,
no relationship map, no class in the monthly history) is NaN: the churn model imputes it with
the training mean, so it contributes nothing, and the risk panel shows it as imputed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Q
from django.utils import timezone

from kam.accounts.models import Account
from kam.analytics.events import Events, Purchases, purchase_summary
from kam.core.months import last_month_end, month_end, month_index
from kam.engagement.activities.models import VISIT_KINDS, Activity, ActivityStatus
from kam.engagement.activities.selectors import cadence_settings
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.complaints.models import Complaint, Severity
from kam.engagement.surveys.models import SurveyResponse
from kam.ledger.selectors import account_month_arrays, purchase_days
from kam.portfolio.selectors import ClassHistory, monthly_class_history
from kam.relationships.models import RelationshipScore

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The factor names (one vocabulary in code, API, pages and docs/rules.md), in column order.
FEATURES: tuple[str, ...] = (
    "revenue_trend",
    "recency_ratio",
    "p_alive",
    "share_of_wallet",
    "class_rank",
    "class_drop",
    "closeness",
    "coverage",
    "gaps",
    "contact_gap_ratio",
    "complaints",
    "complaint_severity",
    "sla_breaches",
    "csat",
    "csat_change",
    "nps",
    "nps_change",
    "competitor_moves",
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}

# Windows (docs/rules.md): revenue trend compares the last 6 months with the 6 before;
# complaints and competitor moves count the last 180 days; the class drop looks 12 months back.
TREND_MONTHS = 6
EVENT_WINDOW_DAYS = 180
CLASS_LOOKBACK_MONTHS = 12
CLASS_RANK = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}
SEVERITY_WEIGHT: dict[str, int] = {
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}
CSAT_FIELDS = ("csat_product", "csat_service", "csat_delivery", "csat_price", "csat_relationship")


@dataclass(frozen=True, eq=False)
class Sources:
    """What the panel reads, loaded once for a scoring run."""

    account_ids: IntArray
    codes: list[str]
    is_key: BoolArray
    covariates: dict[str, list[str]]  # industry, size band, region per row ("" unknown)
    created_day: IntArray
    revenue: IntArray  # cents, account × month from month index `base`
    base: int
    purchases: Events  # values: amount (cents)
    complaints: Events  # values: severity (1–4), breach_day (NaN: never breached)
    csat: Events  # values: csat (mean of the dimensions answered)
    nps: Events  # values: nps (0–10)
    contacts: Events  # done visits and meetings
    moves: Events  # competitor moves
    relationships: Events  # values: closeness, coverage, gaps
    history: HistoryGrid | None
    history_first: int  # month index of the history's first month end
    history_rank: FloatArray  # account × history month: class rank (NaN: none)
    history_share: FloatArray  # account × history month: share of wallet
    visit_days: Mapping[str, int]

    @property
    def n(self) -> int:
        return int(self.account_ids.size)

    def revenue_sum(self, last_col: int, months: int) -> IntArray:
        """Each row's revenue over the `months` columns ending with `last_col`."""
        first = max(last_col - months + 1, 0)
        stop = min(last_col + 1, self.revenue.shape[1])
        if stop <= first:
            return np.zeros(self.n, dtype=np.int64)
        return np.asarray(self.revenue[:, first:stop].sum(axis=1), dtype=np.int64)

    def column(self, day: dt.date) -> int:
        """The revenue column of the last month ending on or before the day."""
        return month_index(last_month_end(day)) - self.base


def _local_day(moment: dt.datetime | None, zone: dt.tzinfo) -> int | None:
    return None if moment is None else moment.astimezone(zone).date().toordinal()


def _revenue(
    ids: Sequence[int], until: dt.date, first_month: dt.date, given: tuple[int, IntArray] | None
) -> tuple[int, IntArray]:
    """The month index of the first revenue column and the account × month net revenue up to
    the month end of `until`: the scoring run's own arrays when it passed them (the portfolio
    step read them moments ago, kam.portfolio.steps.ScoredDate), otherwise read here."""
    last = month_index(last_month_end(until))
    if given is not None:
        base, revenue = given
        if base <= month_index(first_month) and revenue.shape[0] == len(ids):
            width = last - base + 1
            kept = np.asarray(revenue[:, :width], dtype=np.int64)
            if kept.shape[1] < width:  # months the run did not reach have no revenue
                kept = np.pad(kept, ((0, 0), (0, width - kept.shape[1])))
            return base, kept
    months = account_month_arrays(account_ids=ids, since=first_month, until=until)
    return months.base, months.revenue


def load_sources(
    account_ids: Sequence[int],
    until: dt.date,
    first_month: dt.date,
    revenue: tuple[int, IntArray] | None = None,
) -> Sources:
    """Read every source for the accounts (rows in `account_ids` order) up to `until`, the
    revenue from `first_month` (or take `revenue`, (base month index, account × month cents)
    in the same row order, when the caller has it); a few queries per source, none per
    account."""
    ids = list(account_ids)
    n = len(ids)
    index_of = {pk: i for i, pk in enumerate(ids)}
    zone = timezone.get_current_timezone()
    accounts = {
        row[0]: row[1:]
        for row in Account.objects.order_by().values_list(
            "pk", "code", "is_key", "industry", "size_band", "region", "created_at"
        )
    }
    known = [accounts.get(pk, ("", False, "", "", "", None)) for pk in ids]
    base, monthly = _revenue(ids, until, first_month, revenue)
    bought = purchase_days(account_ids=ids, until=until)
    grid = history_grid(monthly_class_history())
    cadence = cadence_settings()
    ranks, shares = _history_arrays(ids, grid)
    return Sources(
        account_ids=np.asarray(ids, dtype=np.int64),
        codes=[str(row[0]) for row in known],
        is_key=np.array([bool(row[1]) for row in known], dtype=bool),
        covariates={
            "industry": [row[2] or "" for row in known],
            "size_band": [row[3] or "" for row in known],
            "region": [row[4] or "" for row in known],
        },
        created_day=np.array(
            [_local_day(row[5], zone) or until.toordinal() for row in known], dtype=np.int64
        ),
        revenue=monthly,
        base=base,
        purchases=Events(n, bought.row, bought.day, {"amount": bought.amount.astype(np.float64)}),
        complaints=_complaints(n, index_of, until, zone),
        csat=_csat(n, index_of, until),
        nps=_nps(n, index_of, until),
        contacts=_contacts(n, index_of, until, zone),
        moves=_moves(n, index_of, until),
        relationships=_relationships(n, index_of, until),
        history=grid,
        history_first=grid.first if grid else 0,
        history_rank=ranks,
        history_share=shares,
        visit_days={klass: cadence.visit_days(klass) for klass in CLASS_RANK},
    )


def _complaints(n: int, index_of: Mapping[int, int], until: dt.date, zone: dt.tzinfo) -> Events:
    """Complaints received up to the date: severity weight and the day an SLA target was first
    missed (acknowledged or resolved late, or still waiting past its due time)."""
    rows, days, severity, breach = [], [], [], []
    for account_id, received, level, ack_due, acked, resolve_due, resolved in (
        Complaint.objects.filter(received_at__date__lte=until)
        .order_by()
        .values_list(
            "account_id",
            "received_at",
            "severity",
            "acknowledge_due_at",
            "acknowledged_at",
            "resolve_due_at",
            "resolved_at",
        )
    ):
        row = index_of.get(account_id)
        if row is None:
            continue
        missed = [
            due
            for due, done in ((ack_due, acked), (resolve_due, resolved))
            if done is None or done > due
        ]
        rows.append(row)
        days.append(_local_day(received, zone) or 0)
        severity.append(float(SEVERITY_WEIGHT.get(level, 2)))
        first_miss = _local_day(min(missed), zone) if missed else None
        breach.append(np.nan if first_miss is None else float(first_miss))
    return Events.of(n, rows, days, severity=severity, breach_day=breach)


def _csat(n: int, index_of: Mapping[int, int], until: dt.date) -> Events:
    rows, days, values = [], [], []
    answered = Q()
    for name in CSAT_FIELDS:
        answered |= Q(**{f"{name}__isnull": False})
    for account_id, day, *scores in (
        SurveyResponse.objects.filter(answered, responded_on__lte=until)
        .order_by()
        .values_list("account_id", "responded_on", *CSAT_FIELDS)
    ):
        given = [float(s) for s in scores if s is not None]
        if account_id in index_of and given:
            rows.append(index_of[account_id])
            days.append(day.toordinal())
            values.append(sum(given) / len(given))
    return Events.of(n, rows, days, csat=values)


def _nps(n: int, index_of: Mapping[int, int], until: dt.date) -> Events:
    rows, days, values = [], [], []
    for account_id, day, score in (
        SurveyResponse.objects.filter(nps__isnull=False, responded_on__lte=until)
        .order_by()
        .values_list("account_id", "responded_on", "nps")
    ):
        if account_id in index_of:
            rows.append(index_of[account_id])
            days.append(day.toordinal())
            values.append(float(score or 0))
    return Events.of(n, rows, days, nps=values)


def _contacts(n: int, index_of: Mapping[int, int], until: dt.date, zone: dt.tzinfo) -> Events:
    rows, days = [], []
    for account_id, done_at in (
        Activity.objects.filter(
            status=ActivityStatus.DONE, kind__in=VISIT_KINDS, done_at__date__lte=until
        )
        .order_by()
        .values_list("account_id", "done_at")
    ):
        day = _local_day(done_at, zone)
        if account_id in index_of and day is not None:
            rows.append(index_of[account_id])
            days.append(day)
    return Events.of(n, rows, days)


def _moves(n: int, index_of: Mapping[int, int], until: dt.date) -> Events:
    rows, days = [], []
    for account_id, seen_on in (
        CompetitorMove.objects.filter(seen_on__lte=until)
        .order_by()
        .values_list("account_id", "seen_on")
    ):
        if account_id in index_of:
            rows.append(index_of[account_id])
            days.append(seen_on.toordinal())
    return Events.of(n, rows, days)


def _relationships(n: int, index_of: Mapping[int, int], until: dt.date) -> Events:
    rows, days, closeness, coverage, gaps = [], [], [], [], []
    for account_id, as_of, close, covered, gap_count in (
        RelationshipScore.objects.filter(as_of__lte=until)
        .order_by("account_id", "recorded_at", "id")
        .values_list("account_id", "as_of", "overall_closeness", "coverage", "gap_count")
    ):
        if account_id in index_of:
            rows.append(index_of[account_id])
            days.append(as_of.toordinal())
            closeness.append(np.nan if close is None else float(close))
            coverage.append(np.nan if covered is None else float(covered))
            gaps.append(float(gap_count))
    # A stable sort keeps the later of two records of one day last.
    return Events.of(n, rows, days, closeness=closeness, coverage=coverage, gaps=gaps)


def purchases_at(sources: Sources, day: dt.date) -> Purchases:
    """§10: the BG/NBD summary of every account as of the day (kam.analytics.events)."""
    return purchase_summary(sources.purchases, day.toordinal())


@dataclass(frozen=True)
class ClassState:
    """Each account's class rank (NaN: no class) and share of wallet at a date."""

    rank: FloatArray
    share_of_wallet: FloatArray
    letter: list[str]


def _ranks(letters: Sequence[str]) -> FloatArray:
    return np.array([CLASS_RANK.get(letter, np.nan) for letter in letters], dtype=np.float64)


def history_state(sources: Sources, day: dt.date) -> ClassState:
    """The classes and shares of wallet of the monthly history at the month end of the day
    (NaN where the history does not hold the account or the month, or it was not present)."""
    i = month_index(last_month_end(day)) - sources.history_first
    if not 0 <= i < sources.history_rank.shape[1]:
        return ClassState(np.full(sources.n, np.nan), np.full(sources.n, np.nan), [""] * sources.n)
    rank = sources.history_rank[:, i]
    # Rank 0 (no class) to 4 (A) picks the letter; one lookup for every account at once.
    letters = _LETTERS[np.nan_to_num(rank).astype(np.int64)].tolist()
    return ClassState(rank, sources.history_share[:, i], letters)


_LETTERS = np.array(["", *sorted(CLASS_RANK, key=lambda letter: CLASS_RANK[letter])], dtype=object)


@dataclass(frozen=True, eq=False)
class HistoryGrid:
    """The portfolio's monthly history as history row × month arrays, built once for the
    panel and the Markov chain (month i is month index `first` + i)."""

    first: int
    months: int
    account_ids: IntArray
    classes: npt.NDArray[np.uint8]  # the class letter's byte ("A" … "D")
    stages: npt.NDArray[np.uint8]  # the lifecycle letter's byte ("l": lost)
    present: BoolArray  # counts in the portfolio that month
    contribution: FloatArray  # cents
    potential: FloatArray  # cents


def _chars(texts: Sequence[str], width: int) -> npt.NDArray[np.uint8]:
    """One character per month of each account's history string, as bytes (n × width)."""
    joined = "".join(text[:width].ljust(width, " ") for text in texts).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(texts), width)


def history_grid(history: ClassHistory | None) -> HistoryGrid | None:
    """The monthly history's strings and lists as arrays (§3); None without a back-fill."""
    if history is None:
        return None
    width = history.months
    return HistoryGrid(
        first=month_index(history.first_month_end),
        months=width,
        account_ids=np.asarray(history.account_ids, dtype=np.int64),
        classes=_chars(history.classes, width),
        stages=_chars(history.stages, width),
        present=_chars(history.present, width) == ord("1"),
        contribution=history.contribution.astype(np.float64),
        potential=history.potential.astype(np.float64),
    )


def _history_arrays(ids: Sequence[int], grid: HistoryGrid | None) -> tuple[FloatArray, FloatArray]:
    """Per account (rows in `ids` order) and history month, the class rank and share of
    wallet (NaN where the account is not in the history or not present that month)."""
    if grid is None:
        return np.full((len(ids), 0), np.nan), np.full((len(ids), 0), np.nan)
    lookup = np.full(256, np.nan)
    for letter, value in CLASS_RANK.items():
        lookup[ord(letter)] = value
    ranks = np.where(grid.present, lookup[grid.classes], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(
            grid.potential > 0,
            grid.contribution / np.where(grid.potential > 0, grid.potential, 1),
            np.nan,
        )
    shares = np.where(np.isfinite(ranks), shares, np.nan)
    # Each account's history row, if it has one (the history is ordered by account).
    wanted = np.asarray(ids, dtype=np.int64)
    order = np.argsort(grid.account_ids, kind="stable")
    place = np.minimum(np.searchsorted(grid.account_ids[order], wanted), max(order.size - 1, 0))
    found = grid.account_ids[order][place] == wanted if order.size else np.zeros(wanted.size, bool)
    rank = np.full((wanted.size, grid.months), np.nan)
    share = np.full((wanted.size, grid.months), np.nan)
    rows = order[place[found]]
    rank[found], share[found] = ranks[rows], shares[rows]
    return rank, share


def current_state(columns: Mapping[str, Any]) -> ClassState:
    """The classes and shares of wallet of the run's own date (kam.portfolio.steps)."""
    active = np.asarray(columns["active"], dtype=bool)
    letters = [
        str(letter) if on else ""
        for letter, on in zip(columns["account_class"], active, strict=True)
    ]
    share = np.where(active, np.asarray(columns["share_of_wallet"], dtype=np.float64), np.nan)
    return ClassState(_ranks(letters), share, letters)


def panel(
    sources: Sources,
    day: dt.date,
    purchases: Purchases,
    p_alive: FloatArray,
    now: ClassState,
    before: ClassState,
) -> FloatArray:
    """The feature matrix (rows: accounts, columns: FEATURES) as of the day (§10)."""
    n = sources.n
    x = np.full((n, len(FEATURES)), np.nan)
    cutoff = day.toordinal()
    window = cutoff - EVENT_WINDOW_DAYS
    col = sources.column(day)
    recent = np.maximum(sources.revenue_sum(col, TREND_MONTHS), 0).astype(np.float64)
    earlier = np.maximum(sources.revenue_sum(col - TREND_MONTHS, TREND_MONTHS), 0).astype(
        np.float64
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        x[:, COLUMN["revenue_trend"]] = np.where(
            recent + earlier > 0, (recent - earlier) / (recent + earlier), 0.0
        )
        # The account's own rhythm: its mean days between purchases; one purchase only, the
        # portfolio's median rhythm.
        rhythm = np.where(
            purchases.frequency > 0,
            (purchases.last_day - purchases.first_day) / np.maximum(purchases.frequency, 1),
            np.nan,
        )
        known = rhythm[np.isfinite(rhythm) & (rhythm > 0)]
        fallback = float(np.median(known)) if known.size else 30.0
        rhythm = np.where(np.isfinite(rhythm) & (rhythm > 0), rhythm, fallback)
        x[:, COLUMN["recency_ratio"]] = np.where(
            purchases.bought, (cutoff - purchases.last_day) / rhythm, np.nan
        )
    x[:, COLUMN["p_alive"]] = p_alive
    x[:, COLUMN["share_of_wallet"]] = now.share_of_wallet
    x[:, COLUMN["class_rank"]] = now.rank
    x[:, COLUMN["class_drop"]] = before.rank - now.rank
    rel = sources.relationships
    latest = rel.last(cutoff)
    x[:, COLUMN["closeness"]] = rel.value_at("closeness", latest)
    x[:, COLUMN["coverage"]] = rel.value_at("coverage", latest)
    x[:, COLUMN["gaps"]] = rel.value_at("gaps", latest)
    interval = np.array([sources.visit_days.get(k, 0) for k in now.letter], dtype=np.float64)
    last_contact = sources.contacts.last(cutoff)
    contact_day = np.where(
        last_contact >= 0,
        sources.contacts.day[np.maximum(last_contact, 0)] if sources.contacts.day.size else 0,
        sources.created_day,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        x[:, COLUMN["contact_gap_ratio"]] = np.where(
            interval > 0, np.maximum(cutoff - contact_day, 0) / interval, np.nan
        )
    complaints = sources.complaints
    count = complaints.count_between(window, cutoff)
    x[:, COLUMN["complaints"]] = count
    severity = complaints.sum_between("severity", window, cutoff)
    with np.errstate(invalid="ignore", divide="ignore"):
        x[:, COLUMN["complaint_severity"]] = np.where(
            count > 0, severity / np.maximum(count, 1), 0.0
        )
    breached = np.where(
        np.isnan(complaints.values["breach_day"]), 0.0, complaints.values["breach_day"] <= cutoff
    )
    events = Events(n, complaints.row, complaints.day, {"breached": breached.astype(np.float64)})
    x[:, COLUMN["sla_breaches"]] = events.sum_between("breached", window, cutoff)
    for name, source in (("csat", sources.csat), ("nps", sources.nps)):
        now_index, before_index = source.last(cutoff), source.last(cutoff, back=2)
        value = source.value_at(name, now_index)
        x[:, COLUMN[name]] = value
        x[:, COLUMN[f"{name}_change"]] = value - source.value_at(name, before_index)
    x[:, COLUMN["competitor_moves"]] = sources.moves.count_between(window, cutoff)
    return x


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The `months` month ends up to the last one on or before the date, oldest first."""
    last = month_index(last_month_end(as_of))
    return [month_end(i) for i in range(last - months + 1, last + 1)]
