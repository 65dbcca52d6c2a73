"""The complaints pages (DOMAIN §9, §13): the list with SLA clocks, breached first; a
complaint's page offering only the legal moves; the account panel; report and settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils.timezone import now as timezone_now

from kam.engagement.complaints.models import Complaint, Status
from kam.org.models import User
from tests.conftest import signed_in
from tests.factories import AccountFactory, ComplaintFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _late(account: Any, hours: float, subject: str) -> Complaint:
    return ComplaintFactory(
        account=account,
        severity="critical",
        subject=subject,
        received_at=timezone_now() - dt.timedelta(hours=hours),
    )


def test_the_list_shows_the_clocks_breached_first_in_few_queries(
    manager: User, django_assert_max_num_queries: Any
) -> None:
    account = AccountFactory(owner=manager)
    ComplaintFactory(account=account, severity="low", subject="Calm one")
    _late(account, 6, "Late one")
    for index in range(20):
        ComplaintFactory(account=account, subject=f"More {index}")
    client = signed_in(manager)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("complaint_list")).content.decode()

    assert page.index("Late one") < page.index("Calm one")
    assert "2 h late" in page
    assert "due in 5 days" in page


def test_the_breached_filter_keeps_the_late_ones(manager: User) -> None:
    account = AccountFactory(owner=manager)
    _late(account, 6, "Late one")
    ComplaintFactory(account=account, subject="Calm one")

    page = signed_in(manager).get(reverse("complaint_list"), {"breached": "on"}).content.decode()

    assert "Late one" in page
    assert "Calm one" not in page


def test_a_complaint_page_offers_only_the_legal_moves(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.RESOLVED)

    page = signed_in(manager).get(reverse("complaint_detail", args=[complaint.pk])).content
    text = page.decode()

    assert reverse("complaint_close", args=[complaint.pk]) in text
    assert reverse("complaint_reopen", args=[complaint.pk]) in text
    assert reverse("complaint_acknowledge", args=[complaint.pk]) not in text
    assert reverse("complaint_resolve", args=[complaint.pk]) not in text


def test_an_illegal_move_from_a_stale_page_says_why(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.CLOSED)

    response = signed_in(manager).post(
        reverse("complaint_acknowledge", args=[complaint.pk]), follow=True
    )

    assert "cannot move from closed to acknowledged" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_resolving_on_the_page_without_a_root_cause_says_so(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.IN_PROGRESS)

    response = signed_in(manager).post(
        reverse("complaint_resolve", args=[complaint.pk]),
        {"resolution": "Fixed", "root_cause": ""},
        follow=True,
    )

    assert "Name the root cause of the complaint." in response.content.decode()


def test_recording_escalating_and_the_account_panel(manager: User) -> None:
    account = AccountFactory(owner=manager)
    team = TeamFactory(name="Conflict board")
    client = signed_in(manager)

    created = client.post(
        reverse("complaint_create", args=[account.pk]),
        {
            "subject": "Damaged crates",
            "channel": "wechat",
            "category": "delivery",
            "severity": "high",
            "reporter_name": "Mr Wang",
        },
    )
    complaint = Complaint.objects.get(subject="Damaged crates")
    client.post(
        reverse("complaint_escalate", args=[complaint.pk]), {"team": team.pk, "reason": "Repeat"}
    )
    account_page = client.get(reverse("account_detail", args=[account.pk])).content.decode()

    assert created.status_code == 302
    complaint.refresh_from_db()
    assert complaint.escalated_to == team
    assert 'id="complaints"' in account_page
    assert "Damaged crates" in account_page
    assert "due in 1 day" not in account_page  # a day reads in hours under two days
    assert "due in 24 h" in account_page


def test_another_managers_complaint_page_answers_404(manager: User, other_manager: User) -> None:
    theirs = ComplaintFactory(account=AccountFactory(owner=other_manager))
    client = signed_in(manager)

    assert client.get(reverse("complaint_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("complaint_acknowledge", args=[theirs.pk])).status_code == 404


def test_the_report_and_settings_pages(manager: User, director: User) -> None:
    received = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    ComplaintFactory(
        account=AccountFactory(owner=manager),
        received_at=received,
        status=Status.CLOSED,
        resolved_at=received + dt.timedelta(hours=3),
    )

    report = signed_in(manager).get(reverse("complaint_report")).content.decode()
    as_manager = signed_in(manager).get(reverse("complaint_settings")).content.decode()
    saved = signed_in(director).post(
        reverse("complaint_settings"),
        {
            "clock": "business",
            "work_days": "123456",
            "work_opens": "08:30",
            "work_closes": "17:30",
            "acknowledge_critical": "2h",
            "resolve_critical": "2d",
            "acknowledge_high": "1d",
            "resolve_high": "5d",
            "acknowledge_medium": "2d",
            "resolve_medium": "10d",
            "acknowledge_low": "5d",
            "resolve_low": "20d",
        },
    )

    assert "3.0" in report and "100%" in report
    assert "Only a director or an administrator may change these settings." in as_manager
    assert saved.status_code == 302
    settings_page = signed_in(director).get(reverse("complaint_settings")).content.decode()
    assert 'value="2h"' in settings_page
