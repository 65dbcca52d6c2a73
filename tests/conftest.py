"""Shared fixtures. The suite runs whole on SQLite and on PostgreSQL (KAM_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.timezone import now as timezone_now

from kam.org.models import Role, User
from kam.org.services import token_create
from tests.factories import UserFactory

KAM = str(Path(sys.executable).with_name("kam"))
# The suite's own Redis database, flushed before and after each test that uses it.
# A run of its own may take another database (two stores tested side by side).
REDIS_TEST_URL = os.environ.get("KAM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def pytest_configure(config: pytest.Config) -> None:
    # Hashed static names need `collectstatic`; tests serve the sources directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise warns, each time its middleware is set up, that the collected files' folder
    # is missing (a warning per test client); kam serve makes it with collectstatic.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", "localhost"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.KAM_UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="kam-test-uploads-"))


# Tests of behaviour only one store has carry its marker and are deselected on the other (not
# skipped: a skip in the report would stand for something that could have run and did not).
STORE_MARKERS = {"sqlite_only": "sqlite", "postgresql_only": "postgresql"}


def store_under_test() -> str:
    """The store this run tests: KAM_TEST_DATABASE, else the configured database's kind."""
    wanted = os.environ.get("KAM_TEST_DATABASE")
    if wanted:
        return wanted
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if engine.endswith("postgresql") else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    store = store_under_test()
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        stores = {
            STORE_MARKERS[mark.name] for mark in item.iter_markers() if mark.name in STORE_MARKERS
        }
        (kept if not stores or store in stores else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_setup: Any, django_db_blocker: Any) -> None:
    """`make test` names the database it means; a silent fallback would hide a failure."""
    wanted = os.environ.get("KAM_TEST_DATABASE")
    if wanted:
        from django.db import connection

        vendor = connection.vendor
        assert vendor == wanted, f"asked to test on {wanted}, configured for {vendor}"


@pytest.fixture(scope="session", autouse=True)
def _seeded_jobs_not_due(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The periodic jobs the migrations seed (a sweep every few minutes) fall due while the
    suite runs: a test that ticks the scheduler must meet only the jobs it made."""
    import datetime as dt

    from django.db import connection
    from django.utils.timezone import now as timezone_now

    from kam.ops.models import ScheduledJob

    with django_db_blocker.unblock():
        # pytest-django sets up no database when no test selected needs one.
        if ScheduledJob._meta.db_table in connection.introspection.table_names():
            ScheduledJob.objects.update(next_run_at=timezone_now() + dt.timedelta(days=365))


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


def signed_in(user: User, language: str = "en") -> Client:
    """A browser-like test client with the user's session, pages in `language`."""
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def api_client_for(user: User) -> Client:
    """A test client that sends a real personal access token, as a script would."""
    _token, raw = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api_as() -> Callable[[User], Client]:
    return api_client_for


# `kam migrate` on an empty store takes 20-35 s (Django renders the model states of every
# migration); the stores a test starts kam processes on are copies of one migrated in this
# run instead. The migrate command itself is still run on fresh homes (tests/test_cli.py,
# tests/test_settings.py), and the template's own migrate fails the test that first needs it.
_templates: dict[str, Any] = {}
_template_homes: list[Path] = []


def _admin_dsn() -> str:
    database = settings.DATABASES["default"]
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"host={host} port={port} user={database['USER'] or 'postgres'} dbname=postgres"


def postgres_url(name: str) -> str:
    """The URL of database `name` on the suite's PostgreSQL server."""
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER'] or 'postgres'}{password}@{host}:{port}/{name}"


def _migrated_template(store: str) -> Any:
    """The run's migrated store of that kind (SQLite: its file; PostgreSQL: its database
    name), made on first use."""
    if store in _templates:
        return _templates[store]
    home = Path(tempfile.mkdtemp(prefix="kam-test-template-"))
    _template_homes.append(home)
    env = {**os.environ, "KAM_HOME": str(home), "KAM_QUEUE_URL": "", "KAM_CACHE_URL": ""}
    template: Any = home / "kam.sqlite3"
    env["KAM_DATABASE_URL"] = f"sqlite:///{template}"
    if store == "postgresql":
        template = f"kam_template_{uuid.uuid4().hex[:8]}"
        env["KAM_DATABASE_URL"] = postgres_url(template)
        postgres_admin(f'CREATE DATABASE "{template}"')
    try:
        subprocess.run([KAM, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    except BaseException:
        if store == "postgresql":
            _drop_database(template)
        raise
    _templates[store] = template
    return template


def postgres_admin(statement: str) -> None:
    """Run `statement` (CREATE or DROP DATABASE) on the suite's PostgreSQL server."""
    with psycopg.connect(_admin_dsn(), autocommit=True) as connection:
        connection.execute(statement)


def _drop_database(name: str) -> None:
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def _drop_the_template() -> Iterator[None]:
    yield
    if "postgresql" in _templates:
        _drop_database(_templates["postgresql"])
    for home in _template_homes:
        shutil.rmtree(home, ignore_errors=True)


def create_migrated_store(env: dict[str, str]) -> None:
    """Make the store `env` points at (SQLite: KAM_DATABASE_URL empty or a sqlite:/// file;
    PostgreSQL: a database not created yet) as `kam migrate` leaves an empty one: a copy of
    the run's template, its seeded jobs next due as a migrate now would have set them."""
    url = env.get("KAM_DATABASE_URL", "")
    template = _migrated_template("postgresql" if url.startswith("postgres") else "sqlite")
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
            _reseed_schedule(connection, sqlite=False)
        return
    path = Path(url.removeprefix("sqlite:///")) if url else Path(env["KAM_HOME"]) / "kam.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(target)
        _reseed_schedule(target, sqlite=True)
    finally:
        source.close()
        target.close()


def _reseed_schedule(connection: Any, *, sqlite: bool) -> None:
    """Each seeded job's first run as kam.ops.scheduler.seed sets it: the first slot after
    now (the template's were after its own migrate, up to an hour ago)."""
    from kam.ops.scheduler.schedule import next_slot

    jobs = connection.execute("SELECT id, interval, daily_at FROM ops_scheduledjob").fetchall()
    placeholder = "?" if sqlite else "%s"
    for job_id, every, at in jobs:
        # SQLite keeps durations as microseconds and times as text.
        interval = dt.timedelta(microseconds=every) if isinstance(every, int) else every
        daily_at = dt.time.fromisoformat(at) if isinstance(at, str) else at
        slot = next_slot(after=timezone_now(), interval=interval, daily_at=daily_at)
        # Django keeps SQLite's datetimes as naive UTC text.
        value = slot.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if sqlite else slot
        connection.execute(
            f"UPDATE ops_scheduledjob SET next_run_at = {placeholder} "  # noqa: S608
            f"WHERE id = {placeholder}",
            (value, job_id),
        )
    connection.commit()


@contextmanager
def scratch_database_at(home: Path) -> Iterator[dict[str, str]]:
    """A migrated database of the suite's own kind, outside the test transaction, for kam
    processes started by a test: the environment that points them at it (one secret key)."""
    env = {
        **os.environ,
        "KAM_HOME": str(home),
        "KAM_DATABASE_URL": f"sqlite:///{home / 'kam.sqlite3'}",
        "KAM_SECRET_KEY": uuid.uuid4().hex * 2,
        "KAM_QUEUE_URL": "",
        "KAM_CACHE_URL": "",
    }
    postgresql = store_under_test() == "postgresql"
    name = f"kam_scratch_{uuid.uuid4().hex[:8]}"
    if postgresql:
        env["KAM_DATABASE_URL"] = postgres_url(name)
    try:
        create_migrated_store(env)
        yield env
    finally:
        if postgresql:
            _drop_database(name)


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a scratch database for this test (scratch_database_at)."""
    with scratch_database_at(tmp_path) as env:
        yield env


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The local Redis (a database of the suite's own, emptied); with CI set a missing Redis
    fails the test instead of skipping it."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis is not answering at {REDIS_TEST_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def rq_queue(settings: Any, redis_url: str) -> Any:
    """This process enqueues on Redis (the tasks framework's RQ backend), as KAM_QUEUE_URL
    makes it; the default queue, to look into."""
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": -1}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    return django_rq.get_queue("default")


@pytest.fixture
def unreachable_queue(settings: Any) -> None:
    """This process enqueues on a Redis that does not answer (the queue is down)."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": -1}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


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
