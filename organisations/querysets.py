"""What the public may see, and what each page prefetches: decided here, in one place."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

FACET_RELATIONS = (
    "service_types",
    "delivery_modes",
    "languages",
    "practitioner_genders",
    "audiences",
    "areas",
)


class ServiceQuerySet(models.QuerySet):
    def public(self):
        """Active services of published organisations: the only services ever shown publicly."""
        return self.filter(is_active=True, organisation__status="published")

    def with_facets(self):
        """Prefetch every facet a card shows: a query per facet, however many services."""
        return self.prefetch_related(*FACET_RELATIONS)


def review_cutoff():
    """A listing last checked before this date needs review again (DESIGN.md §6)."""
    return timezone.localdate() - timedelta(days=settings.DIRECTORY_REVIEW_AFTER_DAYS)


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def needs_review(self):
        """Never verified, or last checked longer ago than the review period."""
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=review_cutoff()))

    def reviewed(self):
        return self.filter(last_verified__gte=review_cutoff())

    def matching(self, services):
        """Organisations that have at least one of ``services`` (a Service queryset)."""
        return self.filter(pk__in=services.values("organisation_id"))

    def sorted_by(self, sort):
        """Order by ``sort``. Relevance is ranked only on PostgreSQL (listing.py): here, by name."""
        if sort == "recently-verified":
            return self.order_by(
                models.F("last_verified").desc(nulls_last=True), Lower("name"), "pk"
            )
        return self.order_by(Lower("name"), "pk")

    def for_detail(self):
        Service = apps.get_model("organisations", "Service")
        active = Service.objects.filter(is_active=True).order_by(Lower("name"), "pk")
        return self.prefetch_related(
            Prefetch("services", queryset=active, to_attr="listed_services")
        )
