"""Schemathesis over the whole API: generated requests, valid and invalid, never answer 5xx,
and every answer matches the OpenAPI schema (status codes, content types, bodies)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from kam.org.models import Role
from kam.org.services import token_create
from kam.wsgi import application
from tests.factories import AccountFactory, NoteFactory, TeamMemberFactory, UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
pytestmark = pytest.mark.slow


@pytest.fixture
def director_token(db: Any) -> str:
    """A director sees and may change everything, so the generated requests reach deep."""
    director = UserFactory(role=Role.DIRECTOR, username="fuzz-director")
    for index in range(3):
        account = AccountFactory(code=f"F{index}", owner=director)
        TeamMemberFactory(account=account)
        NoteFactory(account=account, author=director)
    return token_create(user=director, name="schemathesis")[1]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calls go straight to the WSGI app; like Django's test client, keep the connection
    (and its test transaction) open across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_always_matches_its_schema(case: Any, director_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {director_token}"}, checks=CHECKS)
