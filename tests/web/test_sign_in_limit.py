"""The sign-in limit through the sign-in page: it keys on the name as sign-in compares it (no
spaces, full-width or case bypass), also on the address, and checks no password once locked."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now as timezone_now

from kam.org import login_limit
from kam.org.models import SignInCounter
from tests.factories import PASSWORD, UserFactory

LOCKED = "Too many failed sign-ins"
WRONG = "wrong"


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every name the real authentication backend was asked to check a password for."""
    checked: list[str] = []
    lock = threading.Lock()
    real = ModelBackend.authenticate

    def counting(self: ModelBackend, request: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            checked.append(str(kwargs.get("username")))
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    yield checked


@pytest.fixture
def concurrent_database(tmp_path) -> Iterator[None]:
    """Threads that each open their own connection to what the test set up.

    PostgreSQL as it is. The SQLite test database lives in memory with a shared cache, whose
    table locks fail at once where kam's file database (WAL, busy timeout) waits; so the
    threads get a file copy of it, as `kam serve` would have.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "kam.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    in_memory = connection.settings_dict["NAME"]
    # New connections (each thread's) open the file; this thread's stays on the memory one.
    connection.settings_dict["NAME"] = str(tmp_path / "kam.sqlite3")
    yield
    connection.settings_dict["NAME"] = in_memory


def sign_in(
    username: str, password: str = WRONG, address: str = "192.0.2.1", client: Client | None = None
) -> str:
    response = (client or Client()).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return "locked" if LOCKED in response.text else str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda name: f"  {name} ", id="spaces"),
        pytest.param(lambda name: f"{name}\t", id="tab"),
        pytest.param(lambda name: "".join(chr(ord(c) + 0xFEE0) for c in name), id="full-width"),
        pytest.param(str.upper, id="capitals"),
        pytest.param(lambda name: f"\u3000{name}", id="ideographic-space"),
    ],
)
def test_a_spelling_of_the_name_does_not_bypass_the_lock(
    manager, password_checks, variant: Callable[[str], str]
) -> None:
    for _ in range(5):
        sign_in(manager.username)

    answer = sign_in(variant(manager.username), PASSWORD)

    assert answer == "locked"
    assert len(password_checks) == 5


@pytest.mark.django_db
def test_the_spellings_authentication_accepts_are_the_ones_the_limit_counts(manager) -> None:
    """Given Django's own normalising, a spaced or full-width name signs in: both count."""
    client = Client()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in manager.username)

    answer = sign_in(f" {full_width} ", PASSWORD, client=client)

    assert answer == "302"
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_right_password_clears_the_names_count(manager, password_checks) -> None:
    for _ in range(4):
        sign_in(manager.username)
    assert sign_in(manager.username, PASSWORD) == "302"

    answers = [sign_in(manager.username) for _ in range(5)]

    assert answers == ["200"] * 5
    assert sign_in(manager.username, PASSWORD) == "locked"


@pytest.mark.django_db
def test_a_post_without_a_password_does_not_clear_the_count(manager) -> None:
    for _ in range(4):
        sign_in(manager.username)

    Client().post(reverse("login"), {"username": manager.username}, REMOTE_ADDR="192.0.2.1")
    sign_in(manager.username)

    assert sign_in(manager.username, PASSWORD) == "locked"


@pytest.mark.django_db
def test_another_address_still_signs_in(manager) -> None:
    for _ in range(5):
        sign_in(manager.username)

    assert sign_in(manager.username, PASSWORD, address="198.51.100.7") == "302"


@pytest.mark.django_db
def test_one_address_guessing_many_names_is_locked(settings, password_checks) -> None:
    settings.KAM_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    users = [UserFactory(username=f"user-{n}") for n in range(4)]
    for user in users[:3]:
        sign_in(user.username)
        sign_in(user.username)

    answer = sign_in(users[3].username, PASSWORD)

    assert answer == "locked"
    assert len(password_checks) == 6
    assert sign_in(users[3].username, PASSWORD, address="198.51.100.7") == "302"


@pytest.mark.django_db
def test_an_ipv6_host_counts_by_its_network(settings, manager) -> None:
    settings.KAM_LOGIN_MAX_FAILURES_PER_ADDRESS = 2
    sign_in("someone", address="2001:db8::1")
    sign_in("someone-else", address="2001:db8::2")

    assert sign_in(manager.username, PASSWORD, address="2001:db8::ffff") == "locked"


@pytest.mark.django_db
def test_the_lock_ends_with_its_window(monkeypatch, settings, manager) -> None:
    for _ in range(5):
        sign_in(manager.username)
    assert sign_in(manager.username, PASSWORD) == "locked"
    later = timezone_now() + dt.timedelta(seconds=settings.KAM_LOGIN_WINDOW_SECONDS + 1)

    monkeypatch.setattr(login_limit, "timezone_now", lambda: later)

    assert sign_in(manager.username, PASSWORD) == "302"
    assert SignInCounter.objects.filter(expires_at__lte=later).count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # each thread's request runs on its own connection
def test_forty_parallel_attempts_check_at_most_the_limits_passwords(request) -> None:
    user = UserFactory(username="target")
    password_checks = request.getfixturevalue("password_checks")
    request.getfixturevalue("concurrent_database")  # after the user exists, for the copy
    start = threading.Barrier(40)
    answers: list[str] = []

    def attempt(n: int) -> None:
        try:
            start.wait()
            answers.append(sign_in(user.username, f"guess-{n}"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 40
    assert sorted(set(answers)) == ["200", "locked"]
    assert len(password_checks) == 5
    assert answers.count("locked") == 35
