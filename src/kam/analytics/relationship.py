"""The buying centre's scores and gaps (DOMAIN §7), vectorised over a whole portfolio.

The apps translate contacts into one row per person (`People`): the account and department
each person belongs to as indices, buying role and attitude as codes into `ROLES` and
`ATTITUDES` (−1: not set), ratings as floats (NaN: not rated), and days since the last
contact and since leaving (NaN: no date). `score_people` returns every figure of §7 at once:
person scores, department scores, each account's overall closeness and coverage, and the six
gaps with the people each concerns. Rules §7 leaves open are in docs/rules.md
"Relationship map".
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Every figure of §7 for the people given."""

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
    gap_count: IntArray  # per account


def person_scores(
    closeness: FloatArray,
    solution_approval: FloatArray,
    price_acceptance: FloatArray,
    settings: RelationshipSettings | None = None,
) -> FloatArray:
    """§7 person score: 100 × weighted mean of (x − 1)/4 on the ratings present; NaN when none."""
    raise NotImplementedError


def score_people(
    people: People,
    n_accounts: int,
    n_departments: int,
    settings: RelationshipSettings | None = None,
) -> Scores:
    """Every §7 figure for a portfolio's people in one pass (see `Scores`)."""
    raise NotImplementedError
