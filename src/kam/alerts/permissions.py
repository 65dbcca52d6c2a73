"""What a user may do to an alert (DOMAIN §13); the alerts page asks this, the alerts
services enforce the same gate."""

from __future__ import annotations

from kam.org.permissions import can_write, permission_alias

permission_alias("alert_acknowledge", can_write)
permission_alias("alert_resolve", can_write)
permission_alias("alert_assign", can_write)
permission_alias("alert_comment", can_write)
