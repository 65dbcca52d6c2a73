"""Signals other areas listen to, so the ledger need not know them."""

from django.dispatch import Signal

# Sent inside the transaction that changed the ledger (an import or an undo); receivers that
# start work should defer it with transaction.on_commit, so a rollback starts nothing.
ledger_changed = Signal()
