"""Activities' writes (DOMAIN §9): the state machine, the next step, the last contact (§7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.engagement.activities.models import (
    CADENCE_SETTINGS_TABLE,
    Activity,
    ActivityStatus,
    CadenceSettings,
)
from kam.engagement.activities.schemas import CadenceSettingsPatch
from kam.engagement.activities.selectors import cadence_settings
from kam.engagement.activities.services import (
    activity_cancel,
    activity_create,
    activity_delete,
    activity_done,
    activity_replan,
    activity_update,
    cadence_settings_update,
)
from kam.org.models import Role, User
from kam.relationships.models import Contact
from kam.relationships.signals import contacts_changed
from tests.factories import AccountFactory, ActivityFactory, ContactFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


# The state machine: planned → done | cancelled, cancelled → planned, done is final.


def test_planned_activity_is_done(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    done = activity_done(actor=manager, activity=activity, outcome="Agreed a trial")
    assert (done.status, done.outcome) == (ActivityStatus.DONE, "Agreed a trial")
    assert done.done_at is not None
    assert done.history.first().history_user == manager


def test_planned_activity_is_cancelled_and_planned_again(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    activity_cancel(actor=manager, activity=activity)
    again = activity_replan(actor=manager, activity=activity, planned_for=_at(dt.date(2026, 12, 9)))
    assert again.status == ActivityStatus.PLANNED
    assert again.planned_for == _at(dt.date(2026, 12, 9))


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (ActivityStatus.DONE, activity_done),
        (ActivityStatus.DONE, activity_cancel),
        (ActivityStatus.DONE, activity_replan),
        (ActivityStatus.CANCELLED, activity_done),
        (ActivityStatus.CANCELLED, activity_cancel),
        (ActivityStatus.PLANNED, activity_replan),
    ],
)
def test_illegal_moves_are_refused(manager: User, start: str, move: Any) -> None:
    activity = ActivityFactory(
        account__owner=manager, status=start, done_at=timezone.now() if start == "done" else None
    )
    with pytest.raises(Conflict):
        move(actor=manager, activity=activity)
    activity.refresh_from_db()
    assert activity.status == start


def test_a_read_only_user_cannot_log_an_activity(make_user: Any) -> None:
    executive = make_user(Role.EXECUTIVE)
    with pytest.raises(PermissionDenied):
        activity_create(
            actor=executive,
            account=AccountFactory(),
            kind="call",
            channel="phone",
            subject="Check in",
            planned_for=timezone.now(),
        )


def test_a_planned_activity_needs_a_date(manager: User) -> None:
    with pytest.raises(InvalidInput) as error:
        activity_create(
            actor=manager,
            account=AccountFactory(owner=manager),
            kind="visit",
            channel="on_site",
            subject="Quarterly review",
        )
    assert error.value.errors[0].field == "planned_for"
    assert not Activity.objects.exists()


def test_a_customer_participant_from_another_account_is_refused(manager: User) -> None:
    account = AccountFactory(owner=manager)
    stranger = ContactFactory()
    with pytest.raises(InvalidInput) as error:
        activity_create(
            actor=manager,
            account=account,
            kind="visit",
            channel="on_site",
            subject="Review",
            planned_for=timezone.now(),
            their_participant_ids=[stranger.pk],
        )
    assert error.value.errors[0].field == "their_participant_ids"
    assert not Activity.objects.exists()


# The next step becomes the next planned activity, linked.


def test_a_next_step_with_a_date_becomes_the_next_planned_activity(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    wang = ContactFactory(account=activity.account)
    activity.their_participants.set([wang])
    activity_done(
        actor=manager,
        activity=activity,
        done_at=_at(dt.date(2026, 11, 30)),
        next_step="Send the trial offer",
        next_step_on=dt.date(2026, 12, 7),
    )
    follow = Activity.objects.get(follows=activity)
    assert (follow.status, follow.subject, follow.kind) == (
        "planned",
        "Send the trial offer",
        "visit",
    )
    assert timezone.localdate(follow.planned_for) == dt.date(2026, 12, 7)
    assert list(follow.their_participants.all()) == [wang]


def test_a_next_step_without_a_date_is_planned_a_week_later(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    activity_done(
        actor=manager, activity=activity, done_at=_at(dt.date(2026, 11, 30)), next_step="Call back"
    )
    follow = Activity.objects.get(follows=activity)
    assert timezone.localdate(follow.planned_for) == dt.date(2026, 12, 7)


def test_logging_a_done_activity_with_a_next_step_plans_the_next(manager: User) -> None:
    activity = activity_create(
        actor=manager,
        account=AccountFactory(owner=manager),
        status="done",
        kind="call",
        channel="phone",
        subject="Price question",
        next_step="Visit with the engineer",
    )
    assert activity.done_at is not None
    assert Activity.objects.filter(follows=activity, status="planned").count() == 1


def test_editing_a_done_activity_does_not_plan_its_next_step_twice(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    activity_done(actor=manager, activity=activity, next_step="Call back")
    activity_update(actor=manager, activity=activity, notes="More detail")
    assert Activity.objects.filter(follows=activity).count() == 1


# The last contact (§7) moves to the activity's date, only forward, with history.


def test_done_activity_moves_its_contacts_last_contact_forward(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    never = ContactFactory(account=activity.account)
    earlier = ContactFactory(account=activity.account, last_contact=dt.date(2026, 10, 1))
    later = ContactFactory(account=activity.account, last_contact=dt.date(2026, 12, 20))
    activity.their_participants.set([never, earlier, later])
    heard: list[Any] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs["account"])

    contacts_changed.connect(listen)
    try:
        # 01:00 on the 1st in Shanghai is still the 30th in UTC: the company's date counts.
        activity_done(actor=manager, activity=activity, done_at=_at(dt.date(2026, 12, 1), 1))
    finally:
        contacts_changed.disconnect(listen)
    dates = dict(Contact.objects.values_list("pk", "last_contact"))
    assert dates[never.pk] == dt.date(2026, 12, 1)
    assert dates[earlier.pk] == dt.date(2026, 12, 1)
    assert dates[later.pk] == dt.date(2026, 12, 20)  # never moved back
    assert earlier.history.first().last_contact == dt.date(2026, 12, 1)
    assert earlier.history.first().history_user_id == manager.pk
    assert heard == [activity.account]


def test_an_older_done_activity_leaves_a_newer_last_contact(manager: User) -> None:
    account = AccountFactory(owner=manager)
    wang = ContactFactory(account=account, last_contact=dt.date(2026, 11, 1))
    activity_create(
        actor=manager,
        account=account,
        status="done",
        done_at=_at(dt.date(2026, 9, 1)),
        kind="visit",
        channel="on_site",
        subject="Old visit entered late",
        their_participant_ids=[wang.pk],
    )
    wang.refresh_from_db()
    assert wang.last_contact == dt.date(2026, 11, 1)


def test_a_deleted_activity_keeps_its_history(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager)
    activity_delete(actor=manager, activity=activity)
    assert not Activity.objects.exists()
    assert Activity.history.filter(id=activity.pk, history_type="-").exists()


# The cadence settings (§9 defaults), edited by the director.


def test_cadence_settings_hold_the_defaults_of_section_9() -> None:
    settings = cadence_settings()
    assert [settings.visit_days(k) for k in "ABCD"] == [30, 45, 30, 90]
    assert settings.decision_maker_days == 60


def test_the_director_edits_the_cadence(director: User) -> None:
    cadence_settings_update(actor=director, visit_days_b=40)
    assert cadence_settings().visit_days_b == 40


def test_a_manager_cannot_edit_the_cadence(manager: User) -> None:
    with pytest.raises(PermissionDenied):
        cadence_settings_update(actor=manager, visit_days_b=40)


def test_a_cadence_out_of_bounds_is_refused(director: User) -> None:
    with pytest.raises(InvalidInput) as error:
        cadence_settings_update(actor=director, visit_days_a=0)
    assert error.value.errors[0].field == "visit_days_a"
    assert cadence_settings().visit_days_a == 30


def test_the_cadence_declaration_names_every_setting_once() -> None:
    fields = {
        f.name for f in CadenceSettings._meta.concrete_fields if f.name not in {"id", "updated_at"}
    }
    assert set(CADENCE_SETTINGS_TABLE) == fields == set(CadenceSettingsPatch.model_fields)
