"""Engagement's entries in the account's timeline (kam.accounts.timeline, DOMAIN §9):
activities planned, held and cancelled with who took part, complaints opened and every move
of their log (status moves, assignments, escalations), survey responses with their scores,
trainings and competitor moves.

Each stream is one query a page (participants and attendees prefetched: one more each), keyset
on the moment that dates its rows, so a page costs the same whatever the account's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.accounts.timeline import (
    Cursor,
    Kind,
    day_start,
    entry_key,
    keyset,
    keyset_by_day,
    register_history,
    wants,
    who,
)
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus
from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer, MoveSource
from kam.engagement.complaints.models import ComplaintEvent, EventAction, Status
from kam.engagement.surveys.models import CSAT_FIELDS, SurveyResponse
from kam.engagement.trainings.models import Training, TrainingTopic

ACTIVITY, COMPLAINT, SURVEY, TRAINING, COMPETITOR = (
    "activity",
    "complaint",
    "survey",
    "training",
    "competitor",
)
KINDS = (
    Kind(ACTIVITY, gettext_lazy("activity"), "☎", "blue"),
    Kind(COMPLAINT, gettext_lazy("complaint"), "!", "red"),
    Kind(SURVEY, gettext_lazy("survey"), "☑", "teal"),
    Kind(TRAINING, gettext_lazy("training"), "✦", "violet"),
    Kind(COMPETITOR, gettext_lazy("competitor"), "⚑", "amber"),
)


def _names(people: Iterable[Any]) -> str:
    return ", ".join(sorted(str(getattr(p, "display_name", None) or p.name) for p in people))


def _activities(account: Account, limit: int, before: Cursor | None) -> Iterable[HistoryEntry]:
    rows: QuerySet[Activity] = (
        Activity.objects.filter(account=account)
        .select_related("owner")
        .prefetch_related("our_participants", "their_participants")
        .annotate(
            told_at=Case(
                When(status=ActivityStatus.DONE, done_at__isnull=False, then=F("done_at")),
                When(status=ActivityStatus.CANCELLED, then=F("updated_at")),
                default=F("created_at"),
            )
        )
    )
    link = reverse("account_activities", args=[account.pk])
    # Choices' labels once a page: get_FOO_display() hashes the lazy choices at every call.
    labels = {value: str(label).lower() for value, label in ActivityKind.choices}
    for activity in keyset(rows, "told_at", ACTIVITY, before)[:limit]:
        what = {"kind": labels.get(activity.kind, activity.kind), "subject": activity.subject}
        if activity.status == ActivityStatus.DONE:
            action = _("held a %(kind)s: %(subject)s") % what
        elif activity.status == ActivityStatus.CANCELLED:
            action = _("cancelled a %(kind)s: %(subject)s") % what
        else:
            action = _("planned a %(kind)s: %(subject)s") % what
        changes = []
        ours = _names(activity.our_participants.all())
        theirs = _names(activity.their_participants.all())
        if ours:
            changes.append(HistoryChange(_("our participants"), "", ours))
        if theirs:
            changes.append(HistoryChange(_("their participants"), "", theirs))
        if activity.status == ActivityStatus.PLANNED and activity.planned_for:
            changes.append(
                HistoryChange(_("planned for"), "", activity.planned_for.strftime("%Y-%m-%d %H:%M"))
            )
        yield HistoryEntry(
            activity.told_at,
            who(activity.owner),
            action,
            tuple(changes),
            ACTIVITY,
            activity.outcome if activity.status == ActivityStatus.DONE else "",
            key=entry_key(ACTIVITY, activity.pk),
            link=link,
        )


def _complaints(account: Account, limit: int, before: Cursor | None) -> Iterable[HistoryEntry]:
    events = ComplaintEvent.objects.filter(complaint__account=account).select_related(
        "complaint", "actor"
    )
    statuses = {value: str(label) for value, label in Status.choices}
    for event in keyset(events, "at", COMPLAINT, before)[:limit]:
        subject = {"subject": event.complaint.subject}
        changes: tuple[HistoryChange, ...] = ()
        if event.action == EventAction.CREATED:
            action = _("opened the complaint “%(subject)s”") % subject
        elif event.action == EventAction.ESCALATED:
            action = _("escalated the complaint “%(subject)s”") % subject
        elif event.action == EventAction.ASSIGNED:
            action = _("assigned the complaint “%(subject)s”") % subject
        elif event.action == EventAction.EDITED:
            action = _("edited the complaint “%(subject)s”") % subject
        else:
            action = _("moved the complaint “%(subject)s”") % subject
        if event.from_status or event.to_status:
            changes = (
                HistoryChange(
                    _("status"),
                    str(statuses.get(event.from_status, "—")) if event.from_status else "—",
                    str(statuses.get(event.to_status, "—")) if event.to_status else "—",
                ),
            )
        yield HistoryEntry(
            event.at,
            who(event.actor),
            action,
            changes,
            COMPLAINT,
            event.comment[:300],
            key=entry_key(COMPLAINT, event.pk),
            link=reverse("complaint_detail", args=[event.complaint_id]),
        )


def _surveys(account: Account, limit: int, before: Cursor | None) -> Iterable[HistoryEntry]:
    responses = SurveyResponse.objects.filter(account=account).select_related(
        "contact", "entered_by"
    )
    link = reverse("account_surveys", args=[account.pk])
    score_names = {
        name: str(getattr(SurveyResponse._meta.get_field(name), "verbose_name", name))
        for name in ("nps", *CSAT_FIELDS)
    }
    for response in keyset_by_day(responses, "responded_on", SURVEY, before)[:limit]:
        scores = [
            HistoryChange(label, "", str(value))
            for name, label in score_names.items()
            if (value := getattr(response, name)) is not None
        ]
        contact = response.contact
        action = (
            _("recorded %(name)s’s survey response") % {"name": contact.name}
            if contact is not None
            else _("recorded a survey response")
        )
        yield HistoryEntry(
            day_start(response.responded_on),
            who(response.entered_by),
            action,
            tuple(scores),
            SURVEY,
            key=entry_key(SURVEY, response.pk),
            link=link,
        )


def _trainings(account: Account, limit: int, before: Cursor | None) -> Iterable[HistoryEntry]:
    trainings = (
        Training.objects.filter(account=account)
        .select_related("created_by")
        .prefetch_related("attendees")
    )
    topics = {value: str(label) for value, label in TrainingTopic.choices}
    link = reverse("account_service", args=[account.pk]) + "#trainings"
    for training in keyset_by_day(trainings, "held_on", TRAINING, before)[:limit]:
        changes = [HistoryChange(_("trainer"), "", training.trainer)]
        attendees = _names(training.attendees.all())
        if attendees:
            changes.append(HistoryChange(_("attendees"), "", attendees))
        if training.feedback_score is not None:
            changes.append(HistoryChange(_("feedback (1–5)"), "", f"{training.feedback_score:.1f}"))
        yield HistoryEntry(
            day_start(training.held_on),
            who(training.created_by),
            _("held the training “%(title)s” (%(topic)s)")
            % {"title": training.title, "topic": topics.get(training.topic, training.topic)},
            tuple(changes),
            TRAINING,
            key=entry_key(TRAINING, training.pk),
            link=link,
        )


def _competitors(account: Account, limit: int, before: Cursor | None) -> Iterable[HistoryEntry]:
    moves = CompetitorMove.objects.filter(account=account).select_related("seen_by", "created_by")
    sources = {value: str(label) for value, label in MoveSource.choices}
    offers = {value: str(label).lower() for value, label in CompetitorOffer.choices}
    source_label = _("source")
    link = reverse("account_service", args=[account.pk]) + "#competitors"
    for move in keyset_by_day(moves, "seen_on", COMPETITOR, before)[:limit]:
        changes = [HistoryChange(source_label, "", sources.get(move.source, move.source))]
        if move.products:
            changes.append(HistoryChange(_("products concerned"), "", move.products))
        yield HistoryEntry(
            day_start(move.seen_on),
            who(move.seen_by or move.created_by),
            _("saw %(competitor)s offer: %(offer)s")
            % {"competitor": move.competitor, "offer": offers.get(move.offer, move.offer)},
            tuple(changes),
            COMPETITOR,
            move.description[:300],
            key=entry_key(COMPETITOR, move.pk),
            link=link,
        )


STREAMS = (
    (ACTIVITY, _activities),
    (COMPLAINT, _complaints),
    (SURVEY, _surveys),
    (TRAINING, _trainings),
    (COMPETITOR, _competitors),
)


def engagement_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Cursor | None = None
) -> list[HistoryEntry]:
    """The account's engagement, newest first, of the kinds asked, older than the cursor."""
    entries: list[HistoryEntry] = []
    for kind, stream in STREAMS:
        if wants(kinds, kind):
            entries.extend(stream(account, limit, before))
    return entries


def register_timeline() -> None:
    register_history("engagement", engagement_history, KINDS)
