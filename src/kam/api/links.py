"""The OpenAPI links of the API: what a create answers leads to the operations on that thing.

A client (and schemathesis' state machine) follows them: POST /accounts answers an id, which
is the `account_id` of GET, PATCH and DELETE /accounts/{account_id}. Declared once here for
the whole API, by operation id, and added to the generated schema.
"""

from __future__ import annotations

from typing import Any

# source operation → (its status, link name, target operation, target parameter → expression)
_ACCOUNT = {"account_id": "$response.body#/id"}
_SAME_ACCOUNT = {"account_id": "$request.path.account_id"}
LINKS: dict[str, tuple[int, list[tuple[str, str, dict[str, str]]]]] = {
    "create_account": (
        201,
        [
            ("GetAccount", "get_account", _ACCOUNT),
            ("UpdateAccount", "update_account", _ACCOUNT),
            ("DeleteAccount", "delete_account", _ACCOUNT),
            ("AddCostToServe", "add_cost_to_serve", _ACCOUNT),
            ("AddNote", "add_note", _ACCOUNT),
            ("AddTeamMember", "add_team_member", _ACCOUNT),
            ("AddPotentialEstimate", "add_potential_estimate", _ACCOUNT),
        ],
    ),
    "add_cost_to_serve": (
        201,
        [
            (
                "UpdateCost",
                "update_cost_to_serve",
                {**_SAME_ACCOUNT, "cost_id": "$response.body#/id"},
            ),
            (
                "DeleteCost",
                "delete_cost_to_serve",
                {**_SAME_ACCOUNT, "cost_id": "$response.body#/id"},
            ),
        ],
    ),
    "add_note": (
        201,
        [("DeleteNote", "delete_note", {**_SAME_ACCOUNT, "note_id": "$response.body#/id"})],
    ),
    "add_team_member": (
        201,
        [
            (
                "RemoveTeamMember",
                "remove_team_member",
                {**_SAME_ACCOUNT, "member_id": "$response.body#/id"},
            )
        ],
    ),
    "create_token": (
        201,
        [("RevokeToken", "revoke_token", {"token_id": "$response.body#/id"})],
    ),
    "create_import": (
        202,
        # Not to its error report: a job that is still running has none (404).
        [("GetImport", "get_import", {"job_id": "$response.body#/id"})],
    ),
    "start_score_run": (
        202,
        [("GetScoreRun", "get_score_run", {"run_id": "$response.body#/id"})],
    ),
}


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with LINKS written into the responses of their source operations."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            declared = LINKS.get(operation.get("operationId", ""))
            if declared is None:
                continue
            status, links = declared
            response = operation["responses"][str(status)]
            response["links"] = {
                name: {"operationId": target, "parameters": parameters}
                for name, target, parameters in links
            }
    return schema
