"""`kam serve` runs the production server (gunicorn) and serves pages and static files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import create_migrated_store

KAM = str(Path(sys.executable).with_name("kam"))
GUNICORNC = str(Path(sys.executable).with_name("gunicornc"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read(), dict(response.headers)


@pytest.mark.slow
def test_serve_answers_the_login_page_and_hashed_static_files(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KAM_HOME": str(tmp_path),
        "KAM_DATABASE_URL": "",
        "KAM_HTTPS": "false",
        "KAM_DEBUG": "false",
    }
    create_migrated_store(env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [KAM, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        status, body, headers = 0, b"", {}
        while time.monotonic() < deadline:
            try:
                status, body, headers = _get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                time.sleep(0.3)
        stylesheet = body.decode().split('href="/static/kam/kam.')[1].split('"')[0]
        css_status, css, _ = _get(f"http://127.0.0.1:{port}/static/kam/kam.{stylesheet}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert css_status == 200
    assert b".topbar" in css


def _wait_serving(url: str, server: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return _get(url)[0]
        except OSError:
            time.sleep(0.3)
    return 0


def _control(socket_path: Path) -> dict[str, object]:
    """What the gunicorn instance behind `socket_path` says about itself."""
    answer = subprocess.run(  # noqa: S603 - gunicorn's own control client
        [GUNICORNC, "-s", str(socket_path), "-c", "show stats", "-j"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    stats: dict[str, object] = json.loads(answer.stdout)
    return stats


@pytest.mark.slow
def test_two_servers_on_one_home_keep_their_own_control_sockets(tmp_path: Path) -> None:
    env = {**os.environ, "KAM_HOME": str(tmp_path), "KAM_DATABASE_URL": "", "KAM_HTTPS": "false"}
    create_migrated_store(env)
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"serve-{port}.log" for port in ports]
    servers: list[subprocess.Popen[bytes]] = []
    sockets = [tmp_path / "run" / f"serve-127.0.0.1-{port}.ctl" for port in ports]
    try:
        serving = []
        # One after the other, as an operator starts them: the story is that the second does
        # not take over the first's control socket.
        for port, log in zip(ports, logs, strict=True):
            with log.open("wb") as output:
                servers.append(
                    subprocess.Popen(  # noqa: S603 - our own console script
                        [KAM, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
            serving.append(_wait_serving(f"http://127.0.0.1:{port}/login/", servers[-1]))
        assert serving == [200, 200], "\n".join(log.read_text()[-2000:] for log in logs)
        pids = [
            (tmp_path / "run" / f"serve-127.0.0.1-{port}.pid").read_text().strip() for port in ports
        ]
        controlled = [_control(path)["pid"] for path in sockets]

        servers[0].terminate()
        servers[0].wait(timeout=30)
        still_serving = _wait_serving(f"http://127.0.0.1:{ports[1]}/login/", servers[1])
        still_controlled = _control(sockets[1])["pid"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    assert controlled == [int(pid) for pid in pids]
    assert not sockets[0].exists()
    assert still_serving == 200
    assert still_controlled == int(pids[1])
