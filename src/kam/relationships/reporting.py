"""Reporting lines as a tree (DOMAIN §7 "reports-to"): the one rule that refuses a cycle.

Pure Python over a mapping of contact → whom they report to, so the services (one change)
and the contacts import (a whole file against what kam holds) ask the same question.
"""

from __future__ import annotations

from collections.abc import Mapping


def reporting_cycle(
    reports_to: Mapping[int, int | None], contact: int, boss: int | None
) -> list[int] | None:
    """The cycle that `contact` reporting to `boss` would close, as the chain of contacts from
    `contact` back to itself (`[contact, boss, …, contact]`), or None when the lines stay a tree.
    `reports_to` is every other line in force; a line already cyclic in it is not followed
    forever."""
    if boss is None:
        return None
    chain = [contact, boss]
    seen = {contact}
    current: int | None = boss
    while current is not None:
        if current == contact:
            return chain
        if current in seen:
            return None  # an older cycle above, not closed by this line
        seen.add(current)
        current = reports_to.get(current)
        if current is not None:
            chain.append(current)
    return None


def cycles_in(reports_to: Mapping[int, int | None]) -> list[list[int]]:
    """Every cycle among the lines (each once, as a chain starting at its smallest id)."""
    found: list[list[int]] = []
    done: set[int] = set()
    for start in sorted(reports_to):
        path: list[int] = []
        on_path: dict[int, int] = {}
        current: int | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = reports_to.get(current)
        if current is not None and current in on_path:
            cycle = path[on_path[current] :]
            first = cycle.index(min(cycle))
            found.append([*cycle[first:], *cycle[:first], min(cycle)])
        done.update(path)
    return found
