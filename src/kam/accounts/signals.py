"""Signals other areas listen to, so accounts need not know them (ARCHITECTURE: one way)."""

from django.dispatch import Signal

# Sent inside the transaction of a manager's input that changes a computed figure (a potential
# estimate, a factor rating, the parent, the status, key status), with `account`, `cause` (a
# kam.portfolio RescoreCause value) and `actor`. Receivers that start work defer it with
# transaction.on_commit, so a rollback starts nothing.
account_inputs_changed = Signal()

# Sent inside the transaction that records a done activity (DOMAIN §7 "last contact", §9),
# with `contact_ids` (the customer's people who took part), `on` (the activity's date in the
# company's time zone) and `actor`. The app that owns the contacts moves their last contact
# forward; engagement, which records the activity, cannot import it.
contacts_met = Signal()
