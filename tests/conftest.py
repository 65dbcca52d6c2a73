"""Shared fixtures. The suite runs whole on SQLite and on PostgreSQL (KAM_DATABASE_URL)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from kam.org.models import Role, User
from kam.org.services import token_create
from tests.factories import UserFactory


def pytest_configure(config: pytest.Config) -> None:
    # Hashed static names need `collectstatic`; tests serve the sources directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", "localhost"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.KAM_UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="kam-test-uploads-"))


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_setup: Any, django_db_blocker: Any) -> None:
    """`make test` names the database it means; a silent fallback would hide a failure."""
    wanted = os.environ.get("KAM_TEST_DATABASE")
    if wanted:
        from django.db import connection

        vendor = connection.vendor
        assert vendor == wanted, f"asked to test on {wanted}, configured for {vendor}"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a page request in Chinese through the test
    client leaves Chinese active in this thread, which would leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: str = Role.MANAGER, **kwargs: Any) -> User:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER, username="mia")


@pytest.fixture
def other_manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER, username="otto")


@pytest.fixture
def director(make_user: Callable[..., User]) -> User:
    return make_user(Role.DIRECTOR, username="dora")


@pytest.fixture
def executive(make_user: Callable[..., User]) -> User:
    return make_user(Role.EXECUTIVE, username="eve")


def api_client_for(user: User) -> Client:
    """A test client that sends a real personal access token, as a script would."""
    _token, raw = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api_as() -> Callable[[User], Client]:
    return api_client_for


@pytest.fixture
def held_write_lock(transactional_db: Any) -> Iterator[None]:
    """Another connection holds the accounts table for writing (as an import's merge holds
    the SQLite file), and this one waits for it only briefly: 0.2 s on PostgreSQL
    (lock_timeout); SQLite's shared in-memory test database refuses at once."""
    import sqlite3

    import psycopg
    from django.db import connection

    database = connection.settings_dict
    options = database.setdefault("OPTIONS", {})
    saved = dict(options)
    if connection.vendor == "sqlite":
        holder: Any = sqlite3.connect(database["NAME"], uri=True, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE accounts_account SET name = name")
    else:
        options["options"] = "-c lock_timeout=200"
        connection.close()  # the next query opens a connection with the short wait
        holder = psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"] or "postgres",
            dbname=database["NAME"],
        )
        holder.execute("LOCK TABLE accounts_account IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback() if connection.vendor != "sqlite" else holder.execute("ROLLBACK")
        holder.close()
        options.clear()
        options.update(saved)
        connection.close()
