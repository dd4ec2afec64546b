"""The directory's pages: the list, an organisation, the signposting sheet. Thin: what a page
shows is decided in listing/, lookups.py, signposting.py and the querysets."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django.views.generic import DetailView, TemplateView

from directory.site import absolute, site_url

from . import signposting, structured_data
from .caching.pages import CachedPageMixin, do_not_cache
from .caching.versioning import current_state
from .listing import fragments, near, request
from .listing.finders import finder_for
from .listing.pagination import count_in_words, paginate
from .lookups import attach_facets, load_lookups
from .models import Organisation
from .near import postcodes
from .querysets import listed_service_ids


class OrganisationListView(CachedPageMixin, TemplateView):
    template_name = "organisations/organisation_list.html"
    page_size = settings.DIRECTORY_PAGE_SIZE

    def dispatch(self, request, *args, **kwargs):
        """A whole postcode in ``near`` is answered with the same list at its district alone, so
        that no link, cache key or browser history ever holds one (DESIGN.md §10)."""
        district_url = near_district_url(request)
        if district_url is not None:
            return do_not_cache(HttpResponseRedirect(district_url))
        return super().dispatch(request, *args, **kwargs)

    def page_key(self):
        lookups = load_lookups(self.state.version)
        self.list_request = request.read(self.request, self.state, lookups)
        return self.list_request.cache_key

    def get_context_data(self, **kwargs):
        list_request = self.list_request
        finder = finder_for(list_request)
        page, page_notice = paginate(finder, list_request.page, self.page_size)
        rows = finder.rows(page.object_list)
        is_paginated = page.paginator.num_pages > 1
        near = list_request.near
        cards = fragments.cards(
            list_request.version,
            page.object_list,
            rows,
            list_request.lookups,
            heading_level=3 if near else 2,
        )
        return super().get_context_data(
            list_request=list_request,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=is_paginated,
            pagination=(
                fragments.pagination(list_request.version, page, list_request.query)
                if is_paginated
                else ""
            ),
            count_in_words=count_in_words(page.paginator, list_request.has_filters),
            cards=[html for _pk, html in cards],
            near_groups=near_groups(finder, cards, list_request) if near else None,
            filter_form=fragments.filter_form(list_request),
            corrected_search=finder.corrected,
            notices=[*list_request.notices, *([page_notice] if page_notice else [])],
            query=list_request.query,
            active_filters=list_request.active_filters,
            language_query=list_request.language_query,
            sheet_limit=signposting.MOST_SERVICES,
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return do_not_cache(response) if context["notices"] else response


def near_district_url(request):
    """The list's address with ``near``'s whole postcode cut to its district, or None when
    ``near`` holds no whole postcode."""
    values = request.GET.getlist("near")
    typed = postcodes.read(values[-1]) if values else None
    if typed is None or not typed.full:
        return None
    query = request.GET.copy()
    query.setlist("near", [typed.district])
    return f"{request.path}?{query.urlencode()}"


def near_groups(finder, cards, list_request):
    """The page's cards (``(id, html)`` pairs) in their groups (listing/near.py), each with its
    heading, in order."""
    groups = []
    for pk, card in cards:
        group = finder.groups.get(pk)
        if not groups or groups[-1]["group"] != group:
            heading = near.group_heading(
                group, list_request.near, list_request.radius, list_request.lookups
            )
            groups.append({"group": group, "heading": heading, "cards": []})
        groups[-1]["cards"].append(card)
    return groups


class OrganisationDetailView(CachedPageMixin, DetailView):
    template_name = "organisations/organisation_detail.html"
    context_object_name = "organisation"

    def page_key(self):
        # Its structured data gives the page's address: the host's own without DJANGO_SITE_URL.
        return f"detail/{site_url(self.request)}/{self.kwargs['slug']}"

    def get_queryset(self):
        return Organisation.objects.published()

    def get_object(self, queryset=None):
        """The organisation, and its services' HTML and structured data: kept per version like
        the list's cards, so a page seen before reads the organisation and its services' ids,
        nothing more."""
        organisation = super().get_object(queryset)
        service_ids = listed_service_ids(organisation)
        lookups = load_lookups(self.state.version)
        shown = fragments.services_in_full(self.state.version, organisation, service_ids, lookups)
        organisation.services_html = [html for html, _data in shown]
        organisation.structured_data = structured_data.script(
            structured_data.organisation(
                organisation,
                [data for _html, data in shown],
                absolute(organisation.get_absolute_url(), self.request),
            )
        )
        return organisation


class SignpostingSheetView(TemplateView):
    """The services a practitioner ticked, with what a client needs to reach each (signposting.py).

    Not kept in the page cache: it carries today's date, and practitioners make few of them.
    """

    template_name = "organisations/signposting_sheet.html"

    def get(self, request, *args, **kwargs):
        given = request.GET.getlist("service")
        chosen = signposting.read_ids(given)
        sheet_language = signposting.sheet_language(request.GET.getlist("lang"))
        if "lang" in request.GET and not sheet_language.notices:
            # The sheet in the language chosen for the client, at its own URL like every page
            # (the page's own language too, without "lang"), with the services as given, so
            # that it names any it cannot use.
            with override(sheet_language.code):
                url = signposting.sheet_path(signposting.as_given(given))
            return do_not_cache(HttpResponseRedirect(url))
        services = signposting.public_services(chosen) if chosen.ids else []
        attach_facets(services, load_lookups(current_state().version))
        ids = [service.pk for service in services]
        venues = fragments.services_venues(ids) if ids else {}
        for service in services:
            service.shown_venues = venues.get(service.pk, [])
        for service in services:
            service.page_url = request.build_absolute_uri(service.get_absolute_url())
            service.remove_query = signposting.sheet_query(pk for pk in ids if pk != service.pk)
        context = self.get_context_data(
            services=services,
            notices=[*sheet_language.notices, *chosen.notices],
            today=timezone.localdate(),
            sheet_url=request.build_absolute_uri(signposting.sheet_path(ids)),
            urgent_help_url=request.build_absolute_uri(reverse("urgent-help")),
            language_query=f"?{signposting.sheet_query(ids)}" if ids else "",
            practitioner_note=signposting.practitioner_note(ids) if ids else None,
        )
        return do_not_cache(self.render_to_response(context))
