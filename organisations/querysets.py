"""What the public may see, and what each page prefetches: decided here, in one place."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
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

    def sorted_by(self, sort, relevance=None):
        """Order by ``sort``; "relevance" needs ``relevance``, an expression ranking each one."""
        if sort == "relevance" and relevance is not None:
            return self.annotate(relevance=relevance).order_by(
                models.F("relevance").desc(nulls_last=True), Lower("name"), "pk"
            )
        if sort == "recently-verified":
            return self.order_by(
                models.F("last_verified").desc(nulls_last=True), Lower("name"), "pk"
            )
        return self.order_by(Lower("name"), "pk")

    def for_listing(self, services):
        """Each card shows the services that matched (``services``) and counts all public ones.

        ``listed_services`` holds the matching services (give them their facets with
        ``lookups.attach_facets``); ``public_service_count`` says how many active services the
        organisation has in all, so a card can say "1 of its 3 services".
        """
        Service = apps.get_model("organisations", "Service")
        shown = Service.objects.filter(pk__in=services.values("pk")).order_by(Lower("name"), "pk")
        active = (
            Service.objects.filter(organisation=OuterRef("pk"), is_active=True)
            .order_by()
            .values("organisation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # A sub-query, not a join: worked out for the rows of one page only.
        return self.annotate(public_service_count=Coalesce(Subquery(active), 0)).prefetch_related(
            Prefetch("services", queryset=shown, to_attr="listed_services")
        )

    def for_detail(self):
        Service = apps.get_model("organisations", "Service")
        active = Service.objects.filter(is_active=True).order_by(Lower("name"), "pk")
        return self.prefetch_related(
            Prefetch("services", queryset=active, to_attr="listed_services")
        )
