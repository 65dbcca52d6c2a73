"""The portfolio report: one row per account (issue 4, `kam report portfolio`)."""

from __future__ import annotations

from collections.abc import Iterable

from kam.core.money import cents_to_decimal
from kam.portfolio.models import Snapshot

REPORT_COLUMNS = (
    "code",
    "name",
    "class",
    "potential",
    "contribution",
    "share_of_wallet",
    "contribution_level",
    "potential_level",
    "lifecycle",
    "strategy",
    "strategy_rule",
    "score",
    "key_status",
)


def key_status(row: Snapshot) -> str:
    """key, proposed (awaiting the director) or not key."""
    if row.is_key:
        return "key"
    return "proposed" if row.key_proposal else "not_key"


def report_rows(rows: Iterable[Snapshot]) -> list[dict[str, object]]:
    """Plain values per account: money in base currency units, shares as fractions."""
    return [
        {
            "code": row.account.code,
            "name": row.account.name,
            "class": row.account_class,
            "potential": cents_to_decimal(row.potential_cents),
            "contribution": cents_to_decimal(row.contribution_cents),
            "share_of_wallet": None
            if row.share_of_wallet is None
            else round(row.share_of_wallet, 6),
            "contribution_level": row.contribution_level,
            "potential_level": row.potential_level,
            "lifecycle": row.lifecycle,
            "strategy": row.strategy,
            "strategy_rule": row.strategy_rule,
            "score": None if row.score is None else round(row.score, 2),
            "key_status": key_status(row),
        }
        for row in rows
    ]
