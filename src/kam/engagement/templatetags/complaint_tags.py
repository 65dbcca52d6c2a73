"""How a complaint's SLA clock reads on the pages: "due in 3 h", "2 h late" (DOMAIN §9)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from kam.engagement.complaints.selectors import SlaClock

register = template.Library()

HOUR = 3600
TWO_DAYS = 48


def span_text(seconds: float) -> str:
    """Minutes under an hour, hours under two days, days beyond."""
    if seconds < HOUR:
        return _("%(n)s min") % {"n": max(1, round(seconds / 60))}
    hours = seconds / HOUR
    if hours < TWO_DAYS:
        return _("%(n)s h") % {"n": round(hours)}
    return _("%(n)s days") % {"n": round(hours / 24)}


@register.filter
def sla_clock_text(clock: SlaClock | None) -> str:
    """ "due in 3 h" or "2 h late" for the running clock; "" when none runs."""
    if clock is None:
        return ""
    seconds = clock.standing.left.total_seconds()
    if seconds < 0:
        return _("%(span)s late") % {"span": span_text(-seconds)}
    return _("due in %(span)s") % {"span": span_text(seconds)}


@register.filter
def sla_target_label(clock: SlaClock | None) -> str:
    if clock is None:
        return ""
    return _("to acknowledge") if clock.target == "acknowledge" else _("to resolve")


@register.filter
def hours_text(hours: float | None) -> str:
    """A report's hours: "—" for none, one decimal."""
    return "—" if hours is None else f"{hours:.1f}"


@register.filter
def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"
