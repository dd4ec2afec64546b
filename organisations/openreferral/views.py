"""The Open Referral UK feed at /api/oruk/ (DESIGN.md §9): anonymous, read-only JSON.

Every operation of the published ORUK 3.0 API description (standard/openapi-3.0-published.json),
plus ``/organizations`` and ``/organizations/{id}``. Each answers through the page cache like every
public page (caching/pages.py: ETag, 304, exact invalidation by the directory's version), keyed by
what it understood of the request (params.py), never the raw query string. ``Access-Control-
Allow-Origin: *`` lets another directory's page read it; no cookie is ever set; the answer is
JSON whatever ``Accept`` says; an unknown id, path or method gets a JSON error.

Lists are ordered by the rows' primary keys, so paging does not drift while a harvester walks the
pages: a new listing goes at the end. A list's ids are read once per version of the directory and
kept (``_ids``); a page is a slice of them, so page 500 costs what page 1 does, with no OFFSET.

A service-at-location is a service reached remotely at its virtual location, or a service at one
of its venues; the list holds both, a service's together (its virtual one first), in the order
of the services. With ``postcode`` (and ``proximity``, params.py) it holds only the venues' within
that distance of the postcode district's middle, nearest first: a box on the venues' indexed
latitude and longitude, then the haversine distance, in SQL on either database (near/distance.py).
"""

import math
import uuid
from array import array
from pathlib import Path

from django.db.models import Q
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.views import View

from directory.site import site_url

from ..caching.memo import memo
from ..caching.pages import CachedPageMixin, do_not_cache
from ..facets import LookupFacet
from ..models import Organisation, Venue
from ..near.distance import METRES_PER_MILE, box, miles_from
from . import exporting, params, serialise
from .serialise import (
    REMOTE_MODES,
    SERVICE_AT_LOCATION_MASK,
    VENUE_BITS,
    Shapes,
    dumps,
    pair_of,
    service_of,
)
from .vocabulary import BY_ID, TAXONOMIES

JSON = "application/json"
NDJSON = "application/x-ndjson"
STANDARD = Path(__file__).parent / "standard"
OPENAPI = STANDARD / "openapi-3.0-published.json"
IDS = memo.shelf("openreferral-ids", limit=lambda: 50)
STREAM_CHUNK = 500  # services read and written at a time by format=ndjson
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}


def _allow_any_origin(response):
    for name, value in CORS.items():
        response.headers.setdefault(name, value)


def json_response(body, status=200):
    """``body``: JSON text already made, or a value to make it from."""
    if not isinstance(body, str):
        body = dumps(body)
    response = HttpResponse(body, content_type=JSON, status=status)
    _allow_any_origin(response)
    return response


def json_error(status, message):
    return do_not_cache(json_response({"error": message, "status": status}, status=status))


class FeedView(CachedPageMixin, View):
    """One operation of the feed: GET, HEAD and OPTIONS, JSON in every answer."""

    http_method_names = ["get", "head", "options"]
    near = False  # whether it reads postcode and proximity (params.py)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        _allow_any_origin(response)
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = json_error(405, "The feed is read-only: use GET, HEAD or OPTIONS.")
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return do_not_cache(response)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.query = params.read(request.GET, near=self.near)
        self.base = site_url(request)

    def page_key(self):
        if self.query.errors or self.query.ndjson:
            return None
        return f"oruk:{self.base}:{self.request.path}?{self.query.key}"

    @property
    def shapes(self):
        if not hasattr(self, "_shapes"):
            self._shapes = Shapes(self.state.version, self.base)
        return self._shapes

    def get(self, request, *args, **kwargs):
        if self.query.errors:
            return json_error(400, " ".join(self.query.errors))
        return self.answer(**kwargs)

    def answer(self, **kwargs):
        raise NotImplementedError


def page_of(ids, query, items):
    """A Page (the description's ``#/components/schemas/Page``) of ``items(ids on the page)``,
    as JSON text made from the items' JSON texts."""
    total = len(ids)
    pages = max(1, math.ceil(total / query.per_page))
    start = (query.page - 1) * query.per_page
    contents = items(list(ids[start : start + query.per_page])) if start < total else []
    head = dumps(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": query.page,
            "size": len(contents),
            "first_page": query.page == 1,
            "last_page": query.page >= pages,
            "empty": not contents,
        }
    )
    return f'{head[:-1]},"contents":[{",".join(contents)}]}}'


def _ids(version, name, queryset):
    """The primary keys of ``queryset`` in order, kept for the directory's version."""
    found = IDS.get(version, name)
    if found is None:
        found = array("q", queryset.order_by("pk").values_list("pk", flat=True))
        IDS.put(version, name, found)
    return found


def _as_uuid(text):
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


# --- the root and the API description ----------------------------------------------------------


class RootView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:root"

    def answer(self):
        return json_response(
            {
                "version": serialise.VERSION,
                "profile": serialise.PROFILE,
                "openapi_url": f"{self.base}/api/oruk/openapi.json",
            }
        )


class OpenAPIView(FeedView):
    def page_key(self):
        return "oruk:openapi"

    def answer(self):
        return json_response(OPENAPI.read_text(encoding="utf-8"))


# --- services ----------------------------------------------------------------------------------


def filtered_services(query, vocabulary, services=None):
    """Public services narrowed by the query's filters; None when a filter names nothing."""
    services = serialise.public_services() if services is None else services
    if query.search:
        services = services.search(query.search)
    if query.taxonomy_term_id:
        term = vocabulary.by_id.get(query.taxonomy_term_id)
        if term is None:
            return None
        services = services.filter(_tagged(term.taxonomy, term))
    if query.taxonomy_id:
        taxonomy = BY_ID.get(query.taxonomy_id)
        if taxonomy is None:
            return None
        services = services.filter(_tagged(taxonomy))
    if query.organization_id:
        services = services.filter(organisation__uuid=query.organization_id)
    if query.modified_after:
        services = serialise.modified_since(services, query.modified_after)
    return services


def _tagged(taxonomy, term=None):
    """Services tagged with ``term``, or with any term of ``taxonomy``."""
    if isinstance(taxonomy.facet, LookupFacet):
        through = taxonomy.facet.through.objects
        links = through.filter(**{taxonomy.facet.link_column: term.pk}) if term else through.all()
        return Q(pk__in=links.values("service_id"))
    field = taxonomy.field_name
    if term is not None:
        return Q(**{field: term.key})
    return ~Q(**{field: "not-stated"})


class ServiceListView(FeedView):
    def answer(self):
        if self.query.ndjson:
            return self.stream()
        ids = self.ids()
        shapes = self.shapes
        return json_response(page_of(ids, self.query, shapes.services))

    def ids(self):
        if not self.query.filters:
            return _ids(self.state.version, "services", serialise.public_services())
        services = filtered_services(self.query, self.shapes.vocabulary)
        if services is None:
            return array("q")
        return _ids(self.state.version, f"services?{self.query.filters}", services.distinct())

    def stream(self):
        """Every public service the query asks for, one whole object a line."""
        shapes = self.shapes
        services = filtered_services(self.query, shapes.vocabulary)
        ids = [] if services is None else services.distinct().order_by("pk")
        ids = list(ids.values_list("pk", flat=True)) if services is not None else []

        def lines():
            for start in range(0, len(ids), STREAM_CHUNK):
                for service in shapes.load(ids[start : start + STREAM_CHUNK], venues=True):
                    yield dumps(shapes.service(service)) + "\n"

        response = StreamingHttpResponse(lines(), content_type=NDJSON)
        _allow_any_origin(response)
        return do_not_cache(response)


class ServiceDetailView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:service/{self.kwargs['id']}"

    def answer(self, id):
        identity = _as_uuid(id)
        pk = None
        if identity is not None:
            found = serialise.public_services().filter(uuid=identity)
            pk = found.values_list("pk", flat=True).first()
        found = self.shapes.services([pk], full=True) if pk else []
        if not found:
            return json_error(404, f"No public service has the id {id}.")
        return json_response(found[0])


# --- services at locations ---------------------------------------------------------------------


def remote_services():
    return serialise.public_services().filter(delivery_modes__slug__in=REMOTE_MODES).distinct()


def entry(service_pk, venue_pk=0):
    """A service-at-location in a list of them: the service's pk, and its venue's (0 for its
    virtual location), in one number, so a list of them orders them by service, then venue."""
    return service_pk << VENUE_BITS | venue_pk


def entries_of(query, services):
    """The list's entries for the services the query's filters leave: two queries (one near a
    postcode)."""
    links = serialise.public_venue_links().filter(service__in=services)
    if query.near:
        return near_entries(query, links)
    remote = services.filter(pk__in=remote_services().values("pk"))
    found = [entry(pk) for pk in remote.values_list("pk", flat=True)]
    found += [entry(s, v) for s, v in links.values_list("service_id", "venue_id")]
    return sorted(found)


def near_entries(query, links):
    """Links to venues within ``query.proximity`` metres of the district's middle, nearest
    first (then by service and venue, so equal distances keep one order): one query."""
    centre = (query.near.latitude, query.near.longitude)
    miles = query.proximity / METRES_PER_MILE
    nearest = (
        links.filter(**box(*centre, miles, prefix="venue__"))
        .annotate(miles=miles_from(*centre, prefix="venue__"))
        .filter(miles__lte=miles)
        .order_by("miles", "service_id", "venue_id")
    )
    return [entry(s, v) for s, v in nearest.values_list("service_id", "venue_id")]


class ServiceAtLocationListView(FeedView):
    near = True

    def answer(self):
        shapes = self.shapes
        services = filtered_services(self.query, shapes.vocabulary)
        if services is None:
            ids = array("q")
        else:
            name = f"service_at_locations?{self.query.filters}"
            ids = IDS.get(self.state.version, name)
            if ids is None:
                ids = array("q", entries_of(self.query, services))
                IDS.put(self.state.version, name, ids)
        return json_response(page_of(ids, self.query, self.items))

    def items(self, page):
        """The page's service-at-locations: two queries for the services, one for the venues."""
        mask = (1 << VENUE_BITS) - 1
        pairs = [(number >> VENUE_BITS, number & mask) for number in page]
        shapes = self.shapes
        services = {s.pk: s for s in shapes.load(sorted({pk for pk, _venue in pairs}))}
        venue_pks = {venue for _service, venue in pairs if venue}
        venues = Venue.objects.in_bulk(venue_pks) if venue_pks else {}
        found = []
        for service_pk, venue_pk in pairs:
            service = services.get(service_pk)
            venue = venues.get(venue_pk) if venue_pk else None
            if service is not None and (venue is not None or not venue_pk):
                found.append(dumps(shapes.service_at_location(service, venue=venue)))
        return found


class ServiceAtLocationDetailView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:service_at_location/{self.kwargs['id']}"

    def answer(self, id):
        identity = _as_uuid(id)
        pk = venue = None
        if identity is not None and (pair := pair_of(identity)) is not None:
            link = (
                serialise.public_venue_links()
                .filter(service_id=pair[0], venue_id=pair[1])
                .select_related("venue")
                .first()
            )
            if link is not None:
                pk, venue = link.service_id, link.venue
        elif identity is not None:
            service_id = service_of(identity, SERVICE_AT_LOCATION_MASK)
            pk = remote_services().filter(uuid=service_id).values_list("pk", flat=True).first()
        if not pk:
            return json_error(404, f"No service at a location has the id {id}.")
        shapes = self.shapes
        (service,) = shapes.load([pk])
        return json_response(shapes.service_at_location(service, full=True, venue=venue))


# --- organisations -----------------------------------------------------------------------------


class OrganisationListView(FeedView):
    def answer(self):
        organisations = serialise.public_organisations()
        if self.query.search:
            services = serialise.public_services().search(self.query.search)
            organisations = organisations.filter(pk__in=services.values("organisation_id"))
        ids = _ids(self.state.version, f"organizations?{self.query.search}", organisations)
        shapes = self.shapes

        def items(page_ids):
            found = Organisation.objects.in_bulk(page_ids)
            return [dumps(shapes.organisation_summary(found[pk])) for pk in page_ids if pk in found]

        return json_response(page_of(ids, self.query, items))


class OrganisationDetailView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:organization/{self.kwargs['id']}"

    def answer(self, id):
        identity = _as_uuid(id)
        organisation = None
        if identity is not None:
            organisation = serialise.public_organisations().filter(uuid=identity).first()
        if organisation is None:
            return json_error(404, f"No published organisation has the id {id}.")
        shapes = self.shapes
        shape = shapes.organisation_summary(organisation)
        ids = list(
            serialise.public_services()
            .filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        services = shapes.services(ids, full=True)
        body = dumps(shape)
        if services:
            body = f'{body[:-1]},"services":[{",".join(services)}]}}'
        return json_response(body)


# --- taxonomies --------------------------------------------------------------------------------


class TaxonomyListView(FeedView):
    def answer(self):
        shapes = self.shapes
        by_number = list(range(len(TAXONOMIES)))

        def items(numbers):
            return [dumps(shapes.taxonomy(TAXONOMIES[n])) for n in numbers]

        return json_response(page_of(by_number, self.query, items))


class TaxonomyDetailView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:taxonomy/{self.kwargs['id']}"

    def answer(self, id):
        taxonomy = BY_ID.get(_as_uuid(id))
        if taxonomy is None:
            return json_error(404, f"No taxonomy has the id {id}.")
        return json_response(self.shapes.taxonomy(taxonomy, with_terms=True))


class TaxonomyTermListView(FeedView):
    def answer(self):
        shapes = self.shapes
        terms = shapes.vocabulary.terms
        if self.query.taxonomy_id:
            terms = [term for term in terms if term.taxonomy.id == self.query.taxonomy_id]

        def items(numbers):
            return [dumps(shapes.term(terms[n])) for n in numbers]

        return json_response(page_of(list(range(len(terms))), self.query, items))


class TaxonomyTermDetailView(FeedView):
    def page_key(self):
        return f"oruk:{self.base}:taxonomy_term/{self.kwargs['id']}"

    def answer(self, id):
        shapes = self.shapes
        term = shapes.vocabulary.by_id.get(_as_uuid(id))
        if term is None:
            return json_error(404, f"No taxonomy term has the id {id}.")
        return json_response(shapes.term(term))


class PackageView(FeedView):
    """The zipped data package of the current version (exporting.py), for the open-data page:
    not kept in the page cache (it is a file of its own), but answered with 304 when unchanged."""

    def page_key(self):
        return None

    def get(self, request, *args, **kwargs):
        etag = f'"package-{self.state.version}"'
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponse(status=304)
        else:
            path = exporting.package_zip(self.state.version, self.base)
            response = FileResponse(
                path.open("rb"),
                as_attachment=True,
                filename="muslim-mental-health-directory-oruk.zip",
                content_type="application/zip",
            )
        response["ETag"] = etag
        return response


def not_found(request, rest=""):
    """Anything else under /api/oruk/: a JSON 404 that says where to start."""
    response = json_error(404, "There is nothing here: the feed starts at /api/oruk/.")
    _allow_any_origin(response)
    return response
