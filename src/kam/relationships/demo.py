"""The demo company's buying centres: the people met at its customers (DOMAIN §7).

Each of the 40 largest customers (the key accounts and those a manager would map) gets a
buying centre of 8–25 people on 2–4 levels — general management on top, then the heads of
purchasing, engineering, quality, production and finance (sometimes logistics and R&D), then
their staff — with buying roles that fit (one to three decision makers high up, a gatekeeper
in purchasing, technical evaluators in engineering and quality, users in production,
sometimes a coach), a few influence links, and attitudes, ratings and last contacts that make
scores and gaps differ between accounts: some are fully covered, some have a decision maker
nobody has seen for months, some a powerful sceptic. S0's drifting group has cooled: its
sponsors' closeness has fallen (the history shows them warmer eight months ago), nobody
there is a champion any more, and its coach left two months ago — "sponsor left" and "no
coach" on the map. The next 40 customers have a short list of a few people.

Deterministic for the demo's random generator; written with the history-keeping bulk path.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kam.accounts.models import Account
from kam.core.bulk import reserve_ids
from kam.ledger.demo import DemoAccount
from kam.relationships.models import Attitude, BuyingRole, Contact, InfluenceLink, LinkKind
from kam.relationships.services.scores import scores_sweep

KEY_ACCOUNTS = 40  # the largest customers get a whole buying centre
SMALL_LISTS = 40  # the next ones a few contacts
R = BuyingRole
# department → (head's title, head's role, the staff: (title, role), …)
DEPARTMENTS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "Purchasing": (
        "Purchasing Director",
        R.INFLUENCER,
        (("Senior Buyer", R.GATEKEEPER), ("Buyer", R.USER), ("Category Manager", R.INFLUENCER)),
    ),
    "Engineering": (
        "Chief Engineer",
        R.TECHNICAL_EVALUATOR,
        (
            ("Process Engineer", R.TECHNICAL_EVALUATOR),
            ("Design Engineer", R.TECHNICAL_EVALUATOR),
            ("Automation Engineer", R.TECHNICAL_EVALUATOR),
        ),
    ),
    "Quality": (
        "Quality Director",
        R.TECHNICAL_EVALUATOR,
        (("Supplier Quality Engineer", R.TECHNICAL_EVALUATOR), ("QA Inspector", R.USER)),
    ),
    "Production": (
        "Plant Manager",
        R.USER,
        (
            ("Workshop Supervisor", R.USER),
            ("Maintenance Manager", R.USER),
            ("Shift Leader", R.USER),
        ),
    ),
    "Finance": (
        "Finance Director",
        R.INFLUENCER,
        (("Cost Controller", R.INFLUENCER), ("Accounts Payable Lead", R.USER)),
    ),
    "Logistics": ("Logistics Manager", R.USER, (("Warehouse Supervisor", R.USER),)),
    "R&D": (
        "R&D Director",
        R.TECHNICAL_EVALUATOR,
        (("Development Engineer", R.TECHNICAL_EVALUATOR),),
    ),
}
# The people under a department's staff, on a fourth level.
JUNIORS = {
    "Production": ("Line Leader", R.USER),
    "Purchasing": ("Purchasing Assistant", R.USER),
    "Engineering": ("Maintenance Technician", R.USER),
    "Quality": ("Lab Technician", R.USER),
}
SMALL_LIST = [
    ("General Management", "General Manager", R.DECISION_MAKER),
    ("Purchasing", "Purchasing Manager", R.GATEKEEPER),
    ("Engineering", "Chief Engineer", R.TECHNICAL_EVALUATOR),
    ("Production", "Plant Manager", R.USER),
    ("Quality", "Quality Manager", R.INFLUENCER),
]
SURNAMES = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Song", "Tang",
]  # fmt: skip
GIVEN = [
    "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Qiang", "Hui", "Jun", "Ping", "Tao", "Bin",
    "Hong", "Xin", "Yu", "Hao", "Lin", "Jie", "Na", "Chao", "Ying", "Peng", "Yun", "Kai",
]  # fmt: skip
A = Attitude
# Each account's climate: how its people lean (champion, supporter, neutral, sceptic, opponent).
CLIMATES = {
    "warm": (0.25, 0.4, 0.25, 0.08, 0.02),
    "mixed": (0.12, 0.33, 0.35, 0.15, 0.05),
    "cool": (0.05, 0.25, 0.4, 0.22, 0.08),
}
ATTITUDES = (A.CHAMPION, A.SUPPORTER, A.NEUTRAL, A.SCEPTIC, A.OPPONENT)
# Ratings (closeness, solution approval, price acceptance) lean with the attitude.
RATING_RANGES = {
    A.CHAMPION: (4, 5),
    A.SUPPORTER: (3, 5),
    A.NEUTRAL: (2, 4),
    A.SCEPTIC: (1, 3),
    A.OPPONENT: (1, 2),
}
COOLED_DAYS = 240  # when the drifting group's sponsors were last warm, in the history


@dataclass
class _Person:
    contact: Contact
    level: int
    department: str
    boss: _Person | None = None
    earlier: dict[str, object] = field(default_factory=dict)  # the drifting group's past


def demo_buying_centres(
    rng: random.Random, created: list[Account], plan: list[DemoAccount], as_of: dt.date
) -> None:
    """The people at the demo's customers (§7): whole buying centres at the 40 largest, short
    lists at the next 40; see the module docstring."""
    accounts = {account.code: account for account in created}
    phones: set[str] = set()
    people: list[_Person] = []
    links: list[InfluenceLink] = []
    for index, item in enumerate(plan[: KEY_ACCOUNTS + SMALL_LISTS]):
        account = accounts[item.code]
        if index < KEY_ACCOUNTS:
            centre = _buying_centre(
                rng, account, as_of, phones, drifting=item.trajectory == "drifting"
            )
            links.extend(_links(rng, account, centre))
        else:
            centre = _small_list(rng, account, as_of, phones)
        people.extend(centre)
    _write(people, links, as_of)
    # The series' first point and the relationship alerts, as the nightly sweep would.
    scores_sweep(as_of=as_of)


def _buying_centre(
    rng: random.Random, account: Account, as_of: dt.date, phones: set[str], *, drifting: bool
) -> list[_Person]:
    levels = 4 if drifting else rng.choices([2, 3, 4], [0.15, 0.5, 0.35])[0]
    climate = "cool" if drifting else rng.choice(list(CLIMATES))
    names: set[str] = set()
    emails: set[str] = set()

    def person(level: int, department: str, title: str, role: str, boss: _Person | None) -> _Person:
        contact = _contact(rng, account, names, emails, phones)
        contact.department, contact.title, contact.buying_role = department, title, role
        contact.influence = {1: 5, 2: rng.randint(3, 4), 3: rng.randint(2, 3)}.get(
            level, rng.randint(1, 2)
        )
        if role == R.DECISION_MAKER:
            contact.influence = max(contact.influence, 4)
        contact.attitude = rng.choices(ATTITUDES, CLIMATES[climate])[0]
        if contact.influence >= 4 and contact.attitude in (A.SCEPTIC, A.OPPONENT):
            contact.attitude = A.NEUTRAL  # a powerful sceptic only where _rate puts one
        return _Person(contact, level, department, boss)

    top = person(1, "General Management", "General Manager", R.DECISION_MAKER, None)
    if drifting:
        top.contact.attitude = A.CHAMPION  # the sponsor who has since cooled (_cool)
    centre = [top]
    if levels == 2 or rng.random() < 0.5:
        centre.append(
            person(1, "General Management", "Deputy General Manager", R.DECISION_MAKER, top)
        )
        centre[-1].level = 2
    chosen = [name for name in DEPARTMENTS if name not in ("Logistics", "R&D")]
    chosen += [name for name in ("Logistics", "R&D") if levels == 2 or rng.random() < 0.45]
    heads: dict[str, _Person] = {}
    for department in chosen:
        title, role, _staff = DEPARTMENTS[department]
        if department == "Purchasing" and rng.random() < 0.6:
            role = R.DECISION_MAKER  # the purchasing director signs at many customers
        heads[department] = person(2, department, title, role, top)
        centre.append(heads[department])
    if levels >= 3:
        coach_given = drifting or rng.random() < 0.55
        for department in chosen:
            _title, _role, staff = DEPARTMENTS[department]
            head = heads[department]
            for title, role in staff[: rng.randint(1, len(staff))]:
                centre.append(person(head.level + 1, department, title, role, head))
            if department == "Engineering" and coach_given:
                centre[-1].contact.buying_role = R.COACH
                centre[-1].contact.attitude = A.CHAMPION
    if levels == 4:
        for department, (title, role) in JUNIORS.items():
            seniors = [p for p in centre if p.department == department and p.level == 3]
            for _ in range(rng.randint(1, 2) if seniors else 0):
                centre.append(person(4, department, title, role, rng.choice(seniors)))
    centre = centre[:25]
    _rate(rng, centre, as_of, drifting=drifting)
    return centre


def _rate(rng: random.Random, centre: list[_Person], as_of: dt.date, *, drifting: bool) -> None:
    """Ratings and last contacts: a decision maker unseen for months at some accounts, a
    powerful sceptic at others, the drifting group cooled."""
    unseen = not drifting and rng.random() < 0.3
    sceptic = drifting or rng.random() < 0.3
    for person in centre:
        contact = person.contact
        if person.level >= 4 and rng.random() < 0.5:
            contact.last_contact = as_of - dt.timedelta(days=rng.randint(30, 400))
            continue  # a junior nobody has rated yet
        low, high = RATING_RANGES[Attitude(contact.attitude)]
        contact.closeness = rng.randint(low, high)
        contact.solution_approval = rng.randint(low, high)
        contact.price_acceptance = max(1, rng.randint(low, high) - rng.randint(0, 1))
        must_cover = contact.buying_role == R.DECISION_MAKER or (contact.influence or 0) >= 4
        contact.last_contact = as_of - dt.timedelta(
            days=rng.randint(3, 75) if must_cover else rng.randint(5, 200)
        )
    makers = [p for p in centre if p.contact.buying_role == R.DECISION_MAKER]
    if unseen and len(makers) > 1:
        rng.choice(makers[1:]).contact.last_contact = as_of - dt.timedelta(
            days=rng.randint(120, 300)
        )
    if sceptic:
        powerful = [p for p in centre if p.level == 2 and p.contact.buying_role != R.DECISION_MAKER]
        doubter = rng.choice(powerful).contact
        doubter.attitude, doubter.influence = rng.choice([A.SCEPTIC, A.OPPONENT]), rng.randint(4, 5)
        doubter.closeness, doubter.price_acceptance = rng.randint(1, 2), 1
    if drifting:
        _cool(rng, centre, as_of)


def _cool(rng: random.Random, centre: list[_Person], as_of: dt.date) -> None:
    """S0's group: the sponsors were warm eight months ago and are lukewarm now; nobody left
    is a champion; the coach left 60 days ago."""
    for person in centre:
        contact = person.contact
        if contact.buying_role == R.COACH:
            contact.active, contact.left_on = False, as_of - dt.timedelta(days=60)
            continue
        if person.level <= 2 and contact.attitude in (A.CHAMPION, A.SUPPORTER, A.NEUTRAL):
            person.earlier = {"attitude": A.CHAMPION, "closeness": rng.randint(4, 5)}
            contact.attitude, contact.closeness = A.SUPPORTER, rng.randint(1, 2)
        elif contact.attitude == A.CHAMPION:
            contact.attitude = A.SUPPORTER
        if contact.buying_role == R.GATEKEEPER:
            contact.attitude = A.SCEPTIC


def _links(rng: random.Random, account: Account, centre: list[_Person]) -> list[InfluenceLink]:
    """A few lines of influence besides the reporting lines: whom the heads trust, the
    coach's informal line to the top, and at some accounts one opposition."""
    by_title = {person.contact.title: person.contact for person in centre}
    wanted = [
        ("Purchasing Director", "Chief Engineer", LinkKind.TRUSTS),
        ("Quality Director", "Plant Manager", LinkKind.TRUSTS),
        ("General Manager", "Finance Director", LinkKind.TRUSTS),
    ]
    coach = next((p.contact for p in centre if p.contact.buying_role == R.COACH), None)
    if rng.random() < 0.35:
        wanted.append(("Finance Director", "Purchasing Director", LinkKind.OPPOSES))
    found = [
        (by_title[source], by_title[target], kind)
        for source, target, kind in rng.sample(wanted, rng.randint(2, len(wanted)))
        if source in by_title and target in by_title
    ]
    if coach is not None:
        found.append((coach, by_title["General Manager"], LinkKind.REPORTS_INFORMALLY))
    return [
        InfluenceLink(
            account=account, source=source, target=target, kind=kind, strength=rng.randint(1, 3)
        )
        for source, target, kind in found
    ]


def _small_list(
    rng: random.Random, account: Account, as_of: dt.date, phones: set[str]
) -> list[_Person]:
    names: set[str] = set()
    emails: set[str] = set()
    people: list[_Person] = []
    for department, title, role in SMALL_LIST[: rng.randint(2, len(SMALL_LIST))]:
        contact = _contact(rng, account, names, emails, phones)
        contact.department, contact.title, contact.buying_role = department, title, role
        contact.influence = 5 if role == R.DECISION_MAKER else rng.randint(2, 4)
        contact.attitude = rng.choice([A.CHAMPION, A.SUPPORTER, A.NEUTRAL, A.SCEPTIC])
        if contact.attitude == A.SCEPTIC:
            contact.influence = min(contact.influence, 3)
        contact.closeness = rng.randint(2, 5)
        contact.solution_approval = rng.randint(2, 5)
        contact.price_acceptance = rng.randint(1, 4)
        contact.last_contact = as_of - dt.timedelta(days=rng.randint(3, 200))
        people.append(
            _Person(contact, 1 if not people else 2, department, people[0] if people else None)
        )
    return people


def _contact(
    rng: random.Random, account: Account, names: set[str], emails: set[str], phones: set[str]
) -> Contact:
    """A new person with a name unique at the account, an email at the customer's domain, a
    phone unique in the demo and, for some, a WeChat id."""
    while True:
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        if f"{surname} {given}" not in names:
            break
    names.add(f"{surname} {given}")
    domain = re.sub(r"[^a-z0-9]+", "-", account.name.lower()).strip("-") + ".com.cn"
    local = f"{given}.{surname}".lower()
    email, number = f"{local}@{domain}", 1
    while email in emails:  # two people may share a pinyin spelling, never an address
        number += 1
        email = f"{local}{number}@{domain}"
    emails.add(email)
    while True:
        prefix = f"1{rng.choice('3589')}{rng.randint(0, 9)}"
        phone = f"+86 {prefix} {rng.randint(0, 9999):04} {rng.randint(0, 9999):04}"
        if phone not in phones:
            break
    phones.add(phone)
    wechat = f"{given.lower()}{surname.lower()}_{rng.randint(10, 99)}" if rng.random() < 0.4 else ""
    contact = Contact(
        account=account, name=f"{surname} {given}", email=email, phone=phone, wechat=wechat
    )
    contact.key_phone()  # bulk_create_with_history skips save()
    return contact


def _write(people: list[_Person], links: list[InfluenceLink], as_of: dt.date) -> None:
    """Keys first, so each person is written once with whom they report to; the drifting
    group's sponsors as they were, then as they are."""
    for person, pk in zip(people, reserve_ids(Contact, len(people)), strict=True):
        person.contact.pk = pk
    for person in people:
        person.contact.reports_to_id = person.boss.contact.pk if person.boss else None
    cooled = [person for person in people if person.earlier]
    now_values = {id(p): (p.contact.attitude, p.contact.closeness) for p in cooled}
    for person in cooled:
        for name, value in person.earlier.items():
            setattr(person.contact, name, value)
    earlier = timezone.make_aware(
        dt.datetime.combine(as_of - dt.timedelta(days=COOLED_DAYS), dt.time(9))
    )
    bulk_create_with_history(
        [p.contact for p in cooled], Contact, batch_size=500, default_date=earlier
    )
    bulk_create_with_history([p.contact for p in people if not p.earlier], Contact, batch_size=500)
    for person in cooled:
        person.contact.attitude, person.contact.closeness = now_values[id(person)]
    if cooled:
        bulk_update_with_history(
            [p.contact for p in cooled], Contact, ["attitude", "closeness"], batch_size=500
        )
    for link, pk in zip(links, reserve_ids(InfluenceLink, len(links)), strict=True):
        link.pk = pk
    bulk_create_with_history(links, InfluenceLink, batch_size=500)
