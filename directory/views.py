"""The site's own pages: home, urgent help, staying safe online, about, privacy, accessibility;
``/healthz``; and the 400 and 500 pages."""

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
