"""Writes to the buying centre (DOMAIN §7), one module per kind of thing written."""

from kam.relationships.phones import phone_key
from kam.relationships.services.contacts import (
    EDITABLE,
    DuplicateContact,
    contact_create,
    contact_delete,
    contact_mark_left,
    contact_mark_returned,
    contact_update,
    duplicate_of,
)
from kam.relationships.services.links import LINK_EDITABLE, link_add, link_remove, link_update
from kam.relationships.services.merging import contacts_merge
from kam.relationships.services.scores import (
    latest_scores,
    record_scores,
    scores_record_on_commit,
    scores_sweep,
)
from kam.relationships.services.vcards import VcardImport, contacts_import_vcards

__all__ = [
    "EDITABLE",
    "LINK_EDITABLE",
    "DuplicateContact",
    "VcardImport",
    "contact_create",
    "contact_delete",
    "contact_mark_left",
    "contact_mark_returned",
    "contact_update",
    "contacts_import_vcards",
    "contacts_merge",
    "duplicate_of",
    "latest_scores",
    "link_add",
    "link_remove",
    "link_update",
    "phone_key",
    "record_scores",
    "scores_record_on_commit",
    "scores_sweep",
]
