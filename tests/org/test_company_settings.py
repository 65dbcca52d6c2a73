"""Company settings: the base currency and the fiscal year start, below the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.ledger.services import ledger_import
from kam.org.models import CompanySettings
from kam.org.selectors import base_currency, company_settings
from kam.org.services import company_settings_update
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _import_one_line(tmp_path: Path, director) -> None:
    AccountFactory(code="C1")
    path = tmp_path / "ledger.csv"
    path.write_text("customer,date,amount\nC1,2026-10-03,1.00\n", encoding="utf-8")
    assert ledger_import(actor=director, path=path).lines_added == 1


def test_the_first_base_currency_comes_from_kam_base_currency(settings) -> None:
    CompanySettings.objects.all().delete()
    settings.KAM_BASE_CURRENCY = "eur"
    assert base_currency() == "EUR"  # read without writing the row
    assert not CompanySettings.objects.exists()
    assert company_settings().currency == "EUR"


def test_the_director_sets_currency_and_fiscal_year_kept_in_history(director) -> None:
    company_settings_update(actor=director, currency=" usd ", fiscal_year_start_month=4)
    company = company_settings()
    assert (company.currency, company.fiscal_year_start_month) == ("USD", 4)
    assert base_currency() == "USD"
    assert company.history.first().history_user == director


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "yuan"}, "currency"),
        ({"currency": "U$D"}, "currency"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month"),
        ({"time_zone": "UTC"}, "time_zone"),
    ],
)
def test_bad_company_settings_are_refused(director, changes, field) -> None:
    with pytest.raises(InvalidInput) as error:
        company_settings_update(actor=director, **changes)
    assert error.value.errors[0].field == field
    assert company_settings().history.count() == 0


def test_only_director_or_admin_edits_company_settings(manager, executive) -> None:
    for actor in (manager, executive):
        with pytest.raises(PermissionDenied):
            company_settings_update(actor=actor, fiscal_year_start_month=4)


def test_the_currency_cannot_change_once_the_ledger_holds_lines(tmp_path, director) -> None:
    _import_one_line(tmp_path, director)
    with pytest.raises(Conflict) as error:
        company_settings_update(actor=director, currency="USD")
    assert error.value.errors[0].field == "currency"
    assert "CNY" in error.value.message
    # The fiscal year is not stored in the ledger's amounts: it may still change
    company_settings_update(actor=director, fiscal_year_start_month=7, currency="cny")
    assert company_settings().fiscal_year_start_month == 7


def test_portfolio_settings_api_still_reads_and_writes_the_company_fields(
    tmp_path, director
) -> None:
    client = api_client_for(director)
    url = "/api/v1/portfolio/settings"
    assert client.get(url).json()["currency"] == "CNY"
    good = client.patch(
        url, {"currency": "usd", "fiscal_year_start_month": 4}, content_type="application/json"
    )
    assert good.status_code == 200
    assert (good.json()["currency"], good.json()["fiscal_year_start_month"]) == ("USD", 4)
    assert base_currency() == "USD"
    bad = client.patch(url, {"currency": "12"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "currency"
    _import_one_line(tmp_path, director)
    locked = client.patch(url, {"currency": "EUR"}, content_type="application/json")
    assert locked.status_code == 409 and locked.json()["errors"][0]["field"] == "currency"
    assert base_currency() == "USD"


def test_company_settings_over_their_own_endpoint(director, manager) -> None:
    url = "/api/v1/company-settings"
    assert api_client_for(manager).get(url).json()["currency"] == "CNY"
    refused = api_client_for(manager).patch(
        url, {"fiscal_year_start_month": 4}, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = api_client_for(director).patch(
        url, {"fiscal_year_start_month": 13}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "fiscal_year_start_month"
    good = api_client_for(director).patch(
        url, {"fiscal_year_start_month": 4, "currency": "usd"}, content_type="application/json"
    )
    assert good.status_code == 200
    assert (good.json()["currency"], good.json()["fiscal_year_start_month"]) == ("USD", 4)
