"""A manager's week of work on the pages, one story per day (DOMAIN §9, issue 18's first
"Done when"), in a real browser at 1360 px with a screenshot of each step:

- Monday: the agenda, and the morning's visit logged done in one click;
- Tuesday: a complaint taken open → acknowledged → in progress, escalated to the
  conflict-resolution team (who and why), resolved and closed; the report counts it;
- Wednesday: survey results entered on the account page, the trend chart's new point;
- Thursday: the next step agreed at Monday's visit waits on the agenda, and a rival's price
  offer the buyer showed is recorded on the service page (a critical alert at a class A key
  account);
- Friday: a complaint that came in yesterday breaches its clock, the scheduler's SLA sweep
  raises the alerts, and the director sees the breaches.

The complaint's page and the survey trend are shot in Chinese too. The days are the story's:
the test runs in one sitting, so "Thursday" is three days after "Monday" by the dates it
enters, not by the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.alerts.models import Alert
from kam.engagement.activities.models import Activity, ActivityStatus
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.complaints.alerts import KIND_ACKNOWLEDGE_OVERDUE, KIND_RESOLVE_OVERDUE
from kam.engagement.complaints.models import Complaint, EventAction, Status
from kam.ops.models import ScheduledJob, ScheduledJobRun
from kam.org.models import Role, User
from kam.relationships.models import Contact
from tests.browser.conftest import SHOTS, sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ActivityFactory,
    ComplaintFactory,
    ContactFactory,
    SnapshotFactory,
    SurveyResponseFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The task the SLA sweep's scheduled job names (seeded by engagement's migration 0003).
SLA_SWEEP_TASK = "kam.engagement.tasks.complaint_sla_sweep_task"
NEXT_STEP = "Send the trial quote for the new spindle"


@dataclass(frozen=True)
class Week:
    """Who and what the week is about: Mia, her director Dora (on the conflict-resolution
    team), Mia's key account Orient Auto Group, its purchasing director Li Wei, and the visit
    planned for Monday."""

    mia: User
    dora: User
    account: Account
    li_wei: Contact
    visit: Activity
    late: Account  # a second account of Mia's, overdue for its visit


def _months_ago(today: dt.date, months: int) -> dt.date:
    """The 10th of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 10)


def _the_week() -> Week:
    today = timezone.localdate()
    now = timezone.now()
    mia = UserFactory(username="mia", first_name="Mia", last_name="Chen", role=Role.MANAGER)
    dora = UserFactory(username="dora", first_name="Dora", last_name="Wu", role=Role.DIRECTOR)
    account = AccountFactory(code="G200", name="Orient Auto Group", owner=mia, is_key=True)
    SnapshotFactory(account=account, account_class="A")
    li_wei = ContactFactory(
        account=account, name="Li Wei", title="Purchasing director", buying_role="decision_maker"
    )
    ContactFactory(account=account, name="Zhang Min", title="Quality manager")
    # Monday 10:00, with the next step she agreed to propose when she planned it.
    visit = ActivityFactory(
        account=account,
        owner=mia,
        subject="Quarterly business review",
        planned_for=timezone.make_aware(dt.datetime.combine(today, dt.time(10))),
        next_step=NEXT_STEP,
        next_step_on=today + dt.timedelta(days=3),
    )
    visit.their_participants.set([li_wei])
    late = AccountFactory(code="S310", name="Suzhou Electric Motors", owner=mia)
    SnapshotFactory(account=late, account_class="B")
    ActivityFactory(
        account=late, owner=mia, status=ActivityStatus.DONE, done_at=now - dt.timedelta(days=70)
    )
    # Three quarterly surveys: service slipping from 5 to 4.
    for months, service, nps in ((9, 5, 10), (6, 5, 9), (3, 4, 9)):
        SurveyResponseFactory(
            account=account,
            contact=li_wei,
            responded_on=_months_ago(today, months),
            nps=nps,
            csat_product=4,
            csat_service=service,
            csat_delivery=5,
            csat_price=3,
            csat_relationship=5,
        )
    board = TeamFactory(name="Conflict-resolution team")
    board.members.add(dora)
    return Week(mia, dora, account, li_wei, visit, late)


def _day(day: dt.date) -> str:
    """A day as the agenda writes it in English: "Thu 5 Mar"."""
    return f"{day:%a} {day.day} {day:%b}"


def _snap(target: Any, step: str) -> None:
    """A screenshot of a panel (a locator) or of another browser's page, beside the test's."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SHOTS / f"test_a_week_of_work-{step}.png")
    if hasattr(target, "goto"):
        target.screenshot(path=path, full_page=True)
    else:
        target.screenshot(path=path)


def _local(moment: dt.datetime) -> str:
    """A moment as a datetime-local field takes it, in the company's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _chinese(page: Any) -> None:
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def _english(page: Any) -> None:
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def monday(page: Any, shoot: Any, week: Week) -> None:
    """The agenda: the overdue visit first, today's review, then Li Wei's visit is logged done
    in one click; Li Wei's last contact and the follow-up are recorded."""
    today = timezone.localdate()
    page.locator(".mainnav a", has_text="Agenda").click()
    expect(page.locator("h1")).to_have_text("Agenda")
    expect(page.locator(".agenda-summary")).to_have_text("1 overdue")
    rows = page.locator(".agenda-item")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Visit due")
    expect(rows.nth(0)).to_contain_text("Suzhou Electric Motors")
    expect(rows.nth(0)).to_contain_text("days overdue")
    review = page.locator(f"#agenda-activity-{week.visit.pk}")
    expect(review).to_contain_text("Quarterly business review")
    expect(review).to_contain_text("Li Wei")
    expect(review.locator(".badge")).to_have_text("today")
    expect(review.locator(".agenda-next")).to_have_text(
        f"Then: {NEXT_STEP}, planned for {_day(today + dt.timedelta(days=3))} once this is done."
    )
    shoot("1-monday-agenda")

    review.locator("input[name=outcome]").fill("Li Wei agreed to trial the new spindle")
    review.get_by_role("button", name="Done").click()

    result = review.locator(".agenda-result")
    expect(result).to_contain_text("Li Wei agreed to trial the new spindle")
    follow_day = _day(today + dt.timedelta(days=3))
    expect(result).to_contain_text(f"Next step planned for {follow_day}: {NEXT_STEP}")
    # The row is settled: no "today" badge, no "Then: …" line, the result says it all.
    expect(review.locator(".agenda-when .badge")).to_be_hidden()
    expect(review.locator(".agenda-next")).to_be_hidden()
    shoot("1-monday-visit-done")
    week.visit.refresh_from_db()
    assert week.visit.status == ActivityStatus.DONE
    assert Contact.objects.get(pk=week.li_wei.pk).last_contact == today
    # The account page's activities panel lists the visit done and the step planned.
    page.goto(f"/accounts/{week.account.pk}/")
    panel = page.locator("#activities-panel")
    expect(panel).to_contain_text("Li Wei agreed to trial the new spindle")
    expect(panel).to_contain_text(NEXT_STEP)


def tuesday(page: Any, shoot: Any, week: Week) -> None:
    """Li Wei phones about late deliveries: Mia records the complaint and takes it through
    the whole flow, escalating it to the conflict-resolution team on the way."""
    page.goto(f"/accounts/{week.account.pk}/")
    page.click("#complaints >> text=Record a complaint")
    # The account page holds a folded activity form with its own #id_subject: wait for the
    # complaint form's page before filling in.
    expect(page.locator("h1")).to_have_text("Record a complaint")
    page.fill("#id_subject", "Two deliveries a week late")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "delivery")
    page.select_option("#id_severity", "high")
    page.fill("#id_received_at", _local(timezone.now() - dt.timedelta(hours=3)))
    page.select_option("#id_contact_id", label="Li Wei")
    page.fill("#id_description", "The March and April spindle orders arrived a week late.")
    shoot("2-tuesday-complaint-form")
    page.click("form.complaint-form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Two deliveries a week late")
    complaint = Complaint.objects.get(subject="Two deliveries a week late")
    expect(page.locator(".page-head .badge.status-open")).to_have_text("Open")
    expect(page.locator(".page-head .sla-clock")).to_contain_text("due in")
    # Only the legal moves are offered: from open, acknowledging.
    flow = page.locator(".complaint-flow .workflow form")
    expect(flow).to_have_count(1)
    expect(flow.locator("button")).to_have_text("Acknowledge")
    shoot("2-tuesday-complaint-open")

    page.fill("#ack-comment", "Called Li Wei back; the logistics team is checking.")
    page.click("form[action$='/acknowledge/'] button")
    expect(page.locator(".page-head .badge.status-acknowledged")).to_have_text("Acknowledged")
    expect(flow.locator("button")).to_have_text("Start work")
    page.click("form[action$='/start/'] button")
    expect(page.locator(".page-head .badge.status-in_progress")).to_have_text("In progress")

    # The carrier and the plant blame each other: she escalates, naming the team and why.
    page.select_option("#team", label="Conflict-resolution team")
    page.fill("#escalate-reason", "Logistics and the plant dispute who caused the delay.")
    shoot("2-tuesday-escalation-form")
    page.click("form[action$='/escalate/'] button")
    escalated = page.locator(".facts dd", has_text="Conflict-resolution team")
    expect(escalated).to_contain_text("to Conflict-resolution team by Mia Chen")
    expect(escalated).to_contain_text("Why: Logistics and the plant dispute who caused the delay.")
    expect(page.locator(".escalate-form h3")).to_have_text("Escalate again")
    shoot("2-tuesday-complaint-escalated")

    page.fill("#root-cause", "The plant shipped to the old warehouse address.")
    page.fill("#resolution", "Address corrected; freight refunded for both orders.")
    page.click("form[action$='/resolve/'] button")
    expect(page.locator(".page-head .badge.status-resolved")).to_have_text("Resolved")
    expect(flow.locator("button")).to_have_text(["Close", "Reopen"])
    page.click("form[action$='/close/'] button")
    expect(page.locator(".page-head .badge.status-closed")).to_have_text("Closed")
    expect(page.locator(".complaint-flow")).to_contain_text("The complaint is closed.")
    log = page.locator(".complaint-log li")
    expect(log).to_have_count(6)
    expect(log.nth(3)).to_contain_text("Escalated")
    expect(page.locator(".facts")).to_contain_text("The plant shipped to the old warehouse")
    shoot("2-tuesday-complaint-closed")

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.escalated_to is not None and complaint.escalated_to.name == (
        "Conflict-resolution team"
    )
    assert complaint.escalated_by == week.mia
    assert list(complaint.events.values_list("action", flat=True)) == [
        EventAction.CREATED,
        EventAction.ACKNOWLEDGED,
        EventAction.STARTED,
        EventAction.ESCALATED,
        EventAction.RESOLVED,
        EventAction.CLOSED,
    ]

    # The report counts it resolved within its service level, by severity and by account.
    page.goto("/engagement/complaints/report/")
    report = page.locator(".report-table tbody tr")
    expect(report).to_have_count(1)
    three_hours = re.compile(r"^3\.\d$")
    expect(report.locator("td")).to_have_text(["High", "1", three_hours, three_hours, "100%"])
    shoot("2-tuesday-complaint-report")
    page.locator(".tabs.secondary a", has_text="Account").click()
    expect(report.locator("td").first).to_contain_text("Orient Auto Group")

    # And the complaint reads in Chinese.
    _chinese(page)
    page.goto(f"/engagement/complaints/{complaint.pk}/")
    expect(page.locator(".page-head .badge.status-closed")).to_have_text("已关闭")
    expect(page.locator(".facts")).to_contain_text("Conflict-resolution team")
    shoot("2-tuesday-complaint-closed-zh")
    _english(page)


def wednesday(page: Any, shoot: Any, week: Week) -> None:
    """The quarterly interview with Li Wei: Mia enters the results on the account page; the
    tiles show them, and the trend chart draws the new survey as its last point."""
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    page.goto(f"/accounts/{week.account.pk}/")
    surveys = page.locator("#surveys")
    expect(surveys.locator("h2")).to_have_text("Satisfaction")
    page.locator("#surveys details.survey-entry summary").click()
    form = page.locator("form[action$='/surveys/add/']")
    form.locator("input[name=responded_on]").fill(today.isoformat())
    form.locator("select[name=method]").select_option("interview")
    form.locator("select[name=contact_id]").select_option(label="Li Wei")
    for name, value in (
        ("nps", "8"),
        ("csat_product", "4"),
        ("csat_service", "3"),
        ("csat_delivery", "3"),
        ("csat_price", "3"),
        ("csat_relationship", "5"),
    ):
        form.locator(f"select[name={name}]").select_option(value)
    form.locator("textarea[name=comments]").fill("Deliveries late twice; the refund was fair.")
    surveys.scroll_into_view_if_needed()
    shoot("3-wednesday-survey-entry")
    form.locator("button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text("Survey response recorded.")
    expect(surveys.locator(".tile[data-dimension=service] .tile-value")).to_have_text("3.00")
    expect(surveys.locator(".tile[data-dimension=service] .tile-explain")).to_have_text(
        "before: 4.00"
    )
    chart = surveys.locator("[data-chart=survey-trend]")
    expect(chart).to_have_attribute("data-chart-drawn", "1")
    drawn = _chart_option(page)
    assert drawn["xAxis"][0]["data"][-1] == month
    assert len(drawn["xAxis"][0]["data"]) == 4
    service = next(s for s in drawn["series"] if s["name"] == "CSAT on service")
    assert service["data"] == [5, 5, 4, 3]
    nps = drawn["series"][-1]
    assert nps["data"][-1] == 0  # one passive answer: no promoters, no detractors
    data = json.loads(page.locator("#survey-chart-data").text_content() or "{}")
    assert data["responses"] == [1, 1, 1, 1]
    expect(surveys.locator(".survey-drop")).to_contain_text("CSAT on service 4.00 → 3.00")
    surveys.scroll_into_view_if_needed()
    shoot("3-wednesday-survey-trend")
    _snap(surveys, "3-wednesday-survey-panel")

    # The same trend in Chinese.
    _chinese(page)
    expect(surveys.locator("h2")).to_have_text("客户满意度")
    expect(chart).to_have_attribute("data-chart-drawn", "1")
    assert _chart_option(page)["xAxis"][0]["data"][-1] == month
    surveys.scroll_into_view_if_needed()
    _snap(surveys, "3-wednesday-survey-panel-zh")
    _english(page)

    # Zhang Min, who runs their quality team, gets a one-time link and answers on her phone.
    invite = page.locator("form[action$='/surveys/invite/']")
    invite.locator("select[name=link-contact_id]").select_option(label="Zhang Min")
    invite.locator("button").click()
    link = page.locator("#survey-link").input_value()
    phone_context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US"
    )
    phone = phone_context.new_page()
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("Satisfaction survey")
    expect(phone.locator(".topbar .brand")).to_have_text("Huayang Machinery")
    for name, value in (
        ("csat_product", "4"),
        ("csat_service", "3"),
        ("csat_delivery", "2"),
        ("csat_price", "3"),
        ("csat_relationship", "4"),
        ("nps", "6"),
    ):
        phone.locator(f"label.choice:has(input[name={name}][value='{value}'])").click()
    phone.locator("textarea[name=comments]").fill("Our line waited twice for spindles.")
    _snap(phone, "3-wednesday-public-form-phone")
    phone.locator("form.survey-questions button[type=submit]").click()
    expect(phone.locator("h1")).to_have_text("Thank you")
    phone_context.close()

    # Back on the account page, this month's survey holds both answers.
    page.goto(f"/accounts/{week.account.pk}/")
    expect(chart).to_have_attribute("data-chart-drawn", "1")
    service = next(s for s in _chart_option(page)["series"] if s["name"] == "CSAT on service")
    assert service["data"][-1] == 3
    data = json.loads(page.locator("#survey-chart-data").text_content() or "{}")
    assert data["responses"] == [1, 1, 1, 2]
    expect(surveys.locator(".tile[data-dimension=delivery] .tile-value")).to_have_text("2.50")


def _chart_option(page: Any) -> dict[str, Any]:
    """What ECharts drew in the survey panel's chart: its axes and series."""
    option: dict[str, Any] = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector(
            '#surveys [data-chart=survey-trend]'));
          const option = chart.getOption();
          return {xAxis: option.xAxis, series: option.series.map(
            (s) => ({name: s.name, data: s.data}))};
        }"""
    )
    return option


def thursday(page: Any, shoot: Any, week: Week) -> None:
    """The next step agreed at Monday's visit is on the agenda, on its day, with Li Wei."""
    follow_day = timezone.localdate() + dt.timedelta(days=3)
    page.goto("/agenda/")
    follow = Activity.objects.get(follows=week.visit)
    assert follow.status == ActivityStatus.PLANNED
    row = page.locator(f"#agenda-activity-{follow.pk}")
    expect(row).to_contain_text(NEXT_STEP)
    expect(row).to_contain_text("Li Wei")
    expect(row.locator(".agenda-day")).to_have_text(_day(follow_day))
    expect(page.locator(f"#agenda-activity-{week.visit.pk}")).to_have_count(0)
    shoot("4-thursday-agenda")


def record_competitor_offer(page: Any, shoot: Any, week: Week) -> None:
    """Li Wei shows Mia a rival's quotation 12 % below hers: she records the offer on the
    account's service page, and the key account's competitor alert names it."""
    page.goto(f"/accounts/{week.account.pk}/service/")
    page.locator("#competitors details.move-entry").evaluate("d => { d.open = true; }")
    move = page.locator("form[action$='/competitor-moves/add/']")
    move.locator("input[name=move-competitor]").fill("Rival Pumps")
    move.locator("select[name=move-offer]").select_option("price_cut")
    move.locator("input[name=move-products]").fill("centrifugal pumps")
    move.locator("input[name=move-seen_on]").fill(timezone.localdate().isoformat())
    move.locator("select[name=move-source]").select_option("customer")
    move.locator("input[name=move-source_detail]").fill(
        "Li Wei showed the quotation, 12% below ours"
    )
    move.locator("button[type=submit]").click()
    expect(page.locator(".competitor-alert")).to_contain_text("Rival Pumps")
    expect(page.locator("#competitors")).to_contain_text("centrifugal pumps")
    recorded = CompetitorMove.objects.get(account=week.account)
    assert (recorded.offer, recorded.seen_by) == ("price_cut", week.mia)
    # A price cut at a class A key account is critical (docs/rules.md).
    alert = Alert.objects.get(account=week.account, kind="competitor_move", is_open=True)
    assert alert.severity == "critical"
    shoot("4-thursday-competitor-offer")


def friday(page: Any, shoot: Any, week: Week) -> None:
    """A critical complaint phoned in yesterday evening is recorded this morning: its
    acknowledge clock ran out overnight. The scheduler's SLA sweep raises the alerts, and
    the director sees the breaches, hers to chase: Mia's and another manager's."""
    received = timezone.now() - dt.timedelta(hours=15)
    page.goto(f"/engagement/complaints/new/{week.account.pk}/")
    page.fill("#id_subject", "Spindle bearings overheating on line 3")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "product_quality")
    page.select_option("#id_severity", "critical")
    page.fill("#id_received_at", _local(received))
    page.select_option("#id_contact_id", label="Li Wei")
    page.click("form.complaint-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Spindle bearings overheating on line 3")
    expect(page.locator(".page-head .sla-clock")).to_contain_text("h late")
    shoot("5-friday-complaint-late")
    # Another manager's account, its complaint acknowledged but a week past its resolve time.
    otto = UserFactory(username="otto", first_name="Otto", last_name="Lin", role=Role.MANAGER)
    ComplaintFactory(
        account=AccountFactory(code="H410", name="Hangzhou Pumps", owner=otto),
        subject="Wrong seals in the spare parts kit",
        severity="high",
        status=Status.IN_PROGRESS,
        received_at=timezone.now() - dt.timedelta(days=12),
    )

    # The sweep runs as the scheduler runs it: its job falls due, the worker takes it.
    job, _ = ScheduledJob.objects.update_or_create(
        name="complaint SLA sweep",
        defaults={
            "task": SLA_SWEEP_TASK,
            "interval": dt.timedelta(minutes=15),
            "arguments": {},
            "next_run_at": timezone.now() - dt.timedelta(minutes=1),
        },
    )
    ScheduledJob.objects.exclude(pk=job.pk).update(enabled=False)
    call_command("worker", "--batch", verbosity=0)
    assert ScheduledJobRun.objects.get(job=job).status == "succeeded"
    ack = Alert.objects.get(kind=KIND_ACKNOWLEDGE_OVERDUE, is_open=True)
    resolve = Alert.objects.get(kind=KIND_RESOLVE_OVERDUE, is_open=True)
    assert (ack.account_id, resolve.account.code) == (week.account.pk, "H410")

    page.context.clear_cookies()
    sign_in(page, "dora", PASSWORD)
    tile = page.locator("[data-tile='sla-breaches']")
    expect(tile.locator(".tile-value")).to_have_text("2")
    shoot("5-friday-director-dashboard")
    tile.click()
    rows = page.locator(".complaints-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator(".row-late")).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Wrong seals in the spare parts kit")
    expect(rows.nth(0).locator(".sla-late")).to_contain_text("days late")
    expect(rows.nth(1)).to_contain_text("Spindle bearings overheating on line 3")
    expect(rows.nth(1).locator(".sla-late")).to_contain_text("h late")
    # Tuesday's complaint is closed: not a breach.
    expect(page.locator(".complaints-table")).not_to_contain_text("Two deliveries a week late")
    shoot("5-friday-director-breaches")
    page.goto("/alerts/")
    alerts = page.locator(".alerts-table")
    expect(alerts).to_contain_text("Complaint not acknowledged in time")
    expect(alerts).to_contain_text("Complaint not resolved in time")
    shoot("5-friday-director-alerts")

    # And the cadence behind Monday's agenda is hers to set, a tab of the settings.
    page.goto("/engagement/settings/")
    expect(page.locator("h1")).to_have_text("Contact cadence")
    expect(page.locator("#id_visit_days_b")).to_have_value("45")
    expect(page.locator(".cadence-history tbody td").nth(1)).to_have_text(
        "the defaults of the rules"
    )
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"the settings page scrolls sideways: {scroll} px"
    shoot("5-friday-cadence-settings")


def test_a_week_of_work(page, shoot, settings) -> None:
    # Given Mia's week: a key account with a visit planned for Monday, its surveys, an
    # account overdue for a visit, and the conflict-resolution team the director sits on
    settings.KAM_COMPANY_NAME = "Huayang Machinery"
    week = _the_week()
    sign_in(page, "mia", PASSWORD)

    # When she works through it, day by day, Then each day's page shows what she did
    monday(page, shoot, week)
    tuesday(page, shoot, week)
    wednesday(page, shoot, week)
    thursday(page, shoot, week)
    record_competitor_offer(page, shoot, week)
    # And on Friday the director sees the SLA breaches
    friday(page, shoot, week)
