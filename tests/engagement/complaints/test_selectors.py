"""Complaint reads (DOMAIN §9, §13): the breach filter, the clocks' order and the
resolution-time report, figures computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.timezone import now as timezone_now

from kam.engagement.complaints.models import Status
from kam.engagement.complaints.selectors import (
    ComplaintFilters,
    breach_count,
    complaint_list,
    resolution_report,
    with_clocks,
)
from kam.engagement.complaints.services import complaint_settings_update
from kam.org.models import Department, DepartmentCode, User
from tests.factories import AccountFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Shanghai


def _resolved(account: object, severity: str, hours: float, **kwargs: object) -> object:
    return ComplaintFactory(
        account=account,
        severity=severity,
        received_at=T0,
        status=Status.CLOSED,
        resolved_at=T0 + dt.timedelta(hours=hours),
        **kwargs,
    )


def test_the_report_by_severity_matches_the_hand_computed_figures(manager: User) -> None:
    account = AccountFactory(owner=manager)
    _resolved(account, "critical", 10)  # within 2 days
    _resolved(account, "critical", 60)  # 12 hours past 2 days
    _resolved(account, "medium", 24)  # within 10 days
    ComplaintFactory(account=account, severity="low")  # still open: not in the report
    _resolved(AccountFactory(), "low", 1)  # another manager's

    report = resolution_report(actor=manager, by="severity")

    critical, medium = report.rows
    assert (critical.key, critical.stats.count) == ("critical", 2)
    assert (critical.stats.median_hours, critical.stats.mean_hours) == (35.0, 35.0)
    assert critical.stats.within_share == 0.5
    assert (medium.key, medium.stats.median_hours, medium.stats.within_share) == (
        "medium",
        24.0,
        1.0,
    )
    assert report.total.count == 3
    assert report.total.median_hours == 24.0
    assert report.total.mean_hours == pytest.approx(94 / 3)
    assert report.total.within_share == pytest.approx(2 / 3)


def test_the_report_by_department_and_by_account(manager: User) -> None:
    account = AccountFactory(owner=manager, code="ACME", name="Acme")
    transport, _ = Department.objects.get_or_create(code=DepartmentCode.TRANSPORT)
    _resolved(account, "high", 30, department=transport)
    _resolved(account, "high", 130, department=transport)  # past 5 days
    _resolved(account, "high", 2)

    by_department = resolution_report(actor=manager, by="department")
    by_account = resolution_report(actor=manager, by="account")

    rows = {row.key: row.stats for row in by_department.rows}
    assert rows["transport"].mean_hours == 80.0
    assert rows["transport"].within_share == 0.5
    assert rows[""].count == 1
    assert by_account.rows[0].label == "ACME Acme"
    assert by_account.rows[0].stats.count == 3


def test_business_hours_report_working_hours(manager: User, director: User) -> None:
    complaint_settings_update(actor=director, clock="business")
    # Monday 09:00 to Tuesday 10:00 in Shanghai: 9 + 1 working hours.
    _resolved(AccountFactory(owner=manager), "medium", 25)

    report = resolution_report(actor=manager, by="severity")

    assert report.business
    assert report.total.median_hours == 10.0


def test_the_breached_filter_and_the_breached_first_order(manager: User) -> None:
    account = AccountFactory(owner=manager)
    now = timezone_now()
    late = ComplaintFactory(
        account=account, severity="critical", received_at=now - dt.timedelta(hours=5)
    )
    later = ComplaintFactory(
        account=account, severity="critical", received_at=now - dt.timedelta(hours=9)
    )
    fine = ComplaintFactory(account=account, severity="low")
    resolved_late = _resolved(account, "critical", 72)

    breached = complaint_list(actor=manager, filters=ComplaintFilters(breached=True))
    clocked = with_clocks(complaint_list(actor=manager))

    assert set(breached) == {late, later, resolved_late}
    assert [row.complaint for row in clocked] == [later, late, fine, resolved_late]
    assert clocked[0].clock is not None
    assert clocked[0].clock.target == "acknowledge"
    assert round(clocked[0].clock.late_hours) == 5
    assert breach_count(actor=manager) == 2
