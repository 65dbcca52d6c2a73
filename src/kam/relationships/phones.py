"""The number that identifies a phone (DOMAIN §7 duplicates): pure Python, so the model keeps
it in its indexed `phone_key` column and the services and imports compare the same keys."""

from __future__ import annotations

import re

# Fewer digits than this are an extension, not a number that identifies a person.
MIN_PHONE_DIGITS = 6
# The country code a bare national number is taken to be in (kam's customers are in China).
CHINA = "86"
NATIONAL_AFTER_BARE_CODE = 10


def phone_key(phone: str) -> str:
    """The national number that identifies a phone (§7 duplicates), so the same number written
    differently is caught: "+86 138-0013 8000", "0086 13800138000", "138 0013 8000" and
    "(010) 8888 1234" / "+86 10 8888 1234" compare equal.

    Rule: keep the digits; after an international prefix ("+" or "00") drop the country
    code 86; without one drop a bare leading 86 only when ten or more digits follow it (a
    Chinese national number that long begins with the trunk 0, so 86 cannot start it); drop
    the leading 0s of the trunk prefix. Other country codes stay, so "+44 20 …" never
    equals "20 …": a missed duplicate is better than two people merged. Fewer than
    MIN_PHONE_DIGITS digits left (an extension) answer "", which matches nothing.
    """
    text = (phone or "").strip()
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00") if not text.startswith("+") else digits
    if digits.startswith(CHINA) and (
        international or len(digits) - len(CHINA) >= NATIONAL_AFTER_BARE_CODE
    ):
        digits = digits[len(CHINA) :]
    digits = digits.lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""
