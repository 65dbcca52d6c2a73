"""Match a file's column names to kam's fields, case- and space-insensitively (no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kam.ledger.importing.messages import gettext_noop
from kam.ledger.importing.reading import FileRejected
from kam.ledger.importing.values import normalise_header

LEDGER_FIELDS: dict[str, tuple[str, ...]] = {
    "account_code": (
        "account_code",
        "account",
        "customer",
        "customer_code",
        "customer_no",
        "customer_number",
        "customer_id",
        "client",
        "client_code",
        "debtor",
        "sold_to",
        "客户编码",
        "客户代码",
        "客户编号",
        "客户",
    ),
    "account_name": ("account_name", "customer_name", "client_name", "name", "客户名称"),
    "date": (
        "date",
        "invoice_date",
        "document_date",
        "posting_date",
        "order_date",
        "billing_date",
        "日期",
        "开票日期",
        "单据日期",
        "发票日期",
        "过账日期",
    ),
    "amount": (
        "amount",
        "net_amount",
        "net",
        "net_value",
        "revenue",
        "sales",
        "value",
        "net_sales",
        "金额",
        "销售额",
        "不含税金额",
        "净额",
        "销售金额",
    ),
    "document": (
        "document",
        "document_no",
        "document_number",
        "invoice",
        "invoice_no",
        "invoice_number",
        "order",
        "order_no",
        "单据号",
        "发票号",
        "单号",
        "订单号",
    ),
    "line": (
        "line",
        "line_no",
        "line_number",
        "item",
        "item_no",
        "position",
        "pos",
        "行号",
        "项次",
    ),
    "product": (
        "product",
        "product_code",
        "sku",
        "material",
        "article",
        "item_code",
        "产品",
        "产品编码",
        "物料",
        "物料编码",
    ),
    "category": (
        "category",
        "product_category",
        "product_group",
        "group",
        "product_line",
        "产品类别",
        "类别",
        "产品线",
        "品类",
    ),
    "quantity": ("quantity", "qty", "units", "数量"),
    "cost": ("cost", "cost_amount", "cogs", "cost_of_goods", "成本", "成本金额"),
    "currency": ("currency", "curr", "currency_code", "币种", "货币"),
}
LEDGER_REQUIRED = ("account_code", "date", "amount")

ACCOUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "account_code", "customer_code", "customer", "客户编码", "客户代码"),
    "name": ("name", "account_name", "customer_name", "客户名称", "名称"),
    "legal_name": ("legal_name", "legal_entity", "法定名称", "公司全称"),
    "industry": ("industry", "行业"),
    "region": ("region", "区域", "地区"),
    "type": ("type", "account_type", "customer_type", "类型", "客户类型"),
    "size": ("size", "size_band", "规模"),
    "parent": ("parent", "parent_code", "group", "上级客户", "集团"),
    "owner": ("owner", "manager", "account_manager", "负责人", "客户经理"),
    "potential": ("potential", "potential_amount", "潜力"),
    "potential_date": ("potential_date", "estimated_on", "潜力日期"),
    "potential_source": ("potential_source", "source", "潜力来源"),
}
ACCOUNT_REQUIRED = ("code", "name")


@dataclass(frozen=True)
class ColumnMap:
    """kam field → index of the file's column."""

    columns: Mapping[str, int]

    def has(self, field: str) -> bool:
        return field in self.columns


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """`--map SRC=DST` options: the file's column SRC holds kam's field DST."""
    pairs: dict[str, str] = {}
    for option in options:
        source, separator, target = option.partition("=")
        if not separator or not source.strip() or not target.strip():
            raise FileRejected(
                gettext_noop("--map needs SOURCE=FIELD, not %(option)r"), option=option
            )
        pairs[source.strip()] = target.strip()
    return pairs


def match_columns(
    header: Sequence[str],
    fields: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    explicit: Mapping[str, str] | None = None,
) -> ColumnMap:
    """Map header columns to fields: explicit pairs first, then names and aliases.

    Raises FileRejected naming unknown targets, missing sources and missing required fields.
    """
    normalised = [normalise_header(name) for name in header]
    columns: dict[str, int] = {}
    for source, target in (explicit or {}).items():
        if target not in fields:
            raise FileRejected(
                gettext_noop("--map target %(target)r is not one of: %(fields)s"),
                target=target,
                fields=", ".join(fields),
            )
        key = normalise_header(source)
        if key not in normalised:
            raise FileRejected(
                gettext_noop(
                    "--map source %(source)r is not a column of the file (columns: %(columns)s)"
                ),
                source=source,
                columns=", ".join(header),
            )
        columns[target] = normalised.index(key)
    taken = set(columns.values())
    for field, aliases in fields.items():
        if field in columns:
            continue
        for alias in aliases:
            key = normalise_header(alias)
            if key in normalised and normalised.index(key) not in taken:
                columns[field] = normalised.index(key)
                taken.add(columns[field])
                break
    missing = [field for field in required if field not in columns]
    if missing:
        raise FileRejected(
            gettext_noop(
                "no column for %(missing)s; the file has: %(columns)s. "
                'Name the columns, e.g. --map "Kunde=account_code"'
            ),
            missing=", ".join(missing),
            columns=", ".join(header),
        )
    return ColumnMap(columns)
