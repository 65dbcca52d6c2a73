"""What a user may do to the portfolio, its settings and an account's strategy and costs
(DOMAIN §13); the portfolio pages ask these, the portfolio services enforce the same gates."""

from __future__ import annotations

from kam.org.permissions import can_govern, can_write, permission_alias

permission_alias("strategy_override", can_write)
permission_alias("cost_to_serve_add", can_write)
permission_alias("cost_to_serve_update", can_write)
permission_alias("cost_to_serve_delete", can_write)
permission_alias("costs_import", can_write)
permission_alias("portfolio_settings_edit", can_govern)
permission_alias("playbook_edit", can_govern)
permission_alias("key_proposal_decide", can_govern)
permission_alias("score_run_start", can_govern)
