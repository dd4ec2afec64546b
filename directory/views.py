"""The site's own pages: home, urgent help, staying safe online, about, privacy, accessibility,
open data; ``/healthz``; and the 400 and 500 pages."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.generic import TemplateView

from organisations.caching.pages import CachedPageMixin


class PageView(CachedPageMixin, TemplateView):
    """A plain page of text, kept in the page cache like every public page."""

    def page_key(self):
        return f"page/{self.template_name}"


class OpenDataView(PageView):
    """/open-data/: what the Open Referral UK feed and the data package hold, how to ask for
    them, the licence, and every taxonomy with its values (each taxonomy's URI in the feed is
    this page, at ``#taxonomy-<param>``). One query: the lookups, kept for the version."""

    template_name = "pages/open_data.html"

    def get_context_data(self, **kwargs):
        from organisations.lookups import load_lookups
        from organisations.openreferral import licence, vocabulary

        terms = vocabulary.terms(load_lookups(self.state.version))
        taxonomies = [
            (taxonomy, [term for term in terms if term.taxonomy is taxonomy])
            for taxonomy in vocabulary.TAXONOMIES
        ]
        return {
            **super().get_context_data(**kwargs),
            "taxonomies": taxonomies,
            "example_term": next((term for term in terms if term.taxonomy.is_lookup), None),
            "licence_name": licence.LICENCE_NAME,
            "licence_url": licence.LICENCE_URL,
            "attribution": licence.ATTRIBUTION,
        }


def healthz(request):
    """For load balancers and benchmarks: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _without_request(template_name):
    """An error page rendered without the request, so that it cannot fail the same way again:
    only what needs no request (the crisis lines need none)."""
    return loader.get_template(template_name).render(
        {"quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL}
    )


def server_error(request):
    return HttpResponseServerError(_without_request("500.html"))


def bad_request(request, exception):
    return HttpResponseBadRequest(_without_request("400.html"))
