"""`kam check --deploy` fails on a warning: an insecure production set-up cannot pass a script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KAM = str(Path(sys.executable).with_name("kam"))
STRONG_KEY = "k" * 20 + "-production-secret-key-of-fifty-or-more-characters-0123456789"


def _check(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only what a production service gets: the test run's own variables (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, a deployment error) stay out.
    production = {
        "PATH": os.environ["PATH"],
        "KAM_DATABASE_URL": os.environ.get("KAM_DATABASE_URL", ""),
        "KAM_HOME": str(home),
        "KAM_DEBUG": "false",
        "KAM_SECRET_KEY": STRONG_KEY,
        "KAM_ALLOWED_HOSTS": "kam.example.com",
    }
    return subprocess.run(  # noqa: S603 - our own console script
        [KAM, "check", *args],
        env={**production, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_production_set_up_passes_the_deployment_check(tmp_path: Path) -> None:
    result = _check(tmp_path, "--deploy")

    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_plain_http_fails_the_deployment_check(tmp_path: Path) -> None:
    result = _check(tmp_path, "--deploy", KAM_HTTPS="false")

    assert result.returncode != 0
    assert "security.W012" in result.stderr  # the session cookie travels in clear


def test_plain_http_passes_the_check_without_deploy(tmp_path: Path) -> None:
    result = _check(tmp_path, KAM_HTTPS="false")

    assert result.returncode == 0, result.stderr


def test_an_explicit_fail_level_still_wins(tmp_path: Path) -> None:
    result = _check(tmp_path, "--deploy", "--fail-level", "ERROR", KAM_HTTPS="false")

    assert result.returncode == 0, result.stderr
    assert "security.W012" in result.stderr


def test_a_proxy_that_redirects_silences_only_the_redirect_warning(tmp_path: Path) -> None:
    result = _check(tmp_path, "--deploy", KAM_SSL_REDIRECT="false")

    assert result.returncode == 0, result.stderr
    assert "(1 silenced)" in result.stdout


def test_a_database_file_others_can_read_fails_the_deployment_check(tmp_path: Path) -> None:
    database = tmp_path / "kam.sqlite3"
    database.touch()
    database.chmod(0o644)

    result = _check(tmp_path, "--deploy", KAM_DATABASE_URL="")

    assert result.returncode != 0
    assert "kam.W001" in result.stderr
    assert f"chmod 600 {database}" in result.stderr
