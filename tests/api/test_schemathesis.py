"""Schemathesis over the whole API: generated requests, valid and invalid, never answer 5xx,
and every answer matches the OpenAPI schema (status codes, content types, bodies); then the
same checks over chains of calls that follow the schema's links (create an account, a cost,
a note, then read, change and delete them with the ids the API answered)."""

from __future__ import annotations

from collections import Counter
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

from kam.api.links import LINKS
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


def _declared_links(machine: Any) -> dict[str, str]:
    """The state machine's transitions that are links of kam.api.links (not ones schemathesis
    inferred), by their full name: source, status, link name, target."""
    return {
        link.full_name: link.name
        for operation in machine._transitions.operations.values()
        for link in operation.outgoing
        if not link.is_inferred
    }


def _run_chains(
    machine: Any, headers: dict[str, str], *, examples: int
) -> tuple[set[str], Counter[str]]:
    """Run `machine` (checks: STATEFUL_CHECKS, each chain rolled back); returns the operations
    that answered 2xx for path ids a call gave, and how often each declared link was followed
    (its ids put in and the target answering 2xx)."""
    reached: set[str] = set()
    followed: Counter[str] = Counter()
    declared = _declared_links(machine)

    class Workflow(machine):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            # Each chain starts from the same database, so Hypothesis can replay a failing one.
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def step(self, input: Any) -> Any:
            output = super().step(input)
            link = declared.get(input.transition.id) if input.transition is not None else None
            if link and input.is_applied and 200 <= output.response.status_code < 300:
                followed[link] += 1
            return output

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            if case.path_parameters and 200 <= response.status_code < 300:
                reached.add(case.operation.label)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs)

    Workflow.run(
        settings=settings(
            max_examples=examples,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
    )
    return reached, followed


DECLARED_LINK_NAMES = {name for _status, links in LINKS.values() for name, _target, _p in links}
# Each create and the links from it to reading (and deleting) what it made. Run on their
# own, so that chains follow these links rather than the many that schemathesis infers
# across the whole API; the links that send a body (a change, the account's costs, notes,
# team) need bodies random data rarely gets right, and run in the whole-API chains.
CREATE_TO_READ = {
    "create_account": {"GetAccount", "DeleteAccount"},
    "create_import": {"GetImport"},
    "start_score_run": {"GetScoreRun"},
    "create_token": {"RevokeToken"},
}
CREATE_TO_READ_OPERATIONS = sorted(
    set(CREATE_TO_READ)
    | {
        target
        for source, names in CREATE_TO_READ.items()
        for name, target, _p in LINKS[source][1]
        if name in names
    }
)


def test_chains_of_calls_along_the_links_never_fail_and_match_the_schema(
    director_token: str,
) -> None:
    """The state machine follows the schema's links (kam.api.links, and those schemathesis
    infers where an id in one answer is the path parameter of another operation): POST
    /accounts, then GET, PATCH and DELETE /accounts/{account_id}, its costs, notes and team,
    each with the ids answered."""
    machine = schema.as_state_machine()
    # Every declared link is one of the machine's transitions
    assert set(_declared_links(machine).values()) == DECLARED_LINK_NAMES

    reached, _followed = _run_chains(
        machine, {"Authorization": f"Bearer {director_token}"}, examples=80
    )

    # The chains got somewhere: operations on one thing answered, with ids calls gave.
    assert reached


def test_the_named_links_from_each_create_are_followed(director_token: str) -> None:
    """Each create is followed along its named links: the id it answered goes into the
    read (and delete) of what it created, which answers 2xx — not only "no server
    error" somewhere along a chain."""
    # Given the state machine of the creates and the operations their links lead to
    machine = schema.include(operation_id=CREATE_TO_READ_OPERATIONS).as_state_machine()
    expected = set().union(*CREATE_TO_READ.values())
    assert set(_declared_links(machine).values()) == expected

    # When chains of calls run along them
    _reached, followed = _run_chains(
        machine, {"Authorization": f"Bearer {director_token}"}, examples=40
    )

    # Then at least one step followed each named link to a 2xx answer
    assert expected <= set(followed), f"never followed: {sorted(expected - set(followed))}"
