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

A page costs one query per group it reaches and two for its cards, whatever the directory's size.
"""

from django.db.models import Exists, F, Min, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from directory.languages import shown_name

from ..choices import Sort
from ..facets import COMMA
from ..models import Organisation, Service
from ..near.distance import box, miles_from
from .filters import ListFilter
from .finders import Row

IN_PERSON, REGION, REMOTE = "in-person", "region", "remote"
GROUPS = (IN_PERSON, REGION, REMOTE)
REMOTE_MODES = ("phone", "text", "live-chat", "video", "email")
ENGLISH_REGIONS = {
    "north-east", "north-west", "yorkshire-and-the-humber", "east-midlands", "west-midlands",
    "east-of-england", "london", "south-east", "south-west",
}  # fmt: skip


def region_keys(district):
    """The area slugs that serve ``district``: each region it covers, and its nation."""
    keys = list(district.regions)
    if any(region in ENGLISH_REGIONS for region in keys):
        keys.append("england")
    return keys


class NearFinder:
    """The finder (finders.py) for a request with ``near``: the same protocol, on any database,
    and ``groups``: each listed organisation's group."""

    def __init__(self, list_request):
        filterset = ListFilter(list_request.query, lookups=list_request.lookups)
        self.services = filterset.filter_queryset(Service.objects.public())
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
        each near one is (``Row.places``: service id -> (miles, venue))."""
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
            nearest.setdefault(link.service_id, (link.miles, link.venue))
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
            row.matching.sort(key=lambda pk: (pk not in nearest, nearest.get(pk, (0,))[0]))
            row.places = {pk: nearest[pk] for pk in row.matching if pk in nearest}
        return found


def distance_words(miles, venue):
    """How far and where, as a card says it: "2.4 miles away · Leeds LS2" (one decimal under ten
    miles, whole miles from ten), "About …" when the venue's location is its district's centre."""
    if miles < 10:
        distance = number_format(round(miles, 1), decimal_pos=1)
        if venue.location_is_approximate:
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
        if venue.location_is_approximate:
            text = ngettext(
                "About %(miles)s mile away · %(place)s",
                "About %(miles)s miles away · %(place)s",
                whole,
            )
        else:
            text = ngettext(
                "%(miles)s mile away · %(place)s", "%(miles)s miles away · %(place)s", whole
            )
    return text % {"miles": distance, "place": venue.place}


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
