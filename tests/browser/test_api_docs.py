"""The interactive API docs render in Chromium from kam's own files (no CDN: no internet)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_every_operation_from_local_files(
    page: Any, shoot: Any, live_server: Any
) -> None:
    # given a browser that can reach nothing but kam
    elsewhere: list[str] = []

    def only_kam(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_kam)

    # when it opens the docs
    page.goto("/api/v1/docs")

    # then Swagger UI draws the operations, with no error box, from kam's own files (the
    # first request builds the whole schema: on a loaded machine that outlasts 10 s)
    expect(page.locator(".opblock").first).to_be_visible(timeout=60_000)
    assert page.locator(".opblock").count() > 50
    expect(page.locator(".errors-wrapper")).to_have_count(0)
    expect(page.get_by_text("duplicated mapping key")).to_have_count(0)
    expect(page.locator("#operations-ledger-get_import_errors")).to_be_visible()
    assert elsewhere == []
    shoot("docs")
