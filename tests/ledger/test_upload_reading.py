"""Files that kam.importing.reading reads or refuses (lines ending in a lone carriage return,
a codec that is not a text encoding), through the ways in: the API's upload, the upload page
and `kam import`; each answers with the reader's decision, never a 500 or a traceback."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kam.ledger.models import ImportJob, JobStatus, LedgerLine
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

MAC = b"customer,date,amount\rC1,2026-10-15,100.00\rC1,2026-10-16,50.00\r"
SPLIT = b"customer,date,amount\r\nC1,2026-10-15,100.\r00\r\nC1,2026-10-16,50.00\r\n"


def test_the_api_imports_a_file_with_mac_line_ends(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    client = api_client_for(manager)

    created = client.post("/api/v1/imports", {"file": SimpleUploadedFile("mac.csv", MAC)})
    call_command("worker", "--batch")
    job = client.get(f"/api/v1/imports/{created.json()['id']}").json()

    assert created.status_code == 202
    assert (job["status"], job["result"]["lines_added"]) == ("imported", 2)


def test_the_api_refuses_a_carriage_return_inside_a_cell_naming_the_line(manager) -> None:
    AccountFactory(owner=manager, code="C1")
    client = api_client_for(manager)

    created = client.post("/api/v1/imports", {"file": SimpleUploadedFile("split.csv", SPLIT)})
    call_command("worker", "--batch")
    job = client.get(f"/api/v1/imports/{created.json()['id']}").json()

    assert created.status_code == 202
    assert job["status"] == "rejected"
    assert "line 3 has 1 column(s)" in job["result"]["message"]
    assert not LedgerLine.objects.exists()


def test_the_page_previews_a_file_with_mac_line_ends(manager) -> None:
    client = Client()
    client.force_login(manager)

    uploaded = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("mac.csv", MAC)})
    preview = client.get(uploaded.headers["Location"])

    assert uploaded.status_code == 302
    assert preview.status_code == 200
    assert preview.context["preview"].rows == [
        ["C1", "2026-10-15", "100.00"],
        ["C1", "2026-10-16", "50.00"],
    ]


def test_the_page_names_the_line_a_carriage_return_splits(manager) -> None:
    client = Client()
    client.force_login(manager)

    uploaded = client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("split.csv", SPLIT)}
    )
    preview = client.get(uploaded.headers["Location"])

    assert preview.status_code == 200
    assert "line 3 has 1 column(s)" in preview.context["preview_error"]
    assert ImportJob.objects.get().status == JobStatus.UPLOADED


def test_kam_import_reads_mac_line_ends_and_refuses_a_split_row_with_exit_2(
    tmp_path: Path, director
) -> None:
    AccountFactory(code="C1")
    mac, split = tmp_path / "mac.csv", tmp_path / "split.csv"
    mac.write_bytes(MAC)
    split.write_bytes(SPLIT)
    out = StringIO()

    call_command("import", "ledger", str(mac), "--user", director.username, stdout=out)
    with pytest.raises(CommandError) as refused:
        call_command("import", "ledger", str(split), "--user", director.username)

    assert LedgerLine.objects.count() == 2
    assert refused.value.returncode == 2
    assert "line 3 has 1 column(s)" in str(refused.value)


def test_an_upload_naming_a_codec_that_is_not_a_text_encoding_answers_422(manager) -> None:
    response = api_client_for(manager).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("l.csv", b"customer,date,amount\n"), "encoding": "rot13"},
    )

    assert response.status_code == 422
    assert "rot13 is not a text encoding" in response.json()["detail"]
    assert not ImportJob.objects.exists()
