"""The covariate columns of the BG/NBD (Hardie note 019; §10): one-hot, the most common value
of each account attribute as the reference."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.risk.features import load_sources
from kam.risk.services.scoring import covariate_matrix
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_covariates_are_one_hot_against_the_most_common_value(manager) -> None:
    # Given accounts in three industries (Machinery most common), one region, no size band
    industries = ["Machinery", "Machinery", "Machinery", "Food", "Chemicals", ""]
    accounts = [
        AccountFactory(owner=manager, industry=industry, region="East China")
        for industry in industries
    ]

    # When the covariate matrix is built
    sources = load_sources([a.pk for a in accounts], dt.date(2026, 10, 31), dt.date(2026, 1, 31))
    covariates = covariate_matrix(sources)

    # Then the other industries get a column each; one region and no size band give none,
    # and an unknown industry counts with the reference
    assert sorted(covariates.names) == ["industry=Chemicals", "industry=Food"]
    food = covariates.names.index("industry=Food")
    assert covariates.z[:, food].tolist() == [0, 0, 0, 1, 0, 0]
    assert covariates.z[5].tolist() == [0, 0]
