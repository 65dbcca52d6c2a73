"""Writes of the portfolio, one module per area: scoring, settings, strategy, playbooks,
costs."""
