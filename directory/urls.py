from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import search_engines
from .views import OpenDataView, PageView, healthz

admin.site.site_header = "Muslim Mental Health Directory: editors"
admin.site.site_title = "Directory editors"
admin.site.index_title = "Keep the listings true"


def page(url, template, name):
    return path(url, PageView.as_view(template_name=f"pages/{template}.html"), name=name)


# The public pages, in English at today's URLs and in every other language under its prefix
# (/ur/about/). Admin, /healthz and the open data stay unprefixed, and set_language is never
# mounted: the URL alone decides the language (directory/middleware.py).
urlpatterns = i18n_patterns(
    page("", "home", "home"),
    path("", include("organisations.urls")),
    path("", include("organisations.suggestions.urls")),
    page("urgent-help/", "urgent_help", "urgent-help"),
    page("staying-safe-online/", "staying_safe_online", "staying-safe-online"),
    page("about/", "about", "about"),
    page("privacy/", "privacy", "privacy"),
    page("accessibility/", "accessibility", "accessibility"),
    path("open-data/", OpenDataView.as_view(), name="open-data"),
    prefix_default_language=False,
) + [
    path("healthz", healthz, name="healthz"),
    # What search engines read (directory/search_engines.py): not pages, so in no language.
    path("robots.txt", search_engines.robots_txt, name="robots-txt"),
    path("sitemap.xml", search_engines.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", search_engines.sitemap_section, name="sitemap-section"),
    # The Open Referral UK feed (organisations/openreferral/): open data has no interface language.
    path("", include("organisations.openreferral.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "directory.views.bad_request"
handler500 = "directory.views.server_error"
