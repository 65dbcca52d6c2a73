"""The account's service page (§9, issue 18 part 7): open complaints with their SLA clocks,
the CSAT/NPS trend, trainings and competitor moves, each with its next step when empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kam.engagement.complaints.services import complaint_create
from tests.conftest import signed_in
from tests.factories import (
    AccountFactory,
    CompetitorMoveFactory,
    ContactFactory,
    SurveyResponseFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def test_an_empty_account_says_what_to_do_next_in_each_part(manager) -> None:
    account = AccountFactory(owner=manager)

    text = signed_in(manager).get(f"/accounts/{account.pk}/service/").content.decode()

    assert "No complaint is being worked on." in text
    assert "No survey responses yet." in text
    assert "No training held yet" in text
    assert "No competitor move recorded" in text
    assert f"/engagement/complaints/new/{account.pk}/" in text
    assert f'action="/accounts/{account.pk}/trainings/add/"' in text
    assert f'action="/accounts/{account.pk}/competitor-moves/add/"' in text


def test_a_served_account_shows_its_clocks_trend_trainings_and_moves(manager) -> None:
    account = AccountFactory(owner=manager)
    person = ContactFactory(account=account, name="Chen Jie")
    complaint_create(
        actor=manager,
        account=account,
        subject="Late delivery of seals",
        channel="phone",
        category="delivery",
        severity="high",
    )
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 7, 1), nps=9)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 10, 1), nps=6)
    training = TrainingFactory(account=account, title="Seal fitting", feedback_score=Decimal("4.5"))
    training.attendees.add(person)
    CompetitorMoveFactory(account=account, competitor="Rival Pumps", products="seals")

    text = signed_in(manager).get(f"/accounts/{account.pk}/service/").content.decode()

    assert "Late delivery of seals" in text and "sla-clock" in text
    assert 'data-chart="survey-trend"' in text and '"2026-07", "2026-10"' in text
    assert "Seal fitting" in text and "Chen Jie" in text and "4.5" in text
    assert "Rival Pumps" in text and "seals" in text
    assert "mean feedback 4.50 / 5" in text


def test_the_account_page_panels_link_the_service_page(manager) -> None:
    account = AccountFactory(owner=manager)
    panel = signed_in(manager).get(f"/accounts/{account.pk}/trainings/").content.decode()
    assert f'href="/accounts/{account.pk}/service/"' in panel


def test_another_managers_service_page_answers_404(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    assert signed_in(manager).get(f"/accounts/{account.pk}/service/").status_code == 404


def test_an_executive_reads_but_is_offered_no_form(manager, executive) -> None:
    account = AccountFactory(owner=manager)
    page = signed_in(executive).get(f"/accounts/{account.pk}/service/")
    assert page.status_code == 200
    assert "/trainings/add/" not in page.content.decode()
