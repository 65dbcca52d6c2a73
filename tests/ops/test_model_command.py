"""`kam model …` on transaction and history files (DOMAIN §10): the reference values of
lifetimes 0.11.3 (computed once with its BetaGeoFitter / GammaGammaFitter, penalizer 0, and
pinned here), the day-merging and calibration rules, and bad input exiting with code 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = DATA / "example_transactions.csv"
CDNOW = DATA / "cdnow_sample_transactions.csv"


def model(*args: str) -> dict:
    out = io.StringIO()
    call_command("model", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_bgnbd_on_lifetimes_example_transactions_agrees_with_betageofitter(tmp_path: Path) -> None:
    # Given lifetimes' example transactions (days, calibration to the last date), when fitted
    # with per-customer output over 30 days, then BetaGeoFitter's values to 1e-4.
    out = tmp_path / "customers.csv"
    result = model(
        "bgnbd",
        "--transactions",
        str(EXAMPLE),
        "--customer-col",
        "id",
        "--per-customer",
        str(out),
        "--horizon",
        "30",
    )
    assert result["customers"] == 5000
    assert result["calibration_end"] == "2014-12-31"
    reference = {
        "r": 0.16385090187267431,
        "alpha": 1.8642807702257826,
        "a": 1.850343095414932,
        "b": 3.181058796120007,
    }
    for name, value in reference.items():
        assert result[name] == pytest.approx(value, rel=1e-4)
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "customer",
        "frequency",
        "recency",
        "T",
        "p_alive",
        "expected_purchases",
    ]
    by_customer = {row["customer"]: row for row in rows}
    # lifetimes: customer 2 has x=6, tₓ=142, T=292, p_alive 0.05137, E[Y(30)] 0.03046.
    two = by_customer["2"]
    assert (float(two["frequency"]), float(two["recency"]), float(two["T"])) == (6, 142, 292)
    assert float(two["p_alive"]) == pytest.approx(0.051365070987118636, rel=1e-4)
    assert float(two["expected_purchases"]) == pytest.approx(0.03046131229607096, rel=1e-4)


def test_weeks_and_a_calibration_end_agree_with_lifetimes() -> None:
    # Given the example with --period week and transactions up to 2014-09-30, then lifetimes
    # (summary_data_from_transaction_data freq="D", freq_multiplier=7, that end).
    result = model(
        "bgnbd",
        "--transactions",
        str(EXAMPLE),
        "--customer-col",
        "id",
        "--period",
        "week",
        "--calibration-end",
        "2014-09-30",
    )
    reference = {
        "r": 0.18071307240219456,
        "alpha": 0.30202246872582594,
        "a": 2.0081015745785455,
        "b": 3.544472211668507,
    }
    for name, value in reference.items():
        assert result[name] == pytest.approx(value, rel=1e-4)


def test_cdnow_transactions_give_the_published_models(tmp_path: Path) -> None:
    # Given CDNOW's sample transaction log (compact dates 19970101, amounts), calibrated to
    # 1997-09-30 in weeks, then lifetimes' BG/NBD and Gamma-Gamma, and the published values.
    common = ["--transactions", str(CDNOW), "--period", "week", "--calibration-end", "1997-09-30"]
    purchases = model("bgnbd", *common)
    assert purchases["customers"] == 2357
    assert purchases["r"] == pytest.approx(0.24259454342106734, rel=1e-4)
    assert purchases["alpha"] == pytest.approx(4.413602716077379, rel=1e-4)
    assert purchases["a"] == pytest.approx(0.7929218333478742, rel=1e-4)
    assert purchases["b"] == pytest.approx(2.4259057287217503, rel=1e-4)
    assert purchases["log_likelihood"] == pytest.approx(-9582.4, abs=0.05)
    out = tmp_path / "spend.csv"
    spend = model("gammagamma", *common, "--per-customer", str(out))
    assert spend["customers"] == 946
    assert spend["p"] == pytest.approx(6.24957227763445, rel=1e-4)
    assert spend["q"] == pytest.approx(3.744224674758553, rel=1e-4)
    assert spend["v"] == pytest.approx(15.443521018367175, rel=1e-4)
    with out.open() as handle:
        rows = {row["customer"]: row for row in csv.DictReader(handle)}
    assert float(rows["00004"]["expected_spend"]) == pytest.approx(24.65391871323576, rel=1e-4)
    assert float(rows["00021"]["expected_spend"]) == pytest.approx(18.91001847534018, rel=1e-4)


def test_purchases_on_one_day_merge_and_later_ones_are_left_out(tmp_path: Path) -> None:
    # Given customer A buying twice on 1 March, once on 11 March and once after the end, and B
    # buying once, then A has one repeat day (amounts of a day add up), B none.
    path = tmp_path / "tx.csv"
    path.write_text(
        "client;day;value\n"
        "A;2026-03-01 09:00:00;10,00\nA;2026-03-01T15:30;5,00\nA;2026-03-11;30,00\n"
        "A;2026-04-02;99,00\nB;2026-03-05;7,00\n",
        encoding="utf-8",
    )
    out = tmp_path / "per.csv"
    common = [
        "--transactions",
        str(path),
        "--customer-col",
        "client",
        "--date-col",
        "day",
        "--amount-col",
        "value",
        "--calibration-end",
        "2026-03-31",
        "--per-customer",
        str(out),
    ]
    with pytest.raises(CommandError, match="three repeat buyers") as raised:
        model("gammagamma", *common)
    assert raised.value.returncode == 2
    model("bgnbd", *common[:-2], "--per-customer", str(out))
    with out.open() as handle:
        rows = {row["customer"]: row for row in csv.DictReader(handle)}
    assert (rows["A"]["frequency"], rows["A"]["recency"], rows["A"]["T"]) == ("1", "10", "30")
    assert (rows["B"]["frequency"], rows["B"]["T"]) == ("0", "26")


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("customer,date\nA,2026-01-01\n", ["--customer-col", "client"], "no column client"),
        ("customer,date\nA,someday\n", [], "holds no date on rows 2"),
        ("customer,date\n,2026-01-01\n", [], "is empty on rows 2"),
        ("customer,date\n", [], "no rows"),
        ("customer,date\nA,2026-01-01\n", ["--calibration-end", "31/12/2025"], "not a date"),
        ("customer,date\nA,2026-01-01\n", ["--calibration-end", "2025-12-31"], "no transaction"),
    ],
)
def test_bad_input_exits_with_code_2_naming_the_problem(
    tmp_path: Path, content: str, options: list[str], message: str
) -> None:
    path = tmp_path / "tx.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as raised:
        model("bgnbd", "--transactions", str(path), *options)
    assert raised.value.returncode == 2


def test_missing_file_exits_with_code_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as raised:
        model("bgnbd", "--transactions", str(tmp_path / "nothing.csv"))
    assert raised.value.returncode == 2


def test_markov_estimates_the_chain_and_forecasts_the_mix(tmp_path: Path) -> None:
    # Given three customers' classes over three months (one lost in March), when estimated
    # without smoothing, then the observed shares, lost absorbing, the mix from each
    # customer's latest state and its forecast.
    path = tmp_path / "history.csv"
    path.write_text(
        "customer,period,state\n"
        "x,2026-01,A\nx,2026-02,A\nx,2026-03,B\n"
        "y,2026-01,B\ny,2026-02,B\ny,2026-03,lost\n"
        "z,2026-01-31,C\nz,2026-02-28,C\nz,2026-03-31,C\n",
        encoding="utf-8",
    )
    result = model("markov", "--history", str(path), "--smoothing", "0", "--steps", "2")
    assert result["states"] == ["A", "B", "C", "D", "lost"]
    transition = result["transition"]
    assert transition[0][:2] == [0.5, 0.5]
    assert transition[1][1] == pytest.approx(0.5)
    assert transition[1][4] == pytest.approx(0.5)
    assert transition[4] == [0, 0, 0, 0, 1]
    assert result["mix"] == [0, 1, 1, 0, 1]
    assert result["forecast"][0] == pytest.approx([0, 0.5, 1, 0, 1.5])
    assert result["periods_until_lost"]["B"] == pytest.approx(2.0)
    assert result["periods_until_lost"]["C"] is None  # C never left: it is never lost


def test_markov_refuses_a_state_outside_the_given_ones(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text("customer,period,state\nx,1,gold\nx,2,silver\n", encoding="utf-8")
    with pytest.raises(CommandError, match="states not in --states: silver") as raised:
        model("markov", "--history", str(path), "--states", "gold,lost")
    assert raised.value.returncode == 2
