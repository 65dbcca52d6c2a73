"""Status transitions: each state machine declares its allowed moves once, and every move is
one conditional UPDATE, so two racing writers cannot both make it (ARCHITECTURE names).

    IMPORT_JOB = StateMachine("import job", {"uploaded": {"queued"}, "queued": {"running"}})
    IMPORT_JOB.move(ImportJob.objects.filter(pk=job.pk), "running")

The next issues' workflows (alerts open → acknowledged → resolved, plans, deals) declare
theirs the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, TypeVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kam.core.errors import Conflict

M = TypeVar("M", bound=models.Model)


class StateMachine:
    """The allowed moves of one status field: a mapping from each state to the states it may
    move to. A state missing from the mapping (or mapped to nothing) is final."""

    def __init__(
        self, name: str | Promise, moves: Mapping[str, Set[str]], *, field: str = "status"
    ) -> None:
        self.name = name
        self.field = field
        self.moves: dict[str, frozenset[str]] = {
            str(state): frozenset(str(target) for target in targets)
            for state, targets in moves.items()
        }

    def can(self, current: str, target: str) -> bool:
        return str(target) in self.moves.get(str(current), frozenset())

    def allowed_from(self, target: str) -> frozenset[str]:
        """The states a row may be in to move to `target`."""
        return frozenset(state for state, targets in self.moves.items() if str(target) in targets)

    def check(self, current: str, target: str) -> None:
        """Raises Conflict (409) when the machine does not allow current → target."""
        if not self.can(current, target):
            raise self._refused(current, target)

    def move(self, rows: models.QuerySet[M], target: str, **fields: Any) -> int:
        """Move the rows to `target` (and set `fields`) in one UPDATE … WHERE status IN the
        states allowed to move there; returns how many moved. Raises Conflict when a row
        exists but stands in a state that may not move there (or another writer moved it
        first). Rows that do not exist move nowhere and raise nothing."""
        allowed = self.allowed_from(target)
        moved = rows.filter(**{f"{self.field}__in": allowed}).update(
            **{self.field: target}, **fields
        )
        if moved == 0:
            current = rows.values_list(self.field, flat=True).first()
            if current is not None:
                raise self._refused(current, target)
        return moved

    def move_instance(self, instance: M, target: str, **fields: Any) -> None:
        """`move` for one loaded row, which then carries its new status and fields."""
        manager = type(instance)._default_manager
        self.move(manager.filter(pk=instance.pk), target, **fields)
        setattr(instance, self.field, target)
        for name, value in fields.items():
            setattr(instance, name, value)

    def _refused(self, current: str, target: str) -> Conflict:
        return Conflict(
            _("A %(machine)s cannot move from %(current)s to %(target)s.")
            % {"machine": str(self.name), "current": current, "target": target},
            field=self.field,
        )
