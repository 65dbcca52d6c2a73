"""Survey pages: the account panel, entering a response, links, the public form (§9)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils.timezone import now as timezone_now

from kam.engagement.surveys.models import ResponseSource, SurveyInvitation, SurveyResponse
from kam.engagement.surveys.services import survey_invitation_create, survey_invitation_revoke
from tests.conftest import signed_in
from tests.factories import AccountFactory, ContactFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db


def _link(manager: Any) -> tuple[SurveyInvitation, str]:
    contact = ContactFactory(account=AccountFactory(owner=manager), name="Li Wei")
    return survey_invitation_create(actor=manager, account=contact.account, contact_id=contact.pk)


def test_the_panel_draws_the_trend_of_the_accounts_surveys(manager, django_assert_max_num_queries):
    account = AccountFactory(owner=manager)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 7, 1), csat_service=5)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 10, 1), csat_service=3)
    client = signed_in(manager)
    with django_assert_max_num_queries(12):
        page = client.get(f"/accounts/{account.pk}/surveys/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-chart="survey-trend"' in text
    assert '"months": ["2026-07", "2026-10"]' in text


def test_another_managers_panel_answers_404(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    assert signed_in(manager).get(f"/accounts/{account.pk}/surveys/").status_code == 404


def test_a_manager_enters_a_response_on_the_page(manager) -> None:
    account = AccountFactory(owner=manager)
    contact = ContactFactory(account=account)
    answer = signed_in(manager).post(
        f"/accounts/{account.pk}/surveys/add/",
        {
            "responded_on": "2026-10-05",
            "method": "interview",
            "contact_id": str(contact.pk),
            "nps": "8",
            "csat_service": "4",
            "comments": "Delivery late twice",
        },
    )
    assert answer.status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.nps, response.csat_service, response.source) == (8, 4, ResponseSource.PAGE)
    assert response.entered_by == manager


def test_a_page_response_without_scores_is_refused_with_a_message(manager) -> None:
    account = AccountFactory(owner=manager)
    answer = signed_in(manager).post(
        f"/accounts/{account.pk}/surveys/add/",
        {"responded_on": "2026-10-05", "method": "phone"},
        follow=True,
    )
    assert "Give at least one score" in answer.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_page_response_with_an_out_of_range_score_is_refused(manager) -> None:
    account = AccountFactory(owner=manager)
    signed_in(manager).post(
        f"/accounts/{account.pk}/surveys/add/",
        {"responded_on": "2026-10-05", "method": "phone", "nps": "11"},
    )
    assert not SurveyResponse.objects.exists()


def test_a_manager_makes_a_link_shown_once_and_revokes_it(manager) -> None:
    account = AccountFactory(owner=manager)
    contact = ContactFactory(account=account)
    client = signed_in(manager)
    made = client.post(
        f"/accounts/{account.pk}/surveys/invite/",
        {"link-contact_id": str(contact.pk), "link-days": "7"},
    )
    link = re.search(r'value="(http://testserver/s/[^"]+/)"', made.content.decode())
    assert link is not None
    invitation = SurveyInvitation.objects.get()
    assert invitation.token_hash not in link[1]
    panel = client.get(f"/accounts/{account.pk}/surveys/").content.decode()
    assert link[1] not in panel  # never shown again
    assert invitation.hint in panel
    client.post(f"/surveys/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(link[1]).status_code == 410


def test_another_managers_link_cannot_be_revoked(manager, other_manager) -> None:
    invitation, _raw = _link(other_manager)
    assert (
        signed_in(manager).post(f"/surveys/invitations/{invitation.pk}/revoke/").status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_public_form_asks_the_contact_in_their_language(manager, settings) -> None:
    settings.KAM_COMPANY_NAME = "Huayang Machinery"
    _invitation, raw = _link(manager)
    english = Client().get(f"/s/{raw}/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = Client().get(f"/s/{raw}/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert english.status_code == 200
    assert "Dear Li Wei, Huayang Machinery would like to know" in english.content.decode()
    assert 'lang="zh-hans"' in chinese.content.decode()
    assert "满意度调查" in chinese.content.decode()


def test_the_public_form_records_once_and_then_says_it_is_answered(manager) -> None:
    invitation, raw = _link(manager)
    contact = Client(enforce_csrf_checks=True)
    form = contact.get(f"/s/{raw}/")
    token = form.cookies["csrftoken"].value
    answers = {"csrfmiddlewaretoken": token, "nps": "9", "csat_product": "5", "comments": "Good"}
    done = contact.post(f"/s/{raw}/", answers)
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    again = contact.post(f"/s/{raw}/", answers)
    assert again.status_code == 410
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert (response.contact_id, response.source) == (invitation.contact_id, "public_form")


def test_the_public_form_refuses_a_post_without_csrf(manager) -> None:
    _invitation, raw = _link(manager)
    refused = Client(enforce_csrf_checks=True).post(f"/s/{raw}/", {"nps": "9"})
    assert refused.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_an_empty_public_answer_is_asked_again_and_the_link_stays_open(manager) -> None:
    invitation, raw = _link(manager)
    page = Client().post(f"/s/{raw}/", {"comments": "no scores"})
    assert page.status_code == 200
    assert "Give at least one score" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_expired_revoked_and_unknown_links_write_nothing(manager) -> None:
    expired, expired_raw = _link(manager)
    SurveyInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone_now() - dt.timedelta(seconds=1)
    )
    revoked, revoked_raw = _link(manager)
    survey_invitation_revoke(actor=manager, invitation=revoked)
    for raw, status in ((expired_raw, 410), (revoked_raw, 410), ("s_nobody", 404), ("x", 404)):
        assert Client().get(f"/s/{raw}/").status_code == status
        assert Client().post(f"/s/{raw}/", {"nps": "9"}).status_code == status
    assert not SurveyResponse.objects.exists()
    closed = Client().get(f"/s/{expired_raw}/").content.decode()
    assert "closed" in closed
    assert "Li Wei" not in closed  # a closed link tells nothing about the contact


def test_a_manager_records_a_survey_plan_naming_whom_it_surveys(manager) -> None:
    account = AccountFactory(owner=manager)
    buyer = ContactFactory(account=account, name="Zhang Min")
    client = signed_in(manager)
    client.post(
        f"/accounts/{account.pk}/surveys/plans/add/",
        {
            "plan-purpose": "Quarterly key account check",
            "plan-schedule": "quarterly",
            "plan-method": "interview",
            "plan-next_due_on": "2027-01-15",
            "plan-contact_ids": [str(buyer.pk)],
        },
    )
    plan = account.survey_plans.get()
    assert (plan.schedule, plan.method, plan.next_due_on) == (
        "quarterly",
        "interview",
        dt.date(2027, 1, 15),
    )
    assert list(plan.contacts.all()) == [buyer]
    panel = client.get(f"/accounts/{account.pk}/surveys/").content.decode()
    assert "Quarterly key account check" in panel
    assert "Zhang Min" in panel
