"""The ledger's importer: ERP invoice or order lines (`kam import ledger`, the upload page,
`POST /imports`), its fields and the column names that mean them, registered at start-up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, ImportRequest, Option, register
from kam.importing.results import total_rows_skipped_text

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

FIELD_LABELS = {
    "account_code": gettext_noop("Customer code"),
    "account_name": gettext_noop("Customer name"),
    "date": gettext_noop("Date"),
    "amount": gettext_noop("Net amount"),
    "document": gettext_noop("Document number"),
    "line": gettext_noop("Line number"),
    "product": gettext_noop("Product"),
    "category": gettext_noop("Category"),
    "quantity": gettext_noop("Quantity"),
    "cost": gettext_noop("Cost"),
    "currency": gettext_noop("Currency"),
}


def _load_request(request: ImportRequest) -> Any:
    from kam.ledger.services import ledger_import  # the services read LEDGER_FIELDS from here

    return ledger_import(
        actor=request.actor,
        path=request.path,
        file_name=request.file_name,
        mapping=dict(request.mapping) if request.mapping else None,
        date_format=request.date_format,
        dry_run=request.dry_run,
        progress=request.progress,
        **request.options,
    )


def _summary(result: Any) -> list[str]:
    if result.status == "duplicate":
        return [result.message]
    read = _("%(count)s row(s) read; %(message)s.") % {
        "count": result.rows_read,
        "message": result.message,
    }
    if result.status == "imported":
        read += " " + _("Batch %(batch)s.") % {"batch": result.batch_id}
    lines = [read]
    if result.total_rows_skipped:
        lines.append(total_rows_skipped_text(result.total_rows_skipped))
    if result.accounts_created:
        shown = ", ".join(result.accounts_created[:20])
        more = len(result.accounts_created) - 20
        lines.append(
            _("New prospect accounts: %(codes)s") % {"codes": shown}
            + (" " + _("and %(count)s more") % {"count": more} if more > 0 else "")
        )
    return lines


LEDGER_IMPORTER = Importer(
    kind="ledger",
    label=gettext_noop("Sales ledger"),
    aliases=LEDGER_FIELDS,
    required=LEDGER_REQUIRED,
    load=_load_request,
    summary=_summary,
    options=(
        Option("delimiter", "--delimiter", "Force the CSV delimiter."),
        Option("encoding", "--encoding", "Force the text encoding (e.g. gb18030)."),
        Option(
            "create_accounts",
            "--no-create-accounts",
            "Reject unknown customer codes instead of creating prospects (only a director's, an"
            " administrator's or a system import creates them).",
            switch=True,
            default=True,
            label=gettext_noop(
                "Create unknown customers as prospects (directors and administrators)"
            ),
        ),
        SKIP_TOTAL_ROWS,
    ),
    labels=FIELD_LABELS,
    help="Import sales ledger (invoice or order) lines.",
    date_help="strptime form, e.g. %%d.%%m.%%Y",
    user_help="Record the import as this user.",
    anonymous=True,
)


def register_importers() -> None:
    """The ledger's importers (LedgerConfig.ready)."""
    register(LEDGER_IMPORTER)
