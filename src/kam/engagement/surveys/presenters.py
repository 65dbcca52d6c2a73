"""Chart data of satisfaction surveys (DOMAIN §9), built for kam.js's "survey-trend" chart."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kam.engagement.surveys.alerts import DIMENSION_LABELS
from kam.engagement.surveys.selectors import Trend


def trend_chart(trend: Trend) -> dict[str, Any]:
    """CSAT dimensions on a 1–5 axis, NPS on its own −100 … 100 axis."""
    return {
        "months": trend.months,
        "responses": trend.responses,
        "csat": [
            {"key": key, "name": str(DIMENSION_LABELS[key]), "data": trend.series[key]}
            for key in ("product", "service", "delivery", "price", "relationship")
        ],
        "nps": {"name": str(DIMENSION_LABELS["nps"]), "data": trend.series["nps"]},
        "labels": {"csat": _("CSAT (1–5)"), "nps": _("NPS"), "responses": _("responses")},
    }


def latest_scores(trend: Trend) -> list[dict[str, Any]]:
    """The last survey's figure of each dimension beside the one before, for the tiles."""
    tiles = []
    for key, label in DIMENSION_LABELS.items():
        values = [v for v in trend.series[key] if v is not None]
        tiles.append(
            {
                "key": key,
                "label": label,
                "latest": values[-1] if values else None,
                "previous": values[-2] if len(values) > 1 else None,
                "nps": key == "nps",
            }
        )
    return tiles
