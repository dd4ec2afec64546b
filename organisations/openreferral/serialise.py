"""The directory's public data as Open Referral UK objects (HSDS 3.0 UK profile).

What is public is decided where the site decides it: ``Service.objects.public()`` (published
organisations, active services) and the contact details a page shows (``Service.contact_phone``,
``contact_email``, ``contact_url``; the organisation's ``phone``, ``email``, ``website``), which
hold only what was verified (DESIGN.md §5). A field without a value is left out, never sent as
``null`` or ``""``: the schemas say ``"type": "string"``.

Every id is a UUID: a row's own (migration 0014), or one made from it and what the object is
(``made_id(service uuid, "schedule")``), so the same object has the same id in every response and
in the export, and no two objects share one.

A venue (models.Venue) is a physical location, with the venue's own UUID, its address and its
accessibility notes; a service is at each venue it is linked to (``Service.venues``). That
service-at-location's id is made from the pair's primary keys (``pair_id``), so
``/service_at_locations/{id}`` finds the pair from the id alone, as it finds a service's virtual
one (``service_of``), without a table of ids.

An object depends only on its rows and the lookups, which are fixed for one version of the
directory, so ``Shapes`` keeps each service's JSON for the version (caching/memo.py), as the list
keeps its cards: a page of fifty services seen before is fifty lookups in memory.
"""

import json
import uuid
from datetime import UTC

from django.conf import settings
from django.db.models.functions import Greatest

from ..caching.memo import memo
from ..choices import Status
from ..lookups import attach_facets, load_lookups
from ..models import Organisation, Service
from ..near import districts
from . import vocabulary
from .vocabulary import ONS_CODES, ONS_URI, made_id

VERSION = "HSDS-UK-3.0"
PROFILE = "https://openreferraluk.org/"
CHARITY_SCHEME = "GB-CHC"  # org-id.guide: the Charity Commission for England and Wales
KEPT = memo.shelf("openreferral", limit=lambda: settings.DIRECTORY_FRAGMENTS)
TERMS = memo.shelf("openreferral-terms", limit=lambda: 1)
# Delivery modes that need no visit: a service with one is reachable remotely (a virtual location).
REMOTE_MODES = ("phone", "email", "live-chat", "text", "letter", "video", "app")
# A service's virtual location and its service-at-location have ids derived from the service's
# own, by an exclusive or that leaves the UUID's version and variant bits alone: unique, stable,
# and turned back into the service's id without a table (``service_of``).
SERVICE_AT_LOCATION_MASK = uuid.UUID("3f9a6c1e-82d4-0b57-1e9c-47a2d3f8b6e0").int
LOCATION_MASK = uuid.UUID("c4e1a9d7-3b62-0f18-2a7d-91e5c3b04f6a").int
# Their version digit (the 13th) and variant bits are 0, so a derived id keeps the service's.
# A service at a venue: this mask with (service pk, venue pk) in its low 62 bits (``pair_id``),
# which leaves the mask's version (4) and variant alone.
PAIR_MASK = uuid.UUID("5b0e27c4-9d3a-4f61-b8e2-6a1d93c05f27").int
PAIR_BITS = 62
VENUE_BITS = 32
COUNTRY = "GB"  # ISO 3166-1, as the UK profile asks
NATIONS = {"scotland": "Scotland", "wales": "Wales", "northern-ireland": "Northern Ireland"}


def derived_id(identity, mask):
    return uuid.UUID(int=identity.int ^ mask)


def service_of(derived, mask):
    """The id of the service a derived id was made from."""
    return uuid.UUID(int=derived.int ^ mask)


def pair_id(service_pk, venue_pk):
    """The id of a service's service-at-location at one of its venues (primary keys below 2**30
    and 2**32: a billion services, four billion venues)."""
    return uuid.UUID(int=PAIR_MASK ^ (service_pk << VENUE_BITS | venue_pk))


def pair_of(identity):
    """(service pk, venue pk) of a ``pair_id``, or None for an id that is no such id."""
    value = identity.int ^ PAIR_MASK
    if value >> PAIR_BITS:
        return None
    service_pk, venue_pk = value >> VENUE_BITS, value & ((1 << VENUE_BITS) - 1)
    return (service_pk, venue_pk) if service_pk and venue_pk else None


def public_venue_links():
    """Links of public services to public venues (a venue is public with its organisation)."""
    return Service.venues.through.objects.filter(
        service__in=Service.objects.public(), venue__organisation__status=Status.PUBLISHED
    )


def dumps(value):
    """Compact JSON, as every response sends it (UTF-8, not ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _present(**fields):
    """The fields that have a value: never ``None``, ``""`` or an empty list."""
    return {name: value for name, value in fields.items() if value not in (None, "", [], {})}


def timestamp(moment):
    """ISO 8601 with its time zone (UTC): ``2026-11-03T10:15:00Z``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Vocabulary:
    """The taxonomies' terms for one version: by lookup row, by choice, by id."""

    def __init__(self, lookups):
        self.lookups = lookups
        self.terms = vocabulary.terms(lookups)
        self.by_lookup = {(t.taxonomy.param, t.pk): t for t in self.terms if t.pk is not None}
        self.by_choice = {(t.taxonomy.param, t.key): t for t in self.terms if t.pk is None}
        self.by_id = {t.id: t for t in self.terms}


def vocabulary_at(version):
    found = TERMS.get(version, "all")
    if found is None:
        found = Vocabulary(load_lookups(version))
        TERMS.put(version, "all", found)
    return found


class Shapes:
    """Open Referral objects of the directory at one version, each made once per process."""

    def __init__(self, version, base):
        self.version = version
        self.base = base  # the site's address: https://example.org.uk
        self.vocabulary = vocabulary_at(version)

    # --- services --------------------------------------------------------------------------

    def services(self, ids, full=False):
        """The JSON of each public service in ``ids``, in that order (missing ones left out)."""
        kind = "service" if full else "service-list"
        keys = [(self.base, kind, pk) for pk in ids]
        found = KEPT.get_many(self.version, keys)
        missing = [pk for pk, key in zip(ids, keys, strict=True) if key not in found]
        if missing:
            for service in self.load(missing, venues=full):
                shape = self.service(service) if full else self.service_summary(service)
                key = (self.base, kind, service.pk)
                found[key] = dumps(shape)
                KEPT.put(self.version, key, found[key])
        return [found[key] for key in keys if key in found]

    def load(self, ids, venues=False):
        """Public services with their organisations and facets: two queries for any number (the
        lookups are the version's); with ``venues``, their public venues too, in one more."""
        services = list(
            Service.objects.public()
            .filter(pk__in=ids)
            .select_related("organisation")
            .order_by("pk")
        )
        services = attach_facets(services, self.vocabulary.lookups)
        if venues and services:
            by_pk = {service.pk: service for service in services}
            for service in services:
                service.public_venues = []
            links = (
                public_venue_links()
                .filter(service_id__in=list(by_pk))
                .select_related("venue")
                .order_by("venue__town", "venue__name", "venue__address_1", "venue_id")
            )
            for link in links:
                by_pk[link.service_id].public_venues.append(link.venue)
        return services

    def service_summary(self, service):
        """A service's one-to-one fields and its organisation (service_list.json)."""
        organisation = service.organisation
        assured = organisation.last_verified
        return _present(
            id=str(service.uuid),
            organization_id=str(organisation.uuid),
            name=service.name,
            description=service.description,
            url=service.contact_url,
            email=service.contact_email,
            status="active",
            fees=service.cost_note,
            assured_date=assured.isoformat() if assured else None,
            assurer_email=settings.DIRECTORY_ASSURER_EMAIL if assured else None,
            last_modified=timestamp(max(service.updated, organisation.updated)),
            organization=self.organisation_summary(organisation),
        )

    def service(self, service):
        """A service with everything related (service.json)."""
        shape = self.service_summary(service)
        sid = str(service.uuid)
        identity = service.uuid
        if service.hours:
            shape["schedules"] = [
                {
                    "id": str(made_id(str(identity), "schedule")),
                    "service_id": sid,
                    "description": service.hours,
                }
            ]
        areas = service.facets["area"]
        if areas:
            shape["service_areas"] = [self.service_area(service, area) for area in areas]
        if service.facets["language"]:
            shape["languages"] = [
                {
                    "id": str(made_id(str(identity), "language", language.code)),
                    "service_id": sid,
                    "name": vocabulary.english(language),
                    "code": language.code,
                }
                for language in service.facets["language"]
            ]
        if service.cost != Service.Cost.NOT_STATED:
            term = self.vocabulary.by_choice[("cost", service.cost)]
            shape["cost_options"] = [
                _present(
                    id=str(made_id(str(identity), "cost")),
                    service_id=sid,
                    option=term.name,
                    amount=0 if service.cost == Service.Cost.FREE else None,
                    amount_description=service.cost_note,
                )
            ]
        if service.contact_phone:
            contact = str(made_id(str(identity), "contact"))
            shape["contacts"] = [
                {
                    "id": contact,
                    "service_id": sid,
                    "name": service.organisation.name,
                    "phones": [
                        {
                            "id": str(made_id(str(identity), "phone")),
                            "contact_id": contact,
                            "number": service.contact_phone,
                        }
                    ],
                }
            ]
        shape["attributes"] = [
            self.attribute(identity, term)
            for term in vocabulary.service_terms(
                service, self.vocabulary.by_lookup, self.vocabulary.by_choice
            )
        ]
        if not shape["attributes"]:
            del shape["attributes"]
        at = []
        if any(mode.key in REMOTE_MODES for mode in service.facets["mode"]):
            at.append(self.virtual_service_at_location(service))
        for venue in service.public_venues:  # attached by load(venues=True)
            at.append(self.venue_service_at_location(service, venue, full=True))
        if at:
            shape["service_at_locations"] = at
        return shape

    def service_area(self, service, area):
        code = ONS_CODES.get(area.slug)
        return _present(
            id=str(made_id(str(service.uuid), "area", area.slug)),
            service_id=str(service.uuid),
            name=vocabulary.english(area),
            extent=code,
            extent_type="ons_code" if code else None,
            uri=ONS_URI.format(code=code) if code else None,
        )

    def attribute(self, identity, term):
        return {
            "id": str(made_id(str(identity), "attribute", str(term.id))),
            "link_id": str(identity),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": self.term(term),
        }

    # --- where services are delivered ------------------------------------------------------

    def virtual_service_at_location(self, service):
        """A service reached by phone, email, chat, video, text, letter or app is delivered at
        a virtual location (HSDS ``location_type``), made from the service itself."""
        remote = [
            vocabulary.english(mode) for mode in service.facets["mode"] if mode.key in REMOTE_MODES
        ]
        location = str(derived_id(service.uuid, LOCATION_MASK))
        return {
            "id": str(derived_id(service.uuid, SERVICE_AT_LOCATION_MASK)),
            "service_id": str(service.uuid),
            "location_id": location,
            "location": _present(
                id=location,
                location_type="virtual",
                name=f"{service.name}: {', '.join(remote)}",
                url=service.contact_url,
            ),
        }

    def venue_service_at_location(self, service, venue, full=False):
        """A service at one of its venues; the venue's address and accessibility when ``full``
        (a list holds a location's one-to-one fields only)."""
        return {
            "id": str(pair_id(service.pk, venue.pk)),
            "service_id": str(service.uuid),
            "location_id": str(venue.uuid),
            "location": self.location(venue, full=full),
        }

    def location(self, venue, full=True):
        """A venue as a physical location (with its ``addresses`` and ``accessibility`` when
        ``full``). A location that is its postcode district's middle says so."""
        identity = str(venue.uuid)
        description = None
        if venue.location_is_approximate:
            description = (
                f"The latitude and longitude are the middle of the postcode district "
                f"{venue.district}, not the venue's door."
            )
        shape = _present(
            id=identity,
            location_type="physical",
            name=venue.name,
            description=description,
            latitude=venue.latitude,
            longitude=venue.longitude,
        )
        if full:
            shape["addresses"] = [self.address(venue)]
            if venue.accessibility:
                shape["accessibility"] = [self.accessibility(venue)]
        return shape

    def address(self, venue):
        """A venue's physical address. The profile requires ``state_province``: a UK address
        gives its nation (England, Scotland, Wales, Northern Ireland), and ``region`` the
        English region, both from the postcode district's."""
        district = districts.find(venue.district)
        region = district.region if district else None
        nation = NATIONS.get(region, "England") if region else "United Kingdom"
        return _present(
            id=str(made_id(str(venue.uuid), "address")),
            location_id=str(venue.uuid),
            address_1=", ".join(part for part in (venue.address_1, venue.address_2) if part),
            city=venue.town,
            region=self.region_name(region) if region and region not in NATIONS else None,
            state_province=nation,
            postal_code=venue.postcode,
            country=COUNTRY,
            address_type="physical",
        )

    def region_name(self, slug):
        """An English region's name, as the directory's area of that slug calls it."""
        area = self.vocabulary.lookups.by_key["area"].get(slug)
        return vocabulary.english(area) if area else None

    def accessibility(self, venue):
        return {
            "id": str(made_id(str(venue.uuid), "accessibility")),
            "location_id": str(venue.uuid),
            "description": venue.accessibility,
        }

    def service_at_location(self, service, full=False, venue=None):
        """A service-at-location (virtual, or at ``venue``), with the service's ``name`` and
        ``status`` (the published description's defect: ``/service_at_locations/{id}`` is
        declared to answer the service schema, so publishers add the two fields it requires)."""
        if venue is None:
            shape = self.virtual_service_at_location(service)
        else:
            shape = self.venue_service_at_location(service, venue, full=full)
        shape["name"] = service.name
        shape["status"] = "active"
        if full:
            shape["service"] = self.service_summary(service)
        return shape

    # --- organisations ---------------------------------------------------------------------

    def organisation_summary(self, organisation):
        """An organisation's one-to-one fields (organization_list.json)."""
        identifiers = []
        if organisation.charity_number:
            identifiers.append(
                {
                    "id": str(made_id(str(organisation.uuid), "charity-number")),
                    "organization_id": str(organisation.uuid),
                    "identifier_scheme": CHARITY_SCHEME,
                    "identifier_type": "Registered charity number",
                    "identifier": organisation.charity_number,
                }
            )
        return _present(
            id=str(organisation.uuid),
            name=organisation.name,
            description=organisation.description or organisation.summary,
            email=organisation.email,
            website=organisation.website,
            uri=self.base + organisation.get_absolute_url(),
            organization_identifiers=identifiers,
        )

    # --- taxonomies ------------------------------------------------------------------------

    def taxonomy(self, taxonomy, with_terms=False):
        shape = {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri(self.base),
            "version": "1",
        }
        if with_terms:
            shape["taxonomy_terms"] = [
                self.term(term) for term in self.vocabulary.terms if term.taxonomy is taxonomy
            ]
        return shape

    def term(self, term):
        shape = {
            "id": str(term.id),
            "name": term.name,
            "description": term.description,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy.id),
            "term_uri": term.uri(self.base),
            "term": term.key,
        }
        return shape


def public_services():
    return Service.objects.public()


def public_organisations():
    return Organisation.objects.published()


def modified_since(services, moment):
    """Services changed after ``moment``, or whose organisation was."""
    return services.alias(changed=Greatest("updated", "organisation__updated")).filter(
        changed__gt=moment
    )
