"""Messages of the Django-free import package, translated where they are shown.

The package marks its texts with `gettext_noop` (so `make catalog` collects them) and gives
their values as %-style parameters. kam.core installs Django's gettext at start-up, so
an error reads in the language active where it is turned into text: a page, the API, the CLI
or the worker running an uploader's job.
"""

from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def gettext_noop(message: str) -> str:
    """Mark a message for the catalog; it is translated when shown."""
    return message


def use_translator(translate: Callable[[str], str]) -> None:
    """Translate messages with `translate` from now on (kam.core's ready())."""
    global _translate  # noqa: PLW0603 - one process-wide hook, set once at start-up
    _translate = translate


def translated(message: str, params: dict[str, object] | None = None) -> str:
    """The message in the active language, with its values filled in."""
    text = _translate(message)
    return text % params if params else text


class ImportMessage(ValueError):
    """An error whose message is translated each time it is shown."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return translated(self.message, self.params)
