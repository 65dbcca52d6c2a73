"""Contacts imported from a file: the buying centre's people, whole or not at all (§7)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kam.core.errors import PermissionDenied
from kam.relationships.importing import contacts_import
from kam.relationships.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_contacts_are_created_with_roles_ratings_and_reporting_lines(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    path = write(
        tmp_path,
        "Account,Name,Department,Title,Email,Reports To,Role,Influence,Attitude,"
        "Closeness,Solution approval,Price acceptance,Last contact,Status\n"
        "ACME,Li Wei,Procurement,Buyer,LI.WEI@acme.example,Zhang Min,Gatekeeper,3,neutral,"
        "2,3,4,2026-10-02,active\n"
        "ACME,Zhang Min,Board,CEO,,,决策者,5,Champion,4.0,,,2026-11-01,\n"
        "ACME,Old Boss,Board,Former CEO,,,decision maker,5,supporter,,,,,left\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.status, result.created, result.updated) == ("imported", 3, 0)
    li = Contact.objects.get(email="li.wei@acme.example")
    assert (li.buying_role, li.influence, li.attitude, li.closeness, li.price_acceptance) == (
        "gatekeeper",
        3,
        "neutral",
        2,
        4,
    )
    assert (li.reports_to.name, li.last_contact) == ("Zhang Min", dt.date(2026, 10, 2))
    boss = Contact.objects.get(name="Zhang Min")
    assert (boss.buying_role, boss.attitude, boss.closeness, boss.active) == (
        "decision_maker",
        "champion",
        4,
        True,
    )
    assert not Contact.objects.get(name="Old Boss").active
    assert li.history.first().history_user == manager


def test_a_known_contact_is_updated_by_email_or_name(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ContactFactory(account=account, name="Li Wei", email="li@acme.example", influence=2)
    ContactFactory(account=account, name="Zhang Min", title="CFO")
    path = write(
        tmp_path,
        "account,name,email,influence,title,left_on\n"
        "ACME,Li Wei (Procurement),LI@acme.example,4,,\n"
        "ACME,zhang min,,,,2026-09-30\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.created, result.updated) == (0, 2)
    li = Contact.objects.get(email="li@acme.example")
    assert (li.name, li.influence) == ("Li Wei (Procurement)", 4)
    zhang = Contact.objects.get(title="CFO")  # an empty cell keeps what kam knows
    assert (zhang.active, zhang.left_on) == (False, dt.date(2026, 9, 30))


def test_bad_cells_reject_the_whole_file(tmp_path, manager, other_manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    AccountFactory(code="THEIRS", owner=other_manager)
    path = write(
        tmp_path,
        "account,name,email,influence,role,attitude,status,reports_to\n"
        "ACME,Good Person,,,,,,\n"
        "THEIRS,Hidden,,,,,,\n"
        "ACME,,,,,,,\n"
        "ACME,Bad Mail,not-an-address,,,,,\n"
        "ACME,Too Much,,7,,,,\n"
        "ACME,Odd Role,,,janitor,,,\n"
        "ACME,Odd Mood,,,,grumpy,,\n"
        "ACME,Odd State,,,,,maybe,\n"
        "ACME,=cmd|' /C calc'!A0,,,,,,\n"
        "ACME,Good Person,,,,,,\n",
    )

    result = contacts_import(actor=manager, path=path)

    found = {(e.row, e.column, e.reason.split(":")[0]) for e in result.errors}
    assert {
        (3, "account", "no account with this code"),
        (4, "name", "required"),
        (5, "email", "not an email address"),
        (6, "influence", "not a rating from 1 to 5"),
        (7, "role", "not one of"),
        (8, "attitude", "not one of"),
        (9, "status", "not active or left"),
        (10, "name", "looks like a spreadsheet formula"),
        (11, "name", "repeats row 2"),
    } <= found
    assert result.status == "rejected"
    assert not Contact.objects.exists()


def test_an_unknown_boss_or_a_reporting_cycle_changes_nothing(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    unknown = write(tmp_path, "account,name,reports_to\nACME,Li,Nobody\n")
    cycle = tmp_path / "cycle.csv"
    cycle.write_text("account,name,reports_to\nACME,Li,Zhang\nACME,Zhang,Li\n")

    first = contacts_import(actor=manager, path=unknown)
    second = contacts_import(actor=manager, path=cycle)

    assert [(e.row, e.column) for e in first.errors] == [(2, "reports_to")]
    assert {e.reason for e in second.errors} == {"makes a cycle of reporting lines"}
    assert not Contact.objects.exists()


def test_read_only_users_import_no_contacts(tmp_path, executive) -> None:
    AccountFactory(code="ACME")
    with pytest.raises(PermissionDenied):
        contacts_import(actor=executive, path=write(tmp_path, "account,name\nACME,Li\n"))


def test_the_command_imports_contacts_and_exits_2_on_bad_rows(tmp_path, director) -> None:
    AccountFactory(code="ACME")
    good = write(tmp_path, "客户编码\t姓名\t部门\t影响力\nACME\t王芳\t采购部\t4\n", "utf-16")
    out = StringIO()

    call_command("import", "contacts", str(good), "--user", director.username, stdout=out)

    assert "1 contact(s) created, 0 updated" in out.getvalue()
    assert Contact.objects.get().department == "采购部"
    bad = tmp_path / "bad.csv"
    bad.write_text("account,name,influence\nACME,Li,high\n")
    with pytest.raises(CommandError) as raised:
        call_command("import", "contacts", str(bad), "--user", director.username, stderr=StringIO())
    assert raised.value.returncode == 2
    assert Contact.objects.count() == 1


def test_a_dry_run_counts_the_contacts_and_changes_nothing(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    path = write(tmp_path, "Account,Name,Reports To\nACME,Li Wei,Zhang Min\nACME,Zhang Min,\n")

    result = contacts_import(actor=manager, path=path, dry_run=True)

    assert (result.status, result.created, result.errors) == ("dry_run", 2, [])
    assert not Contact.objects.exists()
