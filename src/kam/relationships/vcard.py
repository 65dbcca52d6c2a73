"""The buying centre as vCard 4.0 (RFC 6350), out and in (DOMAIN §7 "channels").

Out: one card per contact, KIND:individual, with FN, N, ORG (the account's name; the department
as its unit), TITLE, ROLE (the buying role's name), EMAIL, TEL, ADR, NOTE, UID and REV, and
WeChat as X-WECHAT (RFC 6350 §6.10 extension: IMPP must hold a URI and WeChat has no registered
scheme). What only kam knows (the buying role's code, the §7 ratings, the last contact and the
day a person left) travels as X-KAM-* properties, so kam → kam keeps the whole person while
any other reader ignores them (§6.10). No reporting line: vCard has no "reports to".

In: `parse_vcards` reads vCard 2.1, 3.0 and 4.0 text into contact fields; writing them is the
services' (kam.relationships.services.vcards), whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import quopri
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from kam.core.choices import choice_lookup
from kam.core.errors import InvalidInput
from kam.importing.values import normalise_header
from kam.relationships.models import BuyingRole, Contact

CRLF = "\r\n"
# RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets, without the line break.
FOLD_AT = 75
# The UIDs' namespace: a contact's UID is the uuid5 of this site's name and its id, the
# same on every export, different between two kam sites.
UID_NAMESPACE = uuid.UUID("2b0f1c3e-6d1a-5b7e-9c1d-4f6a7e8b9c0d")
# kam's own properties: contact field → property name.
KAM_PROPERTIES = {
    "buying_role": "X-KAM-BUYING-ROLE",
    "influence": "X-KAM-INFLUENCE",
    "attitude": "X-KAM-ATTITUDE",
    "closeness": "X-KAM-CLOSENESS",
    "solution_approval": "X-KAM-SOLUTION-APPROVAL",
    "price_acceptance": "X-KAM-PRICE-ACCEPTANCE",
    "last_contact": "X-KAM-LAST-CONTACT",
    "left_on": "X-KAM-LEFT-ON",
}
WECHAT_PROPERTIES = ("X-WECHAT", "X-WEIXIN")
WECHAT_SCHEMES = ("weixin:", "wechat:")
# NUL and the other C0 controls but tab and line feed: no database field should hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _site() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    return hosts[0].lstrip(".") if hosts else "kam"


def contact_uid(contact: Contact) -> str:
    """The contact's vCard UID: stable across exports, unique to this site (RFC 6350 §6.7.6)."""
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{_site()}/contacts/{contact.pk}')}"


def escape(value: str) -> str:
    """A text value as RFC 6350 §3.4 writes it: backslash, comma, semicolon and line
    breaks escaped."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at FOLD_AT octets (RFC 6350 §3.2), never inside a UTF-8
    character; the continuation lines start with a space."""
    pieces: list[str] = []
    current, size, limit = "", 0, FOLD_AT
    for character in line:
        width = len(character.encode())
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, FOLD_AT - 1  # the leading space is an octet
        current += character
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _revisions(contacts: list[Contact]) -> dict[int, dt.datetime]:
    """Each contact's last change, from its history, in one query."""
    rows = (
        Contact.history.filter(id__in=[contact.pk for contact in contacts])
        .values("id")
        .annotate(last=Max("history_date"))
    )
    return {row["id"]: row["last"] for row in rows}


def _card(contact: Contact, revised: dt.datetime | None) -> list[str]:
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"UID:{contact_uid(contact)}",
        f"FN:{escape(contact.name)}",
        # kam keeps one name; splitting it into family and given names would be a guess.
        f"N:{escape(contact.name)};;;;",
    ]
    org = escape(contact.account.name)
    lines.append(f"ORG:{org};{escape(contact.department)}" if contact.department else f"ORG:{org}")
    if contact.title:
        lines.append(f"TITLE:{escape(contact.title)}")
    if contact.buying_role:
        lines.append(f"ROLE:{escape(str(contact.get_buying_role_display()))}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;VALUE=text;TYPE=work:{escape(contact.phone)}")
    if contact.wechat:
        lines.append(f"X-WECHAT:{escape(contact.wechat)}")
    if contact.address:
        lines.append(f"ADR;TYPE=work:;;{escape(contact.address)};;;;")
    if contact.notes:
        lines.append(f"NOTE:{escape(contact.notes)}")
    for field, name in KAM_PROPERTIES.items():
        value = getattr(contact, field)
        if value not in (None, ""):
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            lines.append(f"{name}:{escape(text)}")
    if revised is not None:
        lines.append(f"REV:{revised.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return lines


def contacts_vcard(contacts: Iterable[Contact]) -> str:
    """The contacts as one vCard 4.0 text (RFC 6350): CRLF line ends, folded lines (§7).

    Pass them with their account (`select_related("account")`): ORG is the account's name.
    Two queries whatever the number: the contacts and their last changes.
    """
    people = list(contacts)
    revisions = _revisions(people)
    lines = [line for contact in people for line in _card(contact, revisions.get(contact.pk))]
    return "".join(fold(line) + CRLF for line in lines)


def _unescape(value: str) -> str:
    out: list[str] = []
    characters = iter(value)
    for character in characters:
        if character != "\\":
            out.append(character)
            continue
        following = next(characters, "")
        out.append("\n" if following in {"n", "N"} else following)
    return "".join(out)


def _split(value: str, separator: str) -> list[str]:
    """`value` split on the separators that no backslash escapes (still escaped inside)."""
    parts, current, escaped = [], "", False
    for character in value:
        if escaped:
            current += character
            escaped = False
        elif character == "\\":
            current += character
            escaped = True
        elif character == separator:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return parts


def _outside_quotes(text: str, separator: str) -> list[str]:
    parts, current, quoted = [], "", False
    for character in text:
        if character == '"':
            quoted = not quoted
        if character == separator and not quoted:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return parts


class _Property:
    def __init__(self, name: str, params: dict[str, list[str]], value: str) -> None:
        self.name, self.params, self.value = name, params, value

    def param(self, key: str) -> list[str]:
        return [v.lower() for v in self.params.get(key, [])]

    def text(self) -> str:
        return _unescape(self.value).strip()

    def components(self) -> list[str]:
        return [_unescape(part).strip() for part in _split(self.value, ";")]


def _property(line: str) -> _Property | None:
    head, colon, value = line.partition(":")
    # A colon inside a quoted parameter value is not the end of the head.
    if head.count('"') % 2:
        pieces = _outside_quotes(line, ":")
        head, colon, value = pieces[0], ":", ":".join(pieces[1:])
    if not colon:
        return None
    name, *raw_params = _outside_quotes(head, ";")
    params: dict[str, list[str]] = {}
    for raw in raw_params:
        key, equals, values = raw.partition("=")
        if not equals:  # vCard 2.1: a bare type ("TEL;WORK;VOICE")
            key, values = "TYPE", key
        params.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in _outside_quotes(values, ",")
        )
    prop = _Property(name.rpartition(".")[2].strip().upper(), params, value)
    if "quoted-printable" in prop.param("ENCODING"):
        charset = (prop.params.get("CHARSET") or ["utf-8"])[0]
        try:
            prop.value = quopri.decodestring(value.encode()).decode(charset, errors="replace")
        except LookupError:
            prop.value = quopri.decodestring(value.encode()).decode("utf-8", errors="replace")
    return prop


def _lines(text: str) -> list[str]:
    """The content lines, unfolded (RFC 6350 §3.2; vCard 2.1's quoted-printable soft breaks)."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in {" ", "\t"} and lines:
            lines[-1] += raw[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + raw
        else:
            lines.append(raw)
    return [line for line in lines if line.strip()]


def _cards(text: str) -> list[list[_Property]]:
    cards: list[list[_Property]] = []
    current: list[_Property] | None = None
    for line in _lines(text):
        prop = _property(line)
        if prop is None:
            continue  # not a content line: ignored, as RFC 6350 readers do
        if prop.name == "BEGIN" and prop.text().upper() == "VCARD":
            current = []
        elif prop.name == "END" and prop.text().upper() == "VCARD":
            if current is not None:
                cards.append(current)
            current = None
        elif current is not None:
            current.append(prop)
    return cards


def _first(card: list[_Property], *names: str) -> _Property | None:
    found = [prop for prop in card if prop.name in names]
    # RFC 6350 §5.3: the lowest PREF wins; vCard 3.0 says TYPE=pref.
    found.sort(key=_preference)
    return found[0] if found else None


def _preference(prop: _Property) -> tuple[int, int]:
    pref = prop.param("PREF")
    rank = int(pref[0]) if pref and pref[0].isdigit() else 100
    return (0 if "pref" in prop.param("TYPE") else 1, rank)


def _name(card: list[_Property]) -> str:
    fn = _first(card, "FN")
    if fn is not None and fn.text():
        return fn.text()
    n = _first(card, "N")
    if n is None:
        return ""
    family, given = ([*n.components(), "", ""])[:2]
    joiner = "" if _CJK.search(family + given) else " "
    return joiner.join(part for part in (given, family) if part) if joiner else family + given


def _wechat(card: list[_Property]) -> str:
    own = _first(card, *WECHAT_PROPERTIES)
    if own is not None:
        return own.text()
    for prop in card:
        if prop.name != "IMPP":
            continue
        value = prop.text()
        service = prop.param("X-SERVICE-TYPE")
        if value.lower().startswith(WECHAT_SCHEMES):
            return value.partition(":")[2].lstrip("/")
        if {"wechat", "weixin"} & set(service):
            return value.partition(":")[2].lstrip("/") if ":" in value else value
    return ""


def _card_fields(card: list[_Property], roles: dict[str, str]) -> dict[str, str]:
    fields: dict[str, str] = {"name": _name(card)}
    org = _first(card, "ORG")
    if org is not None:
        fields["department"] = " / ".join(part for part in org.components()[1:] if part)
    for field, names in (("title", ("TITLE",)), ("email", ("EMAIL",)), ("phone", ("TEL",))):
        prop = _first(card, *names)
        if prop is not None:
            fields[field] = prop.text()
    if fields.get("phone", "").lower().startswith("tel:"):
        fields["phone"] = fields["phone"][4:]
    fields["wechat"] = _wechat(card)
    adr = _first(card, "ADR")
    if adr is not None:
        fields["address"] = ", ".join(part for part in adr.components() if part)
    fields["notes"] = "\n\n".join(p.text() for p in card if p.name == "NOTE" and p.text())
    role = _first(card, "ROLE")
    if role is not None and normalise_header(role.text()) in roles:
        # A ROLE naming no buying role ("Project lead") is a title's matter: left out.
        fields["buying_role"] = roles[normalise_header(role.text())]
    for field, name in KAM_PROPERTIES.items():
        prop = _first(card, name)
        if prop is not None:
            fields[field] = prop.text()
    return {field: value for field, value in fields.items() if value}


def parse_vcards(text: str) -> list[dict[str, str]]:
    """Each vCard of `text` (2.1, 3.0 or 4.0) as contact fields (§7): name, department (ORG's
    units), title, email, phone, wechat, address, notes, buying_role and kam's X-KAM-*
    values (ratings and dates as their text, for the services to validate); only the
    fields a card fills. Raises InvalidInput (field `file`) when there is no card or a card
    holds control characters."""
    cards = _cards(text)
    if not cards:
        raise InvalidInput(_("The file holds no vCard (BEGIN:VCARD … END:VCARD)."), field="file")
    roles = choice_lookup(BuyingRole)
    parsed = []
    for number, card in enumerate(cards, start=1):
        fields = _card_fields(card, roles)
        if any(_CONTROL.search(value) for value in fields.values()):
            raise InvalidInput(
                _("Card %(number)s holds control characters.") % {"number": number},
                field="file",
            )
        parsed.append(fields)
    return parsed


def decode_vcards(content: bytes) -> str:
    """The bytes of a .vcf file as text: UTF-8 (RFC 6350 §3.1), with or without a BOM, or
    UTF-16 with one; older exports from Chinese phones in GB18030."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")
