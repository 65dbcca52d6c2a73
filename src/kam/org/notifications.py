"""The kinds of inbox notifications: each app that notifies registers its messages here.

org sits below every app that notifies (accounts for mentions, alerts for assignments…), so
the message of a kind is registered by the app that sends it, as the alert kinds are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise

_messages: dict[str, Promise | str] = {}


def notification_kind_register(code: str, message: Promise | str) -> None:
    """Declare a kind of notification and its message, a lazy translation with %(name)s
    placeholders filled from the notification's params."""
    _messages[code] = message


def notification_message(kind: str, params: Mapping[str, Any], fallback: str) -> str:
    """The message of a notification in the active language; the sender's text when the kind
    is unknown or its params do not fit (a kind renamed since, say)."""
    message = _messages.get(kind)
    if message is None:
        return fallback
    try:
        return str(message) % dict(params)
    except (KeyError, TypeError, ValueError):
        return fallback
