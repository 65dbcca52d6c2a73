"""The buying centre through the API (DOMAIN §7): contacts, links, refusals as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kam.relationships.models import Contact, InfluenceLink
from tests.conftest import api_client_for
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def send(client: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(
        method, API + path, data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Acme")


@pytest.fixture
def client(manager):
    return api_client_for(manager)


def test_a_contact_is_created_read_changed_and_deleted(client, account) -> None:
    created = send(
        client,
        "POST",
        f"/accounts/{account.pk}/contacts",
        {"name": "王伟", "email": "wang@acme.example", "influence": 4, "wechat": "ww"},
    )
    contact_id = created.json()["id"]
    changed = send(client, "PATCH", f"/contacts/{contact_id}", {"title": "CTO", "influence": None})
    read = client.get(f"{API}/contacts/{contact_id}")
    deleted = send(client, "DELETE", f"/contacts/{contact_id}")

    assert created.status_code == 201, created.content
    assert (created.json()["initials"], created.json()["wechat"]) == ("王伟", "ww")
    assert changed.status_code == 200, changed.content
    assert (read.json()["title"], read.json()["influence"]) == ("CTO", None)
    assert deleted.status_code == 204
    assert not Contact.objects.exists()


def test_the_list_filters_and_pages(client, account, django_assert_max_num_queries) -> None:
    ContactFactory(account=account, name="Li Na", department="Purchasing", buying_role="coach")
    ContactFactory(account=account, name="Zhang Min", department="Quality", active=False)
    for index in range(5):
        ContactFactory(account=account, name=f"Engineer {index}", department="Engineering")

    with django_assert_max_num_queries(6):
        everyone = client.get(f"{API}/accounts/{account.pk}/contacts?limit=3")
    left = client.get(f"{API}/accounts/{account.pk}/contacts?active=false")
    coaches = client.get(f"{API}/accounts/{account.pk}/contacts?buying_role=coach")
    quality = client.get(f"{API}/accounts/{account.pk}/contacts?department=quality")
    found = client.get(f"{API}/accounts/{account.pk}/contacts?q=engineer%203")

    assert (everyone.json()["count"], len(everyone.json()["items"])) == (7, 3)
    assert [c["name"] for c in left.json()["items"]] == ["Zhang Min"]
    assert [c["name"] for c in coaches.json()["items"]] == ["Li Na"]
    assert [c["name"] for c in quality.json()["items"]] == ["Zhang Min"]
    assert [c["name"] for c in found.json()["items"]] == ["Engineer 3"]


def test_a_duplicate_answers_409_naming_the_field_and_the_existing_contact(client, account) -> None:
    first = ContactFactory(account=account, phone="+86 138 0013 8000")

    answer = send(
        client, "POST", f"/accounts/{account.pk}/contacts", {"name": "Li", "phone": "13800138000"}
    )

    assert answer.status_code == 409
    assert answer.json()["existing_id"] == first.pk
    assert answer.json()["errors"][0]["field"] == "phone"


def test_a_cycle_answers_422_naming_reports_to(client, account) -> None:
    boss = ContactFactory(account=account, name="Zhang Min")
    report = ContactFactory(account=account, name="Li Na", reports_to=boss)

    answer = send(client, "PATCH", f"/contacts/{boss.pk}", {"reports_to_id": report.pk})

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "reports_to"
    assert "Zhang Min → Li Na → Zhang Min" in answer.json()["detail"]


def test_a_bad_email_answers_422_naming_it(client, account) -> None:
    answer = send(client, "POST", f"/accounts/{account.pk}/contacts", {"name": "Li", "email": "x"})

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "email"


def test_a_contact_leaves_on_a_day_and_returns(client, account) -> None:
    contact = ContactFactory(account=account)

    left = send(client, "POST", f"/contacts/{contact.pk}/leave", {"left_on": "2026-09-30"})
    back = send(client, "POST", f"/contacts/{contact.pk}/return")

    assert (left.json()["active"], left.json()["left_on"]) == (False, "2026-09-30")
    assert (back.json()["active"], back.json()["left_on"]) == (True, None)


def test_a_merge_answers_the_kept_contact_and_hides_the_duplicate(client, account) -> None:
    keep = ContactFactory(account=account, name="Wang Wei")
    duplicate = ContactFactory(account=account, phone="138 0013 8000")

    answer = send(client, "POST", f"/contacts/{keep.pk}/merge", {"duplicate": duplicate.pk})
    gone = client.get(f"{API}/contacts/{duplicate.pk}")

    assert answer.status_code == 200, answer.content
    assert (answer.json()["id"], answer.json()["phone"]) == (keep.pk, "138 0013 8000")
    assert gone.status_code == 404


def test_a_merge_with_another_managers_contact_is_refused(client, account, other_manager) -> None:
    keep = ContactFactory(account=account)
    theirs = ContactFactory(account=AccountFactory(owner=other_manager))

    answer = send(client, "POST", f"/contacts/{keep.pk}/merge", {"duplicate": theirs.pk})

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "duplicate"
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_a_link_is_added_changed_and_removed(client, account) -> None:
    source = ContactFactory(account=account, name="Li Na")
    target = ContactFactory(account=account, name="Zhang Min")

    added = send(
        client,
        "POST",
        f"/accounts/{account.pk}/influence-links",
        {"source_id": source.pk, "target_id": target.pk, "kind": "opposes", "strength": 3},
    )
    link_id = added.json()["id"]
    changed = send(client, "PATCH", f"/influence-links/{link_id}", {"strength": 1})
    listed = client.get(f"{API}/accounts/{account.pk}/influence-links")
    removed = send(client, "DELETE", f"/influence-links/{link_id}")

    assert added.status_code == 201, added.content
    assert (added.json()["source_name"], added.json()["target_name"]) == ("Li Na", "Zhang Min")
    assert changed.json()["strength"] == 1
    assert [link["id"] for link in listed.json()] == [link_id]
    assert removed.status_code == 204
    assert not InfluenceLink.objects.exists()


def test_a_link_to_another_managers_contact_is_refused(client, account, other_manager) -> None:
    source = ContactFactory(account=account)
    theirs = ContactFactory(account=AccountFactory(owner=other_manager))

    answer = send(
        client,
        "POST",
        f"/accounts/{account.pk}/influence-links",
        {"source_id": source.pk, "target_id": theirs.pk, "kind": "trusts"},
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "target_id"


def test_another_managers_things_answer_404(client, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    contact = ContactFactory(account=theirs)
    link = InfluenceLinkFactory(source=contact)

    answers = [
        client.get(f"{API}/accounts/{theirs.pk}/contacts"),
        client.get(f"{API}/contacts/{contact.pk}"),
        send(client, "PATCH", f"/contacts/{contact.pk}", {"title": "Spy"}),
        client.get(f"{API}/influence-links/{link.pk}"),
        send(client, "DELETE", f"/influence-links/{link.pk}"),
    ]

    assert [answer.status_code for answer in answers] == [404] * 5
    assert InfluenceLink.objects.filter(pk=link.pk).exists()


def test_a_read_only_role_answers_403(executive, account) -> None:
    contact = ContactFactory(account=account)

    answer = send(api_client_for(executive), "PATCH", f"/contacts/{contact.pk}", {"title": "X"})

    assert answer.status_code == 403
    contact.refresh_from_db()
    assert contact.title == ""


VCARD = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:李娜\r\nEMAIL:li@acme.example\r\nEND:VCARD\r\n"


def test_the_vcard_download_is_text_vcard_with_a_file_name(client, account) -> None:
    ContactFactory(account=account, name="王伟")

    answer = client.get(f"{API}/accounts/{account.pk}/contacts.vcf")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/vcard; charset=utf-8"
    assert "attachment" in answer["Content-Disposition"]
    assert "FN:王伟\r\n" in answer.content.decode()


def test_a_vcard_file_is_imported_as_an_upload_or_as_the_body(client, account) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post(
        f"{API}/accounts/{account.pk}/contacts.vcf",
        {"file": SimpleUploadedFile("people.vcf", VCARD.encode())},
    )
    again = client.post(
        f"{API}/accounts/{account.pk}/contacts.vcf?update_existing=true",
        data=VCARD.replace("FN:李娜", "FN:李娜\r\nTITLE:Buyer").encode(),
        content_type="text/vcard",
    )

    assert uploaded.json() == {"created": 1, "updated": 0}
    assert again.json() == {"created": 0, "updated": 1}
    assert Contact.objects.get().title == "Buyer"


def test_a_vcard_duplicate_answers_422_naming_the_card(client, account) -> None:
    ContactFactory(account=account, email="LI@acme.example")

    answer = client.post(
        f"{API}/accounts/{account.pk}/contacts.vcf", data=VCARD, content_type="text/vcard"
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "cards.1.email"


def test_a_file_that_is_no_vcard_answers_422(client, account) -> None:
    answer = client.post(
        f"{API}/accounts/{account.pk}/contacts.vcf",
        data=b"\xff\xfe\x00garbage",
        content_type="text/vcard",
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "file"
