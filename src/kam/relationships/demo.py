"""The demo company's buying centres: the people met at the larger customers (DOMAIN §7).

Written with the history-keeping bulk path, as the contacts import writes them.
"""

from __future__ import annotations

import datetime as dt
import random

from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account
from kam.ledger.demo import DemoAccount
from kam.relationships.models import Attitude, BuyingRole, Contact

# (department, title, buying role) of the people a supplier meets at a large customer.
_BUYING_CENTRE = [
    ("Management", "General Manager", BuyingRole.DECISION_MAKER),
    ("Procurement", "Purchasing Director", BuyingRole.DECISION_MAKER),
    ("Procurement", "Buyer", BuyingRole.GATEKEEPER),
    ("Engineering", "Chief Engineer", BuyingRole.TECHNICAL_EVALUATOR),
    ("Production", "Plant Manager", BuyingRole.USER),
    ("Engineering", "Process Engineer", BuyingRole.COACH),
    ("Quality", "Quality Manager", BuyingRole.INFLUENCER),
]
_SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu"]
_GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Qiang", "Hui", "Jun", "Ping", "Tao"]


def demo_buying_centres(
    rng: random.Random, created: list[Account], plan: list[DemoAccount], as_of: dt.date
) -> None:
    """The people at the 40 largest customers (§7): the drifting S0 group has lost its
    champion and meets a sceptical buyer; others have gaps of their own."""
    accounts = {account.code: account for account in created}
    for item in plan[:40]:
        account = accounts[item.code]
        drifting = item.trajectory == "drifting"
        people: list[Contact] = []
        # The drifting group's whole buying centre is on file: its coach is the one who left.
        size = len(_BUYING_CENTRE) if drifting else rng.randint(3, len(_BUYING_CENTRE))
        for department, title, role in _BUYING_CENTRE[:size]:
            left = drifting and role == BuyingRole.COACH
            people.append(
                Contact(
                    account=account,
                    name=f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}",
                    department=department,
                    title=title,
                    buying_role=role,
                    influence=5 if role == BuyingRole.DECISION_MAKER else rng.randint(2, 4),
                    attitude=(
                        Attitude.SCEPTIC
                        if drifting and role == BuyingRole.GATEKEEPER
                        else rng.choice([Attitude.CHAMPION, Attitude.SUPPORTER, Attitude.NEUTRAL])
                    ),
                    closeness=rng.randint(1, 3) if drifting else rng.randint(2, 5),
                    solution_approval=rng.randint(2, 5),
                    price_acceptance=rng.randint(1, 4),
                    last_contact=as_of - dt.timedelta(days=rng.randint(3, 200)),
                    active=not left,
                    left_on=as_of - dt.timedelta(days=60) if left else None,
                )
            )
        bulk_create_with_history(people, Contact, batch_size=1000)
        bosses = [person for person in people if person.buying_role == BuyingRole.DECISION_MAKER]
        for person in people[1:]:
            if bosses and person is not bosses[0]:
                person.reports_to = bosses[0]
        Contact.objects.bulk_update(people[1:], ["reports_to"])
