from django.urls import path

from . import suggestion_views, views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("signposting/", views.SignpostingSheetView.as_view(), name="signposting-sheet"),
    path(
        "organisations/<slug:slug>/suggest-a-change/",
        suggestion_views.SuggestChangeView.as_view(),
        name="suggest-change",
    ),
    path(
        "suggest-an-organisation/",
        suggestion_views.SuggestOrganisationView.as_view(),
        name="suggest-organisation",
    ),
    path(
        "suggestion-sent/",
        suggestion_views.SuggestionSentView.as_view(),
        name="suggestion-sent",
    ),
]
