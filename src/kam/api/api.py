"""The NinjaAPI instance under /api/v1: routers, authentication and error answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from kam.accounts.api import requests_router as account_requests_router
from kam.accounts.api import router as accounts_router
from kam.alerts.api import router as alerts_router
from kam.api.auth import api_auth
from kam.api.links import add_links
from kam.core.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, database_busy
from kam.core.errors import DomainError
from kam.engagement.api import (
    activities_router,
    calendar_router,
    competitors_router,
    complaints_router,
    surveys_router,
    trainings_router,
)
from kam.ledger.api import router as ledger_router
from kam.org.api import router as org_router
from kam.portfolio.api import accounts_router as portfolio_accounts_router
from kam.portfolio.api import router as portfolio_router
from kam.relationships.api import contacts_router
from kam.relationships.api import map_router as relationship_map_router
from kam.relationships.services import DuplicateContact
from kam.risk.api import accounts_router as risk_accounts_router
from kam.risk.api import router as risk_router
from kam.risk.report_api import router as risk_report_router
from kam.risk.winback.api import router as win_back_router

LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


class KamAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # `list_accounts`, not `kam_accounts_api_list_accounts`: reads well in clients.
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return add_links(unique_response_codes(super().get_openapi_schema(**kwargs)))


def unique_response_codes(schema: Any) -> Any:
    """`schema` with each operation's responses keyed once per status, as text.

    ninja keys the statuses of `response=` by number and those of `openapi_extra` by the
    text the operation gave, so an operation that describes a response in both (a file
    download's content type) declared "200" twice in JSON, which YAML readers (Swagger UI)
    refuse as a duplicated mapping key. The extra's entry is merged into the generated one.
    """
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            merged: dict[str, Any] = {}
            for status, response in operation.get("responses", {}).items():
                merged[str(status)] = {**merged.get(str(status), {}), **response}
            operation["responses"] = merged
    return schema


api = KamAPI(
    title="kam API",
    version="1.0.0",
    description="Key account management: accounts, teams, potential, notes, tokens, the sales "
    "ledger, the portfolio (snapshots, settings, playbooks, strategy, cost to serve) and alerts.",
    auth=api_auth,
    urls_namespace="api-1.0.0",
)
api.add_router("/", org_router)
api.add_router("/accounts", accounts_router)
api.add_router("/account-requests", account_requests_router)
api.add_router("/", ledger_router)
api.add_router("/portfolio", portfolio_router)
api.add_router("/accounts", portfolio_accounts_router)
api.add_router("/alerts", alerts_router)
api.add_router("/", contacts_router)
api.add_router("/accounts", relationship_map_router)
api.add_router("/", surveys_router)
api.add_router("/complaints", complaints_router)
api.add_router("/", activities_router)
api.add_router("/", calendar_router)
api.add_router("/", trainings_router)
api.add_router("/", competitors_router)
api.add_router("/risk", risk_router)
api.add_router("/accounts", risk_accounts_router)
api.add_router("/win-back-plans", win_back_router)
api.add_router("/", risk_report_router)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if str(part) not in LOCATIONS]
    # ninja nests a body schema under its parameter name; drop it when it is the only wrapper.
    if len(parts) > 1 and parts[0] in {"body", "payload", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(tuple(error.get("loc", ()))), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or _("Invalid input.")
    return _error(request, 422, detail, errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return _error(request, exc.status, exc.message, errors)


@api.exception_handler(DuplicateContact)
def on_duplicate_contact(request: HttpRequest, exc: DuplicateContact) -> HttpResponse:
    """409 naming the field and the contact who already has it, so a client can merge."""
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    body = {"detail": exc.message, "errors": errors, "existing_id": exc.existing.pk}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication required: send a token or sign in."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, _("The request body is too large."))


@api.exception_handler(OperationalError)
def on_database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A write that met a held write lock (an import's merge): 503 with Retry-After; any
    other database failure stays a server error."""
    if not database_busy(exc):
        raise exc
    response = _error(request, 503, str(BUSY_MESSAGE))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
