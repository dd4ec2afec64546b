"""/api/oruk/: the Open Referral UK feed (views.py). Unprefixed: open data has no interface
language. The open-data page for people is /open-data/, among the translated pages."""

from django.urls import path, re_path

from . import views

app_name = "openreferral"

ID = "<str:id>"

urlpatterns = [
    path("api/oruk", views.RootView.as_view(), name="root-without-slash"),
    path("api/oruk/", views.RootView.as_view(), name="root"),
    path("api/oruk/openapi.json", views.OpenAPIView.as_view(), name="openapi"),
    path("api/oruk/services", views.ServiceListView.as_view(), name="services"),
    path(f"api/oruk/services/{ID}", views.ServiceDetailView.as_view(), name="service"),
    path(
        "api/oruk/service_at_locations",
        views.ServiceAtLocationListView.as_view(),
        name="service-at-locations",
    ),
    path(
        f"api/oruk/service_at_locations/{ID}",
        views.ServiceAtLocationDetailView.as_view(),
        name="service-at-location",
    ),
    path("api/oruk/organizations", views.OrganisationListView.as_view(), name="organizations"),
    path(
        f"api/oruk/organizations/{ID}",
        views.OrganisationDetailView.as_view(),
        name="organization",
    ),
    path("api/oruk/taxonomies", views.TaxonomyListView.as_view(), name="taxonomies"),
    path(f"api/oruk/taxonomies/{ID}", views.TaxonomyDetailView.as_view(), name="taxonomy"),
    path("api/oruk/taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy-terms"),
    path(
        f"api/oruk/taxonomy_terms/{ID}",
        views.TaxonomyTermDetailView.as_view(),
        name="taxonomy-term",
    ),
    re_path(r"^api/oruk/(?P<rest>[\s\S]*)$", views.not_found),  # a newline too
    # The UK tabular data package, zipped (exporting.py), offered on /open-data/.
    path("open-data/oruk-package.zip", views.PackageView.as_view(), name="package"),
]
