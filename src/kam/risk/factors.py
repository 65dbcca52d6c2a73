"""The churn model's factors as the pages, the API and docs/rules.md name them (DOMAIN §10).

One vocabulary: `FACTOR_LABELS` gives each factor name its label, `FACTOR_UNITS` how its
value reads (a share as a percentage, a ratio as "2.4×", a count as a number, a rating out
of five), and `factor_value_text` writes a value in that unit. The scoring helper may add
factors here; a name missing from the table is shown as itself, so a new factor never breaks
a page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.numbers import MINUS, signed_percent

FACTOR_LABELS: dict[str, Promise] = {
    "revenue_trend": gettext_lazy("Revenue trend"),
    "recency_ratio": gettext_lazy("Purchase gap against its rhythm"),
    "p_alive": gettext_lazy("Probability still buying (p(alive))"),
    "share_of_wallet": gettext_lazy("Share of wallet"),
    "class_rank": gettext_lazy("Class"),
    "class_drop": gettext_lazy("Class drop"),
    "closeness": gettext_lazy("Relationship closeness"),
    "coverage": gettext_lazy("Buying-centre coverage"),
    "gaps": gettext_lazy("Buying-centre gaps"),
    "contact_gap_ratio": gettext_lazy("Contact gap against cadence"),
    "complaints": gettext_lazy("Complaints"),
    "complaint_severity": gettext_lazy("Complaint severity"),
    "sla_breaches": gettext_lazy("SLA breaches"),
    "csat": gettext_lazy("CSAT"),
    "csat_change": gettext_lazy("CSAT change"),
    "nps": gettext_lazy("NPS"),
    "nps_change": gettext_lazy("NPS change"),
    "competitor_moves": gettext_lazy("Competitor moves"),
}


class Unit(StrEnum):
    SHARE = "share"  # 0.35 → 35 %
    CHANGE = "change"  # −0.3 → −30 %
    RATIO = "ratio"  # 2.4 → 2.4×
    COUNT = "count"  # 4 → 4
    RATING = "rating"  # 3.2 → 3.2 / 5
    CHANGE_POINTS = "change_points"  # −0.8 → −0.8
    NUMBER = "number"  # 12.5 → 12.5


FACTOR_UNITS: dict[str, Unit] = {
    "revenue_trend": Unit.CHANGE,
    "recency_ratio": Unit.RATIO,
    "p_alive": Unit.SHARE,
    "share_of_wallet": Unit.SHARE,
    "class_rank": Unit.NUMBER,
    "class_drop": Unit.COUNT,
    "closeness": Unit.RATING,
    "coverage": Unit.SHARE,
    "gaps": Unit.COUNT,
    "contact_gap_ratio": Unit.RATIO,
    "complaints": Unit.COUNT,
    "complaint_severity": Unit.NUMBER,
    "sla_breaches": Unit.COUNT,
    "csat": Unit.RATING,
    "csat_change": Unit.CHANGE_POINTS,
    "nps": Unit.NUMBER,
    "nps_change": Unit.CHANGE_POINTS,
    "competitor_moves": Unit.COUNT,
}

MISSING = "—"


def factor_label(name: str) -> str:
    """The reader's label of a factor (§10), the name itself for one the table lacks."""
    label = FACTOR_LABELS.get(name)
    return str(label) if label is not None else name


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _change_points(value: float) -> str:
    text = _number(abs(value))
    if text == "0":
        return text
    return f"{MINUS if value < 0 else '+'}{text}"


_FORMATS: dict[Unit, Callable[[float], str]] = {
    Unit.SHARE: lambda value: f"{value * 100:.0f} %",
    Unit.CHANGE: signed_percent,
    Unit.RATIO: lambda value: f"{value:.1f}×",
    Unit.COUNT: lambda value: f"{value:.0f}",
    Unit.RATING: lambda value: _("%(value)s / 5") % {"value": f"{value:.1f}"},
    Unit.CHANGE_POINTS: _change_points,
    Unit.NUMBER: _number,
}


def factor_value_text(name: str, value: float | None) -> str:
    """A factor's value in its unit: share_of_wallet 0.35 → "35 %", recency_ratio 2.4 →
    "2.4×", complaints 4 → "4", csat 3.2 → "3.2 / 5"; a missing value as a dash."""
    if value is None or not math.isfinite(value):
        return MISSING
    return _FORMATS[FACTOR_UNITS.get(name, Unit.NUMBER)](float(value))
