"""The strategy playbooks and their tactics (§6)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kam.core.errors import InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_governing
from kam.portfolio.models import Playbook, Tactic


@transaction.atomic
def playbook_update(
    *, actor: User, playbook: Playbook, summary: str | None = None, tactics: list[str] | None = None
) -> Playbook:
    """Rewrite a playbook's summary and tactics (director, admin; §6); unchanged tactics keep
    their rows and history. Raises PermissionDenied and InvalidInput."""
    require_governing(actor, _("edit playbooks"))
    if summary is not None:
        playbook.summary = summary.strip()
        if not playbook.summary:
            raise InvalidInput(_("A playbook needs a summary."), field="summary")
        full_clean_or_raise(playbook)
        save_as(actor, playbook)
    if tactics is not None:
        texts = [text.strip() for text in tactics if text.strip()]
        if not texts:
            raise InvalidInput(_("A playbook needs at least one tactic."), field="tactics")
        existing = list(playbook.tactics.order_by("position", "id"))
        for position, text in enumerate(texts):
            tactic = existing[position] if position < len(existing) else Tactic(playbook=playbook)
            if tactic.pk and (tactic.text, tactic.position) == (text, position):
                continue
            tactic.text, tactic.position = text, position
            full_clean_or_raise(tactic)
            save_as(actor, tactic)
        for tactic in existing[len(texts) :]:
            delete_as(actor, tactic)
    return playbook
