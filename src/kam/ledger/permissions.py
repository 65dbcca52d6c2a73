"""What a user may do to the sales ledger (DOMAIN §13); the import pages ask these, the ledger
services enforce the same gates."""

from __future__ import annotations

from kam.org.permissions import can_govern, can_write, permission_alias

permission_alias("ledger_import", can_write)
permission_alias("batch_undo", can_govern)
