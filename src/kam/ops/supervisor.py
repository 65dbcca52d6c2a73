"""`kam worker --supervise` (what `kam serve --with-worker` runs): keep one worker process
running. When it exits, for whatever reason, the supervisor logs its exit code and starts it
again after a back-off that doubles from 1 s to 60 s, and starts again from 1 s once a worker
has run a minute. Stopping the supervisor (SIGTERM, SIGINT) stops the worker first.

The supervisor is a process of its own, not a thread of the web server: gunicorn's master
reaps every child it has, which would swallow the worker's exit code."""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType

logger = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
STEADY_AFTER = 60.0  # a worker that ran this long resets the back-off
STOP_TIMEOUT = 30.0  # seconds a stopping worker has to finish its task before it is killed
PR_SET_PDEATHSIG = 1


def stop_with_parent() -> None:
    """In a child about to start: ask Linux to send it SIGTERM when its parent dies, so that a
    worker never outlives the server or supervisor that started it (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def exit_text(code: int) -> str:
    """An exit code as the log shows it: `-9 (SIGKILL)` for a signal."""
    if code < 0:
        try:
            return f"{code} ({signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


class WorkerSupervisor:
    """Runs `command` and starts it again whenever it exits, until stopped."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        steady_after: float = STEADY_AFTER,
    ) -> None:
        self.command = list(command)
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.steady_after = steady_after
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Supervise until `stop()` (or SIGTERM / SIGINT, when run on the main thread)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        delay = self.first_delay
        while not self.stopping.is_set():
            started = time.monotonic()
            self.child = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                self.command,
                preexec_fn=stop_with_parent,  # noqa: PLW1509 - the supervisor runs no threads
            )
            if self.restarts:
                logger.warning("kam worker started again (pid %d)", self.child.pid)
            else:
                logger.info("kam worker started (pid %d)", self.child.pid)
            while self.child.poll() is None:
                if self.stopping.wait(0.5):
                    self._stop_child()
                    return
            ran = time.monotonic() - started
            if ran >= self.steady_after:
                delay = self.first_delay
            logger.warning(
                "kam worker (pid %d) exited with code %s after %.0f s; restarting in %g s",
                self.child.pid,
                exit_text(self.child.returncode),
                ran,
                delay,
            )
            if self.stopping.wait(delay):
                return
            self.restarts += 1
            delay = min(delay * 2, self.max_delay)

    def _stop_child(self) -> None:
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            logger.warning("kam worker (pid %d) did not stop; killing it", child.pid)
            child.kill()
            child.wait()
