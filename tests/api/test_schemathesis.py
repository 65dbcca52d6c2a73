"""Schemathesis over the whole API: generated requests, valid and invalid, never answer 5xx,
and every answer matches the OpenAPI schema (status codes, content types, bodies); then the
same checks over chains of calls that follow the schema's links (create an account, a cost,
a note, then read, change and delete them with the ids the API answered)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
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
# Along a chain: what a create answered can be read back, and what was deleted is gone.
STATEFUL_CHECKS = [*CHECKS, ensure_resource_availability, use_after_free]
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


def test_chains_of_calls_along_the_links_never_fail_and_match_the_schema(
    director_token: str,
) -> None:
    """The state machine follows the schema's links (kam.api.links, and those schemathesis
    infers where an id in one answer is the path parameter of another operation): POST
    /accounts, then GET, PATCH and DELETE /accounts/{account_id}, its costs, notes and team,
    each with the ids answered."""
    headers = {"Authorization": f"Bearer {director_token}"}
    reached: set[str] = set()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each chain starts from the same database, so Hypothesis can replay a failing one.
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            if case.path_parameters and 200 <= response.status_code < 300:
                reached.add(case.operation.label)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs)

    Workflow.run(
        settings=settings(
            max_examples=80,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
    )

    # The chains got somewhere: operations on one thing answered, with ids calls gave.
    assert reached
