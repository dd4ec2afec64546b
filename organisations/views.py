from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from . import fragments, listing, pagecache, signposting
from .filters import SORT_CHOICES, ServiceFilter, clean_query, without
from .lookups import attach_facets, load_lookups
from .models import Organisation, Service
from .versioning import current_state

# Counting every match of a large directory costs more than the rest of the page: count only as
# far as pagination needs, at least this far, and say "more than" beyond it.
COUNT_AT_LEAST = 100
FURTHEST_PAGE = 500  # 10,000 organisations in; narrower filters reach the rest
# A card shows this many of the services that matched, and links to the rest: an NHS trust with
# thirty services must not make a card thirty services long on a phone.
SERVICES_PER_CARD = 3
CARD_TEMPLATE = "organisations/includes/_organisation_card.html"
FORM_TEMPLATE = "organisations/includes/_filter_form.html"


def paginate(finder, raw_page, per_page):
    """The page asked for, or the nearest sensible one and a notice saying why.

    ``finder`` (listing.py) gives the organisations in order; only as many are read as the page
    needs, and at least ``COUNT_AT_LEAST`` + 1 so that the page can say how many there are, or
    "more than" that. The page's ``object_list`` is organisation ids.
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
    limit = max(COUNT_AT_LEAST, min(number, FURTHEST_PAGE) * per_page) + 1
    ids = finder.ordered_ids(limit)
    more = len(ids) == limit
    paginator = Paginator(ids[:-1] if more else ids, per_page)
    paginator.more = more  # count is then a lower bound
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


class OrganisationListView(TemplateView):
    template_name = "organisations/organisation_list.html"
    page_size = settings.DIRECTORY_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.state = current_state()
        self.lookups = load_lookups(self.state.version)
        # What the page understood decides the cache key; the FilterSet is built only to render.
        self.understood = clean_query(request.GET, self.lookups)
        return pagecache.serve(request, self.state, self.cache_key(), self.render_page)

    def cache_key(self):
        """What the page understood, never the raw query: None when it had to ignore something."""
        understood = self.understood
        page = understood.page or "1"
        if understood.notices or not page.isdigit() or len(page) > 6:
            return None
        return f"list?{without(understood.data, 'page')}&page={int(page)}"

    def render_page(self):
        understood = self.understood
        self.filterset = ServiceFilter(
            queryset=Service.objects.public(), lookups=self.lookups, understood=understood
        )
        ordering = self.filterset.ordering
        finder = listing.for_request(
            understood, self.lookups, ordering, self.filterset, self.state.version
        )
        page, page_notice = paginate(finder, understood.page, self.page_size)
        notices = [*understood.notices, *([page_notice] if page_notice else [])]
        context = self.get_context_data(
            filter=self.filterset,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.paginator.num_pages > 1,
            page_range=page_links(page),
            cards=self.cards(page.object_list, finder.rows(page.object_list)),
            filter_form=self.filter_form(ordering),
            corrected_search=finder.corrected,
            notices=notices,
            query=understood.data,
            active_filters=self.filterset.active_filters(),
        )
        response = self.render_to_response(context)
        response.cacheable = not notices
        return response

    def cards(self, ids, rows):
        """The page's cards, in order: reused when rendered before at this version (fragments.py).

        Only the organisations, services and facets of cards not rendered before are read.
        """
        keys = {}
        for pk in ids:
            row = rows.get(pk)
            if row is not None:  # gone between two queries: leave it out
                shown = tuple(row.matching[:SERVICES_PER_CARD])
                keys[pk] = ("card", pk, shown, len(row.matching), row.public_count)
        found = fragments.get_many(self.state, keys.values())
        missing = [pk for pk, key in keys.items() if key not in found]
        if missing:
            organisations = Organisation.objects.published().in_bulk(missing)
            services = Service.objects.in_bulk(
                [service for pk in missing for service in keys[pk][2]]
            )
            attach_facets(services.values(), self.lookups)
            template = loader.get_template(CARD_TEMPLATE)
            for pk in missing:
                organisation = organisations.get(pk)
                if organisation is None:
                    continue
                _card, _pk, shown, matching, public_count = keys[pk]
                organisation.shown_services = [services[s] for s in shown if s in services]
                organisation.matching_count = matching
                organisation.public_service_count = public_count
                html = template.render({"organisation": organisation})
                fragments.put(self.state, keys[pk], html)
                found[keys[pk]] = html
        return [found[keys[pk]] for pk in ids if keys.get(pk) in found]

    def filter_form(self, ordering):
        """The filter form for the values chosen: reused like the cards."""
        key = ("form", without(self.understood.data, "page"))
        html = fragments.get_many(self.state, [key]).get(key)
        if html is None:
            html = loader.get_template(FORM_TEMPLATE).render(
                {
                    "facet_groups": self.filterset.facet_groups(),
                    "query": self.understood.data,
                    "ordering": ordering,
                    "sort_choices": SORT_CHOICES,
                }
            )
            fragments.put(self.state, key, html)
        return html


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


class SignpostingSheetView(TemplateView):
    """The services a practitioner ticked, with what a client needs to reach each (signposting.py).

    Not kept in the page cache: it carries today's date, and practitioners make few of them.
    """

    template_name = "organisations/signposting_sheet.html"

    def get(self, request, *args, **kwargs):
        chosen = signposting.read_ids(request.GET.getlist("service"))
        services = signposting.public_services(chosen) if chosen.ids else []
        attach_facets(services, load_lookups(current_state().version))
        sheet_query = "&".join(f"service={service.pk}" for service in services)
        for service in services:
            service.page_url = request.build_absolute_uri(service.get_absolute_url())
            service.remove_query = "&".join(
                f"service={other.pk}" for other in services if other is not service
            )
        context = self.get_context_data(
            services=services,
            notices=chosen.notices,
            today=timezone.localdate(),
            sheet_url=request.build_absolute_uri(
                reverse("organisations:signposting-sheet") + (f"?{sheet_query}" if services else "")
            ),
            urgent_help_url=request.build_absolute_uri(reverse("urgent-help")),
        )
        return pagecache.patch_no_etag(self.render_to_response(context))


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
