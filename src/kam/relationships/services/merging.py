"""Merging two records of one person (DOMAIN §7 duplicates): one contact is kept, the other
is folded into it and stays, hidden, with its whole history."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kam.core.errors import InvalidInput
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.reporting import reporting_cycle
from kam.relationships.services.contacts import EDITABLE
from kam.relationships.signals import contacts_changed


def _fold_values(keep: Contact, duplicate: Contact) -> None:
    """The kept contact's values, its blanks filled from the duplicate's."""
    for name in EDITABLE:
        if getattr(keep, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(keep, name, getattr(duplicate, name))
    if duplicate.last_contact and keep.last_contact and duplicate.last_contact > keep.last_contact:
        keep.last_contact = duplicate.last_contact
    if duplicate.notes and keep.notes and duplicate.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n\n{duplicate.notes}"[:5000]
    if keep.reports_to_id is None and duplicate.reports_to_id not in (None, keep.pk):
        # The lines as they will be: whoever reported to the duplicate reports to `keep`.
        lines = {
            pk: keep.pk if boss == duplicate.pk else boss
            for pk, boss in Contact.objects.filter(account_id=keep.account_id)
            .exclude(pk__in=[keep.pk, duplicate.pk])
            .values_list("id", "reports_to_id")
        }
        if reporting_cycle(lines, keep.pk, duplicate.reports_to_id) is None:
            keep.reports_to_id = duplicate.reports_to_id
    if keep.reports_to_id == duplicate.pk:
        keep.reports_to_id = duplicate.reports_to_id if duplicate.reports_to_id != keep.pk else None


@transaction.atomic
def contacts_merge(*, actor: User, keep: Contact, duplicate: Contact) -> Contact:
    """Fold `duplicate` into `keep` (§7): the kept contact's values win, its blanks take the
    duplicate's, the later last contact counts; the duplicate's reports, reporting line and
    influence links move to the kept contact (a link that would repeat one or point at
    itself is dropped); the duplicate stays, marked merged, so both histories remain."""
    require_write(actor)
    pair = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    if keep.pk == duplicate.pk or len(pair) != 2:
        raise InvalidInput(_("Choose two different contacts to merge."), field="duplicate")
    keep, duplicate = pair[keep.pk], pair[duplicate.pk]
    if keep.account_id != duplicate.account_id:
        raise InvalidInput(
            _("Only two contacts of the same account can be merged."), field="duplicate"
        )
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise InvalidInput(_("One of these contacts was merged already."), field="duplicate")

    _fold_values(keep, duplicate)
    save_as(actor, keep)

    for report in Contact.objects.filter(reports_to=duplicate).exclude(pk=keep.pk):
        report.reports_to = keep
        save_as(actor, report)
    existing = set(
        InfluenceLink.objects.filter(Q(source=keep) | Q(target=keep)).values_list(
            "source_id", "target_id", "kind"
        )
    )
    for link in InfluenceLink.objects.filter(Q(source=duplicate) | Q(target=duplicate)):
        source = keep.pk if link.source_id == duplicate.pk else link.source_id
        target = keep.pk if link.target_id == duplicate.pk else link.target_id
        if source == target or (source, target, link.kind) in existing:
            delete_as(actor, link)
            continue
        link.source_id, link.target_id = source, target
        existing.add((source, target, link.kind))
        save_as(actor, link)

    duplicate.merged_into = keep
    duplicate.reports_to = None
    save_as(actor, duplicate)
    contacts_changed.send(Contact, account=keep.account, actor=actor)
    return keep
