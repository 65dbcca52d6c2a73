"""The reasons behind a drifting account, proposed from the records of the lower apps (DOMAIN
§10 "Reasons"): the last six months against the six before.

Each proposal names its §10 reason, a one-line summary, the records behind it (complaints,
survey responses, competitor moves, contacts who left) as the pages cite them, and the
figures that moved (what, from what to what). Every read goes through the lower apps'
selectors with the reader's visibility (§13), so a proposal never cites what its reader
cannot open.

What each reason reads:

- service quality decline: service and delivery complaints up, SLA breaches up, service
  CSAT down;
- competitor's preferential policy: competitor moves recorded in the window. Opportunities
  lost to a competitor are not read yet: kam records no deals so far;
- price: competitors' price cuts, price and billing complaints up, price CSAT down;
- relationship change: a decision maker or a champion (the sponsor) left, overall closeness
  down on the relationship series;
- product fit: product quality complaints up, product CSAT down;
- budget: kam keeps no customer-side budget signal, so the manager adds it by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kam.accounts.models import Account
from kam.core.months import month_add
from kam.engagement.competitors.models import CompetitorOffer
from kam.engagement.competitors.selectors import competitor_moves_visible_to
from kam.engagement.complaints.models import Category, Complaint
from kam.engagement.complaints.selectors import breached_q, complaints_visible_to
from kam.engagement.surveys.selectors import survey_responses_visible_to
from kam.org.models import User
from kam.relationships.models import Attitude, BuyingRole
from kam.relationships.selectors import account_contacts, account_score_series
from kam.risk.models import ReasonKind

WINDOW_MONTHS = 6
# A CSAT average (1–5) that fell by at least this much between the windows counts as down.
CSAT_DROP = 0.5
# Overall closeness (0–100) that fell by at least this much counts as down.
CLOSENESS_DROP = 10.0
# At most this many records cited per reason: the plan page lists them all.
MOST_EVIDENCE = 20

SERVICE_CATEGORIES = (Category.SERVICE, Category.DELIVERY)

# What each figure key means, as the plan page and the API name it.
FIGURE_LABELS: dict[str, Promise] = {
    "complaints": gettext_lazy("Service and delivery complaints"),
    "sla_breaches": gettext_lazy("Complaints that missed an SLA target"),
    "csat_service": gettext_lazy("Service CSAT (average, 1–5)"),
    "competitor_moves": gettext_lazy("Competitor moves recorded"),
    "price_cuts": gettext_lazy("Competitors' price cuts"),
    "price_complaints": gettext_lazy("Price and billing complaints"),
    "csat_price": gettext_lazy("Price CSAT (average, 1–5)"),
    "key_people_left": gettext_lazy("Decision makers and champions who left"),
    "closeness": gettext_lazy("Overall closeness (0–100)"),
    "product_complaints": gettext_lazy("Product quality complaints"),
    "csat_product": gettext_lazy("Product CSAT (average, 1–5)"),
}


@dataclass(frozen=True)
class Windows:
    """The two six-month windows compared: (before_from, recent_from] and (recent_from,
    until], both ending on the day (inclusive)."""

    before_from: dt.date
    recent_from: dt.date
    until: dt.date


@dataclass
class Proposal:
    """One reason proposed from evidence: `figures` maps a figure key to `{"from", "to"}`
    (before and recent window; None when nothing was measured)."""

    kind: str
    summary: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    first = month_add(day.replace(day=1), -months)
    following = month_add(first, 1)
    last = (following - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def windows_until(until: dt.date) -> Windows:
    recent_from = months_back(until, WINDOW_MONTHS)
    return Windows(months_back(recent_from, WINDOW_MONTHS), recent_from, until)


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _record(kind: str, pk: int, day: dt.date, label: str, url: str) -> dict[str, Any]:
    return {"type": kind, "id": pk, "date": day.isoformat(), "label": label[:200], "url": url}


def _figure(before: Any, after: Any) -> dict[str, Any]:
    return {"from": before, "to": after}


def _complaint_record(complaint: Complaint) -> dict[str, Any]:
    return _record(
        "complaint",
        complaint.pk,
        timezone.localdate(complaint.received_at),
        complaint.subject,
        reverse("complaint_detail", args=[complaint.pk]),
    )


@dataclass(frozen=True)
class _Complaints:
    before: int
    after: int
    recent: list[Complaint]

    def rose(self, text: str) -> list[str]:
        """``text`` filled with the two counts when the recent window has more."""
        if self.after <= self.before:
            return []
        return [text % {"before": self.before, "after": self.after}]


def _in_windows(rows: Any, w: Windows) -> _Complaints:
    """Complaints received in the earlier window (counted) and the recent one (listed)."""
    before = rows.filter(
        received_at__gte=_day_end(w.before_from), received_at__lt=_day_end(w.recent_from)
    ).count()
    recent = list(
        rows.filter(
            received_at__gte=_day_end(w.recent_from), received_at__lt=_day_end(w.until)
        ).order_by("-received_at", "-id")
    )
    return _Complaints(before, len(recent), recent)


def _complaints(
    actor: User, account: Account, w: Windows, categories: Sequence[str]
) -> _Complaints:
    rows = complaints_visible_to(actor).filter(account_id=account.pk, category__in=categories)
    return _in_windows(rows, w)


def _average(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 2) if known else None


@dataclass(frozen=True)
class _Scores:
    score: str
    before: float | None
    after: float | None
    recent: list[Any]

    @property
    def dropped(self) -> bool:
        return (
            self.before is not None
            and self.after is not None
            and (self.before - self.after >= CSAT_DROP)
        )

    def fell(self, text: str) -> list[str]:
        """``text`` filled with the two averages when the score dropped (§12)."""
        return [text % {"before": self.before, "after": self.after}] if self.dropped else []

    def records(self, account: Account) -> list[dict[str, Any]]:
        """The recent responses as evidence, when the drop is part of the reason."""
        if not self.dropped:
            return []
        url = reverse("account_surveys", args=[account.pk])
        label = _("Survey response: %(score)s %(value)s of 5")
        name = str(FIGURE_LABELS.get(self.score, self.score)).split(" (")[0]
        return [
            _record(
                "survey_response",
                r.pk,
                r.responded_on,
                label % {"score": name, "value": getattr(r, self.score)},
                url,
            )
            for r in self.recent
        ]


def _csat(actor: User, account: Account, w: Windows, score: str) -> _Scores:
    rows = survey_responses_visible_to(actor).filter(
        account_id=account.pk, **{f"{score}__isnull": False}
    )
    before = rows.filter(responded_on__gt=w.before_from, responded_on__lte=w.recent_from)
    recent = list(
        rows.filter(responded_on__gt=w.recent_from, responded_on__lte=w.until).order_by(
            "-responded_on", "-id"
        )
    )
    return _Scores(
        score,
        _average(before.values_list(score, flat=True)),
        _average(getattr(r, score) for r in recent),
        recent,
    )


def _complaint_records(*groups: Iterable[Complaint]) -> list[dict[str, Any]]:
    cited = {c.pk: c for group in groups for c in group}
    return [_complaint_record(c) for c in cited.values()]


def _service_quality(actor: User, account: Account, w: Windows) -> Proposal | None:
    complaints = _complaints(actor, account, w, SERVICE_CATEGORIES)
    every = complaints_visible_to(actor).filter(account_id=account.pk)
    breaches = _in_windows(every.filter(breached_q(timezone.now())), w)
    csat = _csat(actor, account, w, "csat_service")
    parts = (
        complaints.rose(_("service and delivery complaints rose from %(before)s to %(after)s"))
        + breaches.rose(_("SLA breaches rose from %(before)s to %(after)s"))
        + csat.fell(_("service CSAT fell from %(before)s to %(after)s"))
    )
    if not parts:
        return None
    evidence = _complaint_records(complaints.recent, breaches.recent) + csat.records(account)
    return Proposal(
        ReasonKind.SERVICE_QUALITY,
        _sentence(parts),
        evidence[:MOST_EVIDENCE],
        {
            "complaints": _figure(complaints.before, complaints.after),
            "sla_breaches": _figure(breaches.before, breaches.after),
            "csat_service": _figure(csat.before, csat.after),
        },
    )


def _moves(actor: User, account: Account, w: Windows, offers: Sequence[str] | None = None) -> Any:
    rows = competitor_moves_visible_to(actor).filter(account_id=account.pk)
    if offers is not None:
        rows = rows.filter(offer__in=offers)
    before = rows.filter(seen_on__gt=w.before_from, seen_on__lte=w.recent_from).count()
    recent = list(
        rows.filter(seen_on__gt=w.recent_from, seen_on__lte=w.until).order_by("-seen_on", "-id")
    )
    return before, recent


def _move_records(account: Account, moves: Iterable[Any]) -> list[dict[str, Any]]:
    url = reverse("account_competitor_moves", args=[account.pk])
    offers = dict(CompetitorOffer.choices)
    return [
        _record(
            "competitor_move",
            m.pk,
            m.seen_on,
            f"{m.competitor}: {offers.get(m.offer, m.offer)}",
            url,
        )
        for m in moves
    ]


def _competitor_policy(actor: User, account: Account, w: Windows) -> Proposal | None:
    before, recent = _moves(actor, account, w)
    if not recent:
        return None
    competitors = sorted({m.competitor for m in recent})
    summary = ngettext(
        "%(count)s competitor move recorded in six months (%(names)s), %(before)s before",
        "%(count)s competitor moves recorded in six months (%(names)s), %(before)s before",
        len(recent),
    ) % {"count": len(recent), "names": ", ".join(competitors[:3]), "before": before}
    return Proposal(
        ReasonKind.COMPETITOR_POLICY,
        summary,
        _move_records(account, recent)[:MOST_EVIDENCE],
        {"competitor_moves": _figure(before, len(recent))},
    )


def _price(actor: User, account: Account, w: Windows) -> Proposal | None:
    cuts_before, cuts = _moves(actor, account, w, [CompetitorOffer.PRICE_CUT])
    complaints = _complaints(actor, account, w, [Category.PRICE_BILLING])
    csat = _csat(actor, account, w, "csat_price")
    parts: list[str] = []
    if cuts:
        parts.append(
            ngettext("%(count)s competitor price cut", "%(count)s competitor price cuts", len(cuts))
            % {"count": len(cuts)}
        )
    parts += complaints.rose(_("price and billing complaints rose from %(before)s to %(after)s"))
    parts += csat.fell(_("price CSAT fell from %(before)s to %(after)s"))
    if not parts:
        return None
    evidence = (
        _move_records(account, cuts) + _complaint_records(complaints.recent) + csat.records(account)
    )
    return Proposal(
        ReasonKind.PRICE,
        _sentence(parts),
        evidence[:MOST_EVIDENCE],
        {
            "price_cuts": _figure(cuts_before, len(cuts)),
            "price_complaints": _figure(complaints.before, complaints.after),
            "csat_price": _figure(csat.before, csat.after),
        },
    )


def _closeness_at(series: list[Any], day: dt.date) -> float | None:
    known = [s for s in series if s.as_of <= day]
    value = known[-1].overall_closeness if known else None
    return round(value, 1) if value is not None else None


def _key_part(contact: Any) -> str:
    """What made the contact a key person for the rule: the decision, or the championing."""
    if contact.buying_role == BuyingRole.DECISION_MAKER:
        return str(contact.get_buying_role_display())
    return str(contact.get_attitude_display())


def _relationship_change(actor: User, account: Account, w: Windows) -> Proposal | None:
    key_people = account_contacts(actor, account.pk).filter(
        left_on__isnull=False, left_on__gt=w.before_from, left_on__lte=w.until
    )
    sponsor = [BuyingRole.DECISION_MAKER]
    champions = [Attitude.CHAMPION]
    left = [
        c
        for c in key_people.order_by("-left_on", "-id")
        if c.buying_role in sponsor or c.attitude in champions
    ]
    left_recent = [c for c in left if c.left_on and c.left_on > w.recent_from]
    left_before = len(left) - len(left_recent)
    series = list(account_score_series(actor, account.pk))
    closeness_before = _closeness_at(series, w.recent_from)
    closeness_now = _closeness_at(series, w.until)
    closeness_down = (
        closeness_before is not None
        and closeness_now is not None
        and closeness_before - closeness_now >= CLOSENESS_DROP
    )
    parts: list[str] = []
    if left_recent:
        parts.append(
            _("%(names)s left (decision maker or champion)")
            % {"names": ", ".join(c.name for c in left_recent[:3])}
        )
    if closeness_down:
        parts.append(
            _("overall closeness fell from %(before)s to %(after)s")
            % {"before": closeness_before, "after": closeness_now}
        )
    if not parts:
        return None
    evidence = [
        _record(
            "contact",
            c.pk,
            c.left_on or w.until,
            _("%(name)s left (%(role)s)") % {"name": c.name, "role": _key_part(c)},
            reverse("relationship_map_person", args=[account.pk, c.pk]),
        )
        for c in left_recent
    ]
    if closeness_down:
        latest = series[-1]
        evidence.append(
            _record(
                "relationship_score",
                latest.pk,
                latest.as_of,
                _("Relationship series: overall closeness %(value)s") % {"value": closeness_now},
                reverse("relationship_map", args=[account.pk]),
            )
        )
    return Proposal(
        ReasonKind.RELATIONSHIP_CHANGE,
        _sentence(parts),
        evidence[:MOST_EVIDENCE],
        {
            "key_people_left": _figure(left_before, len(left_recent)),
            "closeness": _figure(closeness_before, closeness_now),
        },
    )


def _product_fit(actor: User, account: Account, w: Windows) -> Proposal | None:
    complaints = _complaints(actor, account, w, [Category.PRODUCT_QUALITY])
    csat = _csat(actor, account, w, "csat_product")
    parts = complaints.rose(
        _("product quality complaints rose from %(before)s to %(after)s")
    ) + csat.fell(_("product CSAT fell from %(before)s to %(after)s"))
    if not parts:
        return None
    evidence = _complaint_records(complaints.recent) + csat.records(account)
    return Proposal(
        ReasonKind.PRODUCT_FIT,
        _sentence(parts),
        evidence[:MOST_EVIDENCE],
        {
            "product_complaints": _figure(complaints.before, complaints.after),
            "csat_product": _figure(csat.before, csat.after),
        },
    )


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return (text[:1].upper() + text[1:] + ".")[:500]


RULES = (_service_quality, _competitor_policy, _price, _relationship_change, _product_fit)


def propose_reasons(
    *, actor: User, account: Account, until: dt.date | None = None
) -> list[Proposal]:
    """The §10 reasons the account's records of the last six months support, against the six
    months before `until` (today by default), in §10's order; budget is never proposed (no
    customer-side signal is kept)."""
    w = windows_until(until or timezone.localdate())
    found = (rule(actor, account, w) for rule in RULES)
    return [proposal for proposal in found if proposal is not None]
