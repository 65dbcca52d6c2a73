"""`kam import complaints` (DOMAIN §9): validated, all or nothing, SLA due times set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kam.engagement.complaints.importing import complaints_import
from kam.engagement.complaints.models import Complaint, Status
from kam.org.models import Department, DepartmentCode, User
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "complaints.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_records_every_complaint_with_its_clocks(manager: User, tmp_path: Path) -> None:
    account = AccountFactory(owner=manager, code="ACME")
    contact = ContactFactory(account=account, name="Li Wei", email="li@acme.cn")
    Department.objects.get_or_create(code=DepartmentCode.TRANSPORT)
    path = _file(
        tmp_path,
        "客户编码,主题,严重程度,类别,渠道,接收时间,联系人,部门\n"
        "ACME,Late pallets,critical,delivery,phone,2026-03-02 10:00,li@acme.cn,transport\n"
        "acme,Rude driver,低,服务,微信,2026-03-03,Mr Zhao,运输\n",
    )

    result = complaints_import(actor=manager, path=path)

    assert (result.status, result.created) == ("imported", 2)
    late, rude = Complaint.objects.order_by("received_at")
    assert late.received_at == dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    assert late.acknowledge_due_at == late.received_at + dt.timedelta(hours=4)
    assert (late.contact, late.department.code, late.status) == (contact, "transport", "open")
    assert (rude.severity, rude.category, rude.channel) == ("low", "service", "wechat")
    assert (rude.reporter_name, rude.department.code) == ("Mr Zhao", "transport")
    assert rude.events.get().action == "created"


def test_one_bad_row_rejects_the_whole_file_naming_each_error(
    manager: User, other_manager: User, tmp_path: Path
) -> None:
    AccountFactory(owner=manager, code="ACME")
    AccountFactory(owner=other_manager, code="OTTO")
    path = _file(
        tmp_path,
        "account,subject,severity,category,channel,received\n"
        "ACME,Fine,high,delivery,email,2026-03-02\n"
        "OTTO,Not mine,high,delivery,email,2026-03-02\n"
        "ACME,Bad,urgent,weather,email,yesterday\n",
    )

    result = complaints_import(actor=manager, path=path)

    assert result.status == "rejected"
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "account"),
        (4, "severity"),
        (4, "category"),
        (4, "received"),
    ]
    assert not Complaint.objects.exists()


def test_the_command_imports_complaints(manager: User, tmp_path: Path) -> None:
    AccountFactory(owner=manager, code="ACME")
    header = "account,subject,severity,category,channel\n"
    path = _file(tmp_path, header + "ACME,Noise,medium,product_quality,web\n")

    call_command("import", "complaints", str(path), "--user", manager.username)

    assert Complaint.objects.get().status == Status.OPEN
