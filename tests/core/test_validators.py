"""One calendar (1900–2999) for every date input and one rule for codes and names, at every
way in: the API, the pages, the command line and the imports (kam.core.validators)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic import ValidationError as SchemaError

from kam.accounts.importing import accounts_import
from kam.accounts.models import Account, PotentialEstimate
from kam.core.schemas import DATE_PATTERN, TEXT_PATTERN, IsoDate, identifier, text
from kam.core.validators import in_calendar, validate_identifier, validate_in_calendar
from kam.importing.values import IDENTIFIER_PATTERN
from kam.ledger.models import LedgerLine
from kam.ledger.services.imports import ledger_import
from kam.org.services import user_create
from kam.portfolio.models import CostToServe
from kam.relationships.importing import contacts_import
from kam.relationships.models import Contact
from tests.conftest import api_client_for, signed_in
from tests.factories import AccountFactory, CostToServeFactory

OUTSIDE = "outside the years 1900–2999"
FAR_DATES = ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"]
pytestmark = pytest.mark.django_db
HIDDEN = ["C10001\u200b", "C1\u202e0001", "\u2066C10001\u2069", "C1\u200d", "\ufeffC1", "C\x001"]


def _schema_reads(pattern: str) -> re.Pattern[str]:
    """A JSON Schema pattern as schemathesis reads it (Python re, ASCII, `$` the very end)."""
    return re.compile(pattern.removesuffix("$") + r"\Z", re.ASCII)


# The pure rules.


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 31)])
def test_the_calendar_refuses_a_date_outside_the_ledgers_years(day: dt.date) -> None:
    with pytest.raises(ValidationError, match=OUTSIDE):
        validate_in_calendar(day)


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2026, 11, 24), dt.date(2999, 12, 31)])
def test_the_calendar_takes_its_first_and_last_day(day: dt.date) -> None:
    validate_in_calendar(day)


@given(st.dates())
def test_the_schemas_date_pattern_says_what_the_api_accepts(day: dt.date) -> None:
    written = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    accepted = _accepts(IsoDate, written)
    assert accepted == in_calendar(day)
    # A value outside the pattern is refused; the pattern allows no more than the calendar.
    assert bool(_schema_reads(DATE_PATTERN).match(written)) == accepted


@given(st.text(max_size=30))
def test_a_text_outside_the_schemas_pattern_is_refused(value: str) -> None:
    for kind, pattern in ((text(30), TEXT_PATTERN), (identifier(30), IDENTIFIER_PATTERN)):
        if not _schema_reads(pattern).match(value):
            assert not _accepts(kind, value)


@pytest.mark.parametrize("value", HIDDEN)
def test_an_identifier_refuses_invisible_and_control_characters(value: str) -> None:
    with pytest.raises(ValidationError, match="invisible or control character"):
        validate_identifier(value)
    assert not _accepts(identifier(64, 1), value)


def test_free_text_keeps_line_breaks_and_emoji_joiners_but_not_controls() -> None:
    assert _accepts(text(100), "Line one\nline two, 👩\u200d🔧")
    assert not _accepts(text(100), "bell\x07")
    assert not _accepts(text(100), "\x1fleading")
    assert not _accepts(text(100), "lone \ud800 surrogate")


def _accepts(kind: object, value: str) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except SchemaError:
        return False
    return True


# The API.


@pytest.mark.parametrize("as_of", FAR_DATES)
def test_an_accounts_sales_as_of_a_far_date_answer_422(manager, as_of: str) -> None:
    account = AccountFactory(owner=manager)

    response = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/sales", {"as_of": as_of})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


@pytest.mark.parametrize("as_of", ["1900-01-01", "2999-12-31"])
def test_an_accounts_sales_on_the_calendars_edges_answer(manager, as_of: str) -> None:
    account = AccountFactory(owner=manager)

    response = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/sales", {"as_of": as_of})

    assert response.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_api_refuses_far_potential_estimates_cost_months_and_as_of_dates(
    director, day: str
) -> None:
    account = AccountFactory(owner=director)
    cost = CostToServeFactory(account=account)
    client = api_client_for(director)
    url = f"/api/v1/accounts/{account.pk}"
    json = "application/json"

    answers = {
        "estimated_on": client.post(
            f"{url}/potentials", {"amount": "10", "estimated_on": day}, content_type=json
        ),
        "month": client.post(
            f"{url}/cost-to-serve", {"month": day, "kind": "travel", "amount": "1"}, json
        ),
        "patched month": client.patch(
            f"{url}/cost-to-serve/{cost.pk}", {"month": day}, content_type=json
        ),
        "as_of": client.get("/api/v1/portfolio", {"as_of": day}),
        "score as_of": client.post("/api/v1/portfolio/score", {"as_of": day}, content_type=json),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 422
    )
    assert all(OUTSIDE in answer.json()["detail"] for answer in answers.values())
    assert not PotentialEstimate.objects.exists()
    assert list(CostToServe.objects.values_list("month", flat=True)) == [cost.month]


@pytest.mark.parametrize("code", HIDDEN)
def test_the_api_refuses_a_code_with_a_hidden_character(director, code: str) -> None:
    response = api_client_for(director).post(
        "/api/v1/accounts", {"code": code, "name": "Acme"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"
    assert not Account.objects.exists()


def test_the_api_refuses_hidden_characters_in_names_regions_and_team_names(director) -> None:
    account = AccountFactory(owner=director, name="Acme")
    client = api_client_for(director)
    json = "application/json"

    answers = [
        client.patch(f"/api/v1/accounts/{account.pk}", {"name": "Ac\u200bme"}, json),
        client.patch(f"/api/v1/accounts/{account.pk}", {"region": "East\u202e"}, json),
        client.post("/api/v1/teams", {"name": "Key\u2060team"}, content_type=json),
    ]

    assert [answer.status_code for answer in answers] == [422, 422, 422]
    assert [answer.json()["errors"][0]["field"] for answer in answers] == [
        "name",
        "region",
        "name",
    ]
    account.refresh_from_db()
    assert (account.name, account.region) == ("Acme", "East China")


def test_the_openapi_schema_describes_the_patterns(director) -> None:
    schema = api_client_for(director).get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    sales = schema["paths"]["/api/v1/accounts/{account_id}/sales"]["get"]["parameters"]

    as_of = next(p for p in sales if p["name"] == "as_of")["schema"]["anyOf"][0]
    assert as_of["pattern"] == DATE_PATTERN
    assert components["AccountIn"]["properties"]["code"]["pattern"] == IDENTIFIER_PATTERN
    assert components["NoteIn"]["properties"]["body"]["pattern"] == TEXT_PATTERN


# The pages.


def test_the_pages_refuse_far_potential_dates_and_cost_months(director) -> None:
    account = AccountFactory(owner=director)
    client = signed_in(director)

    potential = client.post(
        reverse("account_potential_add", args=[account.pk]),
        {"amount": "10", "estimated_on": "0001-01-01"},
        follow=True,
    )
    cost = client.post(
        reverse("account_cost_add", args=[account.pk]),
        {"cost-month": "9999-12", "cost-kind": "travel", "cost-amount": "5"},
    )

    assert f"estimated on: {OUTSIDE}" in potential.content.decode()
    assert cost.status_code == 422
    assert OUTSIDE in cost.content.decode()
    assert not PotentialEstimate.objects.exists()
    assert not CostToServe.objects.exists()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("portfolio_matrix", {"as_of": "0001-01-01"}),
        ("portfolio_pareto", {"as_of": "9999-12-31"}),
        ("portfolio_migration", {"start": "0001-01-01", "end": "9999-12-31"}),
    ],
)
def test_a_portfolio_page_asked_for_a_far_date_answers_without_it(
    director, name: str, query: dict[str, str]
) -> None:
    response = signed_in(director).get(reverse(name), query)

    assert response.status_code == 200


def test_the_account_form_refuses_a_code_with_a_zero_width_space(director) -> None:
    response = signed_in(director).post(
        reverse("account_create"),
        {"code": "C10001\u200b", "name": "Acme", "account_type": "end_user", "status": "customer"},
    )

    assert response.status_code == 200
    assert "U+200B ZERO WIDTH SPACE" in response.context["form"].errors["code"][0]
    assert not Account.objects.exists()


# The command line.


@pytest.mark.parametrize("command", [["score"], ["report", "portfolio"]])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_command_line_refuses_a_far_as_of_with_exit_2(command: list[str], day: str) -> None:
    with pytest.raises(CommandError, match=OUTSIDE) as refused:
        call_command(*command, "--as-of", day)

    assert refused.value.returncode == 2


def test_a_user_name_with_a_zero_width_space_is_refused() -> None:
    from kam.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        user_create(username="mia\u200b", role="manager", password="a-long-password-1")

    assert refused.value.errors[0].field == "username"


# The imports.


def _file(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "upload.csv"
    path.write_text(content, encoding="utf-8")
    return path


def test_an_accounts_file_refuses_hidden_codes_and_far_potential_dates(tmp_path, director) -> None:
    path = _file(
        tmp_path,
        "code,name,region,potential,potential_date\n"
        "C10001\u200b,Acme,,100,2026-01-01\n"
        "C10002,Beta,East\u202e,100,2026-01-01\n"
        "C10003,Gamma,,100,0001-01-01\n"
        "C10004,Delta,,100,9999-12-31\n",
    )

    result = accounts_import(actor=director, path=path)

    assert result.status == "rejected"
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "code"),
        (3, "region"),
        (4, "potential_date"),
        (5, "potential_date"),
    ]
    assert result.errors[0].value == "C10001\\u200b"
    assert result.errors[2].reason == OUTSIDE
    assert not Account.objects.exists()


def test_a_contacts_file_refuses_hidden_names_and_far_dates(tmp_path, manager) -> None:
    AccountFactory(owner=manager, code="C1")
    path = _file(
        tmp_path,
        "account,name,last_contact,left_on\n"
        "C1,Li\u200b Wei,2026-01-01,\n"
        "C1,Wang Fang,0001-01-01,\n"
        "C1,Zhao Lei,,9999-12-31\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert result.status == "rejected"
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "name"),
        (3, "last_contact"),
        (4, "left_on"),
    ]
    assert not Contact.objects.exists()


def test_a_ledger_file_refuses_a_customer_code_with_a_zero_width_space(tmp_path, director) -> None:
    AccountFactory(code="C10001")
    path = _file(
        tmp_path,
        "customer,date,amount,category\nC10001\u200b,2026-10-15,100.00,Pumps\n"
        "C10001,2026-10-16,1.00,Pu\u2066mps\n",
    )

    result = ledger_import(actor=director, path=path)

    assert result.status == "rejected"
    assert sorted((e.row, e.column, e.value) for e in result.errors) == [
        (2, "account_code", "C10001\\u200b"),
        (3, "category", "Pu\\u2066mps"),
    ]
    assert not LedgerLine.objects.exists()
    assert list(Account.objects.values_list("code", flat=True)) == ["C10001"]


def test_kam_import_reports_a_hidden_character_and_exits_2(tmp_path, director) -> None:
    path = _file(tmp_path, "code,name\nC10001\u200b,Acme\n")

    with pytest.raises(CommandError) as refused:
        call_command("import", "accounts", str(path), "--user", director.username)

    assert refused.value.returncode == 2
    assert "U+200B ZERO WIDTH SPACE" in (tmp_path / "upload.errors.csv").read_text()


def test_a_token_label_with_a_bidi_override_is_refused_on_the_command_line(director) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("token", "create", director.username, "--label", "ci\u202e")

    assert refused.value.returncode == 2
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in str(refused.value)


def test_an_empty_token_label_exits_2_not_with_a_traceback(director) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("token", "create", director.username, "--label", "")

    assert refused.value.returncode == 2
