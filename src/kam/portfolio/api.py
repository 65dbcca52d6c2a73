"""API: the portfolio, snapshots, scoring, settings, playbooks, strategy, cost to serve."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.money import decimal_to_cents
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.portfolio.figures import with_row_figures
from kam.portfolio.models import (
    CostToServe,
    KeyProposalDecision,
    Playbook,
    ScoreRun,
    Snapshot,
    StrategyOverride,
)
from kam.portfolio.presenters import matrix_accounts
from kam.portfolio.schemas import (
    CostIn,
    CostOut,
    CostPatch,
    HistoryMonthOut,
    KeyProposalIn,
    KeyProposalOut,
    KeyProposalPendingOut,
    MatrixRegionOut,
    MatrixRegionQuery,
    PlaybookIn,
    PlaybookOut,
    PortfolioQuery,
    PortfolioRowOut,
    ScoreRunIn,
    ScoreRunOut,
    SettingsOut,
    SettingsPatch,
    SnapshotOut,
    SnapshotScope,
    StrategyOut,
    StrategyOverrideIn,
    StrategyOverrideOut,
)
from kam.portfolio.selectors import (
    AccountStrategy,
    HistoryMonth,
    MatrixRegion,
    PortfolioFilters,
    account_costs_to_serve,
    account_monthly_history,
    account_snapshots,
    account_strategy_with_pending,
    cost_to_serve_get,
    key_proposals_pending,
    matrix_region,
    playbook_get,
    playbooks,
    portfolio,
    portfolio_settings,
    score_run_get,
    settings_read,
    snapshot_dates,
    stored_dates,
)
from kam.portfolio.services.costs import (
    cost_to_serve_add,
    cost_to_serve_delete,
    cost_to_serve_update,
)
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_run_create, score_run_retry
from kam.portfolio.services.settings import settings_update
from kam.portfolio.services.strategy import (
    key_proposal_decide,
    strategy_override_set,
    strategy_override_withdraw,
)

router = Router(tags=["portfolio"])
accounts_router = Router(tags=["portfolio"])


@router.get("", response={200: list[PortfolioRowOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_portfolio(request: Any, filters: Query[PortfolioQuery]) -> QuerySet[Snapshot]:
    """One row per account (or group) as of the latest snapshot on or before `as_of`, with
    the buying centre's latest overall closeness, coverage and gap count (§7)."""
    rows = portfolio(actor=request.user, filters=PortfolioFilters(**filters.dict()))[1]
    return with_row_figures(rows)


@router.get("/matrix", response={200: MatrixRegionOut, ERROR_CODES: ErrorOut})
def list_matrix_accounts(request: Any, query: Query[MatrixRegionQuery]) -> dict[str, Any]:
    """The visible accounts inside a rectangle of the matrix (§3), the largest first, and how
    many there are: what the matrix page loads when it is zoomed."""
    values = query.dict()
    limit = values.pop("limit")
    sides = {name: values.pop(name) for name in ("potential_min", "potential_max")}
    sides |= {name: values.pop(name) for name in ("contribution_min", "contribution_max")}
    region = {name: None if v is None else decimal_to_cents(v) for name, v in sides.items()}
    as_of, count, rows = matrix_region(
        actor=request.user,
        filters=PortfolioFilters(**values),
        region=MatrixRegion(**region),
        limit=limit,
    )
    items = matrix_accounts(rows, portfolio_settings())
    return {"as_of": as_of, "count": count, "items": items}


@router.get("/dates", response={200: list[dt.date], ERROR_CODES: ErrorOut})
def list_snapshot_dates(
    request: Any, scope: SnapshotScope = "entity", month_ends: bool = False
) -> list[dt.date]:
    """The dates scored in full, newest first; with `month_ends`, also every month end of the
    monthly history, which `GET /portfolio/matrix` accepts as `as_of` too."""
    if month_ends:
        return [stored.day for stored in stored_dates(scope=scope)]
    return snapshot_dates(scope=scope)


@router.post("/score", response={202: ScoreRunOut, ERROR_CODES: ErrorOut})
def start_score_run(request: Any, body: ScoreRunIn) -> Status[ScoreRun]:
    """Queue a scoring run (director, admin); `kam worker` carries it out."""
    run = score_run_create(actor=request.user, as_of=body.as_of, history=body.history, reason="api")
    return Status(202, run)


@router.get("/score/{run_id}", response={200: ScoreRunOut, ERROR_CODES: ErrorOut})
def get_score_run(request: Any, run_id: uuid.UUID) -> ScoreRun:
    return score_run_get(actor=request.user, run_id=run_id)


@router.post("/score/{run_id}/retry", response={202: ScoreRunOut, ERROR_CODES: ErrorOut})
def retry_score_run(request: Any, run_id: uuid.UUID) -> Status[ScoreRun]:
    """Queue a failed scoring run again (409 unless it failed)."""
    run = score_run_retry(actor=request.user, run=score_run_get(actor=request.user, run_id=run_id))
    return Status(202, run)


@router.get("/settings", response={200: SettingsOut, ERROR_CODES: ErrorOut})
def get_portfolio_settings(request: Any) -> dict[str, Any]:
    return settings_read()


@router.patch("/settings", response={200: SettingsOut, ERROR_CODES: ErrorOut})
def update_portfolio_settings(request: Any, body: SettingsPatch) -> dict[str, Any]:
    """Change thresholds and weights (director, admin); the portfolio is re-scored."""
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    settings_update(actor=request.user, **changes)
    return settings_read()


@router.get("/playbooks", response={200: list[PlaybookOut], ERROR_CODES: ErrorOut})
def list_playbooks(request: Any) -> QuerySet[Playbook]:
    return playbooks()


@router.put("/playbooks", response={200: PlaybookOut, ERROR_CODES: ErrorOut})
def update_playbook(request: Any, body: PlaybookIn) -> Playbook:
    """Rewrite one strategy's summary and tactics (director, admin)."""
    playbook = playbook_get(strategy=body.strategy)
    playbook_update(
        actor=request.user, playbook=playbook, summary=body.summary, tactics=body.tactics
    )
    return playbook_get(strategy=body.strategy)


@router.get("/proposals", response={200: list[KeyProposalPendingOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_key_proposals(request: Any) -> QuerySet[Snapshot]:
    """Accounts proposed as key, or key accounts due a review, not yet decided (§2, §6 R5)."""
    return key_proposals_pending(actor=request.user)


@accounts_router.get(
    "/{account_id}/snapshots", response={200: list[SnapshotOut], ERROR_CODES: ErrorOut}
)
@paginate(Page)
def list_account_snapshots(
    request: Any, account_id: PathId, scope: SnapshotScope = "entity"
) -> QuerySet[Snapshot]:
    account = account_get(actor=request.user, account_id=account_id)
    return account_snapshots(account=account, scope=scope).select_related("account")


@accounts_router.get(
    "/{account_id}/monthly-history", response={200: list[HistoryMonthOut], ERROR_CODES: ErrorOut}
)
def list_account_history(
    request: Any, account_id: PathId, scope: SnapshotScope = "entity"
) -> list[HistoryMonth]:
    """The account's month ends from the last back-fill (`kam score --history`), oldest first."""
    account = account_get(actor=request.user, account_id=account_id)
    return account_monthly_history(account=account, scope=scope)


@accounts_router.get("/{account_id}/strategy", response={200: StrategyOut, ERROR_CODES: ErrorOut})
def get_account_strategy(request: Any, account_id: PathId) -> AccountStrategy:
    """The account's strategy and the one that governs its work (docs/rules.md "Groups and
    their entities")."""
    return account_strategy_with_pending(
        account=account_get(actor=request.user, account_id=account_id)
    )


@accounts_router.post(
    "/{account_id}/strategy-override",
    response={201: StrategyOverrideOut, ERROR_CODES: ErrorOut},
)
def override_strategy(
    request: Any, account_id: PathId, body: StrategyOverrideIn
) -> Status[StrategyOverride]:
    account = account_get(actor=request.user, account_id=account_id)
    override = strategy_override_set(
        actor=request.user, account=account, strategy=body.strategy, reason=body.reason
    )
    return Status(201, override)


@accounts_router.delete(
    "/{account_id}/strategy-override", response={204: None, ERROR_CODES: ErrorOut}
)
def withdraw_strategy_override(request: Any, account_id: PathId) -> Status[None]:
    account = account_get(actor=request.user, account_id=account_id)
    strategy_override_withdraw(actor=request.user, account=account)
    return Status(204, None)


@accounts_router.post(
    "/{account_id}/key-proposal", response={201: KeyProposalOut, ERROR_CODES: ErrorOut}
)
def decide_key_proposal(
    request: Any, account_id: PathId, body: KeyProposalIn
) -> Status[KeyProposalDecision]:
    """The director confirms or declines a key-account proposal, with the reason (§2)."""
    account = account_get(actor=request.user, account_id=account_id)
    decision = key_proposal_decide(
        actor=request.user, account=account, decision=body.decision, reason=body.reason
    )
    return Status(201, decision)


@accounts_router.get(
    "/{account_id}/cost-to-serve", response={200: list[CostOut], ERROR_CODES: ErrorOut}
)
@paginate(Page)
def list_costs_to_serve(request: Any, account_id: PathId) -> QuerySet[CostToServe]:
    return account_costs_to_serve(account=account_get(actor=request.user, account_id=account_id))


@accounts_router.post("/{account_id}/cost-to-serve", response={201: CostOut, ERROR_CODES: ErrorOut})
def add_cost_to_serve(request: Any, account_id: PathId, body: CostIn) -> Status[CostToServe]:
    account = account_get(actor=request.user, account_id=account_id)
    return Status(201, cost_to_serve_add(actor=request.user, account=account, **body.dict()))


@accounts_router.patch(
    "/{account_id}/cost-to-serve/{cost_id}", response={200: CostOut, ERROR_CODES: ErrorOut}
)
def update_cost_to_serve(
    request: Any, account_id: PathId, cost_id: PathId, body: CostPatch
) -> CostToServe:
    account = account_get(actor=request.user, account_id=account_id)
    record = cost_to_serve_get(account=account, cost_id=cost_id)
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    return cost_to_serve_update(actor=request.user, record=record, **changes)


@accounts_router.delete(
    "/{account_id}/cost-to-serve/{cost_id}", response={204: None, ERROR_CODES: ErrorOut}
)
def delete_cost_to_serve(request: Any, account_id: PathId, cost_id: PathId) -> Status[None]:
    account = account_get(actor=request.user, account_id=account_id)
    cost_to_serve_delete(
        actor=request.user, record=cost_to_serve_get(account=account, cost_id=cost_id)
    )
    return Status(204, None)
