"""API authentication: a bad token on any write answers 401 JSON, not a CSRF 403; a session
write without its CSRF token is still refused."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from kam.api.api import api
from kam.org.services import token_create, token_revoke
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = "Authentication required: send a token or sign in."
# Every write operation of the schema, so a new one cannot miss the rule.
WRITES = [
    (method, path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
    if method in {"post", "put", "patch", "delete"}
]
SESSION_WRITES = [
    ("post", "/api/v1/accounts"),
    ("patch", "/api/v1/accounts/{account_id}"),
    ("delete", "/api/v1/accounts/{account_id}"),
]


def _call(client: Client, method: str, path: str, account_id: int) -> tuple[int, dict]:
    """Every path parameter is the account's id: authentication answers before it is read."""
    response = getattr(client, method)(
        re.sub(r"\{[a-z_]+\}", str(account_id), path),
        data=json.dumps({"name": "x"}),
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_the_walk_finds_every_write_method() -> None:
    assert {method for method, _path in WRITES} == {"post", "put", "patch", "delete"}


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("token", ["revoked", "bogus", "kam_bogus"])
def test_a_bad_token_on_a_write_answers_401(manager, method, path, token) -> None:
    account = AccountFactory(owner=manager)
    revoked, raw = token_create(user=manager, name="old")
    token_revoke(token=revoked)
    bad = {"revoked": raw, "bogus": "nonsense", "kam_bogus": "kam_" + "0" * 43}[token]
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {bad}"})

    status, body = _call(client, method, path, account.pk)

    assert (status, body["detail"]) == (401, UNAUTHENTICATED)


@pytest.mark.parametrize(("method", "path"), SESSION_WRITES)
def test_a_session_write_without_the_csrf_token_is_refused(manager, method, path) -> None:
    account = AccountFactory(owner=manager, name="Before")
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    status, _body = _call(client, method, path, account.pk)

    assert status == 403
    account.refresh_from_db()
    assert account.name == "Before"


@pytest.mark.parametrize(("method", "path"), SESSION_WRITES)
def test_a_bad_token_beside_a_session_still_needs_the_csrf_token(manager, method, path) -> None:
    account = AccountFactory(owner=manager)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer nonsense"})
    client.force_login(manager)

    status, _body = _call(client, method, path, account.pk)

    assert status == 403


def test_a_session_write_with_the_csrf_token_is_accepted(manager) -> None:
    account = AccountFactory(owner=manager, name="Before")
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.get("/accounts/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.patch(
        f"/api/v1/accounts/{account.pk}",
        data=json.dumps({"name": "After"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200
    account.refresh_from_db()
    assert account.name == "After"
