"""Status transitions: declared moves, refused moves, racing writers (kam.core.transitions)."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.errors import Conflict
from kam.core.transitions import StateMachine
from kam.portfolio.models import SCORE_RUN_STATUS, ScoreRun, ScoreRunStatus

MACHINE = StateMachine("thing", {"new": {"open", "gone"}, "open": {"done", "gone"}})


def test_the_machine_answers_what_it_allows() -> None:
    assert MACHINE.can("new", "open") and not MACHINE.can("done", "open")
    assert MACHINE.allowed_from("gone") == {"new", "open"}
    assert MACHINE.allowed_from("new") == frozenset()
    MACHINE.check("open", "done")
    with pytest.raises(Conflict) as refused:
        MACHINE.check("done", "open")
    assert refused.value.status == 409 and refused.value.errors[0].field == "status"


def run() -> ScoreRun:
    return ScoreRun.objects.create(as_of=dt.date(2026, 10, 31))


@pytest.mark.django_db
def test_a_move_updates_the_row_and_its_fields() -> None:
    queued = run()
    moved = SCORE_RUN_STATUS.move(
        ScoreRun.objects.filter(pk=queued.pk), ScoreRunStatus.RUNNING, dates_total=3
    )
    queued.refresh_from_db()
    assert moved == 1 and (queued.status, queued.dates_total) == ("running", 3)


@pytest.mark.django_db
def test_an_illegal_move_is_refused_and_changes_nothing() -> None:
    done = run()
    SCORE_RUN_STATUS.move_instance(done, ScoreRunStatus.RUNNING)
    SCORE_RUN_STATUS.move_instance(done, ScoreRunStatus.DONE, message="ok")
    assert (done.status, done.message) == ("done", "ok")
    with pytest.raises(Conflict):
        SCORE_RUN_STATUS.move_instance(done, ScoreRunStatus.FAILED, message="late")
    done.refresh_from_db()
    assert (done.status, done.message) == ("done", "ok")


@pytest.mark.django_db
def test_of_two_racing_writers_only_the_first_moves() -> None:
    # Both read "running"; the second UPDATE finds the row no longer in an allowed state.
    racing = run()
    SCORE_RUN_STATUS.move_instance(racing, ScoreRunStatus.RUNNING)
    rows = ScoreRun.objects.filter(pk=racing.pk)
    assert SCORE_RUN_STATUS.move(rows, ScoreRunStatus.DONE) == 1
    with pytest.raises(Conflict):
        SCORE_RUN_STATUS.move(rows, ScoreRunStatus.DONE)


@pytest.mark.django_db
def test_a_missing_row_moves_nowhere_quietly() -> None:
    assert SCORE_RUN_STATUS.move(ScoreRun.objects.none(), ScoreRunStatus.FAILED) == 0
