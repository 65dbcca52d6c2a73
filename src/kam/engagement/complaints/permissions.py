"""What a user may do to a complaint (DOMAIN §13); the pages ask this, the services enforce
the same gates."""

from __future__ import annotations

from kam.org.permissions import can_govern, can_write, permission_alias

permission_alias("complaint_act", can_write)
permission_alias("complaint_settings_edit", can_govern)
