"""API: trainings held for an account's people (DOMAIN §9, S2 step 7)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.engagement.trainings.models import Training
from kam.engagement.trainings.schemas import TrainingIn, TrainingOut, TrainingPatch, TrainingQuery
from kam.engagement.trainings.selectors import TrainingFilters, training_get, training_list
from kam.engagement.trainings.services import training_create, training_delete, training_update

router = Router(tags=["trainings"])


def _loaded(training: Training) -> Training:
    return Training.objects.prefetch_related("attendees").get(pk=training.pk)


@router.get("/trainings", response={200: list[TrainingOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_trainings(request: Any, filters: Query[TrainingQuery]) -> QuerySet[Training]:
    """The sessions of the accounts the reader sees, latest first; `date_from` and `date_to`
    (inclusive) bound the day each was held."""
    found = TrainingFilters(
        account_id=filters.account_id,
        topic=filters.topic or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return training_list(actor=request.user, filters=found)


@router.post("/trainings", response={201: TrainingOut, ERROR_CODES: ErrorOut})
def create_training(request: Any, body: TrainingIn) -> Status[Training]:
    """Record a session; each attendee must be a contact of the account."""
    values = body.dict()
    account = account_get(actor=request.user, account_id=values.pop("account_id"))
    attendees = values.pop("attendee_ids")
    made = training_create(
        actor=request.user, account=account, values=values, attendee_ids=attendees
    )
    return Status(201, _loaded(made))


@router.get("/trainings/{training_id}", response={200: TrainingOut, ERROR_CODES: ErrorOut})
def get_training(request: Any, training_id: PathId) -> Training:
    return _loaded(training_get(actor=request.user, training_id=training_id))


@router.patch("/trainings/{training_id}", response={200: TrainingOut, ERROR_CODES: ErrorOut})
def update_training(request: Any, training_id: PathId, body: TrainingPatch) -> Training:
    """Change the fields sent; `feedback_score` or `duration_hours` sent as null is cleared,
    `attendee_ids` replaces the attendees."""
    training = training_get(actor=request.user, training_id=training_id)
    values = body.dict(exclude_unset=True)
    attendees = values.pop("attendee_ids", None)
    training_update(actor=request.user, training=training, values=values, attendee_ids=attendees)
    return _loaded(training)


@router.delete("/trainings/{training_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_training(request: Any, training_id: PathId) -> Status[None]:
    training = training_get(actor=request.user, training_id=training_id)
    training_delete(actor=request.user, training=training)
    return Status(204, None)
