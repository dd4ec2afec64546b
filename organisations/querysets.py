"""What the public may see, how the models find the list, and what each page prefetches: reads
(selectors), decided here, in one place. Writes are in services.py."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from .choices import Sort, Status
from .listing import search


class ServiceQuerySet(models.QuerySet):
    def public(self):
        """Active services of published organisations: the only services ever shown publicly."""
        return self.filter(is_active=True, organisation__status=Status.PUBLISHED)

    def matching(self, condition):
        """Services that have any of the values of one facet (a listing.request.Condition)."""
        return self.filter(condition.as_q())

    def search(self, text):
        """Services that match every word of ``text``: full-text on PostgreSQL (search.py), and
        elsewhere every word, in any case, in a name, summary, description, or a name of one of
        its types or languages in any interface language."""
        if connections[self.db].vendor == "postgresql":
            query = search.tsquery(text)
            if not query:
                return self.none()
            return self.filter(
                pk__in=RawSQL(
                    "SELECT id FROM organisations_service "
                    "WHERE search_vector @@ to_tsquery('english', %s)",
                    [query],
                )
            )
        queryset = self
        for word in search.words(text):
            queryset = queryset.filter(
                pk__in=self.model.objects.filter(
                    Q(name__icontains=word)
                    | Q(description__icontains=word)
                    | Q(organisation__name__icontains=word)
                    | Q(organisation__summary__icontains=word)
                    | Q(organisation__description__icontains=word)
                    | _any_name_contains(word)
                ).values("pk")
            )
        return queryset


def _any_name_contains(word):
    """A service whose types or languages have ``word`` in a name, in any interface language of
    settings.LANGUAGES (so a new one needs nothing here), or in a language's own name: "استشارة"
    finds counselling, "اردو" services in Urdu. SQLite's LIKE ignores case for ASCII letters only;
    Arabic, Urdu and Bengali have no case, so for them that loses nothing."""
    found = Q(service_types__name__icontains=word) | Q(languages__name__icontains=word)
    found |= Q(languages__native_name__icontains=word)
    for code, _name in settings.LANGUAGES:
        column = build_localized_fieldname("name", code)
        found |= Q(**{f"service_types__{column}__icontains": word})
        found |= Q(**{f"languages__{column}__icontains": word})
    return found


def review_cutoff():
    """A listing last checked before this date needs review again (DESIGN.md §6)."""
    return timezone.localdate() - timedelta(days=settings.DIRECTORY_REVIEW_AFTER_DAYS)


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def needs_review(self):
        """Never verified, or last checked longer ago than the review period."""
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=review_cutoff()))

    def reviewed(self):
        return self.filter(last_verified__gte=review_cutoff())

    def listed(self, services, ordering):
        """The list through the models: published organisations with at least one of
        ``services`` (a Service queryset), in the list's ``ordering``. Relevance is ranked only
        by the listing table on PostgreSQL (listing/finders.py): here it is by name."""
        matching = self.published().filter(pk__in=services.values("organisation_id"))
        if ordering == Sort.RECENTLY_VERIFIED:
            return matching.order_by(
                models.F("last_verified").desc(nulls_last=True), Lower("name"), "pk"
            )
        return matching.order_by(Lower("name"), "pk")

    def for_detail(self):
        Service = apps.get_model("organisations", "Service")
        active = Service.objects.filter(is_active=True).order_by(Lower("name"), "pk")
        return self.prefetch_related(
            Prefetch("services", queryset=active, to_attr="listed_services")
        )


def listed_service_ids(organisation):
    """The ids of an organisation's active services in the order its page shows them: all its
    page needs of them while their HTML is kept (listing/fragments.py)."""
    Service = apps.get_model("organisations", "Service")
    return list(
        Service.objects.filter(organisation=organisation, is_active=True)
        .order_by(Lower("name"), "pk")
        .values_list("pk", flat=True)
    )
