"""The schema's OpenAPI links lead from each create to real operations on what it created."""

from __future__ import annotations

import re

from kam.api.api import api
from kam.api.links import LINKS


def _operations() -> dict[str, tuple[str, dict[str, object]]]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (path, operation)
        for path, methods in schema["paths"].items()
        for operation in methods.values()
    }


def test_every_link_names_an_operation_and_fills_its_path_parameters() -> None:
    operations = _operations()
    for source, (status, links) in LINKS.items():
        _path, operation = operations[source]
        written = operation["responses"][str(status)]["links"]  # type: ignore[index]
        assert set(written) == {name for name, _target, _parameters in links}
        for _name, target, parameters in links:
            target_path, _operation = operations[target]
            assert set(parameters) == set(re.findall(r"{(\w+)}", target_path)), target


def test_creating_an_account_links_to_reading_changing_and_deleting_it() -> None:
    _path, operation = _operations()["create_account"]
    links = operation["responses"]["201"]["links"]  # type: ignore[index]

    assert links["GetAccount"] == {
        "operationId": "get_account",
        "parameters": {"account_id": "$response.body#/id"},
    }
    assert {links[name]["operationId"] for name in ("UpdateAccount", "DeleteAccount")} == {
        "update_account",
        "delete_account",
    }
