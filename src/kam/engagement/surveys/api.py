"""API: survey plans, responses, trends and one-time public links (DOMAIN §9)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.engagement.surveys.models import (
    ResponseSource,
    SurveyInvitation,
    SurveyPlan,
    SurveyResponse,
)
from kam.engagement.surveys.schemas import (
    InvitationCreatedOut,
    InvitationIn,
    InvitationOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanQuery,
    ResponseIn,
    ResponseOut,
    ResponsePatch,
    ResponseQuery,
    TrendOut,
)
from kam.engagement.surveys.selectors import (
    ResponseFilters,
    Trend,
    portfolio_nps,
    survey_invitation_get,
    survey_invitations_of,
    survey_plan_get,
    survey_plan_list,
    survey_response_get,
    survey_response_list,
    survey_trend,
)
from kam.engagement.surveys.services import (
    survey_invitation_create,
    survey_invitation_revoke,
    survey_plan_create,
    survey_plan_delete,
    survey_plan_update,
    survey_response_create,
    survey_response_delete,
    survey_response_update,
)

router = Router(tags=["surveys"])


def _trend(trend: Trend) -> dict[str, Any]:
    return {"months": trend.months, "responses": trend.responses, **trend.series}


@router.get("/survey-responses", response={200: list[ResponseOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_survey_responses(request: Any, filters: Query[ResponseQuery]) -> QuerySet[SurveyResponse]:
    """Responses of the accounts the reader sees, newest first."""
    return survey_response_list(actor=request.user, filters=ResponseFilters(**filters.dict()))


@router.post(
    "/accounts/{account_id}/survey-responses", response={201: ResponseOut, ERROR_CODES: ErrorOut}
)
def create_survey_response(
    request: Any, account_id: PathId, body: ResponseIn
) -> Status[SurveyResponse]:
    account = account_get(actor=request.user, account_id=account_id)
    response = survey_response_create(
        actor=request.user, account=account, values=body.dict(), source=ResponseSource.API
    )
    return Status(201, response)


@router.get("/survey-responses/{response_id}", response={200: ResponseOut, ERROR_CODES: ErrorOut})
def get_survey_response(request: Any, response_id: PathId) -> SurveyResponse:
    return survey_response_get(actor=request.user, response_id=response_id)


@router.patch("/survey-responses/{response_id}", response={200: ResponseOut, ERROR_CODES: ErrorOut})
def update_survey_response(
    request: Any, response_id: PathId, body: ResponsePatch
) -> SurveyResponse:
    """Change the fields sent; a score sent as null is cleared."""
    response = survey_response_get(actor=request.user, response_id=response_id)
    values = body.dict(exclude_unset=True)
    return survey_response_update(actor=request.user, response=response, values=values)


@router.delete("/survey-responses/{response_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_survey_response(request: Any, response_id: PathId) -> Status[None]:
    response = survey_response_get(actor=request.user, response_id=response_id)
    survey_response_delete(actor=request.user, response=response)
    return Status(204, None)


@router.get("/survey-plans", response={200: list[PlanOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_survey_plans(request: Any, filters: Query[PlanQuery]) -> QuerySet[SurveyPlan]:
    return survey_plan_list(actor=request.user, account_id=filters.account_id)


@router.post("/accounts/{account_id}/survey-plans", response={201: PlanOut, ERROR_CODES: ErrorOut})
def create_survey_plan(request: Any, account_id: PathId, body: PlanIn) -> Status[SurveyPlan]:
    account = account_get(actor=request.user, account_id=account_id)
    values = body.dict()
    contact_ids = values.pop("contact_ids")
    plan = survey_plan_create(
        actor=request.user, account=account, values=values, contact_ids=contact_ids
    )
    return Status(201, plan)


@router.get("/survey-plans/{plan_id}", response={200: PlanOut, ERROR_CODES: ErrorOut})
def get_survey_plan(request: Any, plan_id: PathId) -> SurveyPlan:
    return survey_plan_get(actor=request.user, plan_id=plan_id)


@router.patch("/survey-plans/{plan_id}", response={200: PlanOut, ERROR_CODES: ErrorOut})
def update_survey_plan(request: Any, plan_id: PathId, body: PlanPatch) -> SurveyPlan:
    plan = survey_plan_get(actor=request.user, plan_id=plan_id)
    values = body.dict(exclude_unset=True)
    contact_ids = values.pop("contact_ids", None)
    return survey_plan_update(actor=request.user, plan=plan, values=values, contact_ids=contact_ids)


@router.delete("/survey-plans/{plan_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_survey_plan(request: Any, plan_id: PathId) -> Status[None]:
    plan = survey_plan_get(actor=request.user, plan_id=plan_id)
    survey_plan_delete(actor=request.user, plan=plan)
    return Status(204, None)


@router.get("/accounts/{account_id}/survey-trend", response={200: TrendOut, ERROR_CODES: ErrorOut})
def get_account_survey_trend(request: Any, account_id: PathId) -> dict[str, Any]:
    """The account's surveys (one per calendar month): CSAT means and NPS per survey."""
    account = account_get(actor=request.user, account_id=account_id)
    return _trend(survey_trend(account=account))


@router.get("/survey-nps", response={200: TrendOut, ERROR_CODES: ErrorOut})
def get_portfolio_nps(request: Any) -> dict[str, Any]:
    """The reader's portfolio per month: every visible response of the month as one survey."""
    return _trend(portfolio_nps(actor=request.user))


@router.get(
    "/accounts/{account_id}/survey-invitations",
    response={200: list[InvitationOut], ERROR_CODES: ErrorOut},
)
@paginate(Page)
def list_survey_invitations(request: Any, account_id: PathId) -> QuerySet[SurveyInvitation]:
    account = account_get(actor=request.user, account_id=account_id)
    return survey_invitations_of(account)


@router.post(
    "/accounts/{account_id}/survey-invitations",
    response={201: InvitationCreatedOut, ERROR_CODES: ErrorOut},
)
def create_survey_invitation(
    request: Any, account_id: PathId, body: InvitationIn
) -> Status[SurveyInvitation]:
    """A one-time link to the public survey form; `link` is answered this once only."""
    account = account_get(actor=request.user, account_id=account_id)
    invitation, raw = survey_invitation_create(
        actor=request.user,
        account=account,
        contact_id=body.contact_id,
        plan_id=body.plan_id,
        days=body.days,
    )
    invitation.link = request.build_absolute_uri(reverse("survey_public", args=[raw]))  # type: ignore[attr-defined]
    return Status(201, invitation)


@router.post(
    "/survey-invitations/{invitation_id}/revoke",
    response={200: InvitationOut, ERROR_CODES: ErrorOut},
)
def revoke_survey_invitation(request: Any, invitation_id: PathId) -> SurveyInvitation:
    invitation = survey_invitation_get(actor=request.user, invitation_id=invitation_id)
    return survey_invitation_revoke(actor=request.user, invitation=invitation)
