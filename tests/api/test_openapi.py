"""The OpenAPI schema parses strictly, each status is declared once, and money is text.

Swagger UI reads the schema as YAML, which refuses a mapping key written twice; Python's
json.loads silently keeps the last one, so the strict reader here refuses duplicates.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import yaml
from django.test import Client

from kam.core.schemas import MONEY_PATTERN

pytestmark = pytest.mark.django_db

# Every money field the API answers (§2: exact amounts in the base currency).
MONEY_FIELDS = {
    ("PotentialOut", "amount"),
    ("LedgerLineOut", "amount"),
    ("LedgerLineOut", "cost"),
    ("LedgerLineOut", "original_amount"),
    ("MonthRevenueOut", "revenue"),
    ("CategoryRevenueOut", "revenue"),
    ("SalesOut", "trailing_12"),
    ("SalesOut", "previous_12"),
    ("SnapshotOut", "contribution"),
    ("SnapshotOut", "contribution_prev"),
    ("SnapshotOut", "margin"),
    ("SnapshotOut", "potential_estimate"),
    ("SnapshotOut", "potential"),
    ("SnapshotOut", "investment"),
    ("SnapshotOut", "trend_slope"),
    ("MatrixAccountOut", "potential"),
    ("MatrixAccountOut", "contribution"),
    ("MatrixAccountOut", "margin"),
    ("SettingsOut", "contribution_high"),
    ("SettingsOut", "contribution_medium"),
    ("SettingsOut", "potential_high"),
    ("SettingsOut", "potential_medium"),
    ("HistoryMonthOut", "contribution"),
    ("HistoryMonthOut", "potential"),
    ("CostOut", "amount"),
    ("CostOut", "rate"),
    ("RiskScoreOut", "contribution"),
    ("RiskScoreOut", "clv"),
    ("RiskScoreOut", "expected_spend"),
    ("AtRiskOut", "contribution"),
    ("AtRiskOut", "clv"),
    ("AtRiskOut", "expected_spend"),
    ("AtRiskOut", "expected_loss"),
}
# A churn factor's contribution is its push on the log-odds (§10), a number, not money.
NOT_MONEY_FIELDS = {("FactorOut", "contribution")}
# A pending proposal (a snapshot with its group) and a portfolio row (a snapshot with the
# relationship figures) have the snapshot's money fields.
MONEY_FIELDS |= {
    (row, name)
    for schema, name in MONEY_FIELDS
    if schema == "SnapshotOut"
    for row in ("KeyProposalPendingOut", "PortfolioRowOut")
}
# Words that name an amount of money in an answer's field, and words that, beside them, name
# something else (a share, a flag, a date, a level).
MONEY_WORDS = {"amount", "revenue", "contribution", "potential", "margin", "investment", "cost"}
NOT_MONEY = {
    "pct", "share", "ratio", "level", "relative", "band", "missing", "stale", "below", "on",
    "months", "t", "id", "ids", "kind", "count", "rule", "score", "flag", "age", "source",
    "label", "description", "currency", "class", "at", "name", "names", "code", "weight",
    "factors", "lines", "prev_pct",
}  # fmt: skip


class DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = Counter(key for key, _value in pairs)
    twice = sorted(key for key, count in keys.items() if count > 1)
    if twice:
        raise DuplicateKey(f"duplicated keys {twice} in {[key for key, _v in pairs]}")
    return dict(pairs)


def _strict_schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = json.loads(response.content, object_pairs_hook=_refuse_duplicates)
    return schema


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_schema_parses_with_a_reader_that_refuses_duplicated_keys(client: Client) -> None:
    # given the served schema / when it is read strictly, as JSON and as YAML
    schema = _strict_schema(client)
    as_yaml = yaml.load(yaml.safe_dump(schema), Loader=_StrictYamlLoader)  # noqa: S506

    # then both readings agree and every operation is there
    assert as_yaml == schema
    assert len(_operations(schema)) > 50


def test_a_yaml_reader_refuses_a_status_written_twice() -> None:
    # given the text Swagger UI choked on: one operation answering "200" twice
    text = '{"responses": {"200": {"description": "a"}, "200": {"description": "b"}}}'

    # then both strict readers refuse it (so the test above could fail)
    with pytest.raises(DuplicateKey):
        json.loads(text, object_pairs_hook=_refuse_duplicates)
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicated"):
        yaml.load(text, Loader=_StrictYamlLoader)  # noqa: S506


def test_every_operation_declares_each_status_once_as_text(client: Client) -> None:
    schema = _strict_schema(client)
    for path, method, operation in _operations(schema):
        statuses = list(operation["responses"])
        assert all(isinstance(status, str) for status in statuses), (path, method)
        assert len(set(statuses)) == len(statuses), (path, method, statuses)


def test_the_error_report_download_says_it_is_csv_and_keeps_its_errors(client: Client) -> None:
    responses = _strict_schema(client)["paths"]["/api/v1/imports/{job_id}/errors"]["get"][
        "responses"
    ]
    assert responses["200"]["content"] == {"text/csv": {}}
    assert responses["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def _money_branch(field: dict[str, Any]) -> dict[str, Any]:
    branches = [b for b in field.get("anyOf", [field]) if b.get("type") != "null"]
    assert len(branches) == 1, field
    return branches[0]


def test_every_money_field_is_a_decimal_string(client: Client) -> None:
    components = _strict_schema(client)["components"]["schemas"]
    for schema_name, field_name in sorted(MONEY_FIELDS):
        field = components[schema_name]["properties"][field_name]
        branch = _money_branch(field)
        assert branch["type"] == "string", (schema_name, field_name, field)
        assert branch["format"] == "decimal", (schema_name, field_name, field)
        assert branch["pattern"] == MONEY_PATTERN, (schema_name, field_name, field)


def test_no_answer_holds_money_the_list_above_does_not_name(client: Client) -> None:
    # A new money field must be declared MoneyOut (and listed): this catches one that is not.
    components = _strict_schema(client)["components"]["schemas"]
    for schema_name, schema in components.items():
        if not schema_name.endswith("Out"):
            continue
        for field_name in schema.get("properties", {}):
            words = set(field_name.split("_"))
            if (schema_name, field_name) in NOT_MONEY_FIELDS:
                continue
            if words & MONEY_WORDS and not words & NOT_MONEY:
                assert (schema_name, field_name) in MONEY_FIELDS, (schema_name, field_name)


class _StrictYamlLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping key written twice, as Swagger UI's does."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicated mapping key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
