"""Asking for an account (docs/rules.md "Asking for an account", DOMAIN §13): a code taken by
an account the asker cannot see gets exactly the answer a free code gets, through the
service, the API and the page; a director decides, and gets a proper 409 for a taken code."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.accounts.models import Account, AccountRequest, RequestStatus
from kam.accounts.services import (
    account_request_approve,
    account_request_create,
    account_request_decline,
    account_update,
)
from kam.core.errors import Conflict, PermissionDenied
from tests.conftest import api_client_for
from tests.factories import AccountFactory, AccountRequestFactory

pytestmark = pytest.mark.django_db

HIDDEN, UNKNOWN = "OTTO-1", "NOBODY-1"


@pytest.fixture
def hidden(other_manager) -> Account:
    return AccountFactory(owner=other_manager, code=HIDDEN, name="SECRET-OF-OTTO")


def _api_create(client: Client, code: str) -> tuple[int, bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/accounts",
            data=json.dumps({"code": code, "name": "Acme"}),
            content_type="application/json",
        )
    return response.status_code, response.content, len(queries)


def _page_create(client: Client, code: str) -> tuple[int, str, bytes, int]:
    form = {"code": code, "name": "Acme", "account_type": "end_user", "status": "prospect"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("account_create"), form)
    return response.status_code, response.headers["Location"], response.content, len(queries)


def test_a_hidden_code_and_a_free_one_give_the_same_request(manager, hidden) -> None:
    with CaptureQueriesContext(connection) as for_hidden:
        account_request_create(actor=manager, code=HIDDEN, name="Acme")
    with CaptureQueriesContext(connection) as for_unknown:
        account_request_create(actor=manager, code=UNKNOWN, name="Acme")

    assert len(for_hidden) == len(for_unknown)
    assert sorted(AccountRequest.objects.values_list("code", flat=True)) == [UNKNOWN, HIDDEN]
    assert Account.objects.count() == 1


def test_the_api_answers_a_hidden_code_byte_for_byte_as_a_free_one(manager, hidden) -> None:
    client = api_client_for(manager)
    client.get("/api/v1/me")  # the token's first use records itself: not part of the answer

    for_hidden = _api_create(client, HIDDEN)
    for_unknown = _api_create(client, UNKNOWN)

    assert for_hidden == for_unknown
    assert for_hidden[0] == 202
    assert b"SECRET" not in for_hidden[1]
    assert Account.objects.count() == 1


def test_the_page_answers_a_hidden_code_byte_for_byte_as_a_free_one(manager, hidden) -> None:
    client = Client()
    client.force_login(manager)

    for_hidden = _page_create(client, HIDDEN)
    for_unknown = _page_create(client, UNKNOWN)

    assert for_hidden == for_unknown
    assert for_hidden[:2] == (302, reverse("account_request_list"))
    assert Account.objects.count() == 1


def test_a_code_the_manager_sees_is_a_conflict(manager) -> None:
    AccountFactory(owner=manager, code="MIA-1")

    status, body, _queries = _api_create(api_client_for(manager), "mia-1")

    assert status == 409
    assert json.loads(body)["errors"][0]["field"] == "code"


def test_a_director_gets_a_409_for_a_taken_code(director, hidden) -> None:
    status, body, _queries = _api_create(api_client_for(director), HIDDEN.lower())

    assert status == 409
    assert "already exists" in json.loads(body)["detail"]


def test_a_director_creates_directly(director) -> None:
    status, body, _queries = _api_create(api_client_for(director), UNKNOWN)

    assert status == 201
    assert json.loads(body)["code"] == UNKNOWN


def test_approving_creates_the_account_for_the_asker(manager, director) -> None:
    asked = account_request_create(
        actor=manager, code="NEW-1", name="Acme", industry="Energy", status="prospect"
    )

    response = api_client_for(director).post(f"/api/v1/account-requests/{asked.pk}/approve")

    account = Account.objects.get(code="NEW-1")
    asked.refresh_from_db()
    assert response.status_code == 201
    assert (account.owner, account.industry) == (manager, "Energy")
    assert (asked.status, asked.account, asked.decided_by) == (
        RequestStatus.APPROVED,
        account,
        director,
    )


def test_approving_a_taken_code_answers_the_director_409(manager, director, hidden) -> None:
    asked = account_request_create(actor=manager, code=HIDDEN, name="Acme")

    response = api_client_for(director).post(f"/api/v1/account-requests/{asked.pk}/approve")

    asked.refresh_from_db()
    assert response.status_code == 409
    assert asked.status == RequestStatus.OPEN
    assert Account.objects.count() == 1


def test_a_decided_request_is_not_decided_again(manager, director) -> None:
    asked = account_request_create(actor=manager, code="NEW-1", name="Acme")
    account_request_decline(actor=director, account_request=asked, reason="We have it as C7")

    with pytest.raises(Conflict):
        account_request_approve(actor=director, account_request=asked)

    asked.refresh_from_db()
    assert (asked.status, asked.reason) == (RequestStatus.DECLINED, "We have it as C7")


def test_only_a_director_or_an_administrator_decides(manager) -> None:
    asked = account_request_create(actor=manager, code="NEW-1", name="Acme")

    with pytest.raises(PermissionDenied):
        account_request_approve(actor=manager, account_request=asked)

    assert not Account.objects.exists()


def test_a_manager_reads_only_their_own_requests(manager, other_manager) -> None:
    AccountRequestFactory(requested_by=other_manager, code="SECRET-1")
    AccountRequestFactory(requested_by=manager, code="MINE-1")

    response = api_client_for(manager).get("/api/v1/account-requests")

    assert [item["code"] for item in response.json()["items"]] == ["MINE-1"]


def test_a_managers_code_change_is_refused_alike_for_hidden_and_free_codes(manager, hidden) -> None:
    account = AccountFactory(owner=manager, code="MIA-1")
    client = api_client_for(manager)

    answers = [
        client.patch(
            f"/api/v1/accounts/{account.pk}",
            data=json.dumps({"code": code}),
            content_type="application/json",
        )
        for code in (HIDDEN, UNKNOWN)
    ]

    assert answers[0].status_code == answers[1].status_code == 403
    assert answers[0].content == answers[1].content
    account.refresh_from_db()
    assert account.code == "MIA-1"


def test_a_director_changes_a_code(director, manager) -> None:
    account = AccountFactory(owner=manager, code="MIA-1")

    account_update(actor=director, account=account, code="MIA-2")

    account.refresh_from_db()
    assert account.code == "MIA-2"


def test_the_director_approves_from_the_requests_page(manager, director) -> None:
    asked = account_request_create(actor=manager, code="NEW-1", name="Acme")
    client = Client()
    client.force_login(director)

    dashboard = client.get(reverse("dashboard"))
    listed = client.get(reverse("account_request_list"))
    approved = client.post(reverse("account_request_approve", args=[asked.pk]), follow=True)

    assert "1 account request waits for your decision." in dashboard.text
    assert "NEW-1" in listed.text
    assert approved.redirect_chain[-1][0] == reverse("account_request_list")
    assert "Account NEW-1 created for" in approved.text
    assert Account.objects.get(code="NEW-1").owner == manager


def test_the_requests_page_speaks_chinese(manager, director) -> None:
    account_request_create(actor=manager, code="NEW-1", name="Acme")
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(director)

    dashboard = client.get(reverse("dashboard"))

    assert "个客户申请等待您的决定" in dashboard.text
