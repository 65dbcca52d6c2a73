"""The demo company's people: one user per role, in two key-account teams.

Written through `user_create`, so passwords are hashed and teams created as a user would.
"""

from __future__ import annotations

from kam.org.models import Role, User
from kam.org.services import user_create

DEMO_PASSWORD = "kam-demo"  # noqa: S105 - published demo sign-in, printed by `make run`
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("director", Role.DIRECTOR, "Fang", "Wang"),
    ("manager", Role.MANAGER, "Wei", "Li"),
    ("manager2", Role.MANAGER, "Min", "Zhang"),
    ("sales", Role.SALES, "Jing", "Chen"),
    ("marketing", Role.MARKETING, "Yang", "Liu"),
    ("service", Role.SERVICE, "Lei", "Zhao"),
    ("executive", Role.EXECUTIVE, "Hui", "Sun"),
    ("admin", Role.ADMIN, "Admin", ""),
]
TEAMS = {
    "East key accounts": ["manager", "sales", "service"],
    "South key accounts": ["manager2", "marketing"],
}


def demo_users() -> dict[str, User]:
    """The demo users by user name; one that already exists is kept as it is."""
    users = {}
    for username, role, first, last in DEMO_USERS:
        users[username] = User.objects.filter(username=username).first() or user_create(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            team_names=[name for name, members in TEAMS.items() if username in members],
        )
    return users


def user_count() -> int:
    """How many users the database holds (the demo's summary line)."""
    return User.objects.count()
