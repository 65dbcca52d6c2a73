"""The buying centre's scores and gaps (DOMAIN §7), vectorised over a whole portfolio.

The apps translate contacts into one row per person (`People`): the account and department
each person belongs to as indices, buying role and attitude as codes into `ROLES` and
`ATTITUDES` (−1: not set; `role_codes` and `attitude_codes` turn the stored texts into them),
ratings as floats (NaN: not rated), and days since the last contact and since leaving (NaN: no
date). `score_people` returns every figure of §7 at once: person scores, department scores,
each account's overall closeness and coverage, and the six gaps with the people each concerns.
Rules §7 leaves open are in docs/rules.md "Relationship map".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ROLES = (
    "decision_maker",
    "influencer",
    "technical_evaluator",
    "user",
    "gatekeeper",
    "coach",
)
ATTITUDES = ("champion", "supporter", "neutral", "sceptic", "opponent")
# Column order of `Scores.gaps` and `Scores.account_gaps`; the API's gap kinds.
GAP_KINDS = (
    "no_contacts",
    "uncovered_decision_maker",
    "no_coach",
    "high_influence_opponent",
    "single_threaded",
    "sponsor_left",
)

DECISION_MAKER = ROLES.index("decision_maker")
COACH = ROLES.index("coach")
CHAMPION = ATTITUDES.index("champion")
_AGAINST = np.array([ATTITUDES.index("sceptic"), ATTITUDES.index("opponent")])
(
    NO_CONTACTS,
    UNCOVERED_DECISION_MAKER,
    NO_COACH,
    HIGH_INFLUENCE_OPPONENT,
    SINGLE_THREADED,
    SPONSOR_LEFT,
) = range(len(GAP_KINDS))
# Fewer contacts in the window than this make an account single-threaded (§7).
_THREADS = 2


@dataclass(frozen=True)
class RelationshipSettings:
    """The §7 defaults; the portfolio settings may carry other values."""

    contact_window_days: int = 90
    sponsor_left_days: int = 180
    high_influence: int = 4
    # Person score weights: closeness, solution approval, price acceptance.
    closeness_weight: float = 0.5
    solution_approval_weight: float = 0.3
    price_acceptance_weight: float = 0.2
    decision_maker_factor: float = 2.0


@dataclass(frozen=True)
class People:
    """One row per contact, of any number of accounts (see the module docstring)."""

    account: IntArray  # 0 … n_accounts − 1
    department: IntArray  # 0 … n_departments − 1 (unique per account and department), −1 none
    role: IntArray  # index into ROLES, −1 not set
    attitude: IntArray  # index into ATTITUDES, −1 not set
    influence: FloatArray  # 1–5, NaN not rated
    closeness: FloatArray  # 1–5, NaN not rated
    solution_approval: FloatArray  # 1–5, NaN not rated
    price_acceptance: FloatArray  # 1–5, NaN not rated
    days_since_contact: FloatArray  # whole days before the as-of date, NaN never in contact
    active: BoolArray  # False: marked left
    days_since_left: FloatArray  # days since leaving, NaN still there or no date


@dataclass(frozen=True)
class Scores:
    """Every figure of §7 for the people given. The counts behind the figures (for "2 of 3
    covered") are derived from the per-person ones on first use."""

    account: IntArray  # per person, the account's index (as given)
    department: IntArray  # per person, the department's index, −1 none (as given)
    active: BoolArray  # per person, False: marked left (as given)
    person_score: FloatArray  # per person, 0–100, NaN: no rating present
    weight: FloatArray  # per person, the weight in department and account means (0: not counted)
    in_window: BoolArray  # per person: active and in contact within the window
    must_cover: BoolArray  # per person: active decision maker or influence ≥ high_influence
    covered: BoolArray  # per person: must_cover, scored and in the window
    department_score: FloatArray  # per department, 0–100, NaN: nobody counted
    overall_closeness: FloatArray  # per account, 0–100, NaN: nobody counted
    coverage: FloatArray  # per account, 0–1, NaN: nobody to cover
    gaps: BoolArray  # (people, GAP_KINDS): the person is named by the gap
    account_gaps: BoolArray  # (accounts, GAP_KINDS): the account has the gap

    def _per_account(self, where: BoolArray) -> IntArray:
        return _count(self.account, where, self.overall_closeness.shape[0])

    @cached_property
    def gap_count(self) -> IntArray:
        """Per account, how many gap kinds it has."""
        counts: IntArray = self.account_gaps.sum(axis=1).astype(np.int64)
        return counts

    @cached_property
    def department_counted(self) -> IntArray:
        """Per department, the people counted in its score (weight > 0)."""
        in_department = self.department >= 0
        return _count(
            self.department, (self.weight > 0) & in_department, self.department_score.shape[0]
        )

    @cached_property
    def counted(self) -> IntArray:
        """Per account, the people counted in its closeness (weight > 0)."""
        return self._per_account(self.weight > 0)

    @cached_property
    def active_count(self) -> IntArray:
        """Per account, its active people."""
        return self._per_account(self.active)

    @cached_property
    def in_window_count(self) -> IntArray:
        """Per account, its people in contact within the window."""
        return self._per_account(self.in_window)

    @cached_property
    def must_cover_count(self) -> IntArray:
        """Per account, the people it must cover."""
        return self._per_account(self.must_cover)

    @cached_property
    def covered_count(self) -> IntArray:
        """Per account, the people it must cover who are covered."""
        return self._per_account(self.covered)


def _codes(values: Sequence[str | None], names: tuple[str, ...]) -> IntArray:
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(v or "", -1) for v in values], dtype=np.int64)


def role_codes(values: Sequence[str | None]) -> IntArray:
    """Each buying role's index in `ROLES` (§7); "", None or an unknown text → −1 (not set)."""
    return _codes(values, ROLES)


def attitude_codes(values: Sequence[str | None]) -> IntArray:
    """Each attitude's index in `ATTITUDES` (§7); "", None or an unknown text → −1 (not set)."""
    return _codes(values, ATTITUDES)


def _check_rating(name: str, values: FloatArray) -> None:
    rated = values[~np.isnan(values)]
    if np.any((rated < 1) | (rated > 5)):
        bad = rated[(rated < 1) | (rated > 5)][0]
        raise ValueError(f"{name} must be a rating from 1 to 5 or missing (NaN), not {bad:g}")


def _check_settings(settings: RelationshipSettings) -> None:
    weights = (
        settings.closeness_weight,
        settings.solution_approval_weight,
        settings.price_acceptance_weight,
    )
    if min(weights) < 0 or sum(weights) <= 0:
        raise ValueError("the person score weights must be at least 0, and not all 0")
    if settings.decision_maker_factor <= 0:
        raise ValueError("decision_maker_factor must be positive")


def _rounded(values: FloatArray) -> FloatArray:
    """Rounded to 9 decimals, as the §2 score, so a mean of 0.7s lands on 70, not a hair below."""
    return np.round(values, 9).astype(np.float64)


def person_scores(
    closeness: FloatArray,
    solution_approval: FloatArray,
    price_acceptance: FloatArray,
    settings: RelationshipSettings | None = None,
) -> FloatArray:
    """§7 person score: 100 × weighted mean of (x − 1)/4 on the ratings present; NaN when none.

    Raises ValueError when the arrays differ in length or a rating lies outside 1–5.
    """
    settings = settings or RelationshipSettings()
    _check_settings(settings)
    columns = {
        "closeness": np.asarray(closeness, dtype=np.float64),
        "solution_approval": np.asarray(solution_approval, dtype=np.float64),
        "price_acceptance": np.asarray(price_acceptance, dtype=np.float64),
    }
    if len({c.shape for c in columns.values()}) != 1 or columns["closeness"].ndim != 1:
        raise ValueError(
            "closeness, solution_approval and price_acceptance must be 1-D, one length"
        )
    for name, values in columns.items():
        _check_rating(name, values)
    ratings = np.stack(list(columns.values()), axis=1)
    weights = np.array(
        [
            settings.closeness_weight,
            settings.solution_approval_weight,
            settings.price_acceptance_weight,
        ]
    )
    present = ~np.isnan(ratings)
    weighted = (np.where(present, (ratings - 1.0) / 4.0, 0.0) * weights).sum(axis=1)
    weight_sum = (present * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(weight_sum > 0, 100.0 * weighted / weight_sum, np.nan)
    return _rounded(scores)


def _validate(people: People, n_accounts: int, n_departments: int) -> None:
    if n_accounts < 0 or n_departments < 0:
        raise ValueError("n_accounts and n_departments must not be negative")
    columns = {name: np.asarray(getattr(people, name)) for name in People.__dataclass_fields__}
    lengths = {name: values.shape for name, values in columns.items()}
    if any(values.ndim != 1 for values in columns.values()) or len(set(lengths.values())) != 1:
        found = ", ".join(f"{name} {shape}" for name, shape in lengths.items())
        raise ValueError(f"every People array must be 1-D and of one length; found {found}")
    ranges = {
        "account": (0, n_accounts),
        "department": (-1, n_departments),
        "role": (-1, len(ROLES)),
        "attitude": (-1, len(ATTITUDES)),
    }
    for name, (low, high) in ranges.items():
        values = columns[name]
        outside = values[(values < low) | (values >= high)]
        if outside.size:
            raise ValueError(f"{name} index {outside[0]} is outside {low}…{high - 1}")
    for name in ("influence", "closeness", "solution_approval", "price_acceptance"):
        _check_rating(name, columns[name].astype(np.float64))
    for name in ("days_since_contact", "days_since_left"):
        if np.any(np.isinf(columns[name].astype(np.float64))):
            raise ValueError(f"{name} must be a number of days or missing (NaN), not infinite")


def _count(index: IntArray, where: BoolArray, n: int) -> IntArray:
    return np.bincount(index[where], minlength=n).astype(np.int64)


def _weighted_mean(index: IntArray, weight: FloatArray, values: FloatArray, n: int) -> FloatArray:
    """Σ w·x / Σ w per index (rows with weight 0 ignored); NaN where nothing weighs."""
    counted = weight > 0
    total = np.bincount(index[counted], weights=(weight * values)[counted], minlength=n)
    weight_sum = np.bincount(index[counted], weights=weight[counted], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _rounded(np.where(weight_sum > 0, total / weight_sum, np.nan))


def score_people(
    people: People,
    n_accounts: int,
    n_departments: int,
    settings: RelationshipSettings | None = None,
) -> Scores:
    """Every §7 figure for a portfolio's people in one pass (see `Scores`).

    Raises ValueError when the arrays differ in length, an index is out of range or a rating
    lies outside 1–5.
    """
    settings = settings or RelationshipSettings()
    _validate(people, n_accounts, n_departments)
    account = np.asarray(people.account, dtype=np.int64)
    department = np.asarray(people.department, dtype=np.int64)
    role = np.asarray(people.role, dtype=np.int64)
    attitude = np.asarray(people.attitude, dtype=np.int64)
    influence = np.asarray(people.influence, dtype=np.float64)
    since_contact = np.asarray(people.days_since_contact, dtype=np.float64)
    since_left = np.asarray(people.days_since_left, dtype=np.float64)
    active = np.asarray(people.active, dtype=np.bool_)

    score = person_scores(
        people.closeness, people.solution_approval, people.price_acceptance, settings
    )
    scored = ~np.isnan(score)
    decision_maker = role == DECISION_MAKER
    sponsor = (role == COACH) | (attitude == CHAMPION)
    high_influence = ~np.isnan(influence) & (np.nan_to_num(influence) >= settings.high_influence)

    # Unrated influence counts as the lowest rating: the person counts, but least.
    weight = np.where(np.isnan(influence), 1.0, influence)
    weight = weight * np.where(decision_maker, settings.decision_maker_factor, 1.0)
    weight = np.where(active & scored, weight, 0.0).astype(np.float64)
    values = np.where(weight > 0, score, 0.0)
    in_department = department >= 0
    department_score = _weighted_mean(
        department[in_department], weight[in_department], values[in_department], n_departments
    )
    overall_closeness = _weighted_mean(account, weight, values, n_accounts)

    # A contact dated after the as-of date (negative days) is recent; never (NaN) is not.
    in_window = (
        active
        & ~np.isnan(since_contact)
        & (np.nan_to_num(since_contact) <= settings.contact_window_days)
    )
    must_cover = active & (decision_maker | high_influence)
    covered = must_cover & scored & in_window
    must_cover_count = _count(account, must_cover, n_accounts)
    covered_count = _count(account, covered, n_accounts)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(must_cover_count > 0, covered_count / must_cover_count, np.nan)

    active_count = _count(account, active, n_accounts)
    in_window_count = _count(account, in_window, n_accounts)
    n = account.shape[0]
    gaps = np.zeros((n, len(GAP_KINDS)), dtype=np.bool_)
    gaps[:, UNCOVERED_DECISION_MAKER] = active & decision_maker & ~(scored & in_window)
    gaps[:, HIGH_INFLUENCE_OPPONENT] = active & high_influence & np.isin(attitude, _AGAINST)
    # Left without a date: kam cannot prove it was long ago, so it warns.
    recently = np.isnan(since_left) | (np.nan_to_num(since_left) <= settings.sponsor_left_days)
    gaps[:, SPONSOR_LEFT] = ~active & sponsor & recently

    account_gaps = np.zeros((n_accounts, len(GAP_KINDS)), dtype=np.bool_)
    for kind in (UNCOVERED_DECISION_MAKER, HIGH_INFLUENCE_OPPONENT, SPONSOR_LEFT):
        account_gaps[:, kind] = _count(account, gaps[:, kind], n_accounts) > 0
    # no_coach and single_threaded would only repeat no_contacts, so they need active people.
    has_contacts = active_count > 0
    account_gaps[:, NO_CONTACTS] = ~has_contacts
    account_gaps[:, NO_COACH] = has_contacts & (_count(account, active & sponsor, n_accounts) == 0)
    account_gaps[:, SINGLE_THREADED] = has_contacts & (in_window_count < _THREADS)
    gaps[:, SINGLE_THREADED] = in_window & account_gaps[account, SINGLE_THREADED]

    return Scores(
        account=account,
        department=department,
        active=active,
        person_score=score,
        weight=weight,
        in_window=in_window,
        must_cover=must_cover,
        covered=covered,
        department_score=department_score,
        overall_closeness=overall_closeness,
        coverage=coverage.astype(np.float64),
        gaps=gaps,
        account_gaps=account_gaps,
    )
