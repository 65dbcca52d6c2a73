"""Sign-in limit (docs/rules.md, Input): attempts are counted in the database, before the
password is checked, per user name from one address and per address across names.

Counting before the check is what makes the limit hold under parallel attempts: a slot is
reserved by one conditional UPDATE, so 40 simultaneous attempts check at most the limit's
number of passwords. The counters live in the database, not a per-process or per-home cache,
so every `kam serve` process on one database shares them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.timezone import now as timezone_now

from kam.org.models import SignInCounter

IPV6_PREFIX = 64  # one IPv6 host usually holds a whole /64: count it as one address
MAX_RETRIES = 5


def sign_in_name(raw: str) -> str:
    """The user name as the limit counts it: at least as coarse as sign-in's own comparison.

    Django's sign-in form strips the name and applies NFKC (full-width `ｍｉａ` is `mia`); kam
    keeps user names unique ignoring case, so the limit also folds case.
    """
    folded = unicodedata.normalize("NFKC", raw).strip().casefold()
    return unicodedata.normalize("NFKC", folded)


def sign_in_address(raw: str) -> str:
    """The client address as the limit counts it: IPv4 as is, IPv6 by its /64 network."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return raw.strip()
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def _key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}|{value}".encode()).hexdigest()


def _keys(username: str, address: str) -> tuple[str, str]:
    where = sign_in_address(address)
    return _key("name", f"{sign_in_name(username)}|{where}"), _key("address", where)


def _reserve(key: str, limit: int, moment: dt.datetime) -> bool:
    """Count one attempt against `key` unless it already holds `limit`; True when counted."""
    window = dt.timedelta(seconds=settings.KAM_LOGIN_WINDOW_SECONDS)
    live = SignInCounter.objects.filter(key=key, expires_at__gt=moment)
    for _attempt in range(MAX_RETRIES):
        if live.filter(attempts__lt=limit).update(attempts=F("attempts") + 1):
            return True
        if live.exists():
            return False  # locked until the window ends
        try:
            with transaction.atomic():
                SignInCounter.objects.create(key=key, attempts=1, expires_at=moment + window)
        except IntegrityError:
            continue  # another attempt started the window first: count against it
        return True
    return False


@transaction.atomic
def login_attempt_begin(*, username: str, address: str) -> bool:
    """Reserve one password check for this name from this address; False when locked.

    A refused attempt checks no password. Expired counters are deleted on the way.
    """
    moment = timezone_now()
    SignInCounter.objects.filter(expires_at__lte=moment).delete()
    by_name, by_address = _keys(username, address)
    if not _reserve(by_name, settings.KAM_LOGIN_MAX_FAILURES, moment):
        return False
    if _reserve(by_address, settings.KAM_LOGIN_MAX_FAILURES_PER_ADDRESS, moment):
        return True
    # Locked by the address: this attempt checks nothing, so it costs the name nothing.
    SignInCounter.objects.filter(key=by_name).update(attempts=F("attempts") - 1)
    return False


@transaction.atomic
def login_succeeded(*, username: str, address: str) -> None:
    """A right password clears the name's count; the address keeps only its failures."""
    by_name, by_address = _keys(username, address)
    SignInCounter.objects.filter(key=by_name).delete()
    SignInCounter.objects.filter(key=by_address, attempts__gt=0).update(attempts=F("attempts") - 1)
