"""The sales ledger: invoice lines, import batches, monthly aggregates, exchange rates (§2).

Money is integer cents in the base currency, so sums are exact on SQLite and PostgreSQL alike.
Ledger lines are immutable bulk data: their history is the history of their import batch.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.accounts.models import Account
from kam.core.transitions import StateMachine
from kam.importing.messages import translated
from kam.importing.registry import UnknownKind, importer_for

M = TypeVar("M", bound=models.Model)


class ImportKind(models.TextChoices):
    LEDGER = "ledger", _("Sales ledger")
    ACCOUNTS = "accounts", _("Accounts")
    CONTACTS = "contacts", _("Contacts")


class BatchStatus(models.TextChoices):
    DONE = "done", _("Imported")
    UNDONE = "undone", _("Undone")
    # Its lines are still moving into the ledger in slices: not imported yet, so every
    # reader leaves them out (the hiding rule, `visible_batch_q`) until the batch turns DONE.
    MERGING = "merging", _("Being merged")


class ImportBatch(models.Model):
    """One imported file; a rejected file leaves no batch (all or nothing)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file hash"), max_length=64, db_index=True)
    file_size = models.BigIntegerField(_("file size"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DONE
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    lines_added = models.PositiveIntegerField(_("lines added"), default=0)
    lines_skipped = models.PositiveIntegerField(
        _("lines already present"),
        default=0,
        help_text=_("Lines whose document and line number were already in the ledger."),
    )
    accounts_created = models.PositiveIntegerField(_("accounts created"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"


# The hiding rule, declared once: rows (ledger lines, monthly totals) of a batch still
# MERGING are nobody's yet, so every reader leaves them out until the batch turns DONE (the
# import is all or nothing, kam.ledger.merging). The ORM applies it through the default
# managers below (`visible_batch_q`); raw SQL (kam.ledger.store) through `visible_batch_sql`.
# Deletes and cascades go through `_base_manager` and so still reach hidden rows, which is
# what a discarded merge or a deleted account needs.
def merging_batch_ids() -> models.QuerySet[ImportBatch, Any]:
    """The ids of the batches whose rows no reader sees (a subquery)."""
    return ImportBatch._base_manager.filter(status=BatchStatus.MERGING).values("pk")


def visible_batch_q() -> models.Q:
    """The hiding rule as a filter on a `batch` column (no batch: always visible)."""
    return ~models.Q(batch_id__in=merging_batch_ids())


def visible_batch_sql(alias: str = "") -> str:
    """The hiding rule as a SQL condition on `{alias}batch_id` (e.g. alias "l."): fixed SQL,
    no input in it."""
    merging = (
        f"SELECT id FROM {ImportBatch._meta.db_table} "  # noqa: S608
        f"WHERE status = '{BatchStatus.MERGING.value}'"
    )
    return f"({alias}batch_id IS NULL OR {alias}batch_id NOT IN ({merging}))"


class VisibleRowsManager(models.Manager[M]):
    """Rows as users see them: those of a batch still merging are left out (the hiding
    rule above). Cascades use the base manager and still reach them."""

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().filter(visible_batch_q())


# Lines and aggregates are bulk-loaded by millions. A database foreign key checks every row
# on its own (PostgreSQL: a trigger per row at commit, 7 s of a 1M-line import), so these
# tables carry none: the import resolves each account in its own transaction and locks the
# accounts it uses in one statement (store.lock_accounts); deletions cascade through the ORM.
class LedgerLine(models.Model):
    # The (account, month) index serves account lookups; a second one would slow bulk loads.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="ledger_lines",
        verbose_name=_("account"),
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("import batch"),
        db_constraint=False,
    )
    date = models.DateField(_("date"))
    month = models.DateField(_("month"), help_text=_("The first day of the line's month."))
    document = models.CharField(_("document"), max_length=64, blank=True)
    line = models.CharField(_("line"), max_length=32, blank=True)
    product = models.CharField(_("product"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    amount_cents = models.BigIntegerField(_("amount (base currency, cents)"))
    cost_cents = models.BigIntegerField(_("cost (base currency, cents)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    original_amount_cents = models.BigIntegerField(_("amount in the line's currency, cents"))

    objects = VisibleRowsManager["LedgerLine"]()

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "month"], name="ledger_line_account_month"),
        ]
        constraints = [
            # DOMAIN §2 / import: a line with a document and line number is keyed by them.
            models.UniqueConstraint(
                fields=["document", "line"],
                name="ledger_line_document_line_unique",
                condition=~models.Q(document="") & ~models.Q(line=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.document}/{self.line} {self.amount_cents / 100:.2f}"


class MonthlyAggregate(models.Model):
    """Account × month × category totals; the only ledger source analytics reads."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="monthly_aggregates", db_constraint=False
    )
    # The batch that wrote this group ahead while merging in slices (SQLite), so that it
    # shows only once that batch is imported; empty for totals written any other way.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    month = models.DateField()
    category = models.CharField(max_length=100, blank=True)
    revenue_cents = models.BigIntegerField()
    cost_cents = models.BigIntegerField(help_text="Sum of the costs of lines that carry one.")
    costed_revenue_cents = models.BigIntegerField(
        help_text="Revenue of the lines that carry a cost (DOMAIN §2 margin)."
    )
    lines = models.PositiveIntegerField()
    orders = models.PositiveIntegerField()

    objects = VisibleRowsManager["MonthlyAggregate"]()

    class Meta:
        verbose_name = _("monthly aggregate")
        verbose_name_plural = _("monthly aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "month", "category"], name="monthly_aggregate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m} {self.category}"


class ExchangeRate(models.Model):
    """Base-currency units per unit of `currency` in a month (DOMAIN §2 currencies)."""

    currency = models.CharField(_("currency"), max_length=3)
    month = models.DateField(_("month"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "month"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m} {self.rate}"


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for your check")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Already imported")
    DRY_RUN = "dry_run", _("Checked (dry run)")
    FAILED = "failed", _("Failed")


FINISHED_JOB_STATUSES = frozenset(
    {
        JobStatus.IMPORTED,
        JobStatus.REJECTED,
        JobStatus.DUPLICATE,
        JobStatus.DRY_RUN,
        JobStatus.FAILED,
    }
)

# The moves of an import job's status, declared once (kam.core.transitions).
IMPORT_JOB_STATUS = StateMachine(
    _("import job"),
    {
        JobStatus.UPLOADED: {JobStatus.QUEUED},
        JobStatus.QUEUED: {JobStatus.RUNNING, JobStatus.FAILED},
        # running → running: a worker that died mid-import left it running; the task starts over.
        JobStatus.RUNNING: {JobStatus.RUNNING} | FINISHED_JOB_STATUSES,
        # failed → queued: retried (the import is all-or-nothing, so a failed one left nothing).
        JobStatus.FAILED: {JobStatus.QUEUED},
    },
)


class ImportJob(models.Model):
    """An uploaded file waiting for, running or done with its background import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Any kind of the kam.importing registry: the apps that register importers declare them.
    kind = models.CharField(_("kind"), max_length=16, default=ImportKind.LEDGER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=300, editable=False)
    file_size = models.BigIntegerField(_("file size"))
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    rows_expected = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("import batch"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # The worker running the job (kam.core.workers): if it stops beating, the job is failed.
    worker_id = models.CharField(_("worker"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_JOB_STATUSES

    @property
    def kind_label(self) -> str:
        """The kind as its importer names it, in the active language."""
        try:
            return translated(importer_for(self.kind).label)
        except UnknownKind:
            return self.kind
