"""What search engines read: ``/robots.txt``, and the sitemap, an index at ``/sitemap.xml`` of its
sections at ``/sitemap-<section>.xml`` (DESIGN.md §9). An organisation's page says what it is
about in schema.org's words itself (organisations/structured_data.py).

Every address given is absolute, from ``directory.site.site_url``: ``DJANGO_SITE_URL``, or the
address the request came to. Django's sitemap views take the host from ``django.contrib.sites``
or the request; here each sitemap is given the site's address instead, and the index, which can
only take the request's host, is this module's own.

Both answer without a cookie, and without a query for robots.txt. A sitemap's page is named by
the directory's version like every public page (ETag, Last-Modified, 304), but is not kept in the
page cache: a page of 1,000 organisations in five languages is a few megabytes, and crawlers ask
for it a few times a day, mostly conditionally.
"""

import hashlib
from calendar import timegm

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date, quote_etag
from django.utils.translation import override
from django.views.decorators.http import require_safe

from organisations.caching.pages import CACHE_CONTROL
from organisations.caching.versioning import current_state
from organisations.models import Organisation

from .languages import language_tag
from .site import absolute, site_url

# --- robots.txt -------------------------------------------------------------------------------

# Django's own default for admin, which every scanner tries anyway: naming it gives nothing away.
# A deployment that moved admin (DJANGO_ADMIN_URL) is not named, as that would publish the path it
# hides; admin's pages tell robots to keep out themselves (<meta name="robots" content="NONE">),
# and need a sign-in.
WELL_KNOWN_ADMIN_URL = "admin/"
# Pages that are not content, in every interface language: the signposting sheet (a page made for
# one client) and the suggestion forms. The placeholder slug stands for any organisation.
NOT_CONTENT = [
    ("organisations:signposting-sheet", {}),
    ("suggestions:suggest-change", {"slug": "__any__"}),
    ("suggestions:suggest-organisation", {}),
    ("suggestions:suggestion-sent", {}),
]
ROBOTS_MAX_AGE = 24 * 60 * 60  # it changes only with a deployment; crawlers keep it a day anyway


def disallowed():
    """The paths robots.txt keeps crawlers out of."""
    paths = []
    if settings.ADMIN_URL == WELL_KNOWN_ADMIN_URL:
        paths.append(f"/{WELL_KNOWN_ADMIN_URL}")
    paths.append(reverse("healthz"))
    for code, _name in settings.LANGUAGES:
        with override(code):
            for name, kwargs in NOT_CONTENT:
                paths.append(reverse(name, kwargs=kwargs).replace("__any__", "*"))
    return paths


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in disallowed()),
        "",
        f"Sitemap: {absolute(reverse('sitemap-index'), request)}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=ROBOTS_MAX_AGE)
    return response


# --- The sitemap's sections -------------------------------------------------------------------

# The site's own pages, by URL name.
PAGES = [
    "home",
    "organisations:organisation-list",
    "urgent-help",
    "staying-safe-online",
    "about",
    "privacy",
    "accessibility",
    "open-data",
]
LIST_PAGE = "organisations:organisation-list"
# Organisations a section's page lists, each in every interface language with its alternates:
# 5,000 addresses at about 800 bytes each, well inside the protocol's 50,000 addresses and 50 MB
# even with the longest slugs; 100 pages for 100,000 organisations.
ORGANISATIONS_PER_PAGE = 1_000


class DirectorySitemap(Sitemap):
    """A section of the sitemap: each page in every interface language, each naming all its
    versions (``hreflang``, as the pages' own ``<link rel="alternate">`` do) and English as the
    default; at ``address``, the site's (``https://example.org.uk``)."""

    i18n = True
    alternates = True
    x_default = True

    def __init__(self, address, state):
        self.protocol, self.domain = address.split("://", 1)
        self.state = state

    def get_domain(self, site=None):
        return self.domain

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            for alternate in url["alternates"]:
                if alternate["lang_code"] != "x-default":
                    alternate["lang_code"] = language_tag(alternate["lang_code"])
        return urls


class PagesSitemap(DirectorySitemap):
    """The site's own pages. Only the list changes with the directory, so only it has a
    ``lastmod`` (when the directory last changed); the others change with a deployment, which
    the data cannot tell, and a date that moved with every edit would be a false one."""

    def items(self):
        return PAGES

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.state.changed_at if name == LIST_PAGE else None

    def get_latest_lastmod(self):
        return self.state.changed_at


class InEveryLanguage:
    """(item, language code) for each item of ``queryset`` and each language, the list Django's
    i18n Sitemap pages through, read a page at a time: Django's own reads every item to make the
    whole list first, on every request for any page."""

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = languages

    @cached_property
    def items_count(self):
        return self.queryset.count()

    def __len__(self):
        return self.items_count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("A sitemap reads its pages as slices.")
        start, stop, _step = index.indices(len(self))
        each = len(self.languages)
        first = start // each
        items = self.queryset[first : -(-stop // each)]
        pairs = [(item, code) for item in items for code in self.languages]
        return pairs[start - first * each : stop - first * each]


class OrganisationsSitemap(DirectorySitemap):
    """Every published organisation's page, by primary key (a new one goes at the end, so pages
    do not shift while a crawler reads them), last modified when its organisation was."""

    @property
    def limit(self):
        return ORGANISATIONS_PER_PAGE * len(settings.LANGUAGES)

    def items(self):
        return Organisation.objects.published().order_by("pk").only("slug", "updated")

    @property
    def paginator(self):
        languages = [code for code, _name in settings.LANGUAGES]
        return Paginator(InEveryLanguage(self.items(), languages), self.limit)

    def lastmod(self, organisation):
        return organisation.updated

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated"))["latest"]


SECTIONS = {"pages": PagesSitemap, "organisations": OrganisationsSitemap}


def sitemaps(request, state):
    address = site_url(request)
    return {section: sitemap(address, state) for section, sitemap in SECTIONS.items()}


# --- The sitemap's views ----------------------------------------------------------------------


def conditional(request, state, key, render):
    """``render()``'s answer, or 304 when the client has it already: named by the directory's
    version and ``key`` (with the site's address, which every location holds), as public pages
    are (organisations/caching/pages.py), and never stored."""
    name = f"{site_url(request)} {key}".encode("utf-8", "surrogatepass")
    etag = quote_etag(f"{state.version}-{hashlib.sha256(name).hexdigest()[:16]}")
    last_modified = timegm(state.changed_at.utctimetuple())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code != 200:
            return response
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, **CACHE_CONTROL)
    return response


@require_safe
@sitemap_views.x_robots_tag
def sitemap_index(request):
    """Each section's pages, with when each section last changed."""
    state = current_state()

    def render():
        entries = []
        for section, sitemap in sitemaps(request, state).items():
            location = absolute(reverse("sitemap-section", kwargs={"section": section}), request)
            lastmod = sitemap.get_latest_lastmod()
            entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
            entries.extend(
                sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
                for page in range(2, sitemap.paginator.num_pages + 1)
            )
        return TemplateResponse(
            request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
        )

    return conditional(request, state, "index", render)


@require_safe
def sitemap_section(request, section):
    """A page of a section (``?p=2``): Django's view, given the site's address. A page that is
    not a number, or past the last, is 404."""
    if section not in SECTIONS:
        raise Http404("No such section of the sitemap.")
    state = current_state()
    page = request.GET.get("p", "1")
    return conditional(
        request,
        state,
        f"{section} {page}",
        lambda: sitemap_views.sitemap(request, sitemaps(request, state), section=section),
    )
