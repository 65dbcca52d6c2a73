"""The five strategies' playbooks as shipped: S1's example tactics in our words (§6).

The texts are translation keys: a tactic left as shipped shows in the reader's language, one
the director has rewritten shows as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

DEFAULT_PLAYBOOKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "acquisition": (
        _("Turn an important prospect into a customer."),
        (
            _(
                "Invite the customer to reference sites and to our plant, so they trust our strength."
            ),
            _("Hold technical exchanges so their engineers know our products."),
            _("Build relationships at senior level through every channel we have."),
            _(
                "Talk often with users and show how our product differs, to win support on the ground."
            ),
            _(
                "Offer attractive terms, such as payment periods or financing, to make us the easier choice."
            ),
        ),
    ),
    "promotion": (
        _("Lift a low-contribution customer to high contribution."),
        (
            _(
                "Present our full range of solutions and shape their short- and long-term plans with them."
            ),
            _("Learn their needs and annual budget early and plan ahead of the tenders."),
            _(
                "Understand what each person and unit inside the customer needs, and help them get the most value."
            ),
            _("Put pre-sales and solution work in early, and bid for this year's projects."),
        ),
    ),
    "retention": (
        _("Keep a high contributor and shut out competitors."),
        (
            _("Keep bringing new solutions and keep finding new needs."),
            _("Raise the service standard and personalise it, so the customer relies on us."),
            _("Give free or good-value products and services where they count."),
            _("Build business and technical moats that keep competitors out."),
            _("Win over opponents inside the customer and unite as many supporters as possible."),
        ),
    ),
    "win_back": (
        _("Recover a high-value customer who is drifting away."),
        (
            _("Find the real reasons the customer is drifting away and fix them one by one."),
            _("Find new supporters inside the customer and form an alliance."),
            _("Defuse the opposition, and act on what we learn."),
            _("Introduce new products and solutions to shift the focus."),
            _("Offer better prices and more personal service to show we mean it."),
        ),
    ),
    "wait_and_see": (
        _("Keep in touch with a low-potential, low-contribution customer and wait for an opening."),
        (
            _("Keep in regular touch and learn about their future project plans."),
            _("Analyse why potential and contribution are low, and wait for the opening."),
            _("Give advice and service within our means."),
            _("Review whether the account should stay a key account."),
        ),
    ),
}
