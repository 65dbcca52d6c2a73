"""The `kam` entry point: an unusable home or a full disk is one clear line and exit code 2.

Read-only places are made for real: by permissions when the tests run as a user, by a
read-only tmpfs mount when they run as root (root passes any permission bits). Each test says
which one it used; when neither is possible the test is skipped with the reason."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kam import cli

KAM = str(Path(sys.executable).with_name("kam"))
IS_ROOT = os.geteuid() == 0


def _kam(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAM_HOME": str(home), "KAM_DATABASE_URL": "", "KAM_LANGUAGE": "en"}
    return subprocess.run(  # noqa: S603 - our own console script
        [KAM, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _cannot(reason: str) -> None:
    """A full disk or a read-only home needs a tmpfs: skipped on a developer's machine that
    cannot mount one, a failure in CI (which runs as root), so it never passes unseen."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _mount_tmpfs(target: Path, options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        _cannot(f"running as root without the right to mount a tmpfs: {mounted.stderr!r}")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a tmpfs with the given options under tmp_path (root only), unmounted after."""
    mounts: list[Path] = []

    def mount(options: str) -> Path:
        if not IS_ROOT:
            _cannot("mounting a tmpfs needs root")
        target = tmp_path / f"mnt{len(mounts)}"
        _mount_tmpfs(target, options)
        mounts.append(target)
        return target

    yield mount
    for target in reversed(mounts):
        subprocess.run(["umount", str(target)], check=False)  # noqa: S603, S607


@pytest.fixture
def read_only_dir(tmp_path: Path, tmpfs: Callable[[str], Path]) -> Iterator[Path]:
    """An existing directory this process cannot write: mode 0500 for a user, a read-only
    mount for root."""
    if IS_ROOT:
        yield tmpfs("ro,size=64k")
        return
    path = tmp_path / "read-only"
    path.mkdir(mode=0o500)
    yield path
    path.chmod(0o700)


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_read_only_home_is_one_line_and_exit_code_2(read_only_dir: Path) -> None:
    result = _kam(read_only_dir, "check")

    line = _one_clear_line(result)
    assert f"KAM_HOME {read_only_dir} cannot be used" in line
    assert ("Read-only file system" if IS_ROOT else "Permission denied") in line


def test_a_home_under_an_unwritable_parent_is_one_line_and_exit_code_2(
    read_only_dir: Path,
) -> None:
    home = read_only_dir / "missing" / "home"

    line = _one_clear_line(_kam(home, "migrate"))

    assert f"KAM_HOME {home} cannot be used" in line
    assert ("Read-only file system" if IS_ROOT else "Permission denied") in line


def test_a_home_where_a_file_stands_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    home = tmp_path / "file" / "home"

    line = _one_clear_line(_kam(home, "check"))

    assert f"KAM_HOME {home} cannot be used: Not a directory" in line


def test_a_full_disk_under_the_database_is_one_line_and_exit_code_2(
    tmpfs: Callable[[str], Path],
) -> None:
    # 300 kB holds the empty database but not the migrated schema: SQLite answers "full".
    home = tmpfs("size=300k")

    line = _one_clear_line(_kam(home, "migrate"))

    assert line.startswith(f"kam: {home / 'kam.sqlite3'}: No space left on device.")
    assert "Free space on that disk" in line


@pytest.mark.slow
def test_a_backup_to_a_full_disk_names_that_disk_and_leaves_nothing(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    home = tmp_path / "home"
    assert _kam(home, "migrate", "--no-input", "-v", "0").returncode == 0
    full = tmpfs("size=300k")  # smaller than the migrated database

    line = _one_clear_line(_kam(home, "backup", str(full / "kam.kam-backup")))

    assert line.startswith(f"kam: {full}: No space left on device. Free space on that disk")
    assert list(full.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "Free space on that disk"),
        (errno.EDQUOT, "Free space on that disk"),
        (errno.EROFS, "Give this user access to it"),
        (errno.EACCES, "Give this user access to it"),
    ],
)
def test_a_disk_error_inside_a_command_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], code: int, advice: str
) -> None:
    def fail(**_options: object) -> None:
        raise OSError(code, os.strerror(code), "/srv/kam/report.csv")

    monkeypatch.setattr("kam.ops.management.commands.demo.demo_load", fail)

    with pytest.raises(SystemExit) as exited:
        cli.main(["demo", "--accounts", "1"])

    assert exited.value.code == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"kam: /srv/kam/report.csv: {os.strerror(code)}.")
    assert advice in line


def test_the_postgresql_server_out_of_disk_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Simulated: the server's disk cannot be filled from here. Django wraps psycopg's
    # DiskFull (SQLSTATE 53100) the way a failing INSERT would reach the command.
    from django.db.utils import OperationalError
    from psycopg.errors import DiskFull

    def fail(**_options: object) -> None:
        try:
            raise DiskFull('could not extend file "base/16384/16500": No space left on device')
        except DiskFull as disk_full:
            raise OperationalError(str(disk_full)) from disk_full

    monkeypatch.setattr("kam.ops.management.commands.demo.demo_load", fail)

    with pytest.raises(SystemExit) as exited:
        cli.main(["demo", "--accounts", "1"])

    assert exited.value.code == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("kam: the PostgreSQL server is out of disk space (could not extend")
    assert "Free space on the server's data disk" in line


def test_another_os_error_inside_a_command_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**_options: object) -> None:
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

    monkeypatch.setattr("kam.ops.management.commands.demo.demo_load", fail)

    with pytest.raises(ConnectionRefusedError):
        cli.main(["demo", "--accounts", "1"])


def test_the_home_message_is_translated_before_the_settings_load(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    env = {**os.environ, "KAM_HOME": str(tmp_path / "file"), "KAM_LANGUAGE": "zh-hans"}

    result = subprocess.run(  # noqa: S603
        [KAM, "check"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert "KAM_HOME" in result.stderr
    assert "Create it writable" not in result.stderr
