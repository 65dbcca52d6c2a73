"""The `kam` command line: users, tokens, demo data, and bad input exiting with code 2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kam.accounts.models import Account
from kam.ledger.models import LedgerLine, MonthlyAggregate
from kam.org.demo import DEMO_USERS
from kam.org.models import ApiToken, Role, Team, User
from kam.org.services import token_authenticate

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_user_add_creates_a_user_with_role_and_teams() -> None:
    run("user", "add", "li.wei", "--role", "manager", "--team", "East", "--password", "pw-1234")

    user = User.objects.get(username="li.wei")
    assert user.role == Role.MANAGER
    assert user.check_password("pw-1234")
    assert list(Team.objects.get(name="East").members.all()) == [user]


def test_user_add_refuses_a_duplicate_with_exit_code_2(manager) -> None:
    with pytest.raises(CommandError) as raised:
        run("user", "add", manager.username.upper(), "--role", "sales", "--password", "x")
    assert raised.value.returncode == 2
    assert User.objects.filter(username__iexact=manager.username).count() == 1


def test_token_create_prints_the_token_alone_on_its_last_line(manager) -> None:
    output = run("token", "create", manager.username)

    token = output.strip().splitlines()[-1]

    assert token_authenticate(token) == manager
    assert ApiToken.objects.get(user=manager).key_hash != token


def test_token_revoke_stops_the_token_working(manager) -> None:
    token = run("token", "create", manager.username).strip().splitlines()[-1]
    token_id = ApiToken.objects.get(user=manager).pk

    run("token", "revoke", manager.username, str(token_id))

    assert token_authenticate(token) is None


def test_token_create_for_an_unknown_user_exits_with_code_2() -> None:
    with pytest.raises(CommandError) as raised:
        run("token", "create", "nobody")
    assert raised.value.returncode == 2


@pytest.mark.slow
def test_demo_loads_once_and_prints_the_sign_ins() -> None:
    first = run("demo", "--accounts", "40", "--years", "2")
    accounts = Account.objects.count()
    second = run("demo")

    assert "Demo data loaded" in first
    assert "already present" in second
    assert Account.objects.count() == accounts == 40
    assert LedgerLine.objects.exists()
    assert MonthlyAggregate.objects.filter(account__code="G200").exists()
    assert {u for u, *_ in DEMO_USERS} <= set(User.objects.values_list("username", flat=True))
    assert Account.objects.filter(parent__isnull=False).exists()
    assert Account.objects.filter(is_key=True).exists()
    # S0's drifting group has lost its champion inside the customer (§7).
    from kam.relationships.models import Contact

    drifting = Contact.objects.filter(account__code__startswith="G200")
    assert drifting.filter(buying_role="decision_maker").exists()
    assert drifting.filter(buying_role="coach", active=False, left_on__isnull=False).exists()
    assert not drifting.filter(buying_role="coach", active=True).exists()


def test_the_kam_console_script_runs_commands(tmp_path: Path) -> None:
    env = {**os.environ, "KAM_HOME": str(tmp_path), "KAM_DATABASE_URL": ""}
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(Path(sys.executable).with_name("kam")), "user", "add", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0
    assert "--role" in result.stdout


@pytest.mark.slow
def test_the_production_profile_passes_the_deploy_check(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KAM_HOME": str(tmp_path),
        "KAM_DEBUG": "false",
        "KAM_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "KAM_ALLOWED_HOSTS": "kam.example.com",
        "KAM_DATABASE_URL": "",
    }
    # The browser tests allow async-unsafe calls in this process; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603 - our own console script
        [
            str(Path(sys.executable).with_name("kam")),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_kam_language_sets_the_cli_language_and_refuses_unknown_ones(tmp_path: Path) -> None:
    kam = str(Path(sys.executable).with_name("kam"))
    env = {**os.environ, "KAM_HOME": str(tmp_path), "KAM_DATABASE_URL": ""}
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    # Given KAM_LANGUAGE=zh-hans, a refused file is explained in Chinese (exit 2)
    chinese = subprocess.run(  # noqa: S603 - our own console script
        [kam, "import", "ledger", str(empty)],
        capture_output=True,
        text=True,
        env={**env, "KAM_LANGUAGE": "zh-hans"},
        check=False,
    )
    assert chinese.returncode == 2
    assert "文件为空" in chinese.stderr

    # And a language kam does not speak is refused by name
    french = subprocess.run(  # noqa: S603 - our own console script
        [kam, "check"],
        capture_output=True,
        text=True,
        env={**env, "KAM_LANGUAGE": "fr"},
        check=False,
    )
    assert french.returncode != 0
    assert "KAM_LANGUAGE must be one of en, zh-hans, not 'fr'" in french.stderr


def test_worker_refuses_several_processes_on_the_database_queue_with_exit_code_2() -> None:
    with pytest.raises(CommandError, match="KAM_QUEUE_URL") as several:
        call_command("worker", "--batch", "--processes", "2")
    with pytest.raises(CommandError, match="at least 1") as none:
        call_command("worker", "--batch", "--processes", "0")
    assert (several.value.returncode, none.value.returncode) == (2, 2)
