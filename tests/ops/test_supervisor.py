"""`kam worker --supervise`: a worker that exits is started again after a back-off that
doubles, each exit logged with its code (kam.ops.supervisor)."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from kam.ops.supervisor import WorkerSupervisor, exit_text


def supervise(command: str, caplog: pytest.LogCaptureFixture, **timing: float) -> list[str]:
    """Supervise `python -c command` until it has been restarted four times; the delays."""
    supervisor = WorkerSupervisor([sys.executable, "-c", command], **timing)
    runner = threading.Thread(target=supervisor.run)
    with caplog.at_level(logging.INFO, logger="kam.ops.supervisor"):
        runner.start()
        for _ in range(400):
            if supervisor.restarts >= 4:
                break
            supervisor.stopping.wait(0.05)
        supervisor.stop()
        runner.join(timeout=10)
    assert not runner.is_alive()
    assert any("started again (pid" in record.getMessage() for record in caplog.records)
    exits = [r.getMessage() for r in caplog.records if "exited with code" in r.getMessage()]
    assert all("exited with code 3 " in line for line in exits)
    return [line.rsplit("restarting in ", 1)[1] for line in exits[:4]]


def test_an_exiting_worker_is_restarted_with_a_doubling_back_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    delays = supervise(
        "import sys; sys.exit(3)", caplog, first_delay=0.05, max_delay=0.2, steady_after=60
    )
    assert delays == ["0.05 s", "0.1 s", "0.2 s", "0.2 s"]


def test_a_worker_that_ran_a_while_resets_the_back_off(caplog: pytest.LogCaptureFixture) -> None:
    delays = supervise(
        "import sys, time; time.sleep(0.3); sys.exit(3)",
        caplog,
        first_delay=0.05,
        max_delay=0.2,
        steady_after=0.2,
    )
    assert delays == ["0.05 s"] * 4


def test_stopping_the_supervisor_stops_a_running_worker() -> None:
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    for _ in range(100):
        if supervisor.child is not None:
            break
        supervisor.stopping.wait(0.05)
    supervisor.stop()
    runner.join(timeout=40)

    assert not runner.is_alive()
    assert supervisor.child is not None and supervisor.child.returncode == -15
    assert supervisor.restarts == 0


def test_exit_codes_name_their_signal() -> None:
    assert exit_text(-9) == "-9 (SIGKILL)"
    assert exit_text(1) == "1"
