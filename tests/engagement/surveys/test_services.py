"""Survey responses, drop alerts and one-time links (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connections
from django.utils.timezone import now as timezone_now

from kam.alerts.models import Alert, Resolution
from kam.alerts.services import alert_resolve
from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.engagement.surveys.alerting import survey_drops_sweep
from kam.engagement.surveys.alerts import KIND_SURVEY_DROP
from kam.engagement.surveys.models import ResponseSource, SurveyInvitation, SurveyResponse
from kam.engagement.surveys.services import (
    survey_invitation_answer,
    survey_invitation_create,
    survey_invitation_revoke,
    survey_response_create,
    survey_response_delete,
)
from tests.factories import AccountFactory, ContactFactory, SurveyPlanFactory

pytestmark = pytest.mark.django_db
JULY, OCTOBER = dt.date(2026, 7, 10), dt.date(2026, 10, 12)


def _respond(manager: Any, account: Any, day: dt.date, **scores: Any) -> SurveyResponse:
    return survey_response_create(
        actor=manager, account=account, values={"responded_on": day, **scores}
    )


def _drop_alert(account: Any) -> Alert | None:
    return Alert.objects.filter(account=account, kind=KIND_SURVEY_DROP, is_open=True).first()


@pytest.mark.parametrize(
    ("field", "value"),
    [("nps", 11), ("nps", -1), ("csat_service", 0), ("csat_service", 6), ("csat_price", 9)],
)
def test_a_score_out_of_bounds_is_refused_naming_the_field(manager, field, value) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(InvalidInput) as refused:
        _respond(manager, account, JULY, **{field: value})
    assert refused.value.errors[0].field == field
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("nps", 0), ("nps", 10), ("csat_product", 1)])
def test_a_score_on_the_bounds_is_kept(manager, field, value) -> None:
    response = _respond(manager, AccountFactory(owner=manager), JULY, **{field: value})
    assert getattr(response, field) == value


def test_a_response_without_any_score_is_refused(manager) -> None:
    with pytest.raises(InvalidInput) as refused:
        _respond(manager, AccountFactory(owner=manager), JULY, comments="fine")
    assert refused.value.errors[0].field == "nps"


def test_a_contact_of_another_account_is_refused(manager) -> None:
    account = AccountFactory(owner=manager)
    stranger = ContactFactory()
    with pytest.raises(InvalidInput) as refused:
        _respond(manager, account, JULY, nps=8, contact_id=stranger.pk)
    assert refused.value.errors[0].field == "contact_id"


def test_another_managers_account_and_an_executive_are_refused(manager, other_manager, executive):
    account = AccountFactory(owner=other_manager)
    for actor in (manager, executive):
        with pytest.raises(PermissionDenied):
            _respond(actor, account, JULY, nps=8)


def test_a_csat_drop_of_exactly_half_a_point_raises_an_alert_naming_it(manager) -> None:
    # given July's survey averaging 4.5 on service (two respondents)
    account = AccountFactory(owner=manager)
    _respond(manager, account, JULY, csat_service=5)
    _respond(manager, account, JULY.replace(day=20), csat_service=4)
    assert _drop_alert(account) is None
    # when October's survey scores service 4
    _respond(manager, account, OCTOBER, csat_service=4)
    # then one alert names service, from 4.50 to 4.00, July to October
    alert = _drop_alert(account)
    assert alert is not None
    assert alert.data["dimensions"] == ["service"]
    assert (alert.data["from"], alert.data["to"]) == ("2026-07", "2026-10")
    assert alert.data["changes"]["service"] == ["4.50", "4.00"]
    assert "CSAT on service: 4.50 → 4.00" in alert.message
    assert alert.message.startswith(
        "Satisfaction dropped from the survey of 2026-07 to 2026-10: CSAT on service 4.50 → 4.00."
    )


def test_a_csat_drop_below_half_a_point_raises_nothing(manager) -> None:
    # given 4.33 (three respondents) then 4.0
    account = AccountFactory(owner=manager)
    for score in (5, 4, 4):
        _respond(manager, account, JULY, csat_product=score)
    _respond(manager, account, OCTOBER, csat_product=4)
    assert _drop_alert(account) is None


def test_an_nps_drop_of_10_points_raises_and_the_next_steady_survey_clears_it(manager) -> None:
    # given NPS 40 in July (2 promoters, 3 passives) and 30 in October (3 of 10)
    account = AccountFactory(owner=manager)
    for score in (10, 9, 8, 8, 7):
        _respond(manager, account, JULY, nps=score)
    for score in (9, 9, 10, 8, 8, 8, 8, 8, 8, 8):
        _respond(manager, account, OCTOBER, nps=score)
    alert = _drop_alert(account)
    assert alert is not None
    assert alert.data["changes"]["nps"] == ["40", "30"]
    # when December's survey holds 30 or better
    for score in (9, 7):
        _respond(manager, account, dt.date(2026, 12, 3), nps=score)
    # then the alert is resolved: its condition cleared
    alert.refresh_from_db()
    assert not alert.is_open
    assert alert.resolution == Resolution.CONDITION_CLEARED


def test_deleting_the_falling_response_clears_the_alert(manager) -> None:
    account = AccountFactory(owner=manager)
    _respond(manager, account, JULY, csat_delivery=5)
    falling = _respond(manager, account, OCTOBER, csat_delivery=3)
    assert _drop_alert(account) is not None
    survey_response_delete(actor=manager, response=falling)
    assert _drop_alert(account) is None


def test_an_alert_resolved_by_hand_stays_resolved_until_a_new_drop(manager) -> None:
    # given a drop, resolved by hand
    account = AccountFactory(owner=manager)
    _respond(manager, account, JULY, csat_price=5)
    _respond(manager, account, OCTOBER, csat_price=4)
    alert_resolve(actor=manager, alert=_drop_alert(account), reason="Price talk held")
    # when the sweep runs
    survey_drops_sweep()
    # then it is not raised again; a further fall is
    assert _drop_alert(account) is None
    _respond(manager, account, dt.date(2026, 12, 1), csat_price=3)
    assert _drop_alert(account) is not None


def test_the_sweep_raises_and_resolves_for_every_account(manager) -> None:
    falling, steady = AccountFactory(owner=manager), AccountFactory(owner=manager)
    for account, later in ((falling, 3), (steady, 5)):
        SurveyResponse.objects.create(account=account, responded_on=JULY, csat_service=5)
        SurveyResponse.objects.create(account=account, responded_on=OCTOBER, csat_service=later)
    assert survey_drops_sweep() == 1
    assert _drop_alert(falling) is not None
    assert _drop_alert(steady) is None


def _invite(manager: Any, **kwargs: Any) -> tuple[SurveyInvitation, str]:
    contact = ContactFactory(account=AccountFactory(owner=manager))
    return survey_invitation_create(
        actor=manager, account=contact.account, contact_id=contact.pk, **kwargs
    )


def test_an_invitation_stores_only_the_hash_of_its_token(manager) -> None:
    invitation, raw = _invite(manager)
    assert raw not in invitation.token_hash
    assert not SurveyInvitation.objects.filter(token_hash=raw).exists()
    assert invitation.expires_at > timezone_now() + dt.timedelta(days=13)


def test_an_answer_records_one_response_and_spends_the_link(manager) -> None:
    invitation, raw = _invite(manager)
    response = survey_invitation_answer(raw=raw, values={"nps": 9, "csat_service": 4})
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.response == response
    assert response.source == ResponseSource.PUBLIC_FORM
    assert response.contact_id == invitation.contact_id
    assert response.entered_by is None
    # a second answer is refused and writes nothing
    with pytest.raises(Conflict):
        survey_invitation_answer(raw=raw, values={"nps": 0})
    assert SurveyResponse.objects.count() == 1


def test_an_expired_revoked_or_unknown_link_writes_nothing(manager) -> None:
    expired, expired_raw = _invite(manager)
    SurveyInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone_now())
    revoked, revoked_raw = _invite(manager)
    survey_invitation_revoke(actor=manager, invitation=revoked)
    for raw in (expired_raw, revoked_raw, "s_unknown", "nonsense"):
        with pytest.raises(Conflict):
            survey_invitation_answer(raw=raw, values={"nps": 9})
    assert not SurveyResponse.objects.exists()


def test_bad_scores_on_the_public_form_leave_the_link_open(manager) -> None:
    invitation, raw = _invite(manager)
    with pytest.raises(InvalidInput):
        survey_invitation_answer(raw=raw, values={"nps": 12})
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert survey_invitation_answer(raw=raw, values={"nps": 8}).nps == 8


def test_an_invitation_for_a_plan_of_another_account_is_refused(manager) -> None:
    contact = ContactFactory(account=AccountFactory(owner=manager))
    plan = SurveyPlanFactory()
    with pytest.raises(InvalidInput) as refused:
        survey_invitation_create(
            actor=manager, account=contact.account, contact_id=contact.pk, plan_id=plan.pk
        )
    assert refused.value.errors[0].field == "plan_id"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_answers_write_one_response(manager) -> None:
    # given one open link
    _invitation, raw = _invite(manager)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def answer() -> None:
        start.wait()
        try:
            survey_invitation_answer(raw=raw, values={"nps": 9})
            outcomes.append("recorded")
        except Conflict:
            outcomes.append("refused")
        except Exception as error:  # SQLite's busy writer counts as a refusal too
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    # when two submissions arrive at once
    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one response is written and the other submission is refused
    assert len(outcomes) == 2
    assert outcomes.count("recorded") == 1
    assert SurveyResponse.objects.count() == 1
