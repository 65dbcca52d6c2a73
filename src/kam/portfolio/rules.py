"""The director's settings as the pure scoring core reads them (DOMAIN §2–§6).

The engine itself is `kam.analytics.portfolio`; a run is piped together in
`kam.portfolio.services.scoring` (load → compute → store).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from kam.analytics.rules import Band, Rules, Weights
from kam.core.money import decimal_to_cents
from kam.portfolio.models import SETTINGS_FIELDS, SETTINGS_TABLE, PortfolioSettings

_WEIGHT = re.compile(r"weight_(\w+)")
_BAND = re.compile(r"band_([a-d])_(low|high)")


def rules_from(settings: PortfolioSettings) -> Rules:
    """The pure core's view of the director's settings (DOMAIN §2–§6).

    Each setting keeps its name: money is read in cents (`<name>_cents`), `weight_<factor>`
    is the weight of that factor, `band_<class>_<low|high>` an end of the class's band.
    """
    flat: dict[str, Any] = {}
    weights: dict[str, Decimal] = {}
    bands: dict[str, dict[str, Decimal]] = {}
    for name in SETTINGS_FIELDS:
        value = getattr(settings, name)
        if not SETTINGS_TABLE[name].rules:
            continue
        if SETTINGS_TABLE[name].cents:
            flat[f"{name}_cents"] = decimal_to_cents(value)
        elif weight := _WEIGHT.fullmatch(name):
            weights[weight[1]] = value
        elif band := _BAND.fullmatch(name):
            bands.setdefault(band[1].upper(), {})[band[2]] = value
        else:
            flat[name] = value
    return Rules(
        **flat,
        weights=Weights(**weights),
        bands={klass: Band(**ends) for klass, ends in sorted(bands.items())},
    )
