"""Pages that fail well (issue 16 part 9): 404, 403 and 500 inside the site's layout, in the
reader's language, with a way back; the 500 page needs neither the database nor the request."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client, RequestFactory, override_settings

from kam.web.errors import BARE_500, server_error_view
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]


def client_for(user, language: str = "en") -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("language", "heading", "back"),
    [("en", "Page not found", "Back to the dashboard"), ("zh-hans", "页面不存在", "返回工作台")],
)
def test_a_missing_page_is_answered_inside_the_layout(manager, language, heading, back) -> None:
    # Given a signed-in manager, when they open an address that does not exist
    response = client_for(manager, language).get("/no/such/page/")
    # Then the 404 page has the site's navigation, says so in their language and leads back
    assert response.status_code == 404
    html = response.text
    assert 'class="topbar"' in html and 'class="mainnav"' in html
    assert heading in html and back in html
    assert f'<html lang="{language}">' in html


@override_settings(DEBUG=False)
def test_another_managers_account_gets_the_same_404_page(manager, other_manager) -> None:
    # Given an account of another manager, when the manager opens it
    theirs = AccountFactory(owner=other_manager)
    response = client_for(manager).get(f"/accounts/{theirs.pk}/")
    # Then it is the same styled 404 as a missing page (§13), naming nothing of it
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert theirs.name not in response.text


@override_settings(DEBUG=False)
def test_a_signed_out_reader_is_led_to_sign_in() -> None:
    # Given nobody signed in, when a missing page is asked for, then the way back is sign-in
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert 'href="/login/"' in response.text


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("language", "heading"), [("en", "Not allowed"), ("zh-hans", "无权操作")])
def test_a_forbidden_action_is_answered_inside_the_layout(manager, language, heading) -> None:
    # Given a view that refuses the reader, when they open it
    response = client_for(manager, language).get("/test-errors/forbidden/")
    # Then the 403 page is styled, in their language, with a way back
    assert response.status_code == 403
    assert 'class="topbar"' in response.text and heading in response.text
    assert 'href="/"' in response.text


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Something went wrong on our side"), ("zh-hans", "服务器出错了")],
)
def test_a_server_error_is_answered_inside_the_layout(manager, language, heading) -> None:
    # Given a view that fails, when a reader opens it
    response = client_for(manager, language).get("/test-errors/broken/")
    # Then the 500 page has the layout and a way back, in the reader's language, and shows
    # nothing that needs the request (no user, no language form posting a CSRF token)
    assert response.status_code == 500
    html = response.text
    assert 'class="topbar"' in html and heading in html and 'href="/"' in html
    assert manager.display_name not in html
    assert "csrfmiddlewaretoken" not in html


def test_the_500_page_reads_nothing_from_the_database(django_assert_num_queries) -> None:
    # Given a request whose session and database may be what failed
    request = RequestFactory().get("/")
    # When the 500 page is rendered, then it makes no query at all
    with django_assert_num_queries(0):
        response = server_error_view(request)
    assert response.status_code == 500
    assert b"500" in response.content


def test_the_500_page_falls_back_to_plain_html_when_its_template_fails() -> None:
    # Given templates that cannot be loaded (a broken install)
    with mock.patch("kam.web.errors.loader.get_template", side_effect=OSError("gone")):
        # When the 500 page is rendered, then it is the bare page in both languages
        response = server_error_view(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response.content.decode() == BARE_500
    assert "服务器出错了" in BARE_500


@override_settings(DEBUG=False)
def test_an_expired_form_says_what_to_do(manager) -> None:
    # Given a client that checks CSRF and a form posted without its token
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"

    # When the form is sent, then the 403 page is in the layout and says to reload and resend
    response = client.post("/accounts/new/", {"code": "X"})
    assert response.status_code == 403
    assert 'class="topbar"' in response.text
    assert "表单已过期" in response.text
