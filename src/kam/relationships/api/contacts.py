"""API: the buying centre's people and influence links (DOMAIN §7), and their vCards.

Every operation starts from the actor's accounts: another manager's account, contact or link
answers 404; a read-only role's write 403; a duplicate email or phone 409 with the existing
contact's id; a reporting cycle 422 naming `reports_to`.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.errors import InvalidInput
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    DuplicateOut,
    LeaveIn,
    LinkIn,
    LinkOut,
    LinkPatch,
    MergeIn,
    VcardImportOut,
)
from kam.relationships.selectors import (
    ContactFilters,
    account_contact,
    account_links,
    contact_get,
    contact_list,
    link_get,
)
from kam.relationships.services import (
    contact_create,
    contact_delete,
    contact_mark_left,
    contact_mark_returned,
    contact_update,
    contacts_import_vcards,
    contacts_merge,
    link_add,
    link_remove,
    link_update,
)
from kam.relationships.services.vcards import VcardImport
from kam.relationships.vcard import contacts_vcard, decode_vcards

router = Router(tags=["relationships"])
VCARD_TYPE = "text/vcard"
# What an upload may weigh: a few thousand cards, not a photo library.
MAX_VCARD_BYTES = 5 * 1024 * 1024
# A write that may meet a duplicate answers its 409 with the existing contact's id.
WRITE_ERRORS: dict[Any, Any] = {ERROR_CODES: ErrorOut, 409: DuplicateOut}


@router.get(
    "/accounts/{account_id}/contacts", response={200: list[ContactOut], ERROR_CODES: ErrorOut}
)
@paginate(Page)
def list_contacts(
    request: Any, account_id: PathId, filters: Query[ContactQuery]
) -> QuerySet[Contact]:
    """The account's people, in post first (merged duplicates are never listed)."""
    account = account_get(actor=request.user, account_id=account_id)
    return contact_list(
        actor=request.user, account_id=account.pk, filters=ContactFilters(**filters.dict())
    )


@router.post("/accounts/{account_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def create_contact(request: Any, account_id: PathId, body: ContactIn) -> Status[Contact]:
    account = account_get(actor=request.user, account_id=account_id)
    fields = body.dict()
    boss = fields.pop("reports_to_id")
    made = contact_create(actor=request.user, account=account, reports_to_id=boss, **fields)
    return Status(201, made)


@router.get("/contacts/{contact_id}", response={200: ContactOut, ERROR_CODES: ErrorOut})
def get_contact(request: Any, contact_id: PathId) -> Contact:
    return contact_get(actor=request.user, contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def update_contact(request: Any, contact_id: PathId, body: ContactPatch) -> Contact:
    """Change the fields sent; `reports_to_id` moves the reporting line (null: nobody)."""
    contact = contact_get(actor=request.user, contact_id=contact_id)
    return contact_update(actor=request.user, contact=contact, **body.dict(exclude_unset=True))


@router.delete("/contacts/{contact_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_contact(request: Any, contact_id: PathId) -> Status[None]:
    """Remove a contact entered by mistake (one who left is marked so instead)."""
    contact_delete(
        actor=request.user, contact=contact_get(actor=request.user, contact_id=contact_id)
    )
    return Status(204, None)


@router.post("/contacts/{contact_id}/leave", response={200: ContactOut, **WRITE_ERRORS})
def mark_contact_left(request: Any, contact_id: PathId, body: LeaveIn) -> Contact:
    """The person left the customer, on `left_on` (today when not sent)."""
    contact = contact_get(actor=request.user, contact_id=contact_id)
    return contact_mark_left(actor=request.user, contact=contact, left_on=body.left_on)


@router.post("/contacts/{contact_id}/return", response={200: ContactOut, **WRITE_ERRORS})
def mark_contact_returned(request: Any, contact_id: PathId) -> Contact:
    contact = contact_get(actor=request.user, contact_id=contact_id)
    return contact_mark_returned(actor=request.user, contact=contact)


@router.post("/contacts/{contact_id}/merge", response={200: ContactOut, **WRITE_ERRORS})
def merge_contacts(request: Any, contact_id: PathId, body: MergeIn) -> Contact:
    """Fold the `duplicate` into this contact, which is kept and answered; the duplicate is
    hidden with its history, its reports, line and links move here."""
    keep = contact_get(actor=request.user, contact_id=contact_id)
    duplicate = account_contact(
        actor=request.user,
        account_id=keep.account_id,
        contact_id=body.duplicate,
        field="duplicate",
    )
    return contacts_merge(actor=request.user, keep=keep, duplicate=duplicate)


@router.get(
    "/accounts/{account_id}/influence-links",
    response={200: list[LinkOut], ERROR_CODES: ErrorOut},
)
def list_influence_links(request: Any, account_id: PathId) -> QuerySet[InfluenceLink]:
    account = account_get(actor=request.user, account_id=account_id)
    return account_links(request.user, account.pk)


@router.post(
    "/accounts/{account_id}/influence-links", response={201: LinkOut, ERROR_CODES: ErrorOut}
)
def add_influence_link(request: Any, account_id: PathId, body: LinkIn) -> Status[InfluenceLink]:
    """`source_id` influences `target_id`, both contacts of this account (422 otherwise)."""
    account = account_get(actor=request.user, account_id=account_id)
    ends = {
        field: account_contact(
            actor=request.user, account_id=account.pk, contact_id=contact_id, field=field
        )
        for field, contact_id in (("source_id", body.source_id), ("target_id", body.target_id))
    }
    link = link_add(
        actor=request.user,
        source=ends["source_id"],
        target=ends["target_id"],
        kind=body.kind,
        strength=body.strength,
        note=body.note,
    )
    return Status(201, link)


@router.get("/influence-links/{link_id}", response={200: LinkOut, ERROR_CODES: ErrorOut})
def get_influence_link(request: Any, link_id: PathId) -> InfluenceLink:
    return link_get(actor=request.user, link_id=link_id)


@router.patch("/influence-links/{link_id}", response={200: LinkOut, ERROR_CODES: ErrorOut})
def update_influence_link(request: Any, link_id: PathId, body: LinkPatch) -> InfluenceLink:
    link = link_get(actor=request.user, link_id=link_id)
    return link_update(actor=request.user, link=link, **body.dict(exclude_unset=True))


@router.delete("/influence-links/{link_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_influence_link(request: Any, link_id: PathId) -> Status[None]:
    link_remove(actor=request.user, link=link_get(actor=request.user, link_id=link_id))
    return Status(204, None)


@router.get(
    "/accounts/{account_id}/contacts.vcf",
    response={200: None, ERROR_CODES: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The account's contacts as vCard 4.0 (RFC 6350).",
                "content": {VCARD_TYPE: {}},
            }
        }
    },
)
def export_contact_vcards(request: Any, account_id: PathId) -> HttpResponse:
    """Every contact of the account, in post or left, one vCard 4.0 each."""
    account = account_get(actor=request.user, account_id=account_id)
    contacts = contact_list(actor=request.user, account_id=account.pk, filters=ContactFilters())
    response = HttpResponse(
        contacts_vcard(contacts.select_related("account")),
        content_type=f"{VCARD_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{account.code}-contacts.vcf"
    )
    return response


def _upload(request: Any) -> bytes:
    """The uploaded file's bytes, or the body's; bounded by MAX_VCARD_BYTES."""
    if request.content_type.startswith("multipart/"):
        upload = request.FILES.get("file")
        size = (upload.size or 0) if upload is not None else 0
    else:
        upload, size = None, len(request.body)
    if size > MAX_VCARD_BYTES:
        raise InvalidInput(
            _("The file is larger than %(size)s MB.") % {"size": MAX_VCARD_BYTES // 2**20},
            field="file",
        )
    if upload is not None:
        return bytes(upload.read())
    return b"" if request.content_type.startswith("multipart/") else bytes(request.body)


@router.post(
    "/accounts/{account_id}/contacts.vcf",
    response={200: VcardImportOut, ERROR_CODES: ErrorOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                VCARD_TYPE: {"schema": {"type": "string"}},
            }
        }
    },
)
def import_contact_vcards(
    request: Any, account_id: PathId, update_existing: bool = False
) -> VcardImport:
    """Add the people of a .vcf file (multipart `file`, or a text/vcard body), whole or not at
    all: a card whose email or phone is already a contact's is refused as a duplicate unless
    `update_existing=true` (then it updates that contact); two cards for one person are
    refused; the errors name each card (`cards.<number>.<field>`)."""
    account = account_get(actor=request.user, account_id=account_id)
    content = _upload(request)
    return contacts_import_vcards(
        actor=request.user,
        account=account,
        text=decode_vcards(content),
        update_existing=update_existing,
    )
