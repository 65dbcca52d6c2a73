"""Two `kam serve` processes on one database serve the same users: a session opened on one is
good on the other, and the sign-in limit counts the failures made on both (docs/scale.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import scratch_database_at
from tests.processes import kam, serving

PASSWORD = "x-Pass-2026"
MAX_FAILURES = 4
LOCKED = "Too many failed sign-ins"
USERS = ("mia", "otto")  # one per story: the lock story must not lock the session story


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    """A browser's sign-in on `base`: the form (and its CSRF cookie), then the post."""
    browser = requests.Session()
    form = browser.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    answer = browser.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": token[1], "username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    return browser, answer


def dashboard(base: str, session_id: str) -> int:
    """The dashboard's status for a browser holding only this session cookie."""
    response = requests.get(
        f"{base}/", cookies={"sessionid": session_id}, allow_redirects=False, timeout=10
    )
    return response.status_code


def refused_as_locked(base: str, username: str) -> bool:
    """The right password is answered with the lock's message, and no session."""
    browser, answer = sign_in(base, username, PASSWORD)
    return (
        answer.status_code == 200 and LOCKED in answer.text and "sessionid" not in browser.cookies
    )


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two servers, each with its own home (two machines: no shared files), on one database
    with one secret key; started once for this module's stories, each with its own user."""
    root = tmp_path_factory.mktemp("two-servers")
    with scratch_database_at(root) as database:
        env = {**database, "KAM_HTTPS": "false", "KAM_LOGIN_MAX_FAILURES": str(MAX_FAILURES)}
        for name in USERS:
            kam(env, "user", "add", name, "--role", "manager", "--password", PASSWORD)
        one = {**env, "KAM_HOME": str(root / "one")}
        two = {**env, "KAM_HOME": str(root / "two")}
        with (
            serving(one, log=root / "one.log") as first,
            serving(two, log=root / "two.log") as second,
        ):
            yield first, second


@pytest.mark.slow
def test_a_session_opened_on_one_server_is_good_on_the_other(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    # Given a user signed in on the first server.
    session_id = sign_in(first, "mia", PASSWORD)[0].cookies["sessionid"]

    # When the same browser comes to the second, then signs out there.
    on_second = dashboard(second, session_id)
    requests.post(
        f"{second}/logout/",
        cookies={"sessionid": session_id, "csrftoken": "t" * 32},
        headers={"X-CSRFToken": "t" * 32},
        timeout=10,
    )

    # Then the second knew the session, and signing out there ended it on the first too.
    assert on_second == 200
    assert dashboard(first, session_id) == 302


@pytest.mark.slow
def test_failed_sign_ins_on_two_servers_add_up_to_one_lock(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    # Given failed sign-ins spread over both servers, the limit's number in all.
    for attempt in range(MAX_FAILURES):
        sign_in(first if attempt % 2 == 0 else second, "otto", "wrong")

    # Then the right password is refused on both: they share one count.
    assert refused_as_locked(first, "otto")
    assert refused_as_locked(second, "otto")
