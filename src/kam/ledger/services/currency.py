"""The base currency the ledger's amounts are kept in (DOMAIN §2)."""

from __future__ import annotations

from django.conf import settings


def base_currency() -> str:
    """The director's base currency (portfolio settings); KAM_BASE_CURRENCY seeds it."""
    from django.apps import apps

    stored = (
        apps.get_model("portfolio", "PortfolioSettings")
        .objects.filter(pk=1)
        .values_list("currency", flat=True)
        .first()
    )
    return str(stored or getattr(settings, "KAM_BASE_CURRENCY", "CNY"))
