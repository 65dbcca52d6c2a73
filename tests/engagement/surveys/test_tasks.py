"""The nightly survey drop sweep is scheduled and runs the sweep (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.module_loading import import_string

from kam.alerts.models import Alert
from kam.engagement.tasks import survey_drops_sweep_task
from kam.ops.models import ScheduledJob
from tests.factories import AccountFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db


def test_the_sweep_is_scheduled_each_night() -> None:
    job = ScheduledJob.objects.get(name="survey drops sweep")
    assert job.daily_at == dt.time(2, 30)
    assert import_string(job.task) is survey_drops_sweep_task


def test_the_sweep_task_raises_a_drop_written_behind_the_services() -> None:
    account = AccountFactory()
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 7, 1), nps=10)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 10, 1), nps=3)
    assert survey_drops_sweep_task.call() == 1
    assert Alert.objects.get(account=account).kind == "survey_drop"
