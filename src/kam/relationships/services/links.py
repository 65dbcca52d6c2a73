"""Influence links between the people of one account (DOMAIN §7): who sways whom, besides
the reporting line — reports informally, trusts, opposes — with a strength of 1–3."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.signals import contacts_changed

LINK_EDITABLE = ("kind", "strength", "note")


def _ends(source: Contact, target: Contact) -> None:
    if source.account_id != target.account_id:
        raise InvalidInput(
            _("Both people of an influence link must be contacts of the same account."),
            field="target",
        )
    if source.pk == target.pk:
        raise InvalidInput(_("A contact cannot influence themselves."), field="target")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise InvalidInput(
            _("This contact was merged into another one; link the one that was kept."),
            field="target",
        )


@transaction.atomic
def link_add(
    *,
    actor: User,
    source: Contact,
    target: Contact,
    kind: str,
    strength: int = 2,
    note: str = "",
) -> InfluenceLink:
    """Record that `source` influences `target` in the way `kind` says (§7)."""
    require_write(actor)
    # As they are now, locked: a merge since the caller read them must not be linked around.
    ends = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = ends.get(source.pk, source), ends.get(target.pk, target)
    _ends(source, target)
    if InfluenceLink.objects.filter(source=source, target=target, kind=kind).exists():
        raise Conflict(
            _("This link between %(source)s and %(target)s is already on the map.")
            % {"source": source.name, "target": target.name},
            field="kind",
        )
    link = InfluenceLink(
        account_id=source.account_id,
        source=source,
        target=target,
        kind=kind,
        strength=strength,
        note=(note or "").strip(),
    )
    full_clean_or_raise(link, exclude=["account"], validate_unique=False)
    save_as(actor, link)
    contacts_changed.send(InfluenceLink, account=source.account, actor=actor)
    return link


@transaction.atomic
def link_update(*, actor: User, link: InfluenceLink, **changes: Any) -> InfluenceLink:
    """Change a link's kind, strength or note."""
    require_write(actor)
    unknown = set(changes) - set(LINK_EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]})
    link = InfluenceLink.objects.select_for_update().get(pk=link.pk)
    for name, value in changes.items():
        setattr(link, name, value.strip() if isinstance(value, str) and name == "note" else value)
    clash = InfluenceLink.objects.filter(
        source_id=link.source_id, target_id=link.target_id, kind=link.kind
    ).exclude(pk=link.pk)
    if clash.exists():
        raise Conflict(_("This link is already on the map."), field="kind")
    full_clean_or_raise(link, exclude=["account"], validate_unique=False)
    save_as(actor, link)
    contacts_changed.send(InfluenceLink, account=link.account, actor=actor)
    return link


@transaction.atomic
def link_remove(*, actor: User, link: InfluenceLink) -> None:
    """Take a link off the map; the history keeps it."""
    require_write(actor)
    # The deletion's history row copies the instance: as stored, not as the caller read it.
    link = InfluenceLink.objects.select_for_update().select_related("account").get(pk=link.pk)
    account = link.account
    delete_as(actor, link)
    contacts_changed.send(InfluenceLink, account=account, actor=actor)
