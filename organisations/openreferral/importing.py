"""Importing Open Referral data as drafts for editors to check (DESIGN.md §9):
``manage.py import_openreferral`` and admin's upload page both run ``Importer``.

What it promises:

- **Drafts only.** An organisation it makes is a draft, never checked (``last_verified``
  empty), with its source and its id there, and an editor note saying where it came from.
  Nothing from a feed is public until an editor has checked it and published it.
- **Per-record errors.** A record without a name, with an id that is not a UUID, an unknown
  status, or an ``organization_id`` that points nowhere, is skipped and named with where it is;
  the rest import.
- **Idempotent, and editors win.** ``Imported.imported`` keeps each field as the last import set
  it. A field whose value differs from that was changed by an editor since: the import reports a
  conflict and leaves it alone. A second run of the same input changes nothing, not even a
  timestamp. On a published listing, a changed contact detail (phone, email, web address,
  hours) is held for an editor to check, never published by the import: it goes in the editor
  notes and the report. So is a new service of a published listing, made inactive, and a
  service the source has made active again.
- **Duplicates are flagged.** A new organisation with the charity number, the website's address
  or (in the same area) nearly the name of one already here is made with
  ``possible_duplicate_of`` set, for an editor to merge or clear.
- **Terms are mapped** (``term_map.json``, kept in the repository): this directory's own
  taxonomies by their ids, then URIs and names; each unmapped term is reported once with a count.
- **History.** A row an import makes records no version of its own, as seeding records none:
  its first version is the one history.py records just before an editor's first change, which
  is the row as imported. What an import changes in a row already here is a version, with the
  import named as the reason.
- **Bounded memory.** Records stream (reading.py) and are written ``CHUNK`` at a time, each chunk
  in its own transaction, with the directory's version moved once a chunk (a dry run is one
  transaction, rolled back). The tables are ANALYZEd at the end.

**Venues.** Each physical location of a service (its ``service_at_locations``, with the
location's ``addresses``, or ``physical_addresses`` as older feeds name them) becomes a ``Venue``
of the service's organisation, linked to the service, with its source and its id there: drafts
with their draft organisation. A venue is public with its organisation, so a published
listing's new venue, a new link to one and a change to one are held for an editor, never
published by the import. A location shared by two organisations at the source is a venue of
each (the second's id at the source is the location's and the organisation's). A location
without a first line of address, a town, or a UK postcode the directory can place (in the table
of districts, not the Channel Islands or the Isle of Man) is skipped, named in the report, and
the service imports without it; virtual locations are no venues, and say nothing. Coordinates
that are not a place in the UK (out of range, 0,0, abroad) are dropped: the venue then sits at
its postcode district's middle, marked approximate (``Venue.locate``).

Clean-up of what feeds really send: HTML descriptions become plain paragraphs, placeholder
emails (``…@noemail.invalid``, ``example.com``) and malformed addresses are dropped, a phone
number is taken out of text around it ("Bristol Youth MAPS: 0117 332 7111"), numbers written
in a description are listed in the editor notes to check, ages (-1 or not) and vendor fields
(``pc_metadata``) are ignored, and ``last_modified`` is read with or without a time zone.
"""

import difflib
import itertools
import json
import math
import re
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from ..caching.versioning import deferred_changes
from ..choices import Cost, FaithApproach, Referral, Status
from ..facets import LOOKUP_FACETS
from ..history import one_version
from ..lookups import load_lookups
from ..models import Organisation, Service, Venue
from ..near import districts, postcodes
from ..services import refresh_statistics
from . import reading, vocabulary
from .vocabulary import ONS_CODES

CHUNK = 500
SLUG_TRIES = 10  # slugs looked up at once when a name's is taken
TERM_MAP = Path(__file__).with_name("term_map.json")
STATUSES = {"active": True, "inactive": False, "defunct": False, "temporarily closed": False}
CHARITY_SCHEMES = {"GB-CHC", "GB-SC", "GB-NIC"}
# Addresses many organisations share: a match on one says nothing.
SHARED_HOSTS = {
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "linktr.ee",
    "youtube.com",
    "google.com",
    "sites.google.com",
    "wixsite.com",
    "wordpress.com",
    "eventbrite.co.uk",
    "justgiving.com",
}
SHARED_SUFFIXES = (".gov.uk", ".nhs.uk", ".nhs.net", ".sch.uk", ".ac.uk", ".police.uk")
PLACEHOLDER_DOMAINS = {"example.com", "example.org", "example.net", "example.co.uk"}
PLACEHOLDER_TLDS = {"invalid", "example", "test", "localhost", "local"}
# A UK phone number: +44 or 0, then ten digits with spaces, dashes or brackets between.
PHONE = re.compile(r"(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-)]*\d){8,9}")
NAME_WORDS_IGNORED = {"the", "ltd", "limited", "cic", "uk", "charity", "trust", "cio", "and", "of"}
SIMILAR_NAME = 0.9
SUMMARY_LENGTH = 400  # Organisation.summary
NOTE_PREFIX = "Import"

ORGANISATION_FIELDS = ["name", "summary", "description", "website", "email", "charity_number"]
SERVICE_FIELDS = [
    "name",
    "description",
    "url",
    "email",
    "phone",
    "hours",
    "cost",
    "cost_note",
    "faith_approach",
    "referral",
    "is_active",
]
FACET_FIELDS = [facet.param for facet in LOOKUP_FACETS]
LOOKUP_FACETS_BY_PARAM = {facet.param: facet for facet in LOOKUP_FACETS}
# Checked by the importer itself (the organisation, a free slug, a unique id at the source).
EXCLUDED = ["organisation", "slug", "source_id", "uuid"]
RELATION_OF = {facet.param: facet.relation for facet in LOOKUP_FACETS}
CONTACT_FIELDS = {"website", "email", "phone", "url", "hours"}
CHOICE_FIELDS = {"cost": Cost, "faith": FaithApproach, "referral": Referral}
FIELD_OF_CHOICE = {"cost": "cost", "faith": "faith_approach", "referral": "referral"}
VENUE_FIELDS = [
    "name",
    "address_1",
    "address_2",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "accessibility",
]
# Where a UK venue can be: a box around Great Britain and Northern Ireland (the Channel Islands
# and the Isle of Man, outside the coverage, are refused by their postcodes).
UK_LATITUDES = (49.8, 61.0)
UK_LONGITUDES = (-8.7, 2.0)
ADDRESS_KEYS = ("addresses", "physical_addresses", "physical_address", "address")
POSTAL_KEYS = ("postal_addresses", "postal_address")


class RecordError(Exception):
    """Why a record is skipped; ``where`` names the part of it at fault, when not all of it."""

    def __init__(self, message, where=""):
        super().__init__(message)
        self.where = where


# --- Cleaning what feeds send -------------------------------------------------------------------


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
    BLOCKS |= {"blockquote", "section", "article", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(value):
    """Text as plain paragraphs: HTML's tags gone, its entities read, one blank line between."""
    if not isinstance(value, str):
        return ""
    if "<" in value or "&" in value:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", value))
    return "\n\n".join(part for part in paragraphs if part)


def summary_of(description):
    """The first paragraph, cut at a sentence or a word to fit ``Organisation.summary``."""
    first = description.split("\n\n", 1)[0] if description else ""
    if len(first) <= SUMMARY_LENGTH:
        return first
    cut = first[: SUMMARY_LENGTH - 1]
    sentence = cut.rfind(". ")
    if sentence > SUMMARY_LENGTH // 2:
        return cut[: sentence + 1]
    return cut.rsplit(" ", 1)[0] + "…"


def text(value, limit=None):
    if value is None or isinstance(value, (dict, list)):
        return ""
    value = " ".join(str(value).split())
    return value[:limit] if limit else value


def host_of(url):
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_placeholder_email(address):
    domain = address.rsplit("@", 1)[-1].lower()
    local = address.split("@", 1)[0].lower()
    return (
        domain in PLACEHOLDER_DOMAINS
        or domain.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS
        or "noemail" in domain
        or local in {"noemail", "no-email", "none", "n/a", "na"}
    )


def phones_in(value):
    """The UK phone numbers written in ``value``, as written (spaces kept)."""
    if not isinstance(value, str):
        return []
    return [
        " ".join(match.group().replace("(", " ").replace(")", " ").split())
        for match in PHONE.finditer(value)
    ]


def normalised(value):
    return " ".join(re.sub(r"[^\w\s]", " ", str(value).lower().replace("&", " and ")).split())


def name_key(name):
    words = [word for word in normalised(name).split() if word not in NAME_WORDS_IGNORED]
    return " ".join(words)


def name_block(key):
    """Names compared for likeness share their first word and every number in them: "Mind in
    Bristol" may be "Mind Bristol", but "Group 2" is not "Group 3". It keeps the comparisons few
    when thousands of names start alike."""
    return key.split()[0], tuple(re.findall(r"\d+", key))


def parse_uuid(value, what):
    if not value:
        raise RecordError(f"{what} has no id")
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise RecordError(f"{what} id “{text(value, 60)}” is not a UUID") from None


# --- From a record to our fields ----------------------------------------------------------------


@dataclass
class Incoming:
    """What one record says, in this directory's fields."""

    source_id: str
    values: dict
    notes: list = field(default_factory=list)
    organisation: "Incoming | None" = None  # a service's, when the record holds it
    organisation_id: str = ""  # a service's organisation, by its id at the source
    where: str = ""
    locations: list = field(default_factory=list)  # a service's physical ones (Located)
    unplaced: list = field(default_factory=list)  # (where, why) of locations left out


@dataclass
class Located:
    """A physical location a service is delivered at, in ``Venue``'s fields."""

    source_id: str
    values: dict
    where: str


class Mapper:
    """Reads records into this directory's fields, counting what it had to leave out."""

    def __init__(self, report, lookups):
        self.report = report
        self.lookups = lookups
        self.terms_seen = {}  # id -> term object, from the input's own taxonomy terms
        own = vocabulary.terms(lookups)
        self.own_terms = {str(term.id): term for term in own}
        mapping = json.loads(TERM_MAP.read_text(encoding="utf-8"))
        self.by_uri = {normalised(k): v for k, v in mapping.get("uris", {}).items()}
        self.by_name = {normalised(k): v for k, v in mapping.get("names", {}).items()}
        self.by_english = {}
        for term in own:
            self.by_english.setdefault(normalised(term.name), f"{term.taxonomy.param}:{term.key}")
        self.areas_by_code = {code: slug for slug, code in ONS_CODES.items()}
        self.language_codes = {item.key for item in lookups["language"]}
        self.valid = {param: {item.key for item in lookups[param]} for param in FACET_FIELDS} | {
            param: set(choices.values) for param, choices in CHOICE_FIELDS.items()
        }

    # --- cleaning, with what was dropped counted

    def email(self, value, incoming):
        address = text(value, 254)
        if not address:
            return ""
        if is_placeholder_email(address):
            self.report.dropped["placeholder email"] += 1
            return ""
        try:
            EmailValidator()(address)
        except ValidationError:
            self.report.dropped["malformed email"] += 1
            incoming.notes.append(
                f"The source gave the email “{address}”, which is not an address."
            )
            return ""
        return address

    def url(self, value, incoming):
        address = text(value, 300)
        if not address:
            return ""
        if "://" not in address and "." in address and " " not in address:
            address = "https://" + address
        try:
            URLValidator(schemes=["http", "https"])(address)
        except ValidationError:
            self.report.dropped["malformed web address"] += 1
            incoming.notes.append(f"The source gave the web address “{address}”, which is not one.")
            return ""
        return address

    def description(self, value, incoming, label):
        described = plain_text(value)
        numbers = phones_in(described)
        if numbers:
            incoming.notes.append(
                f"{label}: its description gives the number(s) {', '.join(numbers)}: check "
                "them before publishing."
            )
        return described

    # --- organisations

    def organisation(self, data, where):
        try:
            return self._organisation(data, where)
        except RecordError as error:
            error.where = error.where or where
            raise

    def _organisation(self, data, where):
        if not isinstance(data, dict):
            raise RecordError("the organisation is not an object")
        source_id = parse_uuid(data.get("id"), "the organisation")
        name = text(data.get("name"), 200)
        if not name:
            raise RecordError("the organisation has no name")
        incoming = Incoming(source_id, {}, where=where)
        description = self.description(data.get("description"), incoming, name)
        incoming.values = {
            "name": name,
            "summary": summary_of(description),
            "description": description,
            "website": self.url(data.get("website") or data.get("url"), incoming),
            "email": self.email(data.get("email"), incoming),
            "charity_number": self.charity_number(data.get("organization_identifiers")),
        }
        return incoming

    @staticmethod
    def charity_number(identifiers):
        for identifier in identifiers if isinstance(identifiers, list) else []:
            if not isinstance(identifier, dict):
                continue
            scheme = text(identifier.get("identifier_scheme")).upper()
            kind = text(identifier.get("identifier_type")).lower()
            if scheme in CHARITY_SCHEMES or "charity" in kind:
                return text(identifier.get("identifier"), 40)
        return ""

    # --- services

    def service(self, data, where):
        source_id = parse_uuid(data.get("id"), "the service")
        name = text(data.get("name"), 200)
        if not name:
            raise RecordError("the service has no name")
        status = text(data.get("status")).lower() or "active"
        if status not in STATUSES:
            raise RecordError(f"the status “{text(data.get('status'), 40)}” is not one of HSDS's")
        organisation = None
        organisation_id = data.get("organization_id")
        if isinstance(data.get("organization"), dict) and data["organization"].get("id"):
            organisation = self.organisation(data["organization"], f"{where}/organization")
            organisation_id = organisation_id or organisation.source_id
        if not organisation_id:
            raise RecordError("the service names no organisation (organization_id)")
        organisation_id = parse_uuid(organisation_id, "the service's organisation")
        if organisation and organisation.source_id != organisation_id:
            raise RecordError("its organization_id and its organization's id differ")
        incoming = Incoming(source_id, {}, organisation=organisation, where=where)
        incoming.organisation_id = organisation_id
        self.modified(data.get("last_modified"), incoming)
        facets = {param: set() for param in FACET_FIELDS}
        choices = {}
        for param, key in self.tagged(data):
            if param in facets:
                facets[param].add(key)
            else:
                choices.setdefault(param, key)
        phone, other_numbers = self.phone(data)
        if other_numbers:
            incoming.notes.append(
                f"{name}: the source gives other numbers too: {', '.join(other_numbers)}."
            )
        cost, cost_note = self.cost(data, choices.get("cost"))
        incoming.values = {
            "name": name,
            "description": self.description(data.get("description"), incoming, name),
            "url": self.url(data.get("url"), incoming),
            "email": self.email(data.get("email"), incoming),
            "phone": phone,
            "hours": self.hours(data.get("schedules"), incoming, name),
            "cost": cost,
            "cost_note": cost_note,
            "faith_approach": choices.get("faith", FaithApproach.NOT_STATED),
            "referral": choices.get("referral", Referral.NOT_STATED),
            "is_active": STATUSES[status],
            **{param: sorted(keys) for param, keys in facets.items()},
        }
        self.locations(data.get("service_at_locations"), incoming, where)
        return incoming

    # --- venues

    def locations(self, links, incoming, where):
        """The service's physical locations, once each; what cannot be placed is named."""
        seen = set()
        for index, link in enumerate(links if isinstance(links, list) else []):
            here = f"{where}/service_at_locations/{index}/location"
            location = link.get("location") if isinstance(link, dict) else None
            if not isinstance(location, dict):
                incoming.unplaced.append((here, "no location is given, only its id"))
                continue
            if text(location.get("location_type")).lower() == "virtual":
                continue  # reached remotely: not a venue
            try:
                located = self.location(location, here)
            except RecordError as error:
                incoming.unplaced.append((here, str(error)))
                continue
            if located.source_id not in seen:
                seen.add(located.source_id)
                incoming.locations.append(located)

    def location(self, location, where):
        source_id = parse_uuid(location.get("id"), "the location")
        address = self.physical_address(location)
        if address is None:
            raise RecordError("the location has no address")
        address_1 = text(address.get("address_1"), 200)
        if not address_1:
            raise RecordError("its address has no first line (address_1)")
        town = text(address.get("city") or address.get("town"), 100)
        if not town:
            raise RecordError("its address has no town or city")
        given = text(address.get("postal_code") or address.get("postcode"), 40)
        postcode = self.postcode(given)
        latitude, longitude = self.coordinates(location)
        district = districts.find(postcodes.district_of(postcode))
        if district and (latitude, longitude) == (district.latitude, district.longitude):
            latitude = longitude = None  # the district's middle (as we export one): approximate
        if latitude is None and district is None:
            raise RecordError(
                f"its postcode “{given}” is in no postcode district the directory knows, and "
                "it gives no latitude and longitude"
            )
        notes = []
        for item in _objects(location.get("accessibility") or location.get("accessibilities")):
            for name in ("description", "accessibility", "details"):
                note = plain_text(item.get(name))
                if note and note not in notes:
                    notes.append(note)
        return Located(
            source_id,
            {
                "name": text(location.get("name"), 200),
                "address_1": address_1,
                "address_2": text(address.get("address_2"), 200),
                "town": town,
                "postcode": postcode,
                "latitude": latitude,
                "longitude": longitude,
                "accessibility": "\n\n".join(notes),
            },
            where,
        )

    @staticmethod
    def physical_address(location):
        """The location's physical address: one typed ``physical`` or untyped first, postal
        ones last (a post office box is no door)."""
        found = []
        for key in ADDRESS_KEYS + POSTAL_KEYS:
            value = location.get(key)
            items = [value] if isinstance(value, dict) else _objects(value)
            for item in items:
                kind = text(item.get("address_type")).lower()
                postal = key in POSTAL_KEYS or kind == "postal"
                found.append((postal, kind != "physical", len(found), item))
        return min(found, key=lambda entry: entry[:3])[3] if found else None

    @staticmethod
    def postcode(given):
        """A UK postcode as Royal Mail writes it (``LS6 2PY``), or a district alone."""
        typed = postcodes.read(given)
        if not typed.district:
            raise RecordError(
                f"its postcode “{given}” is not a UK postcode"
                if given
                else "its address has no postcode"
            )
        if postcodes.is_outside_coverage(typed.district):
            raise RecordError(
                f"its postcode “{given}” is outside the directory's coverage (the Channel "
                "Islands and the Isle of Man)"
            )
        squeezed = "".join(given.split()).upper()
        return f"{squeezed[:-3]} {squeezed[-3:]}" if typed.full else typed.district

    def coordinates(self, location):
        """(latitude, longitude) when both are a place in the UK, else (None, None) (counted
        when given)."""
        latitude, longitude = _number(location.get("latitude")), _number(location.get("longitude"))
        given = location.get("latitude") not in (None, "") or location.get("longitude") not in (
            None,
            "",
        )
        if latitude is None or longitude is None:
            if given:
                self.report.dropped["location without both latitude and longitude"] += 1
            return None, None
        inside = UK_LATITUDES[0] <= latitude <= UK_LATITUDES[1] and (
            UK_LONGITUDES[0] <= longitude <= UK_LONGITUDES[1]
        )
        if not inside:
            self.report.dropped["location outside the UK or out of range"] += 1
            return None, None
        return latitude, longitude

    def modified(self, value, incoming):
        if not value:
            return
        moment = parse_datetime(str(value)) if isinstance(value, str) else None
        if moment is None:
            incoming.notes.append(f"Its last_modified “{text(value, 40)}” is not a date and time.")

    def phone(self, data):
        numbers = []
        for contact in _objects(data.get("contacts")):
            for phone in _objects(contact.get("phones")):
                numbers.extend(phones_in(text(phone.get("number"))))
        for phone in _objects(data.get("phones")):
            numbers.extend(phones_in(text(phone.get("number"))))
        unique = list(dict.fromkeys(numbers))
        return (unique[0][:40] if unique else ""), unique[1:]

    def hours(self, schedules, incoming, name):
        described = [
            text(schedule.get("description") or schedule.get("notes"))
            for schedule in _objects(schedules)
        ]
        hours = "; ".join(dict.fromkeys(part for part in described if part))
        if len(hours) > 200:
            incoming.notes.append(
                f"{name}: hours at the source, too long to keep as hours: {hours}"
            )
            return ""
        return hours

    def cost(self, data, tagged):
        note = text(data.get("fees"), 200)
        cost = tagged or Cost.NOT_STATED
        for option in _objects(data.get("cost_options")):
            amount = option.get("amount")
            label = normalised(option.get("option") or "")
            if cost == Cost.NOT_STATED:
                if label in {"free", "no cost"} or amount in (0, "0", "0.0", "0.00"):
                    cost = Cost.FREE
                elif normalised(Cost.LOW_COST.label) == label:
                    cost = Cost.LOW_COST
                elif amount not in (None, ""):
                    cost = Cost.PAID
            note = note or text(option.get("amount_description"), 200)
        return cost, note

    # --- terms

    def tagged(self, data):
        """(facet or choice, value) for every term, language and area the service gives."""
        for attribute in _objects(data.get("attributes")):
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                term_id = text(attribute.get("taxonomy_term_id"))
                term = self.terms_seen.get(term_id) or self.own_term(term_id)
            if term:
                found = self.term(term)
                if found:
                    yield found
        for language in _objects(data.get("languages")):
            found = self.language(language)
            if found:
                yield found
        for area in _objects(data.get("service_areas")):
            found = self.area(area)
            if found:
                yield found

    def own_term(self, term_id):
        term = self.own_terms.get(term_id)
        if term is None:
            return None
        return {"taxonomy_id": str(term.taxonomy.id), "term": term.key, "name": term.name}

    def term(self, term):
        taxonomy = term.get("taxonomy_detail") or {}
        taxonomy_id = text(term.get("taxonomy_id") or taxonomy.get("id"))
        own = vocabulary.BY_ID.get(_uuid_or_none(taxonomy_id))
        if own is not None:
            found = self.checked(f"{own.param}:{text(term.get('term'))}")
            if found:
                return found
        uri = text(term.get("term_uri"))
        found = self.from_uri(uri) or self.checked(
            self.by_uri.get(normalised(uri)) if uri else None
        )
        for name in (term.get("name"), term.get("term")):
            if found or not name:
                break
            found = self.checked(
                self.by_name.get(normalised(name)) or self.by_english.get(normalised(name))
            )
        if found is None:
            taxonomy_name = text(term.get("taxonomy") or taxonomy.get("name")) or "a taxonomy"
            self.report.unmapped[
                f"{taxonomy_name}: {text(term.get('name') or term.get('term'), 80)}"
            ] += 1
        return found

    def from_uri(self, uri):
        """Our own term URIs: ``…/organisations/?type=counselling``."""
        parts = urlsplit(uri)
        if not parts.path.endswith("/organisations/"):
            return None
        query = parse_qsl(parts.query)
        if len(query) != 1:
            return None
        return self.checked(f"{query[0][0]}:{query[0][1]}")

    def checked(self, mapped):
        """``"param:key"`` as (param, key), when it names one of our values."""
        if not mapped or ":" not in mapped:
            return None
        param, key = mapped.split(":", 1)
        if key in self.valid.get(param, ()):
            return param, key
        return None

    def language(self, language):
        code = text(language.get("code")).lower()
        if code in self.language_codes:
            return "language", code
        name = text(language.get("name"))
        found = self.checked(self.by_english.get(normalised(name))) if name else None
        if found and found[0] == "language":
            return found
        if code or name:
            self.report.unmapped[f"language: {name or code}"] += 1
        return None

    def area(self, area):
        extent = text(area.get("extent")).upper()
        if extent in self.areas_by_code:
            return "area", self.areas_by_code[extent]
        uri = text(area.get("uri"))
        code = uri.rstrip("/").rsplit("/", 1)[-1].upper() if uri else ""
        if code in self.areas_by_code:
            return "area", self.areas_by_code[code]
        name = text(area.get("name") or area.get("service_area"))
        key = normalised(name)
        found = self.checked(self.by_name.get(key) or self.by_english.get(key))
        if found and found[0] == "area":
            return found
        if name:
            self.report.unmapped[f"service area: {text(name, 80)}"] += 1
        return None


def _objects(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _number(value):
    """A finite number from a JSON number or a CSV cell, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None


# --- The report ---------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self):
        return (
            f"{self.created:,} created, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.skipped:,} skipped"
        )


@dataclass
class Report:
    dry_run: bool = False
    services: Tally = field(default_factory=Tally)
    organisations: Tally = field(default_factory=Tally)
    venues: Tally = field(default_factory=Tally)
    read: int = 0  # records read, readable or not
    problems: list = field(default_factory=list)  # inputs that could not be read
    skipped: list = field(default_factory=list)  # (where, why)
    unplaced: list = field(default_factory=list)  # (where, why) of locations left out
    conflicts: list = field(default_factory=list)
    held: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)

    def lines(self):
        """The report as lines of text, the summary last."""
        out = [f"Could not read {p.where}: {p.error}." for p in self.problems]
        out += [f"Skipped {where}: {why}." for where, why in self.skipped]
        out += [f"Skipped the location {where}: {why}." for where, why in self.unplaced]
        out += [f"Conflict: {line}" for line in self.conflicts]
        out += [f"Held for an editor: {line}" for line in self.held]
        out += [f"Possible duplicate: {line}" for line in self.duplicates]
        for term, count in sorted(self.unmapped.items(), key=lambda item: (-item[1], item[0])):
            out.append(f"Unmapped term “{term}”: {count:,} time{'s' * (count != 1)}.")
        for what, count in sorted(self.dropped.items()):
            out.append(f"Dropped {what}: {count:,}.")
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        if self.venues != Tally():
            out.append(f"Venues: {self.venues}.")
        out.append(f"Services: {self.services}. Organisations: {self.organisations}.")
        return out

    @property
    def nothing_read(self):
        return self.read == 0 and bool(self.problems)


# --- Writing ------------------------------------------------------------------------------------


def current(instance, name):
    """A field's value now, as ``imported`` keeps it (a facet as its sorted keys)."""
    if name in RELATION_OF:
        return sorted(item.key for item in getattr(instance, RELATION_OF[name]).all())
    return getattr(instance, name)


class Importer:
    """One run: ``run(paths)`` reads, maps and writes, and returns the ``Report``."""

    def __init__(self, source, dry_run=False, chunk=CHUNK):
        self.source = source[:100]
        self.dry_run = dry_run
        self.chunk = chunk
        self.report = Report(dry_run=dry_run)
        self.lookups = load_lookups(None)
        self.mapper = Mapper(self.report, self.lookups)
        self.pk_of = {}  # organisation ids at the source -> pk, this run
        self.done = set()  # organisations already written this run
        self.services_seen = {}  # service ids at the source -> where each was first read
        self.index = None  # of existing organisations, for duplicates (made when first needed)
        self.held_notes = []  # editor notes for what merge() held back, for the record in hand
        self.links = []  # the facets of the record in hand, if it is a new service
        self.touched = []  # (source id, outcome) of organisations the record in hand wrote
        self.noted = {}  # organisations whose notes this chunk added to, by pk
        self.service_slugs = {}  # organisation pk -> its services' slugs, this chunk
        self.venues = {}  # venues of the chunk's locations, by their id at the source
        self.venue_links = []  # (service pk, venue pk) of the record in hand's new service
        self.placed = []  # (venue source id, outcome) of the record in hand
        self.venues_done = set()  # venues written this run, by their id at the source
        self.venues_held = set()  # new venues of published listings, held this run
        self.venue_notes = []  # editor notes for what was held of the record in hand's venues
        self.today = timezone.localdate().isoformat()

    def run(self, paths):
        records = self.records(reading.read(paths))
        with ExitStack() as stack:
            if self.dry_run:  # one transaction, rolled back: every chunk sees the ones before
                stack.enter_context(transaction.atomic())
            while chunk := list(islice(records, self.chunk)):
                with transaction.atomic(), deferred_changes(), one_version():
                    self.write(chunk)
            if self.dry_run:
                transaction.set_rollback(True)
        if not self.dry_run and (self.report.services.created or self.report.organisations.created):
            refresh_statistics()
        return self.report

    def records(self, stream):
        """The records to write; problems and unreadable records go straight to the report."""
        for item in stream:
            if isinstance(item, reading.Problem):
                self.report.problems.append(item)
                continue
            self.report.read += 1
            if item.data is None:
                self.report.skipped.append((item.where, item.error))
                self.tally(item.kind).skipped += 1
            elif item.kind == reading.TERM:
                if item.data.get("id"):
                    self.mapper.terms_seen[str(item.data["id"])] = item.data
            elif item.kind == reading.TAXONOMY:
                for term in _objects(item.data.get("taxonomy_terms")):
                    if term.get("id"):
                        self.mapper.terms_seen[str(term["id"])] = term
            else:
                yield item

    def read_before(self, record):
        """Whether this service was read already this run (a page and a single service, say):
        the first one counts, the later one is skipped and named."""
        key = str(record.data.get("id") or "").strip().lower()
        if not key:
            return False
        first = self.services_seen.setdefault(key, record.where)
        if first == record.where:
            return False
        self.report.skipped.append(
            (record.where, f"the service {key} was read already, at {first}")
        )
        self.report.services.skipped += 1
        return True

    def tally(self, kind):
        return self.report.organisations if kind == reading.ORGANISATION else self.report.services

    def write(self, chunk):
        mapped = []
        for record in chunk:
            if record.kind == reading.SERVICE and self.read_before(record):
                continue
            try:
                if record.kind == reading.ORGANISATION:
                    mapped.append((record, self.mapper.organisation(record.data, record.where)))
                else:
                    mapped.append((record, self.mapper.service(record.data, record.where)))
            except RecordError as error:
                self.report.skipped.append((error.where or record.where, str(error)))
                self.tally(record.kind).skipped += 1
        organisation_ids = set()
        for record, incoming in mapped:
            if record.kind == reading.ORGANISATION:
                organisation_ids.add(incoming.source_id)
            else:
                organisation_ids.add(incoming.organisation_id)
        organisations = {
            row.source_id: row
            for row in Organisation.objects.filter(
                source=self.source, source_id__in=organisation_ids
            )
        }
        services = {
            row.source_id: row
            for row in Service.objects.filter(
                source=self.source,
                source_id__in=[i.source_id for r, i in mapped if r.kind == reading.SERVICE],
            ).prefetch_related(*RELATION_OF.values())
        }
        keys = set()
        for _record, incoming in mapped:
            for located in incoming.locations:
                keys |= {located.source_id, f"{located.source_id}/{incoming.organisation_id}"}
        self.venues = {
            row.source_id: row
            for row in Venue.objects.filter(source=self.source, source_id__in=keys)
        }
        links = []  # (facet, service pk, lookup pk) of the chunk's new services
        venue_links = []  # (service pk, venue pk) of the chunk's new services
        for record, incoming in mapped:
            self.links = []
            self.touched = []
            self.venue_links = []
            self.venue_notes = []
            self.placed = []
            try:
                with transaction.atomic():
                    if record.kind == reading.ORGANISATION:
                        self.organisation(incoming, organisations)
                    else:
                        self.service(incoming, organisations, services)
            except RecordError as error:
                self.report.skipped.append((error.where or record.where, str(error)))
                self.tally(record.kind).skipped += 1
                self.forget(organisations)
            except (DatabaseError, ValidationError) as error:
                self.report.skipped.append((record.where, f"could not be saved ({error})"))
                self.tally(record.kind).skipped += 1
                self.forget(organisations)
            else:
                links.extend(self.links)
                venue_links.extend(self.venue_links)
        self.write_links(links)
        Service.venues.through.objects.bulk_create(
            Service.venues.through(service_id=service_pk, venue_id=venue_pk)
            for service_pk, venue_pk in venue_links
        )
        self.write_notes()
        self.service_slugs = {}

    def forget(self, organisations):
        """After a record's savepoint was rolled back: what it did to its organisation is undone
        in the database, so undo it here too (the next record of the same one tries again)."""
        for key, outcome in self.placed:
            self.venues_done.discard(key)
            tally = self.report.venues
            setattr(tally, outcome, getattr(tally, outcome) - 1)
            if outcome == "created":
                self.venues.pop(key, None)
            else:
                self.venues[key] = Venue.objects.get(pk=self.venues[key].pk)
        self.placed = []
        for source_id, outcome in self.touched:
            self.done.discard(source_id)
            pk = self.pk_of.pop(source_id, None)
            tally = self.report.organisations
            setattr(tally, outcome, getattr(tally, outcome) - 1)
            if outcome == "created":
                organisations.pop(source_id, None)
            else:
                fresh = Organisation.objects.get(pk=pk)
                if pk in self.noted:  # notes earlier records of the chunk added
                    fresh.editor_notes = self.noted[pk].editor_notes
                    self.noted[pk] = fresh
                organisations[source_id] = fresh
        self.touched = []

    def write_links(self, links):
        """New services' facets, one insert a facet for the chunk (the link tables' triggers
        cost a statement each), sending no signals: the services' saves moved the version."""
        by_param = {}
        for param, service_pk, pk in links:
            by_param.setdefault(param, []).append((service_pk, pk))
        for param, pairs in by_param.items():
            facet = LOOKUP_FACETS_BY_PARAM[param]
            facet.through.objects.bulk_create(
                facet.through(service_id=service_pk, **{facet.link_column: pk})
                for service_pk, pk in pairs
            )

    def write_notes(self):
        """Editor notes the chunk's services added to their organisations: for editors alone,
        not a change to a listing (no version, no history)."""
        for organisation in self.noted.values():
            Organisation.objects.filter(pk=organisation.pk).update(
                editor_notes=organisation.editor_notes
            )
        self.noted = {}

    # --- organisations

    def organisation(self, incoming, existing, areas=()):
        """The organisation's pk, made or brought up to date once this run. ``areas``: where the
        service it came with works, for telling duplicates."""
        if incoming.source_id in self.done:
            return self.pk_of[incoming.source_id]
        row = existing.get(incoming.source_id)
        tally = self.report.organisations
        if row is None:
            row = self.create_organisation(incoming, areas)
            existing[incoming.source_id] = row
            tally.created += 1
            self.touched.append((incoming.source_id, "created"))
        else:
            before = row.imported
            published = row.status == Status.PUBLISHED
            changed = self.merge(row, incoming, ORGANISATION_FIELDS, row.name, published)
            added = self.add_notes(row, incoming.notes + self.held_notes)
            self.held_notes = []
            if changed:
                row._change_reason = f"Updated by an import from {self.source}"
                row.save()
                tally.updated += 1
                self.touched.append((incoming.source_id, "updated"))
            else:
                self.touched.append((incoming.source_id, "unchanged"))
                if added:  # notes for editors alone: not a change to the listing
                    type(row).objects.filter(pk=row.pk).update(editor_notes=row.editor_notes)
                self.keep_imported(row, before)
                tally.unchanged += 1
        self.done.add(incoming.source_id)
        self.pk_of[incoming.source_id] = row.pk
        return row.pk

    def create_organisation(self, incoming, areas):
        values = incoming.values
        notes = [
            f"{NOTE_PREFIX}: from {self.source} on {self.today} ({incoming.where}), where its id "
            f"is {incoming.source_id}. Nothing from an import is checked: confirm every detail "
            "with the organisation before publishing.",
            *incoming.notes,
        ]
        duplicate, why = self.likely_duplicate(values, areas)
        if duplicate:
            notes.append(f"{NOTE_PREFIX}: it may be the same as “{duplicate.name}” ({why}).")
            self.report.duplicates.append(
                f"“{values['name']}” ({incoming.where}) may be the same as “{duplicate.name}” "
                f"(id {duplicate.pk}): {why}. Made as a draft marked as a possible duplicate."
            )
        row = Organisation(
            **{name: values[name] for name in ORGANISATION_FIELDS},
            slug=self.free_slug(values["name"]),
            status=Status.DRAFT,
            last_verified=None,
            source=self.source,
            source_id=incoming.source_id,
            imported=dict(values),
            editor_notes="\n".join(notes),
            possible_duplicate_of=duplicate,
        )
        row.skip_history_when_saving = True  # see "History" above
        row.save()
        self.remember(row, values)
        return row

    @staticmethod
    def free_slug(name, taken=None):
        """A slug from the name that no organisation has (or none in ``taken``): the name's,
        else with -2, -3 … after it. Looked up by the unique index, a few at a time."""
        base = (slugify(name) or "organisation")[:190].strip("-")
        for start in itertools.count(0, SLUG_TRIES):
            tries = [
                base if n == 0 else f"{base}-{n + 1}" for n in range(start, start + SLUG_TRIES)
            ]
            if taken is None:
                used = set(
                    Organisation.objects.filter(slug__in=tries).values_list("slug", flat=True)
                )
            else:
                used = taken
            for slug in tries:
                if slug not in used:
                    return slug

    # --- services

    def service(self, incoming, organisations, existing):
        tally = self.report.services
        if incoming.organisation is not None:
            organisation_pk = self.organisation(
                incoming.organisation, organisations, areas=incoming.values["area"]
            )
        elif incoming.organisation_id in self.pk_of:
            organisation_pk = self.pk_of[incoming.organisation_id]
        elif incoming.organisation_id in organisations:
            organisation_pk = organisations[incoming.organisation_id].pk
        else:
            raise RecordError(
                f"its organization_id {incoming.organisation_id} points to no organisation in "
                f"the input or imported from {self.source} before"
            )
        organisation = self.organisation_row(
            incoming.organisation_id, organisation_pk, organisations
        )
        row = existing.get(incoming.source_id)
        values = incoming.values
        self.report.unplaced.extend(incoming.unplaced)
        self.report.venues.skipped += len(incoming.unplaced)
        placed = self.place(incoming, organisation)  # (location id, venue or None)
        if row is None:
            scalar = {name: values[name] for name in SERVICE_FIELDS}
            if organisation.status == Status.PUBLISHED and values["is_active"]:
                # A new service of a published listing would be public at once: it waits.
                scalar["is_active"] = False
                label = f"{values['name']} ({organisation.name})"
                self.report.held.append(f"{label} ({incoming.where}): a new service, inactive.")
                self.held_notes.append(
                    f"{NOTE_PREFIX}: {self.source} lists a new service, {label}: made inactive; "
                    "check it, then make it active."
                )
            taken = self.service_slugs.get(organisation.pk)
            if taken is None:
                taken = self.service_slugs[organisation.pk] = set(
                    organisation.services.values_list("slug", flat=True)
                )
            row = Service(
                organisation_id=organisation_pk,
                slug=self.free_slug(values["name"], taken=taken),
                source=self.source,
                source_id=incoming.source_id,
                imported={**values, "venues": sorted(key for key, _venue in placed)},
                **scalar,
            )
            row.full_clean(EXCLUDED, validate_unique=False, validate_constraints=False)
            row.skip_history_when_saving = True  # see "History" above
            row.save()
            taken.add(row.slug)
            for param in FACET_FIELDS:  # written with the chunk's (write_links)
                self.links.extend((param, row.pk, pk) for pk in self.pks(param, values[param]))
            self.venue_links = [(row.pk, venue.pk) for _key, venue in placed if venue]
            existing[incoming.source_id] = row
            tally.created += 1
        else:
            published = organisation.status == Status.PUBLISHED
            label = f"{values['name']} ({organisation.name})"
            before = row.imported
            changed = self.merge(row, incoming, SERVICE_FIELDS + FACET_FIELDS, label, published)
            new_venues = self.new_links(row, placed, label, incoming.where, published)
            if changed:
                row._change_reason = f"Updated by an import from {self.source}"
                row.full_clean(EXCLUDED, validate_unique=False, validate_constraints=False)
                row.save()
                for name in changed:
                    if name in RELATION_OF:
                        getattr(row, RELATION_OF[name]).set(self.pks(name, changed[name]))
                tally.updated += 1
            else:
                self.keep_imported(row, before)
                tally.unchanged += 1
            if new_venues:
                row.venues.add(*new_venues)
        if self.add_notes(organisation, incoming.notes + self.held_notes + self.venue_notes):
            self.noted[organisation.pk] = organisation  # written with the chunk's (write_notes)
        self.held_notes = []

    @staticmethod
    def organisation_row(source_id, pk, organisations):
        """The chunk's row of the organisation (fetched with the chunk, or made in it)."""
        row = organisations.get(source_id)
        if row is None or row.pk != pk:
            row = organisations[source_id] = Organisation.objects.get(pk=pk)
        return row

    # --- venues

    def place(self, incoming, organisation):
        """(location id, venue) for each of the service's locations: a venue made or brought
        up to date once this run; None for one held for an editor (a published listing's)."""
        published = organisation.status == Status.PUBLISHED
        placed = []
        for located in incoming.locations:
            key = located.source_id
            venue = self.venues.get(key)
            if venue is not None and venue.organisation_id != organisation.pk:
                key = f"{located.source_id}/{incoming.organisation_id}"  # another's: its own
                venue = self.venues.get(key)
            label = f"the venue {located.values['address_1']}, {located.values['town']}"
            if key in self.venues_done or key in self.venues_held:
                pass
            elif venue is None and published:
                self.venues_held.add(key)
                self.hold(
                    f"{organisation.name}, {label} ({located.where})",
                    f"{self.source} lists a new venue of {organisation.name}, {label} "
                    f"({located.values['postcode']}): add it if it is right.",
                )
            elif venue is None:
                venue = Venue(
                    organisation=organisation,
                    source=self.source,
                    source_id=key,
                    imported=dict(located.values),
                    **located.values,
                )
                venue.skip_history_when_saving = True  # see "History" above
                venue.save()
                self.venues[key] = venue
                self.venue_outcome(key, "created")
            else:
                self.update_venue(venue, key, located, f"{organisation.name}, {label}", published)
            placed.append((located.source_id, venue))
        return placed

    def update_venue(self, venue, key, located, label, published):
        """What the source changed and no editor has: set on a draft's venue, held on a
        published one's (the address of a public listing is the listing's)."""
        last = dict(venue.imported or {})
        changed = False
        approximate = venue.location_is_approximate
        for name in VENUE_FIELDS:
            value = located.values[name]
            now = getattr(venue, name)
            if name in ("latitude", "longitude") and approximate:
                now = None  # the district's middle, not a place anyone gave
            if value == last.get(name, _NEVER) or value == now:
                last[name] = value
                continue
            if name in ("latitude", "longitude") and value is None:
                last[name] = value  # the source gave none: the district's middle stays
                continue
            if name in last and now != last[name]:
                self.report.conflicts.append(
                    f"{label}, {name} ({located.where}): an editor has it as {_shown(now)}; "
                    f"the source now says {_shown(value)}. Kept the editor's."
                )
            elif published:
                self.hold(
                    f"{label}, {name} ({located.where}): {_shown(value)}",
                    f"{self.source} now gives {label}'s {name} as {_shown(value)}: check it "
                    "before putting it on the published listing.",
                )
            else:
                setattr(venue, name, value)
                if name in ("latitude", "longitude"):
                    venue.location_is_approximate = False
                changed = True
            last[name] = value
        before = venue.imported
        venue.imported = last
        if changed:
            venue._change_reason = f"Updated by an import from {self.source}"
            venue.save()
        else:
            self.keep_imported(venue, before)
        self.venue_outcome(key, "updated" if changed else "unchanged")

    def venue_outcome(self, key, outcome):
        self.venues_done.add(key)
        self.placed.append((key, outcome))
        tally = self.report.venues
        setattr(tally, outcome, getattr(tally, outcome) + 1)

    def new_links(self, row, placed, label, where, published):
        """Venues to link an existing service to: those the source lists now and did not last
        time (an editor's unlinking stays), held on a published listing."""
        known = set(row.imported.get("venues", []))
        row.imported["venues"] = sorted(key for key, _venue in placed)
        new = [venue for key, venue in placed if key not in known and venue is not None]
        if new and published:
            for venue in new:
                self.hold(
                    f"{label}, at {venue} ({where})",
                    f"{self.source} now lists {label} at {venue}: link them if it is right.",
                )
            return []
        return [venue for venue in new if not row.venues.filter(pk=venue.pk).exists()]

    def hold(self, line, note):
        self.report.held.append(f"{line}.")
        self.venue_notes.append(f"{NOTE_PREFIX}: {note}")

    def pks(self, param, keys):
        by_key = self.lookups.by_key[param]
        return [by_key[key].pk for key in keys if key in by_key]

    # --- editors win

    def merge(self, row, incoming, names, label, published=False):
        """Set each field the source changed and no editor has; report the others. The fields
        set, with their new values ({} when nothing changed). ``row.imported`` becomes what the
        source says now, so a conflict or a held detail is reported once, not on every run."""
        last = dict(row.imported or {})
        changed = {}
        self.held_notes = []
        for name in names:
            value = incoming.values[name]
            now = current(row, name)
            if value == now:
                last[name] = value
                continue
            editor_changed = now != last.get(name, _NEVER) and now not in ("", [], None)
            if name in last and now != last[name] or editor_changed:
                if last.get(name, _NEVER) != value:  # report a change once, not on every run
                    self.report.conflicts.append(
                        f"{label}, {name} ({incoming.where}): an editor has it as {_shown(now)}; "
                        f"the source now says {_shown(value)}. Kept the editor's."
                    )
                last[name] = value
                continue
            if published and (name in CONTACT_FIELDS or name == "is_active") and value:
                line = (
                    f"{NOTE_PREFIX}: {self.source} now gives {label}'s {name} as {_shown(value)}: "
                    "check it before putting it on the published listing."
                )
                self.report.held.append(f"{label}, {name} ({incoming.where}): {_shown(value)}.")
                self.held_notes.append(line)
                last[name] = value
                continue
            changed[name] = value
            last[name] = value
            if name not in RELATION_OF:
                setattr(row, name, value)
        row.imported = last
        return changed

    @staticmethod
    def keep_imported(row, before):
        """Store what the source says now when no field changed (no history, no new version:
        ``imported`` is never shown)."""
        if row.imported != before:
            type(row).objects.filter(pk=row.pk).update(imported=row.imported)

    def add_notes(self, organisation, notes):
        lines = organisation.editor_notes.splitlines()
        new = [note for note in dict.fromkeys(notes) if note not in lines]
        if not new:
            return False
        organisation.editor_notes = "\n".join([*lines, *new]).strip()
        return True

    # --- duplicates

    def likely_duplicate(self, values, areas):
        """An organisation already here that this one may be: (organisation, why) or (None, "")."""
        index = self.duplicate_index()
        found = None
        number = re.sub(r"\D", "", values["charity_number"])
        host = host_of(values["website"]) if values["website"] else ""
        key = name_key(values["name"])
        if number and number in index["charity"]:
            found = index["charity"][number], f"the same charity number, {values['charity_number']}"
        elif host and not _shared(host) and host in index["host"]:
            found = index["host"][host], f"the same website, {host}"
        elif key:
            for pk, other in index["name"].get(name_block(key), []):
                if key == other:
                    found = pk, "the same name"
                    break
                similar = difflib.SequenceMatcher(None, key, other).ratio() >= SIMILAR_NAME
                if similar and self.same_area(pk, areas):
                    found = pk, "a very similar name in the same area"
                    break
        if found is None:
            return None, ""
        pk, why = found
        duplicate = Organisation.objects.filter(pk=pk).first()  # None: rolled back since
        return (duplicate, why) if duplicate else (None, "")

    def same_area(self, pk, areas):
        """Whether organisation ``pk`` works where ``areas`` (area codes) are. Unknown on either
        side, or UK-wide, counts as the same: an editor looks, rather than a duplicate slipping
        through."""
        if not areas:
            return True
        relation = RELATION_OF["area"]
        theirs = set(
            Service.objects.filter(organisation_id=pk)
            .exclude(**{f"{relation}__isnull": True})
            .values_list(f"{relation}__slug", f"{relation}__is_national")
        )
        national = {key for key, item in self.lookups.by_key["area"].items() if item.is_national}
        if not theirs or any(is_national for _code, is_national in theirs):
            return True
        codes = {code for code, _national in theirs}
        return bool(national & set(areas)) or bool(codes & set(areas))

    def duplicate_index(self):
        if self.index is None:
            self.index = {"charity": {}, "host": {}, "name": {}}
            rows = Organisation.objects.values_list("pk", "charity_number", "website", "name")
            for pk, charity, website, name in rows.iterator(chunk_size=2000):
                self.index_organisation(
                    re.sub(r"\D", "", charity),
                    host_of(website) if website else "",
                    name_key(name),
                    pk,
                )
        return self.index

    def index_organisation(self, number, host, key, pk):
        if pk is None:
            return
        if number:
            self.index["charity"].setdefault(number, pk)
        if host and not _shared(host):
            self.index["host"].setdefault(host, pk)
        if key:
            self.index["name"].setdefault(name_block(key), []).append((pk, key))

    def remember(self, row, values):
        """A new organisation is a candidate duplicate for the rest of the run."""
        if self.index is not None:
            self.index_organisation(
                re.sub(r"\D", "", values["charity_number"]),
                host_of(values["website"]) if values["website"] else "",
                name_key(values["name"]),
                row.pk,
            )


_NEVER = object()


def _shown(value):
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    if value in ("", None):
        return "empty"
    return f"“{text(value, 120)}”"


def _shared(host):
    return (
        host in SHARED_HOSTS
        or host.endswith(SHARED_SUFFIXES)
        or any(host.endswith("." + shared) for shared in SHARED_HOSTS)
    )
