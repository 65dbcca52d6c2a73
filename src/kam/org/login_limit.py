"""Login rate limit: too many failures for one user name from one address lock it briefly."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()
    return f"kam:login-failures:{digest}"


def login_allowed(*, username: str, address: str) -> bool:
    return int(cache.get(_key(username, address), 0)) < settings.KAM_LOGIN_MAX_FAILURES


def login_failed(*, username: str, address: str) -> None:
    key = _key(username, address)
    failures = int(cache.get(key, 0)) + 1
    cache.set(key, failures, timeout=settings.KAM_LOGIN_WINDOW_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    cache.delete(_key(username, address))
