"""The public's suggestion forms (forms.py, limits.py).

Never page-cached: each carries a CSRF token, and with it the one cookie the public site sets,
only on these pages (DESIGN.md §7 excepts forms).
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from organisations.models import Organisation

from . import limits
from .forms import HONEYPOT, SuggestChangeForm, SuggestOrganisationForm
from .models import Suggestion


@method_decorator(never_cache, name="dispatch")
class SuggestionFormView(FormView):
    """Counts each submission against the client's hourly limit, drops robots, saves the rest."""

    success_url = reverse_lazy("suggestions:suggestion-sent")

    def post(self, request, *args, **kwargs):
        if not limits.allow_attempt(request):
            return too_many_suggestions(request)
        form = self.get_form()
        if form.is_robot():
            return redirect(self.get_success_url())  # thanked, and nothing saved
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_valid(self, form):
        form.save()
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(honeypot=HONEYPOT, **kwargs)


class SuggestChangeView(SuggestionFormView):
    form_class = SuggestChangeForm
    template_name = "suggestions/suggest_change.html"

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(
            Organisation.objects.published().only("pk", "name", "slug"), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Suggestion(organisation=self.organisation)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class SuggestOrganisationView(SuggestionFormView):
    form_class = SuggestOrganisationForm
    template_name = "suggestions/suggest_organisation.html"


class SuggestionSentView(TemplateView):
    template_name = "suggestions/suggestion_sent.html"


def too_many_suggestions(request):
    """Status 429: this client sent its hourly share; nothing is saved."""
    response = TemplateResponse(
        request,
        "suggestions/too_many_suggestions.html",
        {"per_hour": settings.DIRECTORY_SUGGESTIONS_PER_HOUR},
        status=429,
    )
    response["Retry-After"] = str(limits.WINDOW_SECONDS)
    return response
