"""Rendered pieces of pages, reused by a process while the directory stays the same.

Rendering, not the database, is what a list page spends most of its time on: twenty cards of about
2.5 KB each and a filter form of seventy checkboxes. A card depends only on its organisation, the
services it shows and two counts, the form only on the values chosen, and a service as its
organisation's page shows it only on itself; all of these are fixed for one version of the
directory. So each process keeps the HTML it rendered (caching/memo.py), keyed by what it was
rendered from and the interface language, and forgets all of it the moment the version moves:
exact, like the page cache, with nothing to share between processes. This works with the page
cache off (``DIRECTORY_PAGE_CACHE=0``): fragments are the parts of pages that recur across
different pages.

The templates are written for people, one element a line; a fragment is made compact once, when
it is stored (``compact``). At most ``DIRECTORY_FRAGMENTS`` pieces are kept.
"""

import re

from django.conf import settings
from django.template import loader
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import structured_data
from ..caching.memo import memo
from ..choices import Sort
from ..lookups import attach_facets
from ..models import Organisation, Service
from .near import distance_words
from .pagination import page_links
from .request import RADII, without

KEPT = memo.shelf("fragments", limit=lambda: settings.DIRECTORY_FRAGMENTS)
CARD_TEMPLATE = "organisations/includes/_organisation_card.html"
SERVICE_TEMPLATE = "organisations/includes/_service.html"
FORM_TEMPLATE = "organisations/includes/_filter_form.html"
PAGINATION_TEMPLATE = "includes/pagination.html"
# Stands for the filters' query string in a pagination rendered for every list of its shape: a
# pair of Unicode noncharacters, which neither a template nor an escaped query string can hold.
_QUERY_MARK = "\ufdd0query\ufdd0"
# A card shows this many of the services that matched, and links to the rest: an NHS trust with
# thirty services must not make a card thirty services long on a phone.
SERVICES_PER_CARD = 3

_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")
_BEFORE_CLOSING_TAG = re.compile(r"\s*\n\s*</")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def compact(html):
    """Markup written one element a line, made small: nothing between two tags on different
    lines or before a closing tag on the next, and one space where a line break sat inside text
    (as a browser shows it). ``html`` is a rendered template, safe already; so is what it becomes.
    """
    html = _BEFORE_CLOSING_TAG.sub("</", _BETWEEN_TAGS.sub("><", html))
    return mark_safe(_LINE_BREAK.sub(" ", html).strip())


def cards(version, ids, rows, lookups, heading_level=2):
    """The page's cards, in order, each with its organisation's id: (id, html) pairs, reused
    when rendered before at this version. An organisation gone between two queries has none.

    Near a postcode a card also says how far each shown service's nearest venue is
    (``Row.places``, near.py), and sits under its group's heading (``heading_level`` 3).
    Only the organisations, services and facets of cards not rendered before are read.
    """
    language = get_language()
    keys = {}
    for pk in ids:
        row = rows.get(pk)
        if row is not None:  # gone between two queries: leave it out
            shown = tuple(row.matching[:SERVICES_PER_CARD])
            places = tuple(
                (service, row.places[service]) for service in shown if service in row.places
            )
            keys[pk] = (
                "card", language, pk, shown, len(row.matching), row.public_count, places,
                heading_level,
            )  # fmt: skip
    found = KEPT.get_many(version, keys.values())
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        organisations = Organisation.objects.published().in_bulk(missing)
        services = Service.objects.in_bulk([service for pk in missing for service in keys[pk][3]])
        attach_facets(services.values(), lookups)
        template = loader.get_template(CARD_TEMPLATE)
        for pk in missing:
            organisation = organisations.get(pk)
            if organisation is None:
                continue
            _card, _language, _pk, shown, matching, public_count, places, level = keys[pk]
            nearby = {service: distance_words(place) for service, place in places}
            organisation.shown_services = []
            for service_pk in shown:
                if service_pk in services:
                    service = services[service_pk]
                    service.nearby = nearby.get(service_pk, "")
                    organisation.shown_services.append(service)
            organisation.matching_count = matching
            organisation.public_service_count = public_count
            context = {"organisation": organisation, "level": level, "service_level": level + 1}
            html = compact(template.render(context))
            KEPT.put(version, keys[pk], html)
            found[keys[pk]] = html
    return [(pk, found[keys[pk]]) for pk in ids if keys.get(pk) in found]


def services_in_full(version, organisation, service_ids, lookups):
    """Each of ``organisation``'s services (``service_ids``, in order) as its page shows it,
    contact details included, and as its structured data says it: (html, schema.org data) pairs
    (structured_data.service), the same until the version moves. Only services not rendered
    before are read, with their facets."""
    keys = {pk: ("service", get_language(), pk) for pk in service_ids}
    found = KEPT.get_many(version, keys.values())
    missing = [pk for pk in service_ids if keys[pk] not in found]
    if missing:
        services = list(Service.objects.filter(pk__in=missing))
        venues = services_venues(missing)
        for service in services:
            service.organisation = organisation  # read already: no query per service
            service.shown_venues = venues.get(service.pk, [])
        attach_facets(services, lookups)
        template = loader.get_template(SERVICE_TEMPLATE)
        for service in services:
            context = {"service": service, "heading_level": 3, "with_contact": True}
            html = compact(template.render(context))
            found[keys[service.pk]] = shown = (html, structured_data.service(service))
            KEPT.put(version, keys[service.pk], shown)
    return [found[keys[pk]] for pk in service_ids if keys[pk] in found]


def services_venues(service_ids):
    """Each service's venues, in their order, in one query: {service id: [Venue]}."""
    found = {}
    links = (
        Service.venues.through.objects.filter(service_id__in=service_ids)
        .select_related("venue")
        .order_by("venue__town", "venue__name", "venue__address_1", "venue_id")
    )
    for link in links:
        found.setdefault(link.service_id, []).append(link.venue)
    return found


def filter_form(list_request):
    """The filter form for the values chosen: reused like the cards."""
    key = ("form", get_language(), without(list_request.query))
    html = KEPT.get(list_request.version, key)
    if html is None:
        html = compact(
            loader.get_template(FORM_TEMPLATE).render(
                {
                    "facet_groups": list_request.facet_groups(),
                    "query": list_request.query,
                    "ordering": list_request.ordering,
                    "sort_choices": [
                        (value, label)
                        for value, label in Sort.choices
                        if (value != Sort.RELEVANCE or list_request.text)
                        and (value != Sort.NEAREST or list_request.near)
                    ],
                    "near": list_request.near,
                    "radius": list_request.radius,
                    "radii": RADII,
                }
            )
        )
        KEPT.put(list_request.version, key, html)
    return html


def pagination(version, page, query):
    """The page links of ``page`` for the filters in ``query``.

    What the links look like depends only on the page's shape: its number, how many pages there
    are, whether that count is a lower bound, and whether any filter is chosen. So a pagination
    is rendered once per shape with a mark where the filters' query string goes, and each list
    of that shape gets it with its own query string, escaped, put in: the same HTML the template
    makes for it, at the cost of one replace.
    """
    base = query.urlencode()
    paginator = page.paginator
    key = (
        "pagination",
        get_language(),
        page.number,
        paginator.num_pages,
        paginator.more,
        bool(base),
    )
    html = KEPT.get(version, key)
    if html is None:
        links = page_links(page, _QUERY_MARK if base else "")
        html = compact(loader.get_template(PAGINATION_TEMPLATE).render({"page_links": links}))
        KEPT.put(version, key, html)
    return mark_safe(html.replace(_QUERY_MARK, escape(base))) if base else html
