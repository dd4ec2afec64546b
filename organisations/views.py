from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import pagecache
from .filters import SORT_CHOICES, ServiceFilter, clean_query, without
from .lookups import attach_facets, load_lookups
from .models import Organisation, Service
from .versioning import current_state

# Counting every match of a large directory costs more than the rest of the page: count only as
# far as pagination needs, at least this far, and say "more than" beyond it.
COUNT_AT_LEAST = 1000
FURTHEST_PAGE = 100_000  # asking for a page beyond this counts no further
# A card shows this many of the services that matched, and links to the rest: an NHS trust with
# thirty services must not make a card thirty services long on a phone.
SERVICES_PER_CARD = 3


class CountingPaginator(Paginator):
    """A paginator whose count stops once it knows enough for the page asked for.

    ``more`` is True when there are more rows than ``count``; ``count`` is then a lower bound,
    and pages up to ``num_pages`` certainly exist.
    """

    def __init__(self, object_list, per_page, countable, wanted_page):
        super().__init__(object_list, per_page)
        limit = max(COUNT_AT_LEAST, min(wanted_page, FURTHEST_PAGE) * per_page) + 1
        counted = countable[:limit].count()
        self.more = counted == limit
        self.count = counted - 1 if self.more else counted


def paginate(queryset, raw_page, per_page, countable):
    """The page asked for, or the nearest sensible one and a notice saying why.

    ``countable`` is the same rows as ``queryset`` without what only one page needs (ordering,
    per-row extras), so that counting is cheap.
    """
    notice = None
    number = 1
    if raw_page not in (None, ""):
        try:
            number = int(str(raw_page).strip())
        except ValueError:
            notice = f"“{raw_page[:20]}” is not a page number, so this is the first page."
        else:
            if number < 1:
                notice = "There is no such page, so this is the first page."
                number = 1
    paginator = CountingPaginator(queryset, per_page, countable, number)
    if number > paginator.num_pages:
        if paginator.count:
            notice = (
                f"There is no page {number}; this is the last page, page {paginator.num_pages}."
            )
        number = paginator.num_pages
    return paginator.page(number), notice


def page_links(page):
    """Page numbers to link to: first, last (when known) and two either side, with gaps."""
    links = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    if page.paginator.more and links[-1] != Paginator.ELLIPSIS:
        links.append(Paginator.ELLIPSIS)
    return links


class OrganisationListView(FilterView):
    filterset_class = ServiceFilter  # filters services; the view lists their organisations
    template_name = "organisations/organisation_list.html"
    page_size = settings.DIRECTORY_PAGE_SIZE  # paginated in render_page(), leniently

    def get_queryset(self):
        return Service.objects.public()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # always bound, so bad values become notices
        kwargs["lookups"] = self.lookups
        kwargs["understood"] = self.understood
        return kwargs

    def get(self, request, *args, **kwargs):
        state = current_state()
        self.lookups = load_lookups(state.version)
        # What the page understood decides the cache key; the FilterSet is built only to render.
        self.understood = clean_query(request.GET, self.lookups)
        return pagecache.serve(request, state, self.cache_key(), self.render_page)

    def cache_key(self):
        """What the page understood, never the raw query: None when it had to ignore something."""
        understood = self.understood
        page = understood.page or "1"
        if understood.notices or not page.isdigit() or len(page) > 6:
            return None
        return f"list?{without(understood.data, 'page')}&page={int(page)}"

    def render_page(self):
        self.filterset = self.get_filterset(self.get_filterset_class())
        services = self.filterset.qs
        matching = Organisation.objects.published().matching(services).order_by()
        organisations = matching.sorted_by(
            self.filterset.ordering, self.filterset.relevance()
        ).for_listing(services)
        # Count without the ordering and the per-row extras: they only matter for one page.
        page, page_notice = paginate(
            organisations, self.filterset.understood.page, self.page_size, countable=matching
        )
        self.object_list = page.object_list
        for organisation in page.object_list:
            organisation.shown_services = organisation.listed_services[:SERVICES_PER_CARD]
            organisation.more_matching = max(
                0, len(organisation.listed_services) - SERVICES_PER_CARD
            )
        attach_facets(
            [
                service
                for organisation in page.object_list
                for service in organisation.shown_services
            ],
            self.lookups,
        )
        notices = [*self.filterset.notices, *([page_notice] if page_notice else [])]
        context = self.get_context_data(
            filter=self.filterset,
            object_list=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.paginator.num_pages > 1,
            page_range=page_links(page),
            notices=notices,
            query=self.filterset.understood.data,
            active_filters=self.filterset.active_filters(),
            facet_groups=self.filterset.facet_groups(),
            sort_choices=SORT_CHOICES,
        )
        response = self.render_to_response(context)
        response.cacheable = not notices
        return response


class OrganisationDetailView(DetailView):
    template_name = "organisations/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        state = current_state()
        self.lookups = load_lookups(state.version)
        key = f"detail/{kwargs['slug']}"
        return pagecache.serve(
            request,
            state,
            key,
            lambda: super(OrganisationDetailView, self).get(request, *args, **kwargs),
        )

    def get_object(self, queryset=None):
        organisation = super().get_object(queryset)
        attach_facets(organisation.listed_services, self.lookups)
        return organisation


class PageView(TemplateView):
    """A plain page of text: urgent help, staying safe online, about, privacy, accessibility."""

    def get(self, request, *args, **kwargs):
        key = f"page/{self.template_name}"
        return pagecache.serve(
            request,
            current_state(),
            key,
            lambda: super(PageView, self).get(request, *args, **kwargs),
        )


def healthz(request):
    """For load balancers and benchmarks: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """The 500 page, rendered without the request so that it cannot fail the same way again."""
    html = loader.get_template("500.html").render(
        {"quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL}
    )
    return HttpResponseServerError(html)


def bad_request(request, exception):
    html = loader.get_template("400.html").render(
        {"quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL}
    )
    return HttpResponseBadRequest(html)
