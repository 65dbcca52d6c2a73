"""Satisfaction surveys (DOMAIN §9): each account's survey means and the drops between its
consecutive surveys, vectorised over a whole portfolio.

The apps give one row per response: the account as an index, the survey it belongs to as an
ordered integer key (docs/rules.md "Satisfaction surveys": one survey is one calendar month of
an account's responses) and the six scores in `DIMENSIONS` order as floats (NaN: not asked).
`survey_means` averages each account's CSAT answers per survey and turns its 0–10
recommendation answers into the survey's Net Promoter Score (% promoters 9–10 − % detractors
0–6, from −100 to 100); `latest_drops` compares, per dimension, the account's last two surveys
that scored it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Column order of every score array: the five CSAT dimensions (1–5), then NPS (answers 0–10,
# a survey's score −100 … 100).
DIMENSIONS = ("product", "service", "delivery", "price", "relationship", "nps")
NPS_COLUMN = DIMENSIONS.index("nps")
# Means of integer scores are compared exactly up to float noise: 4.6 − 4.1 is a drop of 0.5.
TOLERANCE = 1e-9
PROMOTER, DETRACTOR = 9, 6  # answers from 9 are promoters, up to 6 detractors


@dataclass(frozen=True)
class Thresholds:
    """The drops that raise an alert (§9): CSAT by at least `csat`, NPS by at least `nps`."""

    csat: float = 0.5
    nps: float = 10.0

    def by_dimension(self) -> FloatArray:
        limits = np.full(len(DIMENSIONS), self.csat, dtype=np.float64)
        limits[NPS_COLUMN] = self.nps
        return limits


@dataclass(frozen=True)
class Surveys:
    """One row per (account, survey), sorted by account then survey."""

    account: IntArray
    survey: IntArray
    means: FloatArray  # (rows, 6); NaN where no response of the survey scored the dimension
    responses: IntArray  # (rows,) responses in the survey


@dataclass(frozen=True)
class Drops:
    """Per account (0 … accounts − 1) and dimension: the last two surveys that scored it."""

    previous: FloatArray  # (accounts, 6); NaN: fewer than two surveys scored it
    latest: FloatArray
    previous_survey: IntArray  # the survey keys; −1 where there is none
    latest_survey: IntArray
    dropped: BoolArray  # previous − latest ≥ the dimension's threshold


def survey_means(account: IntArray, survey: IntArray, scores: FloatArray) -> Surveys:
    """Average each account's CSAT answers per survey, dimension by dimension, ignoring the
    dimensions a response left empty, and score its NPS answers as a Net Promoter Score (§9)."""
    account = np.asarray(account, dtype=np.int64)
    survey = np.asarray(survey, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64).reshape(len(account), len(DIMENSIONS))
    if len(account) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Surveys(empty, empty, np.zeros((0, len(DIMENSIONS))), empty)
    keys = np.stack([account, survey], axis=1)
    unique, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.reshape(-1)
    present = ~np.isnan(scores)
    # An NPS answer counts +100 (promoter), 0 (passive) or −100 (detractor): their mean is the
    # survey's Net Promoter Score.
    answers = scores[:, NPS_COLUMN]
    scores = scores.copy()
    scores[:, NPS_COLUMN] = np.select(
        [answers >= PROMOTER, answers <= DETRACTOR], [100.0, -100.0], 0.0
    )
    scores[~present[:, NPS_COLUMN], NPS_COLUMN] = np.nan
    sums = np.zeros((len(unique), len(DIMENSIONS)))
    counts = np.zeros((len(unique), len(DIMENSIONS)))
    np.add.at(sums, group, np.where(present, scores, 0.0))
    np.add.at(counts, group, present.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    responses = np.bincount(group, minlength=len(unique)).astype(np.int64)
    return Surveys(unique[:, 0].copy(), unique[:, 1].copy(), means, responses)


def latest_drops(surveys: Surveys, accounts: int, thresholds: Thresholds) -> Drops:
    """For each account and dimension, the previous and latest survey means and whether the
    score fell by the threshold or more between them (§9: CSAT ≥ 0.5, NPS ≥ 10)."""
    shape = (accounts, len(DIMENSIONS))
    previous = np.full(shape, np.nan)
    latest = np.full(shape, np.nan)
    previous_survey = np.full(shape, -1, dtype=np.int64)
    latest_survey = np.full(shape, -1, dtype=np.int64)
    for column in range(len(DIMENSIONS)):
        rows = np.flatnonzero(~np.isnan(surveys.means[:, column]))
        if len(rows) == 0:
            continue
        owner = surveys.account[rows]
        # Rows are sorted by account then survey: an account's last row is where it changes.
        last = np.flatnonzero(np.append(owner[1:] != owner[:-1], True))
        latest[owner[last], column] = surveys.means[rows[last], column]
        latest_survey[owner[last], column] = surveys.survey[rows[last]]
        before = last - 1
        has_before = (before >= 0) & (owner[np.maximum(before, 0)] == owner[last])
        last, before = last[has_before], before[has_before]
        previous[owner[last], column] = surveys.means[rows[before], column]
        previous_survey[owner[last], column] = surveys.survey[rows[before]]
    with np.errstate(invalid="ignore"):
        dropped = (previous - latest) >= thresholds.by_dimension() - TOLERANCE
    dropped &= ~np.isnan(previous) & ~np.isnan(latest)
    return Drops(previous, latest, previous_survey, latest_survey, dropped)
