"""The purchase days the risk models read (DOMAIN §10): lines of one account and day merge
into one purchase, a day netting to nothing is no purchase, rows follow the order asked."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.ledger import selectors
from kam.ledger.models import BatchStatus
from kam.ledger.selectors import purchase_days
from tests.factories import AccountFactory, ImportBatchFactory, LedgerLineFactory

pytestmark = pytest.mark.django_db


def test_lines_of_a_day_merge_and_rows_follow_the_order_asked() -> None:
    # Given two accounts: one buys twice on one day and once later, the other returns
    # on one day what it bought that day, and buys after the date asked
    first, second, other = AccountFactory(), AccountFactory(), AccountFactory()
    day, later = dt.date(2026, 9, 3), dt.date(2026, 10, 20)
    LedgerLineFactory(account=first, date=day, amount_cents=1_000)
    LedgerLineFactory(account=first, date=day, amount_cents=500)
    LedgerLineFactory(account=first, date=later, amount_cents=700)
    LedgerLineFactory(account=second, date=day, amount_cents=900)
    LedgerLineFactory(account=second, date=day, amount_cents=-900)
    LedgerLineFactory(account=second, date=later, amount_cents=300)
    LedgerLineFactory(account=second, date=dt.date(2026, 11, 20), amount_cents=400)
    LedgerLineFactory(account=other, date=day, amount_cents=800)

    # When the days up to 15 November are read for the two accounts, the second first
    found = purchase_days(account_ids=[second.pk, first.pk], until=dt.date(2026, 11, 15))

    # Then each (row, day) is one purchase with its net amount, by row then day; the
    # netted-out day, the later line and the account not asked for are left out
    assert found.row.tolist() == [0, 1, 1]
    assert found.day.tolist() == [later.toordinal(), day.toordinal(), later.toordinal()]
    assert found.amount.tolist() == [300, 1_500, 700]


def test_no_line_reads_as_no_purchase() -> None:
    account = AccountFactory()

    found = purchase_days(account_ids=[account.pk], until=dt.date(2026, 11, 15))

    assert found.row.size == found.day.size == found.amount.size == 0


def test_lines_read_in_many_slices_and_a_merging_batch_stays_hidden(monkeypatch) -> None:
    # Given five lines of one account, one of them in a batch still merging, read two ids at
    # a time (as a ledger of millions is, a million at a time)
    monkeypatch.setattr(selectors, "_TEXT_SLICE", 2)
    account = AccountFactory()
    days = [dt.date(2026, 6, d) for d in (1, 2, 3, 4)]
    for day in days:
        LedgerLineFactory(account=account, date=day, amount_cents=100 * day.day)
    merging = ImportBatchFactory(status=BatchStatus.MERGING)
    LedgerLineFactory(account=account, batch=merging, date=dt.date(2026, 6, 5), amount_cents=9)

    # When its days are read
    found = purchase_days(account_ids=[account.pk], until=dt.date(2026, 11, 15))

    # Then every visible line is there once, whatever slice it fell in
    assert found.day.tolist() == [day.toordinal() for day in days]
    assert found.amount.tolist() == [100, 200, 300, 400]
