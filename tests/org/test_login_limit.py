"""The names and addresses the sign-in limit counts, and its counters in the database."""

from __future__ import annotations

import pytest

from kam.org.login_limit import login_attempt_begin, sign_in_address, sign_in_name
from kam.org.models import SignInCounter


@pytest.mark.parametrize(
    "spelling", [" mia", "mia\t", "ＭＩＡ", "\u3000Mia\u3000", "MİA".replace("İ", "I")]
)
def test_every_spelling_sign_in_accepts_is_one_name(spelling: str) -> None:
    assert sign_in_name(spelling) == "mia"


@pytest.mark.parametrize(
    ("raw", "counted"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("", ""),
    ],
)
def test_addresses_are_counted_by_host_or_ipv6_network(raw: str, counted: str) -> None:
    assert sign_in_address(raw) == counted


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database(settings) -> None:
    """So every server process on the database shares it."""
    answers = [login_attempt_begin(username="mia", address="192.0.2.1") for _ in range(6)]

    assert answers == [True] * 5 + [False]
    assert sorted(SignInCounter.objects.values_list("attempts", flat=True)) == [5, 5]
