"""Sign-in (with its rate limit), language preference, dashboard and health."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kam.core.workers import worker_heartbeat
from kam.org.models import Role
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_lands_on_the_dashboard(manager) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": manager.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert manager.display_name in response.text


def test_pages_need_sign_in() -> None:
    response = Client().get(reverse("account_list"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_repeated_failed_sign_ins_are_refused_even_with_the_right_password(manager) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": manager.username, "password": "wrong"})

    response = client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.text


def test_switching_language_is_kept_as_the_users_preference(manager) -> None:
    client = Client()
    client.force_login(manager)

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    manager.refresh_from_db()
    assert response.status_code == 302
    assert manager.language == "zh-hans"
    page = client.get(reverse("dashboard"))
    assert '<html lang="zh-hans">' in page.text


def test_language_switch_refuses_a_foreign_redirect(manager) -> None:
    client = Client()
    client.force_login(manager)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_the_dashboard_counts_only_visible_accounts(manager, other_manager) -> None:
    AccountFactory(owner=manager, is_key=True)
    AccountFactory(owner=other_manager)
    client = Client()
    client.force_login(manager)

    summary = client.get(reverse("dashboard")).context["dashboard"].summary

    assert (summary.accounts, summary.key_accounts) == (1, 1)


def test_a_new_user_sees_an_empty_state_that_says_what_to_do() -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.SALES))
    response = client.get(reverse("dashboard"))
    assert "You have no accounts yet." in response.text


def test_health_is_ok_while_a_worker_beats_and_down_without_one() -> None:
    # Given a fresh install: the database answers, but no worker runs the schedule.
    down = Client().get(reverse("health"))
    assert down.status_code == 503
    assert down.json()["status"] == "down"
    assert down.json()["checks"]["database"]["status"] == "ok"
    assert down.json()["checks"]["worker"] == {
        "status": "down",
        "live": 0,
        "last_beat_at": None,
        "last_beat_age_seconds": None,
    }

    # When a worker beats, every check is ok.
    with worker_heartbeat(every=3600):
        ok = Client().get(reverse("health"))
    assert ok.status_code == 200
    assert ok.json()["status"] == "ok"
    assert {name: check["status"] for name, check in ok.json()["checks"].items()} == {
        "database": "ok",
        "worker": "ok",
        "queue": "ok",
        "scheduler": "ok",
    }


def test_every_page_carries_the_content_security_policy(manager) -> None:
    response = Client().get(reverse("login"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_tokens_are_created_shown_once_and_revoked_on_the_profile_page(manager) -> None:
    client = Client()
    client.force_login(manager)

    created = client.post(reverse("token_create"), {"name": "ERP script"})
    token = manager.api_tokens.get()
    client.post(reverse("token_revoke", args=[token.pk]))

    token.refresh_from_db()
    assert created.context["new_token"].startswith("kam_")
    assert token.revoked_at is not None
