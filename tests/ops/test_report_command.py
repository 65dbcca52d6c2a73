"""`kam report risk` (§10): every account's stored risk, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kam.risk.listing import RISK_REPORT_COLUMNS
from tests.factories import AccountFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db


def test_report_risk_lists_every_scored_account(capsys) -> None:
    # Given two accounts scored on the date, one at high risk
    high = RiskScoreFactory(account=AccountFactory(code="HIGH"))
    RiskScoreFactory(
        account=AccountFactory(code="LOW"),
        as_of=high.as_of,
        churn_probability=0.05,
        p_alive=0.97,
        risk_level="low",
        top_factors=[],
        clv_cents=None,
    )

    # When the report is asked for as JSON, CSV and a table
    call_command("report", "risk", "--format", "json")
    payload = json.loads(capsys.readouterr().out)
    call_command("report", "risk", "--as-of", high.as_of.isoformat(), "--format", "csv")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    call_command("report", "risk")
    table = capsys.readouterr().out

    # Then every account is listed with its figures, highest churn probability first
    assert payload["as_of"] == high.as_of.isoformat()
    first = payload["accounts"][0]
    assert list(first) == list(RISK_REPORT_COLUMNS)
    assert (first["code"], first["churn_probability"], first["risk_level"]) == (
        "HIGH",
        0.62,
        "high",
    )
    assert first["clv"] == "1200000"
    assert first["top_factors"][0]["factor"] == "recency_ratio"
    assert payload["accounts"][1]["clv"] is None
    assert rows[0] == list(RISK_REPORT_COLUMNS)
    assert rows[1][:4] == ["HIGH", "0.62", "0.41", "high"]
    assert rows[1][5].startswith("recency_ratio +0.81; complaints +0.42")
    assert "HIGH" in table and "LOW" in table


def test_report_risk_without_scores_exits_2() -> None:
    with pytest.raises(CommandError) as error:
        call_command("report", "risk", "--as-of", "2020-01-01")
    assert error.value.returncode == 2
    assert "run `kam score` first" in str(error.value)


def test_report_risk_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError) as error:
        call_command("report", "risk", "--as-of", "2026-13-01")
    assert error.value.returncode == 2
