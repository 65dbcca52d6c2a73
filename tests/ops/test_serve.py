"""`kam serve` runs the production server (gunicorn) and serves pages and static files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

KAM = str(Path(sys.executable).with_name("kam"))


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
    subprocess.run([KAM, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
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
