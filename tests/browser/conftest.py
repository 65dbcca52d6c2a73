"""Browser journeys in Debian's Chromium through Playwright, against the live server.

Screenshots are kept as test artefacts in test-artifacts/screenshots/. When CI is set, a
missing browser fails the run; elsewhere it skips with the reason.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # `make test` runs the SQLite and PostgreSQL halves side by side on two cores: a page
    # that answers in a second alone can take several there, past the 5 s default.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class _InFlight:
    """Counts the live server's requests from the app's call to its response's close.

    On SQLite in memory the server's threads share the test's own connection, so the flush
    that ends a test must not meet a request a page fired last (a panel loading after the
    line the test waited for): the flush fails with the table locked.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = 0

    @classmethod
    def around(cls, httpd: Any) -> _InFlight:
        counter: _InFlight | None = getattr(httpd, "kam_in_flight", None)
        if counter is None:
            counter = cls()
            httpd.set_app(counter._wrap(httpd.get_app()))
            httpd.kam_in_flight = counter
        return counter

    def _wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def counted(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            self._step(+1)
            try:
                response = app(environ, start_response)
            except BaseException:
                self._step(-1)
                raise
            return _Closing(response, lambda: self._step(-1))

        return counted

    def _step(self, change: int) -> None:
        with self._changed:
            self._busy += change
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0, timeout)


class _Closing:
    """A WSGI response that calls `done` once, when the server closes it."""

    def __init__(self, response: Iterable[bytes], done: Callable[[], None]) -> None:
        self._response = response
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._response)

    def close(self) -> None:
        try:
            close = getattr(self._response, "close", None)
            if close is not None:
                close()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


@pytest.fixture(autouse=True)
def _live_server_quiet_at_the_end(request: pytest.FixtureRequest) -> Iterator[None]:
    """Before the database is flushed, close every page and wait out its last requests."""
    if "live_server" not in request.fixturenames:
        yield
        return
    # Asked for first, so the flush tears down after this fixture's own teardown.
    request.getfixturevalue("transactional_db")
    in_flight = _InFlight.around(request.getfixturevalue("live_server").thread.httpd)
    browser = request.getfixturevalue("browser")
    yield
    for context in list(browser.contexts):
        context.close()
    assert in_flight.wait_idle(timeout=60), "the live server still answers a closed page"


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1360, "height": 900}, base_url=live_server.url, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shoot(page: Any, request: pytest.FixtureRequest) -> Any:
    """shoot("step") saves a full-page screenshot named after the test and the step;
    shoot("step", locator) saves that element alone, for a panel of a long page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def take(step: str, element: Any = None) -> Path:
        path = SHOTS / f"{test}-{step}.png"
        if element is None:
            page.screenshot(path=str(path), full_page=True)
        else:
            element.screenshot(path=str(path))
        return path

    return take


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
