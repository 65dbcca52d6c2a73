"""factory_boy factories for kam's models; tests build their world with these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from kam.accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    AccountTeamMember,
    Note,
    PotentialEstimate,
    TeamRole,
)
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus
from kam.engagement.activities.models import Channel as ActivityChannel
from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer, MoveSource
from kam.engagement.complaints.models import Category, Channel, Complaint, Severity, Status
from kam.engagement.complaints.selectors import due_times
from kam.engagement.surveys.models import SurveyPlan, SurveyResponse
from kam.engagement.trainings.models import Training, TrainingTopic
from kam.ledger.models import ImportBatch, ImportKind, LedgerLine
from kam.ledger.store import refresh_aggregates
from kam.org.models import Notification, Role, Team, User
from kam.portfolio.models import (
    AccountClass,
    CostKind,
    CostToServe,
    Level,
    Lifecycle,
    Scope,
    Snapshot,
    Strategy,
)
from kam.relationships.models import Contact, InfluenceLink, LinkKind
from kam.risk.models import (
    Intervention,
    InterventionKind,
    ModelKind,
    ModelRun,
    ReasonKind,
    RiskLevel,
    RiskMonth,
    RiskScore,
    WinBackPlan,
    WinBackReason,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Faker("company")
    industry = "Machinery"
    region = "East China"
    status = AccountStatus.CUSTOMER
    owner = factory.SubFactory(UserFactory)


class AccountRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountRequest

    code = factory.Sequence(lambda n: f"R{n:05d}")
    name = factory.Faker("company")
    requested_by = factory.SubFactory(UserFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory, role=Role.SALES)
    role = TeamRole.SALES


class PotentialEstimateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PotentialEstimate

    account = factory.SubFactory(AccountFactory)
    amount = Decimal("12000000.00")
    estimated_on = dt.date(2026, 6, 30)
    source = "Annual review"
    author = factory.SelfAttribute("account.owner")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    account = factory.SubFactory(AccountFactory)
    author = factory.SelfAttribute("account.owner")
    body = factory.Faker("sentence")


class NotificationFactory(factory.django.DjangoModelFactory):
    """An inbox line as kam.org.services.notify writes it (a kind nobody registered, so its
    message is its text)."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    text = factory.Faker("sentence")
    link = "/accounts/"


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    kind = ImportKind.LEDGER
    file_name = factory.Sequence(lambda n: f"ledger-{n}.csv")
    file_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    file_size = 100
    created_by = factory.SubFactory(UserFactory, role=Role.DIRECTOR)


class LedgerLineFactory(factory.django.DjangoModelFactory):
    """One ledger line; its account's monthly aggregates are recomputed from the lines, as
    the import does, so what analytics reads stays exact."""

    class Meta:
        model = LedgerLine

    account = factory.SubFactory(AccountFactory)
    batch = factory.SubFactory(ImportBatchFactory)
    date = dt.date(2026, 10, 15)
    month = factory.LazyAttribute(lambda line: line.date.replace(day=1))
    document = factory.Sequence(lambda n: f"D{n:06d}")
    line = "1"
    amount_cents = 100_000
    currency = "CNY"
    original_amount_cents = factory.SelfAttribute("amount_cents")

    @classmethod
    def _create(cls, model_class: type[LedgerLine], *args: object, **kwargs: object) -> LedgerLine:
        line = super()._create(model_class, *args, **kwargs)
        refresh_aggregates([line.account_id], line.month, line.month)
        return line


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A stored snapshot row as scoring writes it: a small, active class D account. Prefer
    scoring the ledger (`score_portfolio`) when the figures themselves are under test."""

    class Meta:
        model = Snapshot

    account = factory.SubFactory(AccountFactory)
    as_of = dt.date(2026, 10, 31)
    scope = Scope.ENTITY
    active = True
    contribution_cents = 100_000
    contribution_prev_cents = 80_000
    margin_cents = 20_000
    potential_cents = 1_200_000_000
    contribution_level = Level.LOW
    potential_level = Level.LOW
    account_class = AccountClass.D
    score = 40.0
    lifecycle = Lifecycle.GROWTH
    strategy = Strategy.WAIT_AND_SEE
    strategy_rule = "R5"


class CostToServeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostToServe

    account = factory.SubFactory(AccountFactory)
    month = dt.date(2026, 9, 1)
    kind = CostKind.TRAVEL
    amount = Decimal("100.00")
    created_by = factory.SelfAttribute("account.owner")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")


class InfluenceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfluenceLink

    source = factory.SubFactory(ContactFactory)
    target = factory.SubFactory(ContactFactory, account=factory.SelfAttribute("..source.account"))
    account = factory.SelfAttribute("source.account")
    kind = LinkKind.TRUSTS
    strength = 2


DEPARTMENTS = ("Purchasing", "Engineering", "Quality", "Production", "Finance", "")
ROLES = ("decision_maker", "influencer", "technical_evaluator", "user", "gatekeeper", "coach", "")
ATTITUDES = ("champion", "supporter", "neutral", "sceptic", "opponent", "")


def buying_centre(
    account: Account, people: int, links: int, *, as_of: dt.date = dt.date(2026, 6, 30)
) -> list[Contact]:
    """`people` contacts of `account`, bulk-created: a reporting tree five wide (so 200
    people stand on four levels), six departments (one blank), every buying role and
    attitude, ratings with gaps, some met long ago, every twentieth one left; and `links`
    influence links among them."""

    def rating(i: int, step: int) -> int | None:
        return None if (i * step) % 11 == 0 else 1 + (i * step) % 5

    contacts = Contact.objects.bulk_create(
        Contact(
            account=account,
            name=f"Person {i:03d}",
            email=f"person{i}@{account.code.lower()}.example",
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            title=f"Title {i % 9}",
            buying_role=ROLES[i % len(ROLES)],
            attitude=ATTITUDES[(i // 2) % len(ATTITUDES)],
            influence=rating(i, 3),
            closeness=rating(i, 7),
            solution_approval=rating(i, 5),
            price_acceptance=rating(i, 2),
            last_contact=as_of - dt.timedelta(days=(i * 13) % 200),
            active=i % 20 != 19,
            left_on=as_of - dt.timedelta(days=i % 300) if i % 20 == 19 else None,
        )
        for i in range(people)
    )
    for i, contact in enumerate(contacts[1:], start=1):
        contact.reports_to = contacts[(i - 1) // 5]
    Contact.objects.bulk_update(contacts, ["reports_to"])
    kinds = list(LinkKind.values)
    made: set[tuple[int, int, str]] = set()
    found: list[InfluenceLink] = []
    step = 0
    while len(found) < links and step < links * 4 and people > 1:
        source, target = step % people, (step * 7 + 3) % people
        kind = kinds[step % len(kinds)]
        step += 1
        if source == target or (source, target, kind) in made:
            continue
        made.add((source, target, kind))
        found.append(
            InfluenceLink(
                account=account,
                source=contacts[source],
                target=contacts[target],
                kind=kind,
                strength=1 + step % 3,
            )
        )
    InfluenceLink.objects.bulk_create(found)
    return contacts


class SurveyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyPlan

    account = factory.SubFactory(AccountFactory)
    purpose = "Quarterly satisfaction"


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    account = factory.SubFactory(AccountFactory)
    responded_on = dt.date(2026, 9, 15)
    csat_service = 4


BUYING_DEPARTMENTS = (
    "Purchasing",
    "Engineering",
    "Quality",
    "Production",
    "Finance",
    "General management",
)
_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu")
_GIVEN = ("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Jun", "Yan", "Tao", "Qiang", "Hui", "Ping")


def believable_buying_centre(account: Account, size: int, *, seed: int = 7) -> list[Contact]:
    """A believable buying centre of `size` people, bulk-inserted: a general manager on top,
    department heads below, their staff under them; mixed roles, attitudes and ratings, the
    last contacts recent. The same seed gives the same people."""
    import random

    rng = random.Random(seed)
    roles = [
        "decision_maker",
        "influencer",
        "technical_evaluator",
        "user",
        "gatekeeper",
        "coach",
        "",
    ]
    attitudes = [
        "champion",
        "supporter",
        "supporter",
        "neutral",
        "neutral",
        "sceptic",
        "opponent",
        "",
    ]
    today = dt.date(2026, 11, 20)
    people: list[Contact] = []
    for i in range(size):
        department = "General management" if i == 0 else BUYING_DEPARTMENTS[(i - 1) % 5]
        name = f"{_SURNAMES[i % len(_SURNAMES)]} {_GIVEN[(i * 7 + i // 11) % len(_GIVEN)]}"
        if i >= len(_SURNAMES) * len(_GIVEN) // 2:
            name = f"{name} {i}"
        people.append(
            Contact(
                account=account,
                name=name,
                department=department,
                title="General manager"
                if i == 0
                else ("Head of " + department.lower() if i <= 5 else "Specialist"),
                buying_role="decision_maker" if i < 2 else rng.choice(roles),
                attitude=rng.choice(attitudes),
                influence=5 if i == 0 else (4 if i <= 5 else rng.choice([None, 1, 2, 3, 4])),
                closeness=rng.choice([None, 2, 3, 4, 5]),
                solution_approval=rng.choice([None, 2, 3, 4]),
                price_acceptance=rng.choice([None, 1, 3, 4]),
                last_contact=today - dt.timedelta(days=rng.randint(3, 200)),
                active=i % 23 != 22,
                left_on=None if i % 23 != 22 else today - dt.timedelta(days=30),
            )
        )
    Contact.objects.bulk_create(people)
    people = list(Contact.objects.filter(account=account).order_by("id"))
    heads = people[1:6]
    for i, person in enumerate(people[1:], start=1):
        if i <= 5:
            person.reports_to = people[0]
        else:
            head = heads[(i - 1) % 5]
            # Some staff report to a team lead under the head: a third level and a fourth.
            leads = [
                p
                for p in people[6:i]
                if p.reports_to_id == head.pk and p.department == head.department
            ]
            person.reports_to = leads[0] if len(leads) >= 3 and i % 3 == 0 else head
            person.department = head.department
    Contact.objects.bulk_update(people[1:], ["reports_to", "department"])
    return people


class ComplaintFactory(factory.django.DjangoModelFactory):
    """An open complaint received an hour ago, its SLA due times from the settings (§9)."""

    class Meta:
        model = Complaint

    account = factory.SubFactory(AccountFactory)
    received_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    channel = Channel.PHONE
    category = Category.SERVICE
    severity = Severity.MEDIUM
    subject = factory.Sequence(lambda n: f"Complaint {n}")
    status = Status.OPEN
    created_by = factory.SelfAttribute("account.owner")
    acknowledge_due_at = factory.LazyAttribute(
        lambda c: due_times(received_at=c.received_at, severity=c.severity).acknowledge
    )
    resolve_due_at = factory.LazyAttribute(
        lambda c: due_times(received_at=c.received_at, severity=c.severity).resolve
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    """A visit planned on site for the account's owner, next Monday morning by default."""

    class Meta:
        model = Activity

    account = factory.SubFactory(AccountFactory)
    kind = ActivityKind.VISIT
    channel = ActivityChannel.ON_SITE
    status = ActivityStatus.PLANNED
    planned_for = factory.LazyFunction(
        lambda: dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    subject = factory.Sequence(lambda n: f"Visit {n}")
    owner = factory.SelfAttribute("account.owner")


class TrainingFactory(factory.django.DjangoModelFactory):
    """A product-knowledge session held a week ago by one of ours (§9)."""

    class Meta:
        model = Training

    account = factory.SubFactory(AccountFactory)
    topic = TrainingTopic.PRODUCT_KNOWLEDGE
    title = factory.Sequence(lambda n: f"Training {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    trainer = "Li Wei"
    created_by = factory.SelfAttribute("account.owner")


class CompetitorMoveFactory(factory.django.DjangoModelFactory):
    """A competitor's price cut the customer told the account's owner about yesterday (§9)."""

    class Meta:
        model = CompetitorMove

    account = factory.SubFactory(AccountFactory)
    competitor = factory.Sequence(lambda n: f"Competitor {n}")
    offer = CompetitorOffer.PRICE_CUT
    seen_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    seen_by = factory.SelfAttribute("account.owner")
    source = MoveSource.CUSTOMER
    created_by = factory.SelfAttribute("account.owner")


class ModelRunFactory(factory.django.DjangoModelFactory):
    """A churn model fitted as of 2026-10-31 that beats its recency baseline (§10)."""

    class Meta:
        model = ModelRun

    kind = ModelKind.CHURN
    as_of = dt.date(2026, 10, 31)
    data_from = dt.date(2024, 1, 31)
    data_until = dt.date(2026, 4, 30)
    accounts = 300
    parameters = factory.LazyFunction(lambda: {"intercept": -1.2, "coefficients": {}})
    quality = factory.LazyFunction(
        lambda: {"auc": 0.81, "brier": 0.12, "baseline": {"auc": 0.70, "brier": 0.15}}
    )


class RiskScoreFactory(factory.django.DjangoModelFactory):
    """A key account at high risk as of 2026-10-31: churn probability 0.62, p(alive) 0.41."""

    class Meta:
        model = RiskScore

    account = factory.SubFactory(AccountFactory)
    as_of = dt.date(2026, 10, 31)
    p_alive = 0.41
    expected_purchases = 1.7
    churn_probability = 0.62
    risk_level = RiskLevel.HIGH
    top_factors = factory.LazyFunction(
        lambda: [
            {"factor": "recency_ratio", "value": 2.4, "contribution": 0.81},
            {"factor": "complaints", "value": 4, "contribution": 0.42},
            {"factor": "share_of_wallet", "value": 0.35, "contribution": -0.18},
        ]
    )
    clv_cents = 120_000_000
    expected_spend_cents = 2_500_000
    contribution_cents = 80_000_000
    account_class = "A"
    is_key = True
    computed_at = factory.LazyFunction(timezone.now)


class RiskMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskMonth

    account = factory.SubFactory(AccountFactory)
    month_end = dt.date(2026, 4, 30)
    churn_probability = 0.3
    p_alive = 0.8
    risk_level = RiskLevel.MEDIUM
    churned = False
    revenue_before_cents = 30_000_000


class WinBackPlanFactory(factory.django.DjangoModelFactory):
    """An open win-back plan its account's owner started a week ago at high risk (§10)."""

    class Meta:
        model = WinBackPlan

    account = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("account.owner")
    started_by = factory.SelfAttribute("account.owner")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    churn_probability_at_start = 0.62
    risk_level_at_start = RiskLevel.HIGH


class WinBackReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinBackReason

    plan = factory.SubFactory(WinBackPlanFactory)
    kind = ReasonKind.SERVICE_QUALITY
    summary = "Complaints rose from 1 to 4 in six months"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    plan = factory.SubFactory(WinBackPlanFactory)
    kind = InterventionKind.SERVICE_IMPROVEMENT
    description = "Weekly service review with the plant manager"
    owner = factory.SelfAttribute("plan.owner")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


def timeline_events(account: Account, events: int) -> None:
    """About `events` entries in `account`'s timeline, bulk-created and spread over every kind
    (notes, key decisions, imports, activities, complaints and their moves, survey responses,
    trainings, competitor moves, alerts raised and resolved): the builder the timeline's
    query-count test and bench/account_timeline.py share. Many share a moment (bulk writes),
    as ties do in real imports."""
    from kam.accounts.models import KeyStatusChange
    from kam.alerts.models import Alert
    from kam.engagement.complaints.models import ComplaintEvent, EventAction

    each = max(1, events // 11)
    owner = account.owner
    today = dt.date(2026, 10, 31)
    Note.objects.bulk_create(
        NoteFactory.build(account=account, author=owner, body=f"n{i}") for i in range(each)
    )
    KeyStatusChange.objects.bulk_create(
        KeyStatusChange(account=account, is_key=i % 2 == 0, reason="r", decided_by=owner)
        for i in range(each)
    )
    batches = ImportBatch.objects.bulk_create(
        ImportBatchFactory.build(created_by=owner) for _ in range(each)
    )
    LedgerLine.objects.bulk_create(
        LedgerLineFactory.build(account=account, batch=batch) for batch in batches
    )
    statuses = [ActivityStatus.PLANNED, ActivityStatus.DONE, ActivityStatus.CANCELLED]
    Activity.objects.bulk_create(
        ActivityFactory.build(
            account=account,
            owner=owner,
            status=statuses[i % 3],
            done_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
            if i % 3 == 1
            else None,
        )
        for i in range(2 * each)
    )
    complaints = Complaint.objects.bulk_create(
        ComplaintFactory.build(account=account, created_by=owner) for _ in range(each)
    )
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(
            complaint=complaint,
            action=action,
            to_status=status,
            actor=owner,
            at=complaint.received_at,
        )
        for complaint in complaints
        for action, status in (
            (EventAction.CREATED, "open"),
            (EventAction.ACKNOWLEDGED, "acknowledged"),
        )
    )
    SurveyResponse.objects.bulk_create(
        SurveyResponseFactory.build(
            account=account, contact=None, responded_on=today - dt.timedelta(days=i % 300)
        )
        for i in range(each)
    )
    Training.objects.bulk_create(
        TrainingFactory.build(
            account=account, created_by=owner, held_on=today - dt.timedelta(days=i % 200)
        )
        for i in range(each)
    )
    CompetitorMove.objects.bulk_create(
        CompetitorMoveFactory.build(
            account=account,
            seen_by=owner,
            created_by=owner,
            seen_on=today - dt.timedelta(days=i % 100),
        )
        for i in range(each)
    )
    now = dt.datetime.now(dt.UTC)
    Alert.objects.bulk_create(
        Alert(
            account=account,
            kind=f"bench_{i}",
            severity="warning",
            message=f"m{i}",
            state="resolved",
            is_open=False,
            resolved_at=now,
            resolved_by=owner,
            resolution="by_hand",
            resolution_reason="r",
        )
        for i in range(each)
    )
