"""Survey means and drops between consecutive surveys (DOMAIN §9)."""

from __future__ import annotations

import numpy as np

from kam.analytics.satisfaction import (
    DIMENSIONS,
    Surveys,
    Thresholds,
    latest_drops,
    survey_means,
)

NAN = np.nan
SERVICE, NPS = DIMENSIONS.index("service"), DIMENSIONS.index("nps")


def _scores(*rows: dict[str, float]) -> np.ndarray:
    return np.array([[row.get(name, NAN) for name in DIMENSIONS] for row in rows])


def _drops(surveys: list[int], rows: list[dict[str, float]], accounts: list[int] | None = None):
    account = np.array(accounts or [0] * len(rows))
    means = survey_means(account, np.array(surveys), _scores(*rows))
    return latest_drops(means, int(account.max()) + 1, Thresholds())


def test_responses_of_one_survey_are_averaged_per_dimension() -> None:
    # given two respondents in one survey, one of whom skipped service
    means = survey_means(
        np.array([0, 0]), np.array([5, 5]), _scores({"service": 4, "nps": 9}, {"nps": 6})
    )
    # then the survey's service mean is the one answer
    assert means.means[0, SERVICE] == 4
    assert means.responses.tolist() == [2]


def test_a_surveys_nps_is_promoters_less_detractors() -> None:
    # given answers 10, 9 (promoters), 8, 7 (passives) and 6 (a detractor)
    answers = [{"nps": value} for value in (10, 9, 8, 7, 6)]
    means = survey_means(np.zeros(5), np.ones(5), _scores(*answers))
    # then the NPS is 40 % − 20 % = 20
    assert means.means[0, NPS] == 20


def test_a_csat_drop_of_exactly_half_a_point_is_a_drop() -> None:
    drops = _drops([1, 2], [{"service": 4.5}, {"service": 4.0}])
    assert drops.dropped[0, SERVICE]


def test_a_csat_drop_of_half_a_point_of_averaged_scores_is_a_drop() -> None:
    # 4.6 − 4.1 is 0.49999… in floating point: still the drop §9 means
    drops = _drops([1, 2], [{"service": 4.6}, {"service": 4.1}])
    assert drops.dropped[0, SERVICE]


def test_a_csat_drop_of_049_is_no_drop() -> None:
    drops = _drops([1, 2], [{"service": 4.49}, {"service": 4.0}])
    assert not drops.dropped[0, SERVICE]


def test_an_nps_drop_of_exactly_10_points_is_a_drop() -> None:
    # given NPS 40 (2 promoters of 5) then 30 (3 promoters of 10, the others passive)
    first = [{"nps": 10}] * 2 + [{"nps": 8}] * 3
    second = [{"nps": 9}] * 3 + [{"nps": 7}] * 7
    drops = _drops([1] * 5 + [2] * 10, first + second)
    assert drops.previous[0, NPS] == 40
    assert drops.latest[0, NPS] == 30
    assert drops.dropped[0, NPS]


def test_an_nps_drop_of_9_points_is_no_drop() -> None:
    means = np.full((2, len(DIMENSIONS)), NAN)
    means[:, NPS] = [40.0, 31.0]
    surveys = Surveys(np.array([0, 0]), np.array([1, 2]), means, np.array([1, 1]))
    assert not latest_drops(surveys, 1, Thresholds()).dropped[0, NPS]


def test_only_the_last_two_surveys_that_scored_a_dimension_count() -> None:
    # given service 5 → 3 long ago, then 3 → 3.2, and a later survey without service
    drops = _drops([1, 2, 3, 4], [{"service": 5}, {"service": 3}, {"service": 3.2}, {"nps": 8}])
    # then service compares 3 with 3.2: no drop (a recovery clears the earlier one)
    assert drops.previous[0, SERVICE] == 3
    assert drops.latest[0, SERVICE] == 3.2
    assert drops.latest_survey[0, SERVICE] == 3
    assert not drops.dropped[0, SERVICE]


def test_one_survey_is_no_drop() -> None:
    drops = _drops([1], [{"service": 1, "nps": 0}])
    assert drops.latest[0, NPS] == -100
    assert not drops.dropped.any()
    assert np.isnan(drops.previous[0, SERVICE])


def test_accounts_do_not_mix() -> None:
    # given account 0 scored 5 then account 1 scored 3
    drops = _drops([1, 2], [{"service": 5}, {"service": 3}], [0, 1])
    # then neither has two surveys
    assert not drops.dropped.any()


def test_no_responses_give_no_drops() -> None:
    means = survey_means(np.zeros(0), np.zeros(0), np.zeros((0, len(DIMENSIONS))))
    drops = latest_drops(means, 3, Thresholds())
    assert drops.dropped.shape == (3, len(DIMENSIONS))
    assert not drops.dropped.any()
