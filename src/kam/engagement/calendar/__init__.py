"""Planned activities as iCalendar (RFC 5545): a per-user feed at a secret URL and an
invitation per activity (issue 18 part 2)."""
