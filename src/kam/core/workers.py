"""Liveness of the background workers: every worker loop wraps itself in `worker_heartbeat`,
which keeps a `WorkerHeartbeat` row fresh from a thread of its own, and the rest of kam asks
`live_worker_ids()` / `worker_last_beat()` whether anyone is there to run a job.

It lives in kam.core, below every app, on purpose: the ledger and the portfolio record which
worker runs their jobs and fail the jobs of a worker that stopped beating, and the health page
reports the last beat, all without importing kam.ops (which is above them and runs the worker
loops). The heartbeat does not know the tasks backend: the database worker of `kam worker`
and any other loop (an RQ worker) call the same context manager.

    with worker_heartbeat(kind="db") as beat:
        while running:
            with beat.working_on(task_id):
                run(task)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection
from django.utils.crypto import get_random_string
from django.utils.timezone import now as timezone_now

from kam.core.busy import database_busy
from kam.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)
T = TypeVar("T")

_current: Heartbeat | None = None


def retry_when_busy(
    action: Callable[[], T],
    *,
    what: str,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    attempts: int | None = None,
    keep_trying: Callable[[], bool] = lambda: True,
) -> T:
    """Run `action`; while the database is busy, wait (doubling from `first_delay` up to
    `max_delay`) and run it again, `attempts` times in all (None: until it works or
    `keep_trying()` says stop). Other errors, and the last busy one, are raised."""
    delay, attempt = first_delay, 1
    while True:
        try:
            return action()
        except OperationalError as error:
            if not database_busy(error) or attempt == attempts or not keep_trying():
                raise
            logger.warning("%s: the database is busy (%s); retrying in %.1f s", what, error, delay)
        # A connection that met a lock mid-transaction is not reused for the next try.
        connection.close()
        time.sleep(delay)
        delay, attempt = min(delay * 2, max_delay), attempt + 1


def current_worker_id() -> str:
    """The id of the worker this process runs ("" outside a worker), recorded on each job it
    starts so that the job can be failed if the worker dies."""
    return _current.worker_id if _current is not None else ""


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Beats older than this are a worker that stopped (KAM_WORKER_STALE_SECONDS)."""
    return (now or timezone_now()) - dt.timedelta(seconds=settings.KAM_WORKER_STALE_SECONDS)


def live_worker_ids(now: dt.datetime | None = None) -> set[str]:
    """The workers that beat within KAM_WORKER_STALE_SECONDS.

    On SQLite the store is one file on one machine, and a long import's write lock can hold
    back the beats of a worker that is well: there a late worker whose process still runs on
    this host counts as live too."""
    rows = WorkerHeartbeat.objects.values_list("worker_id", "beat_at", "host", "pid")
    cutoff, host = stale_before(now), socket.gethostname()
    local_store = connection.vendor == "sqlite"
    return {
        worker_id
        for worker_id, beat_at, worker_host, pid in rows
        if beat_at >= cutoff or (local_store and worker_host == host and _process_runs(pid))
    }


@dataclass(frozen=True)
class JobWait:
    """How a background job waits: whether it is queued with no live worker to take it, and
    how many seconds it has been queued (None when it is not queued)."""

    waiting_for_worker: bool
    queued_seconds: int | None


def job_wait(
    *,
    queued: bool,
    since: dt.datetime,
    now: dt.datetime | None = None,
    live: Collection[str] | None = None,
) -> JobWait:
    """The wait of a job queued (or not) since `since`; `live`: the live workers, when the
    caller has looked them up already (else they are looked up now)."""
    if not queued:
        return JobWait(waiting_for_worker=False, queued_seconds=None)
    seconds = max(0, int(((now or timezone_now()) - since).total_seconds()))
    if live is None:
        live = live_worker_ids(now)
    return JobWait(waiting_for_worker=not live, queued_seconds=seconds)


def live_worker_ids_for(request: object) -> set[str]:
    """`live_worker_ids()`, looked up once per request: an answer that lists many queued
    jobs asks the heartbeats once, not once a job."""
    live: set[str] | None = getattr(request, "_kam_live_workers", None)
    if live is None:
        live = live_worker_ids()
        setattr(request, "_kam_live_workers", live)  # noqa: B010 - a request of any kind
    return live


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process of that number: it runs
    return True


def worker_last_beat() -> dt.datetime | None:
    """The most recent heartbeat of any worker (None: no worker has run since its last stop)."""
    beat: dt.datetime | None = (
        WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    )
    return beat


def workers_forget_stopped(now: dt.datetime | None = None) -> int:
    """Remove the heartbeats of workers that stopped beating a day ago (their jobs were failed
    long since); the recent ones stay so that the health page can tell when a worker last ran.
    Returns how many were removed."""
    cutoff = (now or timezone_now()) - dt.timedelta(days=1)
    removed, _detail = WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    return removed


class Heartbeat:
    """The heartbeat of one worker process; see `worker_heartbeat`."""

    def __init__(self, *, worker_id: str, kind: str, every: float) -> None:
        self.worker_id = worker_id
        self.kind = kind
        self.every = every
        self.started_at = timezone_now()
        self._task = ""
        self._task_started_at: dt.datetime | None = None
        self._lock = threading.Lock()
        # Held while a beat talks to the database, and by `quiet` around a fork.
        self._writing = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"heartbeat-{worker_id[:8]}", daemon=True
        )

    @contextlib.contextmanager
    def working_on(self, task: str) -> Iterator[None]:
        """Report `task` (a task result id or name) as the current task while the block runs."""
        with self._lock:
            self._task, self._task_started_at = task[:200], timezone_now()
        self.beat_soon()
        try:
            yield
        finally:
            with self._lock:
                self._task, self._task_started_at = "", None

    def beat(self) -> None:
        """Write the beat now (on the calling thread's connection)."""
        with self._lock:
            fields = {
                "beat_at": timezone_now(),
                "task": self._task,
                "task_started_at": self._task_started_at,
            }
        with self._writing:
            updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields)
            if not updated:
                WorkerHeartbeat.objects.create(
                    worker_id=self.worker_id,
                    kind=self.kind,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    started_at=self.started_at,
                    **fields,
                )

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Hold the beats back while the block runs, waiting for one under way to end.

        A process forked while the beat thread is inside the database driver copies the
        driver's locks as they stand, held by a thread the child does not have: the child's
        first query then waits forever. RQ forks a job process right as `working_on` wakes
        the beat, so the fork is made in here."""
        with self._writing:
            yield

    def beat_soon(self) -> None:
        self._wake.set()

    def start(self) -> None:
        retry_when_busy(self.beat, what="worker heartbeat", attempts=5)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)
        # A clean stop says so: the worker is gone, not dead.
        with contextlib.suppress(Exception):
            retry_when_busy(
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete,
                what="worker heartbeat",
                attempts=3,
            )

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self.every)
                self._wake.clear()
                if self._stop.is_set():
                    break
                try:
                    self.beat()
                except Exception as error:  # a beat that fails is tried again next time
                    # A long import's write lock on SQLite holds beats back as a matter of
                    # course (live_worker_ids allows for it); anything else is worth a warning.
                    level = logging.INFO if database_busy(error) else logging.WARNING
                    logger.log(level, "worker heartbeat not written: %s", error)
                    connection.close()
        finally:
            connection.close()


@contextlib.contextmanager
def worker_heartbeat(
    *, kind: str = "db", worker_id: str | None = None, every: float | None = None
) -> Iterator[Heartbeat]:
    """Beat for this worker process while the block runs: the row is written at once, then
    every `every` seconds (KAM_WORKER_HEARTBEAT_SECONDS) from a background thread, so a long
    task does not silence it; a clean exit removes it. Inside the block `current_worker_id()`
    names this worker."""
    global _current  # noqa: PLW0603 - one worker loop per process
    heartbeat = Heartbeat(
        worker_id=worker_id or get_random_string(32),
        kind=kind,
        every=every if every is not None else settings.KAM_WORKER_HEARTBEAT_SECONDS,
    )
    heartbeat.start()
    _current = heartbeat
    try:
        yield heartbeat
    finally:
        _current = None
        heartbeat.stop()
