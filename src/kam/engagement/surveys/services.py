"""Writes of satisfaction surveys (DOMAIN §9): plans, responses from every entry point, and the
one-time public invitations."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_writable_by
from kam.core.dates import today
from kam.core.errors import Conflict, InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.engagement.surveys.alerting import survey_drops_refresh
from kam.engagement.surveys.models import (
    SCORE_FIELDS,
    ResponseSource,
    SurveyInvitation,
    SurveyMethod,
    SurveyPlan,
    SurveyResponse,
)
from kam.org.models import User, hash_token
from kam.org.permissions import require_write

ERROR_NO_SCORE = _("Give at least one score: NPS or a CSAT.")
ERROR_CONTACT_ELSEWHERE = _("This contact is not one of the account's people.")
ERROR_PLAN_ELSEWHERE = _("This survey plan belongs to another account.")
ERROR_NOT_WRITABLE = _("You may not change this account's surveys.")
ERROR_EXPIRY = _("A link stays open from 1 to 90 days.")
ERROR_LINK_CLOSED = _("This survey link is closed.")
INVITATION_PREFIX = "s_"
INVITATION_DAYS = 14
RESPONSE_FIELDS = (
    "plan_id",
    "contact_id",
    "responded_on",
    "method",
    *SCORE_FIELDS,
    "comments",
)
PLAN_FIELDS = ("purpose", "content", "schedule", "next_due_on", "method", "active")


def _contact_model() -> Any:
    # Contacts belong to relationships, on the same layer: reached by name, never imported.
    return apps.get_model("relationships", "Contact")


def _require_account(actor: User, account: Account) -> None:
    require_write(actor)
    if not accounts_writable_by(actor).filter(pk=account.pk).exists():
        raise PermissionDenied(str(ERROR_NOT_WRITABLE))


def _check_links(account: Account, contact_id: int | None, plan_id: int | None) -> None:
    if contact_id is not None and not (
        _contact_model().objects.filter(pk=contact_id, account_id=account.pk).exists()
    ):
        raise InvalidInput(str(ERROR_CONTACT_ELSEWHERE), field="contact_id")
    if plan_id is not None and not (
        SurveyPlan.objects.filter(pk=plan_id, account_id=account.pk).exists()
    ):
        raise InvalidInput(str(ERROR_PLAN_ELSEWHERE), field="plan_id")


def _check_scores(response: SurveyResponse) -> None:
    if all(getattr(response, name) is None for name in SCORE_FIELDS):
        raise InvalidInput(str(ERROR_NO_SCORE), field="nps")


@transaction.atomic
def survey_response_create(
    *,
    actor: User | None,
    account: Account,
    values: Mapping[str, Any],
    source: str = ResponseSource.PAGE,
) -> SurveyResponse:
    """Record one response (§9) and re-check the account's survey drop; `actor` None is the
    public form. Raises InvalidInput naming the field, PermissionDenied."""
    if actor is not None:
        _require_account(actor, account)
    response = SurveyResponse(account=account, entered_by=actor, source=source)
    for name in RESPONSE_FIELDS:
        if name in values:
            setattr(response, name, values[name])
    _check_links(account, response.contact_id, response.plan_id)
    _check_scores(response)
    full_clean_or_raise(response, exclude=["account", "plan", "contact", "entered_by"])
    save_as(actor, response)
    survey_drops_refresh([account.pk])
    return response


@transaction.atomic
def survey_response_update(
    *, actor: User, response: SurveyResponse, values: Mapping[str, Any]
) -> SurveyResponse:
    """Change the fields given (§9). Raises InvalidInput, PermissionDenied."""
    _require_account(actor, response.account)
    for name in RESPONSE_FIELDS:
        if name in values:
            setattr(response, name, values[name])
    _check_links(response.account, response.contact_id, response.plan_id)
    _check_scores(response)
    full_clean_or_raise(response, exclude=["account", "plan", "contact", "entered_by"])
    save_as(actor, response)
    survey_drops_refresh([response.account_id])
    return response


@transaction.atomic
def survey_response_delete(*, actor: User, response: SurveyResponse) -> None:
    """Remove a response entered in error; the drop alert follows the surveys left."""
    _require_account(actor, response.account)
    account_id = response.account_id
    delete_as(actor, response)
    survey_drops_refresh([account_id])


@transaction.atomic
def survey_responses_bulk_create(
    *, actor: User, responses: Iterable[SurveyResponse]
) -> list[SurveyResponse]:
    """The import's bulk path: rows validated by the importer, written in one statement per
    batch with their history, then the drops of the accounts concerned re-checked."""
    from simple_history.utils import bulk_create_with_history

    rows = list(responses)
    bulk_create_with_history(rows, SurveyResponse, default_user=actor, batch_size=1000)
    survey_drops_refresh({row.account_id for row in rows})
    return rows


def _set_contacts(plan: SurveyPlan, contact_ids: Iterable[int] | None) -> None:
    if contact_ids is None:
        return
    ids = sorted(set(contact_ids))
    found = list(
        _contact_model()
        .objects.filter(pk__in=ids, account_id=plan.account_id)
        .values_list("pk", flat=True)
    )
    if len(found) != len(ids):
        raise InvalidInput(str(ERROR_CONTACT_ELSEWHERE), field="contact_ids")
    plan.contacts.set(found)


@transaction.atomic
def survey_plan_create(
    *,
    actor: User,
    account: Account,
    values: Mapping[str, Any],
    contact_ids: Iterable[int] | None = None,
) -> SurveyPlan:
    """A survey plan for one account (§9: purpose, content, schedule, method, who)."""
    _require_account(actor, account)
    plan = SurveyPlan(account=account, created_by=actor)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    full_clean_or_raise(plan, exclude=["account", "created_by"])
    save_as(actor, plan)
    _set_contacts(plan, contact_ids)
    return plan


@transaction.atomic
def survey_plan_update(
    *,
    actor: User,
    plan: SurveyPlan,
    values: Mapping[str, Any],
    contact_ids: Iterable[int] | None = None,
) -> SurveyPlan:
    _require_account(actor, plan.account)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    full_clean_or_raise(plan, exclude=["account", "created_by"])
    save_as(actor, plan)
    _set_contacts(plan, contact_ids)
    return plan


@transaction.atomic
def survey_plan_delete(*, actor: User, plan: SurveyPlan) -> None:
    """Remove a plan; its responses stay, without a plan."""
    _require_account(actor, plan.account)
    delete_as(actor, plan)


@transaction.atomic
def survey_invitation_create(
    *,
    actor: User,
    account: Account,
    contact_id: int,
    plan_id: int | None = None,
    days: int = INVITATION_DAYS,
) -> tuple[SurveyInvitation, str]:
    """A one-time link to the public form for one contact (§9); the raw token is returned
    once and only its hash is stored. Raises InvalidInput, PermissionDenied."""
    _require_account(actor, account)
    _check_links(account, contact_id, plan_id)
    if not 1 <= days <= 90:
        raise InvalidInput(str(ERROR_EXPIRY), field="days")
    raw = INVITATION_PREFIX + secrets.token_urlsafe(32)
    invitation = SurveyInvitation(
        account=account,
        contact_id=contact_id,
        plan_id=plan_id,
        created_by=actor,
        token_hash=hash_token(raw),
        hint=raw[:8],
        expires_at=timezone_now() + dt.timedelta(days=days),
    )
    save_as(actor, invitation)
    return invitation, raw


@transaction.atomic
def survey_invitation_revoke(*, actor: User, invitation: SurveyInvitation) -> SurveyInvitation:
    """Close a link before it is used; revoking twice is harmless, an answered link stays."""
    _require_account(actor, invitation.account)
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone_now()
        save_as(actor, invitation, update_fields=["revoked_at"])
    return invitation


def survey_invitation_find(raw: str) -> SurveyInvitation | None:
    """The invitation a link's token names, open or not; None for an unknown token."""
    if not raw.startswith(INVITATION_PREFIX) or len(raw) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("account", "contact")
        .filter(token_hash=hash_token(raw))
        .first()
    )


def invitation_is_open(invitation: SurveyInvitation) -> bool:
    return (
        invitation.used_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > timezone_now()
    )


@transaction.atomic
def survey_invitation_answer(*, raw: str, values: Mapping[str, Any]) -> SurveyResponse:
    """The contact's answer through the public form (§9): records one response and spends the
    link. The link is claimed by one conditional UPDATE before anything is written, so two
    simultaneous submissions write one response. Raises Conflict for a closed or unknown
    link (nothing written), InvalidInput for bad scores (the link stays open)."""
    invitation = survey_invitation_find(raw)
    moment = timezone_now()
    if invitation is None:
        raise Conflict(str(ERROR_LINK_CLOSED))
    claimed = SurveyInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=moment
    ).update(used_at=moment)
    if claimed != 1:
        raise Conflict(str(ERROR_LINK_CLOSED))
    answer = {name: values.get(name) for name in (*SCORE_FIELDS, "comments")}
    answer["comments"] = answer["comments"] or ""
    response = survey_response_create(
        actor=None,
        account=invitation.account,
        values={
            **answer,
            "contact_id": invitation.contact_id,
            "plan_id": invitation.plan_id,
            "responded_on": today(),
            "method": SurveyMethod.WEB_FORM,
        },
        source=ResponseSource.PUBLIC_FORM,
    )
    invitation.used_at, invitation.response = moment, response
    save_as(None, invitation, update_fields=["used_at", "response"])
    return response
