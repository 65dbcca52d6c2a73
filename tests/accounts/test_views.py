"""Account pages: visibility, read-only users, forms and the htmx list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.accounts.models import Account
from tests.conftest import signed_in
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_another_managers_account_page_answers_404(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    client = signed_in(manager)
    assert client.get(reverse("account_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("account_edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("account_note_add", args=[theirs.pk]), {"body": "hi"})
    assert response.status_code == 404
    assert not theirs.notes.exists()


def test_an_executive_sees_the_page_but_changes_nothing(executive, manager) -> None:
    account = AccountFactory(owner=manager, name="Acme")
    client = signed_in(executive)

    page = client.get(reverse("account_detail", args=[account.pk]))
    client.post(reverse("account_note_add", args=[account.pk]), {"body": "hi"}, follow=True)
    edit = client.post(
        reverse("account_edit", args=[account.pk]),
        {"code": account.code, "name": "Changed", "account_type": "oem", "status": "customer"},
    )

    account.refresh_from_db()
    assert page.status_code == 200
    assert account.name == "Acme"
    assert not account.notes.exists()
    assert "read-only" in edit.text


def test_creating_an_account_through_the_form(director, manager) -> None:
    response = signed_in(director).post(
        reverse("account_create"),
        {
            "code": "C900",
            "name": "Acme",
            "account_type": "end_user",
            "status": "prospect",
            "industry": "Energy",
            "owner": manager.pk,
        },
    )

    account = Account.objects.get(code="C900")
    assert response.headers["Location"] == reverse("account_detail", args=[account.pk])
    assert account.owner == manager


def test_the_form_reports_a_duplicate_code_on_the_code_field(manager) -> None:
    AccountFactory(code="C900", owner=manager)
    response = signed_in(manager).post(
        reverse("account_create"),
        {"code": "c900", "name": "Acme", "account_type": "end_user", "status": "prospect"},
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["code"])


def test_the_edit_form_shows_up_in_the_history(manager) -> None:
    account = AccountFactory(owner=manager, name="Acme", industry="Energy")
    client = signed_in(manager)
    client.post(
        reverse("account_edit", args=[account.pk]),
        {
            "code": account.code,
            "name": "Acme Power",
            "account_type": "end_user",
            "status": "customer",
            "industry": "Energy",
            "region": "East China",
        },
    )

    page = client.get(reverse("account_detail", args=[account.pk]))

    assert "Acme Power" in page.text
    first = page.context["history"][0]
    assert first.user == manager.display_name
    assert [(c.old, c.new) for c in first.changes] == [("Acme", "Acme Power")]


def test_the_list_htmx_request_renders_only_the_results(
    manager, django_assert_max_num_queries
) -> None:
    for index in range(60):
        AccountFactory(owner=manager, code=f"C{index:03d}", industry="Energy")
    client = signed_in(manager)

    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("account_list"), {"q": "C0", "sort": "-code"}, headers={"HX-Request": "true"}
        )

    assert "<html" not in response.text
    assert 'id="results"' in response.text
    assert response.context["page"].paginator.count == 60
    assert response.context["page"].object_list[0].code == "C059"


def test_bad_list_parameters_are_ignored_not_an_error(manager) -> None:
    AccountFactory(owner=manager)
    response = signed_in(manager).get(
        reverse("account_list"),
        {"status": "nonsense", "owner": "x", "page": "-4", "sort": "DROP TABLE"},
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_team_members_see_the_account_in_their_list(other_manager) -> None:
    sales = UserFactory(role="sales")
    account = AccountFactory(owner=other_manager)
    account.team_members.create(user=sales, role="sales")
    response = signed_in(sales).get(reverse("account_list"))
    assert [a.pk for a in response.context["page"].object_list] == [account.pk]


def test_the_account_page_lists_the_buying_centre_active_people_first(manager) -> None:
    account = AccountFactory(owner=manager)
    boss = ContactFactory(account=account, name="Zhang Min", buying_role="decision_maker")
    ContactFactory(account=account, name="Alan Left", active=False)
    ContactFactory(account=account, name="Li Wei", influence=4, reports_to=boss)

    page = signed_in(manager).get(reverse("account_detail", args=[account.pk])).content.decode()

    section = page[page.index('id="contacts"') :]
    assert section.index("Li Wei") < section.index("Alan Left")
    assert "Decision maker" in section and "Zhang Min" in section


def test_an_account_without_contacts_says_how_to_load_them(manager) -> None:
    account = AccountFactory(owner=manager)
    page = signed_in(manager).get(reverse("account_detail", args=[account.pk])).content.decode()
    assert "kam import contacts" in page


def test_the_list_pages_on_the_server_keeping_filters(manager) -> None:
    # Given 60 of the manager's customers
    for index in range(60):
        AccountFactory(owner=manager, code=f"P{index:02d}", status="customer")
    client = signed_in(manager)

    # When the list is asked for the second page of customers, and for absurd pages and sizes
    second = client.get(reverse("account_list"), {"status": "customer", "page": "2"})
    huge = client.get(reverse("account_list"), {"per_page": "100000"})
    pages = [client.get(reverse("account_list"), {"page": p}) for p in ("0", "-3", "x", "10**9")]

    # Then each is one bounded page, counted, with links that keep the filter
    body = second.content.decode()
    assert "P50" in body and "P49" not in body
    assert "51–60 of 60" in body
    assert "status=customer&amp;page=1" in body
    assert huge.content.decode().count('href="/accounts/') <= 200 + 5
    assert all(page.status_code == 200 for page in pages)


def test_filter_options_are_the_distinct_values_of_visible_accounts(manager, other_manager) -> None:
    for _ in range(5):
        AccountFactory(owner=manager, industry="Automotive", region="North")
    AccountFactory(owner=other_manager, industry="Secret Industry")

    body = signed_in(manager).get(reverse("account_list")).content.decode()

    assert body.count('<option value="Automotive">') == 1
    assert body.count('<option value="North">') == 1
    assert "Secret Industry" not in body
    assert other_manager.username not in body  # owners: those of visible accounts only


def test_the_parent_is_given_by_code_and_a_hidden_code_is_as_unknown(
    manager, other_manager
) -> None:
    mine = AccountFactory(owner=manager, code="GRP-1")
    AccountFactory(owner=other_manager, code="GRP-HIDDEN")
    subsidiary = AccountFactory(owner=manager, code="S1", name="Acme", status="prospect")
    client = signed_in(manager)
    form = {"code": "S1", "name": "Acme", "account_type": "end_user", "status": "prospect"}
    edit_url = reverse("account_edit", args=[subsidiary.pk])

    hidden = client.post(edit_url, {**form, "parent": "GRP-HIDDEN"})
    unknown = client.post(edit_url, {**form, "parent": "NOPE"})
    made = client.post(edit_url, {**form, "parent": "grp-1"})

    assert hidden.context["form"].errors["parent"] == unknown.context["form"].errors["parent"]
    assert made.status_code == 302
    subsidiary.refresh_from_db()
    assert subsidiary.parent == mine
    edit = client.get(edit_url)
    assert 'value="GRP-1"' in edit.content.decode()
    assert "<option" not in edit.content.decode().split('name="parent"')[1].split(">")[0]
