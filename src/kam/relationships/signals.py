"""Signals other parts listen to, so the services need not know them."""

from django.dispatch import Signal

# Sent inside the transaction of every change to an account's buying centre (a contact
# created, edited, left, merged; a link added or removed), with `account` and `actor`.
# Receivers that start work defer it with transaction.on_commit, so a rollback starts nothing.
contacts_changed = Signal()
