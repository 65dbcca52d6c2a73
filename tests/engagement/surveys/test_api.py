"""The surveys API (DOMAIN §9): responses CRUD with filters, plans, trend, links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kam.alerts.models import Alert
from kam.engagement.surveys.models import SurveyResponse
from tests.factories import AccountFactory, ContactFactory, SurveyPlanFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, body, content_type="application/json")


def test_a_response_is_created_read_changed_and_deleted(manager, api_as) -> None:
    account = AccountFactory(owner=manager)
    client = api_as(manager)
    created = _post(
        client,
        f"/accounts/{account.pk}/survey-responses",
        {"responded_on": "2026-10-02", "nps": 10, "csat_service": 5, "method": "phone"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["entered_by_id"], body["nps"]) == ("api", manager.pk, 10)
    path = f"{API}/survey-responses/{body['id']}"
    assert client.get(path).json()["csat_service"] == 5
    changed = client.patch(
        path, {"csat_service": None, "csat_price": 2}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["csat_service"], changed.json()["csat_price"]) == (None, 2)
    assert client.delete(path).status_code == 204
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"responded_on": "2026-10-02", "nps": 11}, "nps"),
        ({"responded_on": "2026-10-02", "csat_product": 0}, "csat_product"),
        ({"responded_on": "2026-10-02", "csat_price": "4"}, "csat_price"),
        ({"responded_on": "2026-10-02"}, "nps"),
        ({"nps": 5}, "responded_on"),
    ],
)
def test_bad_responses_answer_422_naming_the_field(manager, api_as, body, field) -> None:
    account = AccountFactory(owner=manager)
    answer = _post(api_as(manager), f"/accounts/{account.pk}/survey-responses", body)
    assert answer.status_code == 422, answer.content
    assert field in {error["field"] for error in answer.json()["errors"]}
    assert not SurveyResponse.objects.exists()


def test_a_patch_leaving_no_score_is_refused(manager, api_as) -> None:
    response = SurveyResponseFactory(account=AccountFactory(owner=manager), csat_service=4)
    answer = api_as(manager).patch(
        f"{API}/survey-responses/{response.pk}",
        {"csat_service": None},
        content_type="application/json",
    )
    assert answer.status_code == 422
    response.refresh_from_db()
    assert response.csat_service == 4


def test_the_list_filters_by_account_plan_and_dates(manager, other_manager, api_as) -> None:
    account, other = AccountFactory(owner=manager), AccountFactory(owner=manager)
    plan = SurveyPlanFactory(account=account)
    july = SurveyResponseFactory(account=account, plan=plan, responded_on=dt.date(2026, 7, 1))
    october = SurveyResponseFactory(account=account, responded_on=dt.date(2026, 10, 1))
    SurveyResponseFactory(account=other, responded_on=dt.date(2026, 10, 1))
    SurveyResponseFactory(account=AccountFactory(owner=other_manager))
    client = api_as(manager)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in client.get(f"{API}/survey-responses?{query}").json()["items"]]

    assert len(ids("")) == 3  # not the other manager's
    assert ids(f"account_id={account.pk}") == [october.pk, july.pk]
    assert ids(f"plan_id={plan.pk}") == [july.pk]
    assert ids(f"account_id={account.pk}&date_from=2026-08-01") == [october.pk]
    assert ids(f"account_id={account.pk}&date_to=2026-08-01") == [july.pk]


def test_another_managers_response_answers_404(manager, other_manager, api_as) -> None:
    theirs = SurveyResponseFactory(account=AccountFactory(owner=other_manager))
    client = api_as(manager)
    assert client.get(f"{API}/survey-responses/{theirs.pk}").status_code == 404
    assert client.delete(f"{API}/survey-responses/{theirs.pk}").status_code == 404
    assert SurveyResponse.objects.filter(pk=theirs.pk).exists()


def test_a_drop_entered_through_the_api_raises_the_alert(manager, api_as) -> None:
    account = AccountFactory(owner=manager)
    client = api_as(manager)
    for day, score in (("2026-07-01", 5), ("2026-10-01", 4)):
        _post(
            client,
            f"/accounts/{account.pk}/survey-responses",
            {"responded_on": day, "csat_relationship": score},
        )
    alert = Alert.objects.get(account=account, kind="survey_drop")
    assert alert.data["dimensions"] == ["relationship"]
    trend = client.get(f"{API}/accounts/{account.pk}/survey-trend").json()
    assert trend["months"] == ["2026-07", "2026-10"]
    assert trend["relationship"] == [5.0, 4.0]
    assert trend["nps"] == [None, None]


def test_the_portfolio_nps_counts_every_visible_response_per_month(manager, api_as) -> None:
    for score in (10, 9, 3):
        SurveyResponseFactory(account=AccountFactory(owner=manager), nps=score)
    nps = api_as(manager).get(f"{API}/survey-nps").json()
    assert nps["months"] == ["2026-09"]
    assert nps["nps"] == [pytest.approx(33.33, abs=0.01)]


def test_a_plan_names_the_contacts_surveyed(manager, api_as) -> None:
    account = AccountFactory(owner=manager)
    buyer, stranger = ContactFactory(account=account), ContactFactory()
    client = api_as(manager)
    made = _post(
        client,
        f"/accounts/{account.pk}/survey-plans",
        {"purpose": "Quarterly check", "schedule": "quarterly", "contact_ids": [buyer.pk]},
    )
    assert made.status_code == 201, made.content
    assert made.json()["contact_ids"] == [buyer.pk]
    refused = client.patch(
        f"{API}/survey-plans/{made.json()['id']}",
        {"contact_ids": [stranger.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "contact_ids"


def test_a_link_is_answered_once_by_its_contact(manager, api_as) -> None:
    contact = ContactFactory(account=AccountFactory(owner=manager))
    client = api_as(manager)
    made = _post(
        client,
        f"/accounts/{contact.account_id}/survey-invitations",
        {"contact_id": contact.pk, "days": 3},
    )
    assert made.status_code == 201, made.content
    link = made.json()["link"]
    assert link.startswith("http://testserver/s/s_")
    listed = client.get(f"{API}/accounts/{contact.account_id}/survey-invitations").content.decode()
    assert link.removeprefix("http://testserver/s/").rstrip("/") not in listed
    public = Client()
    assert public.post(link, {"nps": "7"}).status_code == 200
    assert public.post(link, {"nps": "7"}).status_code == 410
    revoked = client.post(f"{API}/survey-invitations/{made.json()['id']}/revoke")
    assert revoked.json()["revoked_at"] is None  # an answered link stays answered
