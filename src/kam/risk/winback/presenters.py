"""How reasons read on the pages (DOMAIN §10): their figures as rows and, on the account's risk
panel, a short card per reason with the first records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.org.models import User
from kam.risk.models import ReasonKind, ReasonStatus, WinBackPlan
from kam.risk.winback.evidence import FIGURE_LABELS, propose_reasons
from kam.risk.winback.selectors import plan_reasons

# How many records a reason shows on the risk panel; the plan page shows them all.
PANEL_EVIDENCE = 3


def figure_rows(figures: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """A reason's figures as the page lists them: (what, before, recent)."""
    return [
        (str(FIGURE_LABELS.get(key, key)), value.get("from"), value.get("to"))
        for key, value in figures.items()
        if isinstance(value, dict) and (value.get("from"), value.get("to")) != (None, None)
    ]


@dataclass(frozen=True)
class ReasonCard:
    """One reason as the risk panel tells it: what, how it stands, the records behind it."""

    label: str
    status: str
    status_label: str
    summary: str
    evidence: list[dict[str, Any]]
    more: int  # records behind it beyond those shown


def _card(
    kind: str, status: str, status_label: Any, summary: str, evidence: list[Any]
) -> ReasonCard:
    return ReasonCard(
        label=str(ReasonKind(kind).label),
        status=status,
        status_label=str(status_label),
        summary=summary,
        evidence=evidence[:PANEL_EVIDENCE],
        more=max(len(evidence) - PANEL_EVIDENCE, 0),
    )


def reason_cards(*, actor: User, account: Account, plan: WinBackPlan | None) -> list[ReasonCard]:
    """The reasons behind the account's risk (§10): the open plan's, as the manager decided
    them (rejected ones left out), or else those the records of the last six months support
    now, marked as proposed from the records."""
    if plan is not None:
        return [
            _card(r.kind, r.status, r.get_status_display(), r.summary, list(r.evidence))
            for r in plan_reasons(plan).exclude(status=ReasonStatus.REJECTED)
        ]
    return [
        _card(p.kind, "found", _("from the records"), p.summary, p.evidence)
        for p in propose_reasons(actor=actor, account=account)
    ]
