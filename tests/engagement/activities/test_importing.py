"""Activities imported from a file, whole or not at all (DOMAIN §9, §13)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kam.engagement.activities.importing import activities_import
from kam.engagement.activities.models import Activity
from kam.org.models import User
from kam.relationships.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "activities.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_activities_are_created_with_contacts_last_contact_and_next_step(
    tmp_path: Path, manager: User
) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    wang = ContactFactory(account=account, name="Wang Wei", last_contact=dt.date(2026, 9, 1))
    li = ContactFactory(account=account, name="Li Na", email="li.na@acme.example")
    path = write(
        tmp_path,
        "account,kind,date,time,subject,contacts,outcome,next_step,channel\n"
        "ACME,visit,2026-11-20,14:30,Plant tour,Wang Wei; LI.NA@acme.example,Good,Send offer,\n"
        "ACME,电话沟通,2026-11-25,,Follow-up call,Li Na,,,\n"
        "ACME,meeting,2026-12-10,10:00,Review,,,,web\n",
    )

    result = activities_import(actor=manager, path=path)

    assert result.errors == []
    assert (result.status, result.created, result.planned_next) == ("imported", 3, 1)
    tour = Activity.objects.get(subject="Plant tour")
    assert (tour.status, tour.channel) == ("done", "on_site")
    assert timezone.localtime(tour.done_at).time() == dt.time(14, 30)
    assert sorted(tour.their_participants.values_list("name", flat=True)) == ["Li Na", "Wang Wei"]
    assert Activity.objects.get(subject="Follow-up call").channel == "phone"
    assert Activity.objects.get(follows=tour).subject == "Send offer"
    wang.refresh_from_db()
    li.refresh_from_db()
    assert (wang.last_contact, li.last_contact) == (dt.date(2026, 11, 20), dt.date(2026, 11, 25))
    assert tour.history.first().history_user == manager


def test_a_bad_row_rejects_the_whole_file(tmp_path: Path, manager: User) -> None:
    AccountFactory(code="ACME", owner=manager)
    AccountFactory(code="OTTO")  # another manager's
    path = write(
        tmp_path,
        "account,kind,date,subject,contacts,time,duration\n"
        "ACME,visit,2026-11-20,Fine,,,60\n"
        "OTTO,visit,2026-11-20,Theirs,,,\n"
        "ACME,picnic,2026-11-20,Odd,,,\n"
        "ACME,call,2026-11-20,Who,Nobody,,\n"
        "ACME,call,2026-11-20,Late,,25:00,\n"
        "ACME,call,2026-11-20,Long,,,9999\n",
    )

    result = activities_import(actor=manager, path=path)

    assert result.status == "rejected"
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "account"),
        (4, "kind"),
        (5, "contacts"),
        (6, "time"),
        (7, "duration"),
    }
    assert not Activity.objects.exists()


def test_an_xlsx_file_is_read_and_a_dry_run_writes_nothing(tmp_path: Path, manager: User) -> None:
    AccountFactory(code="ACME", owner=manager)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户编码", "类型", "日期", "主题", "状态"])
    sheet.append(["ACME", "拜访", "2026-12-15", "年度回顾", "planned"])
    path = tmp_path / "activities.xlsx"
    book.save(path)

    dry = activities_import(actor=manager, path=path, dry_run=True)
    assert (dry.status, Activity.objects.count()) == ("dry_run", 0)
    done = activities_import(actor=manager, path=path)
    assert done.status == "imported"
    planned = Activity.objects.get()
    assert (planned.status, planned.kind, planned.done_at) == ("planned", "visit", None)
    assert not Contact.objects.exists()


def test_the_command_imports_activities_and_exits_2_on_bad_rows(
    tmp_path: Path, manager: User
) -> None:
    AccountFactory(code="ACME", owner=manager)
    good = write(tmp_path, "account,kind,date,subject\nACME,call,2026-11-02,Check in\n")
    out = StringIO()
    call_command("import", "activities", str(good), "--user", manager.username, stdout=out)
    assert "1 activities created, 0 next steps planned" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("account,kind,date,subject\nACME,call,someday,Check in\n")
    with pytest.raises(CommandError) as raised:
        call_command(
            "import", "activities", str(bad), "--user", manager.username, stderr=StringIO()
        )
    assert raised.value.returncode == 2
    assert Activity.objects.count() == 1
