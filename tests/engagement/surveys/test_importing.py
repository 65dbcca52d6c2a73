"""`kam import survey-responses`: validated, all or nothing, bulk (DOMAIN §9)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kam.alerts.models import Alert
from kam.engagement.surveys.importing import survey_responses_import
from kam.engagement.surveys.models import ResponseSource, SurveyResponse
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, text: str, name: str = "surveys.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_adds_every_response_and_raises_the_drop(tmp_path, manager) -> None:
    account = AccountFactory(owner=manager, code="C1")
    buyer = ContactFactory(account=account, name="Li Wei", email="li@example.com")
    path = _file(
        tmp_path,
        "客户编码,日期,答复人,方式,推荐意愿,服务,价格,备注\n"
        "C1,2026-07-02,li@example.com,访谈,9,5,4,good\n"
        "C1,2026-10-03,Li Wei,phone,9,4,4.0,slower\n",
    )
    result = survey_responses_import(actor=manager, path=path)
    assert result.status == "imported", result.errors
    assert (result.created, result.accounts) == (2, 1)
    rows = list(SurveyResponse.objects.order_by("responded_on"))
    assert [(r.contact_id, r.method, r.csat_service) for r in rows] == [
        (buyer.pk, "interview", 5),
        (buyer.pk, "phone", 4),
    ]
    assert {r.source for r in rows} == {ResponseSource.IMPORT}
    assert rows[0].history.count() == 1
    assert Alert.objects.get(account=account, kind="survey_drop").data["dimensions"] == ["service"]


def test_one_bad_row_rejects_the_whole_file(tmp_path, manager, other_manager) -> None:
    AccountFactory(owner=manager, code="C1")
    AccountFactory(owner=other_manager, code="OTHER")
    path = _file(
        tmp_path,
        "account,responded_on,nps,service,contact\n"
        "C1,2026-07-02,9,5,\n"
        "C1,2026-07-02,11,5,\n"
        "C1,2026-07-02,,6,\n"
        "C1,2026-07-02,,,\n"
        "OTHER,2026-07-02,9,,\n"
        "C1,someday,9,,\n"
        "C1,2026-07-02,9,,Nobody\n",
    )
    result = survey_responses_import(actor=manager, path=path)
    assert result.status == "rejected"
    assert sorted((e.row, e.column) for e in result.errors) == [
        (3, "nps"),
        (4, "service"),
        (5, "nps"),
        (6, "account"),
        (7, "responded_on"),
        (8, "contact"),
    ]
    assert not SurveyResponse.objects.exists()


def test_a_dry_run_writes_nothing(tmp_path, manager) -> None:
    AccountFactory(owner=manager, code="C1")
    path = _file(tmp_path, "account,responded_on,nps\nC1,2026-07-02,9\n")
    result = survey_responses_import(actor=manager, path=path, dry_run=True)
    assert (result.status, result.created) == ("dry_run", 1)
    assert not SurveyResponse.objects.exists()


def test_the_command_imports_survey_responses(tmp_path, manager) -> None:
    AccountFactory(owner=manager, code="C1")
    path = _file(tmp_path, "account,responded_on,nps,relationship\nC1,2026-07-02,9,5\n")
    out = StringIO()
    call_command("import", "survey-responses", str(path), "--user", manager.username, stdout=out)
    assert "1 survey response(s) added to 1 account(s)" in out.getvalue()
    assert SurveyResponse.objects.get().csat_relationship == 5


def test_the_command_refuses_a_bad_file_with_exit_code_2(tmp_path, manager) -> None:
    AccountFactory(owner=manager, code="C1")
    path = _file(tmp_path, "account,responded_on,nps\nC1,2026-07-02,10.5\n")
    with pytest.raises(CommandError) as refused:
        call_command(
            "import",
            "survey-responses",
            str(path),
            "--user",
            manager.username,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert refused.value.returncode == 2
    assert not SurveyResponse.objects.exists()
