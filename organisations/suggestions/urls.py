from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    path(
        "organisations/<slug:slug>/suggest-a-change/",
        views.SuggestChangeView.as_view(),
        name="suggest-change",
    ),
    path(
        "suggest-an-organisation/",
        views.SuggestOrganisationView.as_view(),
        name="suggest-organisation",
    ),
    path("suggestion-sent/", views.SuggestionSentView.as_view(), name="suggestion-sent"),
]
