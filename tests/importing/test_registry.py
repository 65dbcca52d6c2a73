"""The importer registry: kinds found by name, unknown ones named with those there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from kam.importing import registry
from kam.importing.registry import Importer, ImportRequest, UnknownKind, importer_for, register
from kam.importing.results import RowsResult


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_importers", {})


def _importer(kind: str) -> Importer:
    return Importer(
        kind=kind,
        label=kind.title(),
        aliases={"code": ("code", "customer")},
        required=("code",),
        load=lambda request: RowsResult("imported", rows_read=1),
        summary=lambda result: [f"{result.rows_read} row(s)"],
    )


def test_a_registered_importer_is_found_by_its_kind() -> None:
    widgets = register(_importer("widgets"))

    found = importer_for("widgets")

    assert found is widgets
    assert found.fields == ("code",)
    assert (
        found.load(ImportRequest(actor=None, path=Path("x.csv"), file_name="x.csv")).rows_read == 1
    )


def test_an_unknown_kind_names_the_kinds_there_are() -> None:
    register(_importer("widgets"))
    register(_importer("gadgets"))

    with pytest.raises(UnknownKind) as error:
        importer_for("gizmos")

    assert str(error.value) == "unknown import kind 'gizmos'; kam imports: widgets, gadgets"


def test_registering_again_replaces_and_keeps_the_order() -> None:
    register(_importer("widgets"))
    register(_importer("gadgets"))
    again = register(_importer("widgets"))

    assert registry.kinds() == ("widgets", "gadgets")
    assert importer_for("widgets") is again
