"""Contacts imported from a file: the buying centre's people, whole or not at all (§7)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kam.accounts.models import Account
from kam.core.dates import today
from kam.core.errors import PermissionDenied
from kam.relationships.importing import contacts_import
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.signals import contacts_changed
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

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
    assert {(e.row, e.reason) for e in second.errors} == {
        (2, "makes a cycle of reporting lines: Li → Zhang → Li"),
        (3, "makes a cycle of reporting lines: Zhang → Li → Zhang"),
    }
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


# --- issue 17: channels, influence links, duplicates, cycles -------------------------------


def links() -> set[tuple[str, str, str, int]]:
    return set(
        InfluenceLink.objects.values_list("source__name", "target__name", "kind", "strength")
    )


def test_channels_and_notes_come_from_english_or_chinese_headers(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    english = write(
        tmp_path,
        "account,name,weixin,address,comment\n"
        'ACME,Li Wei,liwei_88,"1 Pudong Ave, Shanghai",Plays golf on Fridays\n',
    )
    chinese = tmp_path / "zh.csv"
    chinese.write_text("客户编码,姓名,微信,地址,备注\nACME,王芳,wangfang,上海市浦东新区,喜欢喝茶\n")

    contacts_import(actor=manager, path=english)
    contacts_import(actor=manager, path=chinese)

    assert set(Contact.objects.values_list("name", "wechat", "address", "notes")) == {
        ("Li Wei", "liwei_88", "1 Pudong Ave, Shanghai", "Plays golf on Fridays"),
        ("王芳", "wangfang", "上海市浦东新区", "喜欢喝茶"),
    }


def test_influences_name_people_by_email_or_name_in_the_file_or_in_kam(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ContactFactory(account=account, name="Zhao Lei", email="zhao@acme.example")
    path = write(
        tmp_path,
        "account,name,email,influences,influence_kind,influence_strength\n"
        "ACME,Li Wei,li@acme.example,ZHANG@acme.example; Zhao Lei,opposes,3\n"
        "ACME,Zhang Min,zhang@acme.example,li wei、zhao@acme.example,,\n"
        "ACME,Wang Fang,,Zhang Min，Li Wei,Reports informally to,1\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.status, result.links_added) == ("imported", 6)
    assert links() == {
        ("Li Wei", "Zhang Min", "opposes", 3),
        ("Li Wei", "Zhao Lei", "opposes", 3),
        ("Zhang Min", "Li Wei", "trusts", 2),
        ("Zhang Min", "Zhao Lei", "trusts", 2),
        ("Wang Fang", "Zhang Min", "reports_informally", 1),
        ("Wang Fang", "Li Wei", "reports_informally", 1),
    }
    link = InfluenceLink.objects.get(source__name="Wang Fang", target__name="Li Wei")
    assert (link.account, link.history.get().history_user) == (account, manager)


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("trusts", "trusts"),
        ("Trusts", "trusts"),
        ("信任", "trusts"),
        ("reports_informally", "reports_informally"),
        ("reports informally", "reports_informally"),
        ("非正式汇报", "reports_informally"),
        ("OPPOSES", "opposes"),
        ("反对", "opposes"),
    ],
)
def test_an_influence_kind_reads_its_code_or_label(tmp_path, manager, cell, kind) -> None:
    AccountFactory(code="ACME", owner=manager)
    path = write(
        tmp_path,
        f"客户编码,姓名,影响对象,影响方式,影响强度\nACME,李伟,王芳,{cell},3\nACME,王芳,,,\n",
    )

    contacts_import(actor=manager, path=path)

    assert links() == {("李伟", "王芳", kind, 3)}


def test_a_bad_kind_or_strength_is_a_row_error(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    path = write(
        tmp_path,
        "account,name,influences,influence_kind,influence_strength\n"
        "ACME,Li,Wang,adores,\n"
        "ACME,Wang,Li,,5\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert {(e.row, e.column, e.reason.split(":")[0]) for e in result.errors} == {
        (2, "influence_kind", "not one of"),
        (3, "influence_strength", "not a strength from 1 to 3"),
    }
    assert not Contact.objects.exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    path = write(
        tmp_path,
        "account,name,email,phone,reports_to,influences,status\n"
        "ACME,Li Wei,li@acme.example,138 0013 8000,Zhang Min,Zhang Min,\n"
        "ACME,Zhang Min,,,,,\n"
        "ACME,Old Boss,,,,Li Wei,left\n",
    )
    contacts_import(actor=manager, path=path)
    history = Contact.history.count() + InfluenceLink.history.count()

    again = contacts_import(actor=manager, path=path)

    assert (again.created, again.updated, again.unchanged, again.links_added) == (0, 0, 3, 0)
    assert Contact.history.count() + InfluenceLink.history.count() == history
    assert (Contact.objects.count(), InfluenceLink.objects.count()) == (3, 2)


def test_a_link_drawn_again_keeps_kams_strength_unless_the_row_gives_one(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    li = ContactFactory(account=account, name="Li")
    wang = ContactFactory(account=account, name="Wang")
    zhao = ContactFactory(account=account, name="Zhao")
    InfluenceLinkFactory(source=li, target=wang, kind="trusts", strength=3)
    InfluenceLinkFactory(source=zhao, target=wang, kind="trusts", strength=3)
    path = write(
        tmp_path,
        "account,name,influences,influence_strength\nACME,Li,Wang,\nACME,Zhao,Wang,1\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.links_added, result.links_changed) == (0, 1)
    assert links() == {("Li", "Wang", "trusts", 3), ("Zhao", "Wang", "trusts", 1)}


def test_two_rows_with_one_email_or_one_phone_are_refused(tmp_path, manager) -> None:
    AccountFactory(code="ACME", owner=manager)
    AccountFactory(code="BETA", owner=manager)
    path = write(
        tmp_path,
        "account,name,email,phone\n"
        "ACME,Li Wei,li@acme.example,+86 138-0013-8000\n"
        "ACME,Li W.,LI@ACME.example,\n"
        "ACME,Wang Fang,,8613800138000\n"
        "BETA,Wang Fang,,8613800138000\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "email", "the same email as row 2"),
        (4, "phone", "the same phone as row 2"),
    ]
    assert not Contact.objects.exists()


def test_a_phone_of_another_contact_in_kam_asks_for_a_merge(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ContactFactory(account=account, name="Li Wei", email="li@acme.example", phone="138 0013 8000")
    zhao = ContactFactory(account=account, name="Zhao Lei", phone="139 1111 2222")
    ContactFactory(account=account, name="Gone", phone="137 0000 0000", merged_into=zhao)
    path = write(
        tmp_path,
        "account,name,email,phone\n"
        "ACME,Li Wei,li@acme.example,(138) 0013-8000\n"
        "ACME,Wang Fang,,139-1111-2222\n"
        "ACME,Xu Jun,,13700000000\n",
    )

    result = contacts_import(actor=manager, path=path)

    # Li Wei keeps their own phone; a merged contact's phone is nobody's any more.
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (
            3,
            "phone",
            "the phone of Zhao Lei, already a contact of this account: merge the two contacts "
            "instead",
        )
    ]
    assert Contact.objects.count() == 3


def test_a_contact_merged_away_is_never_matched_named_or_counted(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    kept = ContactFactory(account=account, name="Li Wei", email="li@acme.example")
    gone = ContactFactory(
        account=account,
        name="Li W.",
        email="liw@acme.example",
        phone="138 0013 8000",
        merged_into=kept,
    )
    path = write(
        tmp_path,
        "account,name,email,phone,influences\n"
        "ACME,Li W.,liw@acme.example,13800138000,\n"
        "ACME,Wang Fang,,,Li W.; li@acme.example\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.status, result.created) == ("imported", 2)
    gone.refresh_from_db()
    assert (gone.merged_into, gone.history.count()) == (kept, 1)
    assert Contact.objects.filter(email="liw@acme.example", merged_into=None).count() == 1
    assert links() == {("Wang Fang", "Li W.", "trusts", 2), ("Wang Fang", "Li Wei", "trusts", 2)}
    assert not InfluenceLink.objects.filter(target=gone).exists()


def test_a_reporting_cycle_with_kams_lines_is_refused_naming_the_chain(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ceo = ContactFactory(account=account, name="Chen CEO")
    cfo = ContactFactory(account=account, name="Liu CFO", reports_to=ceo)
    ContactFactory(account=account, name="Xu Buyer", reports_to=cfo)
    path = write(
        tmp_path,
        "account,name,reports_to\nACME,Chen CEO,New Board\nACME,New Board,Xu Buyer\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (
            2,
            "reports_to",
            "makes a cycle of reporting lines: Chen CEO → New Board → Xu Buyer → Liu CFO → "
            "Chen CEO",
        ),
        (
            3,
            "reports_to",
            "makes a cycle of reporting lines: New Board → Xu Buyer → Liu CFO → Chen CEO → "
            "New Board",
        ),
    ]
    assert Contact.objects.count() == 3
    ceo.refresh_from_db()
    assert ceo.reports_to is None


def test_a_file_may_turn_kams_lines_round_when_they_stay_a_tree(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    old = ContactFactory(account=account, name="Old Boss")
    ContactFactory(account=account, name="New Boss", reports_to=old)
    path = write(
        tmp_path,
        "account,name,reports_to\nACME,New Boss,\nACME,Old Boss,New Boss\nACME,New Hire,Old Boss\n",
    )

    result = contacts_import(actor=manager, path=path)

    # An empty reports_to cell keeps kam's line, so New Boss still reports to Old Boss: cycle.
    assert [e.row for e in result.errors] == [3]
    fixed = write(
        tmp_path,
        "account,name,reports_to\nACME,New Hire,Old Boss\nACME,Old Boss,New Boss\n",
    )
    assert contacts_import(actor=manager, path=fixed).errors  # still the cycle
    ContactFactory(account=account, name="Chair")
    turned = write(
        tmp_path,
        "account,name,reports_to\n"
        "ACME,New Hire,Old Boss\nACME,Old Boss,Chair\nACME,New Boss,Old Boss\n",
    )
    assert contacts_import(actor=manager, path=turned).status == "imported"
    assert dict(Contact.objects.values_list("name", "reports_to__name")) == {
        "Chair": None,
        "Old Boss": "Chair",
        "New Boss": "Old Boss",
        "New Hire": "Old Boss",
    }
    hire = Contact.objects.get(name="New Hire")
    assert [h.reports_to_id for h in hire.history.all()] == [hire.reports_to_id]


def test_people_named_by_nobody_themselves_or_several_are_row_errors(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ContactFactory(account=account, name="Wang Fang", email="wf1@acme.example")
    ContactFactory(account=account, name="Wang Fang", email="wf2@acme.example")
    AccountFactory(code="BETA", owner=manager)
    path = write(
        tmp_path,
        "account,name,email,reports_to,influences\n"
        "ACME,Li Wei,li@acme.example,,Nobody\n"
        "ACME,Zhang Min,,Zhang Min,li@acme.example;zhang min\n"
        "ACME,Zhao Lei,,,Wang Fang\n"
        "BETA,Xu Jun,,Li Wei,wf1@acme.example\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert [(e.row, e.column, e.reason, e.value) for e in result.errors] == [
        (2, "influences", "no contact of this account with this name or email", "Nobody"),
        (3, "reports_to", "a contact cannot report to themself", "Zhang Min"),
        (3, "influences", "a contact cannot influence themself", "zhang min"),
        (
            4,
            "influences",
            "several contacts of this account are called Wang Fang: name the one meant by email",
            "Wang Fang",
        ),
        (5, "reports_to", "no contact of this account with this name or email", "Li Wei"),
        (5, "influences", "no contact of this account with this name or email", "wf1@acme.example"),
    ]
    assert Contact.objects.count() == 2
    assert not InfluenceLink.objects.exists()


def test_a_row_naming_one_of_several_namesakes_must_give_the_email(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    ContactFactory(account=account, name="Wang Fang", email="wf1@acme.example")
    ContactFactory(account=account, name="Wang Fang", email="wf2@acme.example")
    path = write(
        tmp_path,
        "account,name,email,title\nACME,Wang Fang,,Buyer\nACME,Wang Fang,WF2@acme.example,CFO\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert [(e.row, e.column) for e in result.errors] == [(2, "name")]
    assert not Contact.objects.exclude(title="").exists()


def test_one_bad_link_writes_nothing_at_all(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    known = ContactFactory(account=account, name="Chen", title="CEO")
    path = write(
        tmp_path,
        "account,name,title,reports_to,influences\n"
        "ACME,Chen,Chairman,,Li\n"
        "ACME,Li,Buyer,Chen,Chen\n"
        "ACME,Wang,Engineer,Li,Li; Nobody\n",
    )

    result = contacts_import(actor=manager, path=path)

    assert (result.status, [(e.row, e.value) for e in result.errors]) == (
        "rejected",
        [(4, "Nobody")],
    )
    known.refresh_from_db()
    assert (Contact.objects.count(), known.title, known.history.count()) == (1, "CEO", 1)
    assert not InfluenceLink.objects.exists()


def test_a_contact_who_left_without_a_date_gets_the_import_date(tmp_path, manager) -> None:
    account = AccountFactory(code="ACME", owner=manager)
    back = ContactFactory(account=account, name="Back", active=False, left_on=dt.date(2026, 1, 5))
    earlier = ContactFactory(
        account=account, name="Earlier", active=False, left_on=dt.date(2026, 2, 1)
    )
    path = write(
        tmp_path,
        "account,name,status,left_on\n"
        "ACME,Gone,left,\n"
        "ACME,Back,active,\n"
        "ACME,Earlier,离职,\n"
        "ACME,Odd,active,2026-03-01\n",
    )

    first = contacts_import(actor=manager, path=path)
    fixed = write(
        tmp_path,
        "account,name,status,left_on\nACME,Gone,left,\nACME,Back,active,\nACME,Earlier,离职,\n",
    )
    result = contacts_import(actor=manager, path=fixed)

    assert [(e.row, e.column) for e in first.errors] == [(5, "left_on")]
    assert result.status == "imported"
    assert dict(Contact.objects.values_list("name", "left_on")) == {
        "Gone": today(),
        "Back": None,
        "Earlier": dt.date(2026, 2, 1),
    }
    back.refresh_from_db()
    earlier.refresh_from_db()
    assert (back.active, earlier.active) == (True, False)


def test_each_account_touched_is_told_once(tmp_path, manager) -> None:
    acme = AccountFactory(code="ACME", owner=manager)
    beta = AccountFactory(code="BETA", owner=manager)
    AccountFactory(code="GAMMA", owner=manager)
    ContactFactory(account=beta, name="Same", title="Buyer")
    ContactFactory(account=beta, name="Other")
    told: list[int] = []

    def listen(sender: object, account: Account, actor: object, **kwargs: object) -> None:
        told.append(account.pk)

    contacts_changed.connect(listen)
    path = write(
        tmp_path,
        "account,name,title,influences\n"
        "ACME,Li,Buyer,\nACME,Wang,CFO,Li\nBETA,Same,Buyer,\nGAMMA,Nobody new,,\n",
    )
    try:
        contacts_import(actor=manager, path=path, dry_run=True)
        assert told == []
        contacts_import(actor=manager, path=path)
        gamma_told = told.count(Account.objects.get(code="GAMMA").pk)
        assert (told.count(acme.pk), told.count(beta.pk), gamma_told) == (1, 0, 1)
        told.clear()
        linked = write(tmp_path, "account,name,influences\nBETA,Same,Other\n")
        contacts_import(actor=manager, path=linked)
        assert told == [beta.pk]
    finally:
        contacts_changed.disconnect(listen)


def test_a_large_file_takes_a_bounded_number_of_queries(
    tmp_path, director, django_assert_max_num_queries
) -> None:
    accounts = [AccountFactory(code=f"A{n:03}") for n in range(40)]
    ContactFactory(account=accounts[0], name="Known Boss")
    lines = ["account,name,email,phone,reports_to,influences,influence_kind"]
    for account in accounts:
        for n in range(50):
            boss = f"P{n // 3}" if n else ("Known Boss" if account == accounts[0] else "")
            lines.append(
                f"{account.code},P{n},p{n}@{account.code}.example,+86 {account.pk:03}{n:05},"
                f"{boss},{'P0; P1' if n > 1 else ''},{'opposes' if n % 7 == 0 else ''}"
            )
    path = write(tmp_path, "\n".join(lines) + "\n")

    # Bulk writes: tens of rows a query (SQLite binds at most 999 values a statement).
    with django_assert_max_num_queries(len(lines) // 10):
        result = contacts_import(actor=director, path=path)

    assert (result.status, result.created, result.links_added) == ("imported", 2000, 3840)
    p49 = Contact.objects.get(account=accounts[1], name="P49")
    assert p49.reports_to.reports_to.reports_to.name == "P1"
