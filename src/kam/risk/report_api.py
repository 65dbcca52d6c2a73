"""API: the intervention report (DOMAIN §10), over the accounts the caller sees (§13)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from kam.core.schemas import ERROR_CODES, ErrorOut
from kam.risk.report import intervention_report
from kam.risk.report_presenters import report_payload
from kam.risk.report_schemas import InterventionQuery, InterventionReportOut

router = Router(tags=["risk"])


@router.get("/risk/interventions", response={200: InterventionReportOut, ERROR_CODES: ErrorOut})
def get_intervention_report(request: Any, query: Query[InterventionQuery]) -> dict[str, Any]:
    """At-risk accounts' churn rate and CSAT before and after, treated by a win-back plan
    against untreated, over the same window: the counts, the difference in differences with
    its 95 % interval, and whether the groups are too small to conclude."""
    return report_payload(intervention_report(actor=request.user, as_of=query.as_of))
