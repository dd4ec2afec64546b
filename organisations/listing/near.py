"""The list near a postcode district (DESIGN.md §10): three groups, each an organisation once.

With ``near``, the services that match every other choice are put in three groups, and an
organisation is in the best group any of its matching services reaches, so no two groups share
one (as the groups of a search do, finders.py):

- ``IN_PERSON``: services at a venue within the radius of the district's centre, nearest first;
- ``REGION``: services whose areas include the district's region (each region of a district that
  straddles a border), or its nation;
- ``REMOTE``: UK-wide services that reach people by phone, text, chat, video or email.

A service in none of them (a group in Scotland, for ``near=LS6``) is not listed. The distance is
worked out in SQL on both databases (near/distance.py): a box on the venues' indexed latitude and
longitude, then the haversine formula on what the box kept. ``sort`` orders the organisations
within each group; ``nearest`` (the default) orders the first by distance and the others by name.

A page costs one query per group it reaches and one for its cards' services on PostgreSQL (two
through the models), whatever the directory's size.
"""

import math
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from directory.languages import shown_name

from ..choices import Sort
from ..facets import COMMA, FACETS, KEY_BASE
from ..models import Organisation, Service
from ..near import postcodes
from ..near.distance import EARTH_RADIUS_MILES, box, miles_from
from . import sql
from .filters import ListFilter
from .finders import ListingTableFinder, Row

IN_PERSON, REGION, REMOTE = "in-person", "region", "remote"
GROUPS = (IN_PERSON, REGION, REMOTE)
REMOTE_MODES = ("phone", "text", "live-chat", "video", "email")
# The rings of the first group nearest first on PostgreSQL (ListingNearFinder._nearest), in miles.
RINGS = (0.25, 0.5, 1, 2, 5, 10, 25)
ENGLISH_REGIONS = {
    "north-east", "north-west", "yorkshire-and-the-humber", "east-midlands", "west-midlands",
    "east-of-england", "london", "south-east", "south-west",
}  # fmt: skip


class Nearby(NamedTuple):
    """How far a service's nearest venue is, as a card shows it (``distance_words``)."""

    distance: float  # miles, rounded as shown: to a tenth under ten miles, whole from ten
    place: str  # its town and district: "Leeds LS2"
    approximate: bool  # the venue is at its district's middle

    @classmethod
    def of(cls, miles, town, postcode, approximate):
        shown = round(miles, 1)
        if shown >= 10:
            shown = float(round(miles))
        district = postcodes.district_of(postcode)
        return cls(shown, " ".join(part for part in (town, district) if part), bool(approximate))


def region_keys(district):
    """The area slugs that serve ``district``: each region it covers, and its nation."""
    keys = list(district.regions)
    if any(region in ENGLISH_REGIONS for region in keys):
        keys.append("england")
    return keys


def near_finder(list_request):
    """The finder for a request with ``near``: the listing table's on PostgreSQL, the models'
    elsewhere (tests/test_near.py proves on PostgreSQL that the two agree)."""
    if connection.vendor == "postgresql":
        return ListingNearFinder(list_request)
    return NearFinder(list_request)


class NearFinder:
    """The finder (finders.py) for a request with ``near``, through the models, on any database;
    ``groups`` is each listed organisation's group once ``ordered_ids`` has run."""

    def __init__(self, list_request):
        self.list_request = list_request
        self.district = list_request.near
        self.radius = list_request.radius
        self.ordering = list_request.ordering
        self.corrected = None
        self.groups = {}  # organisation id -> its group
        lookups = list_request.lookups
        areas = lookups.by_key["area"]
        modes = lookups.by_key["mode"]
        self.region_area_ids = [areas[key].pk for key in region_keys(self.district) if key in areas]
        self.national_area_ids = [item.pk for item in lookups["area"] if item.is_national]
        self.remote_mode_ids = [modes[key].pk for key in REMOTE_MODES if key in modes]

    @cached_property
    def services(self):
        """The public services that match every other choice (the FilterSet's)."""
        list_request = self.list_request
        filterset = ListFilter(list_request.query, lookups=list_request.lookups)
        return filterset.filter_queryset(Service.objects.public())

    # What puts a service in each group.

    def near_links(self):
        """Links of matching services to venues within the radius, each with its ``miles``."""
        centre = (self.district.latitude, self.district.longitude)
        return (
            Service.venues.through.objects.filter(
                service__in=self.services, **box(*centre, self.radius, prefix="venue__")
            )
            .annotate(miles=miles_from(*centre, prefix="venue__"))
            .filter(miles__lte=self.radius)
        )

    def in_region(self):
        areas = Service.areas.through.objects.filter(area_id__in=self.region_area_ids)
        return self.services.filter(pk__in=areas.values("service_id"))

    def remote(self):
        national = Service.areas.through.objects.filter(area_id__in=self.national_area_ids)
        modes = Service.delivery_modes.through.objects.filter(
            deliverymode_id__in=self.remote_mode_ids
        )
        return self.services.filter(pk__in=national.values("service_id")).filter(
            pk__in=modes.values("service_id")
        )

    # The finder's protocol.

    def _in_order(self, organisations):
        if self.ordering == Sort.RECENTLY_VERIFIED:
            return organisations.order_by(
                F("last_verified").desc(nulls_last=True), Lower("name"), "pk"
            )
        return organisations.order_by(Lower("name"), "pk")

    def ordered_ids(self, limit):
        near = self.near_links()
        if self.ordering == Sort.NEAREST:
            first = list(
                near.values("service__organisation_id")
                .annotate(nearest=Min("miles"))
                .order_by("nearest", "service__organisation_id")
                .values_list("service__organisation_id", flat=True)[:limit]
            )
        else:
            organisations = Organisation.objects.filter(
                pk__in=near.values("service__organisation_id")
            )
            first = list(self._in_order(organisations).values_list("pk", flat=True)[:limit])
        found = [(pk, IN_PERSON) for pk in first]
        taken = Q(pk__in=near.values("service__organisation_id"))
        for group, services in ((REGION, self.in_region()), (REMOTE, self.remote())):
            if len(found) >= limit:
                break
            organisations = (
                Organisation.objects.published()
                .filter(pk__in=services.values("organisation_id"))
                .exclude(taken)
            )
            more = self._in_order(organisations).values_list("pk", flat=True)
            found += [(pk, group) for pk in more[: limit - len(found)]]
            taken |= Q(pk__in=services.values("organisation_id"))
        self.groups = dict(found)
        return [pk for pk, _group in found]

    def rows(self, ids):
        """Each organisation's services in any group, nearest first then by name, and how far
        each near one is (``Row.places``: service id -> Nearby)."""
        if not ids:
            return {}
        found = {pk: Row(matching=[], public_count=0) for pk in ids}
        nearest = {}
        links = (
            self.near_links()
            .filter(service__organisation_id__in=ids)
            .select_related("venue")
            .order_by("service_id", "miles", "venue_id")
        )
        for link in links:
            if link.service_id not in nearest:
                venue = link.venue
                nearest[link.service_id] = Nearby.of(
                    link.miles, venue.town, venue.postcode, venue.location_is_approximate
                )
        listed = Q(pk__in=list(nearest)) | Q(pk__in=self.in_region()) | Q(pk__in=self.remote())
        services = (
            Service.objects.filter(organisation_id__in=ids, is_active=True)
            .annotate(matched=Exists(Service.objects.filter(listed, pk=OuterRef("pk"))))
            .order_by(Lower("name"), "pk")
            .values_list("organisation_id", "pk", "matched")
        )
        for organisation_id, pk, matched in services:
            row = found[organisation_id]
            row.public_count += 1
            if matched:
                row.matching.append(pk)
        for row in found.values():
            row.matching.sort(
                key=lambda pk: (pk not in nearest, nearest[pk].distance if pk in nearest else 0)
            )
            row.places = {pk: nearest[pk] for pk in row.matching if pk in nearest}
        return found


def _key(param, pk):
    """The listing table's key of lookup ``pk`` of the facet ``param`` (migration 0006)."""
    facet = next(facet for facet in FACETS if facet.param == param)
    return facet.kind * KEY_BASE + pk


class ListingNearFinder(NearFinder):
    """The same three groups on PostgreSQL, from the listing table (listing/sql.py): the first
    joins the venues in the box to the listing rows of matching services; the others walk the
    listing in the list's order, as the list does, leaving out the organisations already on the
    page. Every facet and the search are the listing table's conditions (finders.py)."""

    def __init__(self, list_request):
        super().__init__(list_request)
        self.listing = ListingTableFinder(list_request)
        self.region_keys = [_key("area", pk) for pk in self.region_area_ids]
        self.national_keys = [_key("area", pk) for pk in self.national_area_ids]
        self.remote_keys = [_key("mode", pk) for pk in self.remote_mode_ids]
        latitude, longitude = self.district.latitude, self.district.longitude
        self.miles_params = [
            2 * EARTH_RADIUS_MILES,
            math.radians(latitude),
            math.cos(math.radians(latitude)),
            math.radians(longitude),
        ]
        ranges = box(latitude, longitude, self.radius)
        self.box_params = [*ranges["latitude__range"], *ranges["longitude__range"]]
        self.places = sql.PLACES_AND_TEXT if self.listing.text else sql.PLACES

    def _fetch(self, statement, params):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    def _nearest(self, where, params, limit):
        """The first group nearest first, in rings (sql.NEAREST_BY_RINGS): out to the radius
        only when the inner rings do not fill the page."""
        latitude, longitude = self.district.latitude, self.district.longitude
        edges = [miles for miles in RINGS if miles < self.radius] + [self.radius]
        inners, lat_from, lat_to, lon_from, lon_to = [], [], [], [], []
        inner = -1.0
        for outer in edges:
            ranges = box(latitude, longitude, outer)
            inners.append(inner)
            lat_from.append(ranges["latitude__range"][0])
            lat_to.append(ranges["latitude__range"][1])
            lon_from.append(ranges["longitude__range"][0])
            lon_to.append(ranges["longitude__range"][1])
            inner = float(outer)
        statement = sql.NEAREST_BY_RINGS.format(where=where, places=self.places)
        arrays = [inners, [float(e) for e in edges], lat_from, lat_to, lon_from, lon_to]
        return self._fetch(statement, [*arrays, *self.miles_params, *params, limit])

    def ordered_ids(self, limit):
        where, params = self.listing.where()
        if self.ordering == Sort.NEAREST:
            near = self._nearest(where, params, limit)
        else:
            order = (
                sql.NEAR_BY_LAST_CHECK
                if self.ordering == Sort.RECENTLY_VERIFIED
                else (sql.NEAR_BY_NAME)
            )
            statement = sql.NEAR_ORGANISATIONS.format(where=where, order=order, places=self.places)
            near = self._fetch(
                statement, [*self.miles_params, *self.box_params, *params, self.radius, limit]
            )
        found = [(pk, IN_PERSON) for (pk,) in near]
        by = sql.BY_LAST_CHECK if self.ordering == Sort.RECENTLY_VERIFIED else sql.BY_NAME
        for group, keys in (
            (REGION, [(sql.HAS_ANY_KEY, self.region_keys)]),
            (REMOTE, [(sql.HAS_ANY_KEY, self.national_keys), (sql.HAS_ANY_KEY, self.remote_keys)]),
        ):
            if len(found) >= limit:
                break
            if not all(values for _part, values in keys):
                continue  # no such lookup in this directory: nothing can be in the group
            parts = [where, *(part for part, _values in keys), sql.NOT_ALREADY_LISTED]
            values = [*params, *(values for _part, values in keys), [pk for pk, _g in found]]
            rows = self._fetch(by.format(where=" AND ".join(parts)), [*values, limit - len(found)])
            found += [(pk, group) for (pk,) in rows]
        self.groups = dict(found)
        return [pk for pk, _group in found]

    def rows(self, ids):
        """As NearFinder.rows, in one statement (sql.NEAR_CARD_SERVICES)."""
        if not ids:
            return {}
        where, params = self.listing.where()
        found, nearest = {}, {}
        for organisation_id, service_id, holds, in_region, remote, *place in self._fetch(
            sql.NEAR_CARD_SERVICES.format(where=where),
            [
                *params, self.region_keys or [0], self.national_keys or [0],
                self.remote_keys or [0], *self.miles_params, *self.box_params, self.radius,
                list(ids),
            ],
        ):  # fmt: skip
            row = found.get(organisation_id)
            if row is None:
                row = found[organisation_id] = Row(matching=[], public_count=0)
            row.public_count += 1
            town, postcode, approximate, miles = place
            if holds and miles is not None:
                nearest[service_id] = Nearby.of(miles, town, postcode, approximate)
            if holds and (miles is not None or in_region or remote):
                row.matching.append(service_id)
        for row in found.values():
            row.matching.sort(
                key=lambda pk: (pk not in nearest, nearest[pk].distance if pk in nearest else 0)
            )
            row.places = {pk: nearest[pk] for pk in row.matching if pk in nearest}
        return found


def distance_words(nearby):
    """How far and where, as a card says it: "2.4 miles away · Leeds LS2" (one decimal under ten
    miles, whole miles from ten), "About …" when the venue's location is its district's centre."""
    miles = nearby.distance
    if miles < 10:
        distance = number_format(miles, decimal_pos=1)
        if nearby.approximate:
            # Translators: %(miles)s is a distance with one decimal, such as "2.4"; %(place)s
            # is a town and postcode district, such as "Leeds LS2".
            text = gettext("About %(miles)s miles away · %(place)s")
        else:
            # Translators: %(miles)s is a distance with one decimal, such as "2.4"; %(place)s
            # is a town and postcode district, such as "Leeds LS2".
            text = gettext("%(miles)s miles away · %(place)s")
    else:
        whole = round(miles)
        distance = number_format(whole)
        if nearby.approximate:
            text = ngettext(
                "About %(miles)s mile away · %(place)s",
                "About %(miles)s miles away · %(place)s",
                whole,
            )
        else:
            text = ngettext(
                "%(miles)s mile away · %(place)s", "%(miles)s miles away · %(place)s", whole
            )
    return text % {"miles": distance, "place": nearby.place}


def group_heading(group, district, radius, lookups):
    """The heading of a group of the list near ``district``."""
    if group == IN_PERSON:
        return ngettext(
            # Translators: %(radius)s is a number of miles; %(district)s a postcode district.
            "In person, within %(radius)s mile of %(district)s",
            "In person, within %(radius)s miles of %(district)s",
            radius,
        ) % {"radius": number_format(radius), "district": district.outcode}
    if group == REGION:
        areas = lookups.by_key["area"]
        names = [shown_name(areas[key]) for key in district.regions if key in areas]
        return gettext(
            # Translators: %(regions)s is one region or several, such as "North West, Wales".
            "Services for %(regions)s"
        ) % {"regions": str(COMMA).join(names)}
    return gettext("Across the UK, by phone, text, chat, video or email")
