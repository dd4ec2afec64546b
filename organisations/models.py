"""The directory's data: lookup tables, organisations and the services they offer (DESIGN.md §3).

The facets a service is described by are declared in facets.py; the many-to-many fields that keep
them are here, and checks.py proves that the two agree. Suggestions from the public are their own
app (organisations/suggestions/); the list's read model on PostgreSQL is in listing/models.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .choices import Cost, FaithApproach, Referral, Status
from .facets import COMMA, FACETS, RELATIONS
from .history import DirectoryHistory
from .listing.models import ListingRow, ListingWord, SearchWord  # noqa: F401 (the app's models)
from .near import districts, postcodes
from .querysets import OrganisationQuerySet, ServiceQuerySet

# --- Identity in open data ---------------------------------------------------------------------


def identity_field():
    """A row's stable identity in open data (DESIGN.md §3, §9): a UUID given when the row is made,
    never changed and never reused (a deleted row's UUID goes with it)."""
    return models.UUIDField(
        "identity in open data",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Its id in the Open Referral UK feed: never changes.",
    )


class Imported(models.Model):
    """Where an imported row came from, and what the last import set (organisations/openreferral/
    importing.py): a field whose value differs from ``imported[field]`` was changed by an editor
    since, and the next import leaves it alone."""

    source = models.CharField(
        max_length=100,
        blank=True,
        help_text="The directory or feed it was imported from; empty when made here.",
    )
    source_id = models.CharField(
        "id at the source", max_length=200, blank=True, help_text="Its id in that source."
    )
    imported = models.JSONField(
        "values as last imported",
        default=dict,
        blank=True,
        editable=False,
        help_text="Each field as the last import set it.",
    )

    class Meta:
        abstract = True


# --- Lookup tables -----------------------------------------------------------------------------


class LookupManager(models.Manager):
    """Lookups are found by their slug (or code) in fixtures and URLs."""

    def get_by_natural_key(self, key):
        return self.get(**{self.model.KEY_FIELD: key})


class Lookup(models.Model):
    """A value of one facet: a name in plain words, a slug for URLs, an explicit position."""

    KEY_FIELD = "slug"  # the field a URL parameter and a fixture name it by
    endonym = ""  # only a language has a name of its own to show beside its English one

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    uuid = identity_field()
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first in filters and on cards."
    )

    objects = LookupManager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def key(self):
        """The value this lookup takes in a URL parameter."""
        return self.slug


class ServiceType(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "service type"


class PractitionerGender(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "practitioner gender"


class DeliveryMode(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "way to get in touch"
        verbose_name_plural = "ways to get in touch"


class Audience(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "audience"


class Area(Lookup):
    is_national = models.BooleanField(
        "UK-wide",
        default=False,
        help_text="A UK-wide service matches a search for any area.",
    )

    class Meta(Lookup.Meta):
        verbose_name = "area"


class Language(models.Model):
    KEY_FIELD = "code"

    code = models.SlugField(
        max_length=12,
        unique=True,
        help_text="ISO 639-1 code where one exists (for example ur, bn, so).",
    )
    name = models.CharField("English name", max_length=80)
    native_name = models.CharField(
        max_length=80, blank=True, help_text="The language's name for itself, e.g. اردو."
    )
    is_rtl = models.BooleanField("written right to left", default=False)
    uuid = identity_field()
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first in filters and on cards."
    )

    objects = LookupManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def key(self):
        return self.code

    @property
    def endonym(self):
        """The language's own name when it differs from the English one (shown beside it)."""
        return self.native_name if self.native_name != self.name else ""

    @property
    def direction(self):
        return "rtl" if self.is_rtl else "ltr"


# --- Organisations and services ----------------------------------------------------------------


class OrganisationManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(Imported):
    Status = Status

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    uuid = identity_field()
    summary = models.CharField(
        max_length=400, help_text="One or two sentences, shown on the list of organisations."
    )
    description = models.TextField(blank=True)
    website = models.URLField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    charity_number = models.CharField(max_length=40, blank=True)
    is_alliance_member = models.BooleanField(
        "member of the Muslim Mental Health Alliance", default=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    last_verified = models.DateField(
        "details last checked",
        null=True,
        blank=True,
        help_text="When an editor last confirmed these details with the organisation.",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    editor_notes = models.TextField(
        blank=True,
        help_text="For editors only; never shown on the public site. Put details to confirm here.",
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An import found it may be the same as this one (the same charity number, "
        "website or name): merge them, or clear this once checked.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganisationManager()
    # Every change, with who made it and when; editors restore a version in admin (history.py).
    history = DirectoryHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="organisation_status_valid",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="organisation_source_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name"], name="organisation_status_name"),
            # The public list's default order: published organisations by name, walked in order.
            models.Index(
                Lower("name"),
                "id",
                name="organisation_published_by_name",
                condition=Q(status=Status.PUBLISHED),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:organisation-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):
    def get_by_natural_key(self, organisation_slug, slug):
        return self.get(organisation__slug=organisation_slug, slug=slug)


class Service(Imported):
    Cost = Cost
    FaithApproach = FaithApproach
    Referral = Referral

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    uuid = identity_field()
    description = models.TextField(blank=True)
    service_types = models.ManyToManyField(ServiceType, blank=True, related_name="services")
    delivery_modes = models.ManyToManyField(
        DeliveryMode, blank=True, related_name="services", verbose_name="ways to get in touch"
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="services")
    practitioner_genders = models.ManyToManyField(
        PractitionerGender, blank=True, related_name="services"
    )
    audiences = models.ManyToManyField(Audience, blank=True, related_name="services")
    areas = models.ManyToManyField(Area, blank=True, related_name="services")
    venues = models.ManyToManyField(
        "Venue",
        blank=True,
        related_name="services",
        help_text="Where it is delivered in person: its organisation's venues.",
    )
    cost = models.CharField(max_length=12, choices=Cost.choices, default=Cost.NOT_STATED)
    cost_note = models.CharField(max_length=200, blank=True)
    faith_approach = models.CharField(
        max_length=16, choices=FaithApproach.choices, default=FaithApproach.NOT_STATED
    )
    referral = models.CharField(
        "how to get referred",
        max_length=12,
        choices=Referral.choices,
        default=Referral.NOT_STATED,
    )
    hours = models.CharField(
        "opening hours",
        max_length=200,
        blank=True,
        help_text="Only hours the organisation confirmed.",
    )
    phone = models.CharField(
        max_length=40, blank=True, help_text="Shown instead of the organisation's phone when set."
    )
    email = models.EmailField(blank=True, help_text="Shown instead of the organisation's email.")
    url = models.URLField(
        "web address", max_length=300, blank=True, help_text="Shown instead of the website."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive services are never shown publicly."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ServiceManager()
    # Every change to the service and to its facets (history.py).
    history = DirectoryHistory(m2m_fields=[*RELATIONS, "venues"])

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="service_slug_unique_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="service_source_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(cost__in=Cost.values),
                name="service_cost_valid",
            ),
            models.CheckConstraint(
                condition=Q(faith_approach__in=FaithApproach.values),
                name="service_faith_approach_valid",
            ),
            models.CheckConstraint(
                condition=Q(referral__in=Referral.values),
                name="service_referral_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation.name})" if self.organisation_id else self.name

    def get_absolute_url(self):
        return f"{self.organisation.get_absolute_url()}#service-{self.slug}"

    def natural_key(self):
        return (self.organisation.slug, self.slug)

    natural_key.dependencies = ["organisations.organisation"]

    # What a card, an organisation's page and the signposting sheet say of the service: each needs
    # ``facets`` attached (lookups.attach_facets), so none makes a query.

    def described(self):
        """(facet, values) for every facet, in the registry's order; values [] when not stated."""
        return [(facet, facet.values_of(self)) for facet in FACETS]

    @property
    def stated_referral(self):
        return self.referral != Referral.NOT_STATED

    def unstated(self):
        """What this service has not told us, for "Not stated: …", with the page's language's
        commas between."""
        missing = [facet.unstated for facet, values in self.described() if not values]
        if not self.stated_referral:
            # Translators: in "Not stated: kind of support, languages, how to get referred".
            missing.append(gettext("how to get referred"))
        return str(COMMA).join(str(name) for name in missing)

    # What to show: a service's own contact details win over its organisation's.
    @property
    def contact_phone(self):
        return self.phone or self.organisation.phone

    @property
    def contact_email(self):
        return self.email or self.organisation.email

    @property
    def contact_url(self):
        return self.url or self.organisation.website


# --- Places (DESIGN.md §10) -------------------------------------------------------------------


class PostcodeDistrict(models.Model):
    """A UK postcode district (``LS6``): its centroid and every region it covers, loaded from
    the shipped table (near/districts.py), never edited here."""

    outcode = models.CharField(max_length=4, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    region = models.CharField(max_length=40, help_text="The region holding most of its postcodes.")
    regions = models.CharField(
        max_length=120, help_text="Every region it covers, that one first, between spaces."
    )

    class Meta:
        ordering = ["outcode"]

    def __str__(self):
        return self.outcode


class Venue(Imported):
    """A place where an organisation's services are delivered in person. Public with its
    organisation; an imported venue arrives with its (draft) organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="venues")
    uuid = identity_field()
    name = models.CharField(
        max_length=200, blank=True, help_text="The building or centre, if it has a name."
    )
    address_1 = models.CharField("address line 1", max_length=200)
    address_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField(max_length=10)
    latitude = models.FloatField(
        null=True,
        blank=True,
        help_text="Leave empty to use the middle of the postcode's district (approximate).",
    )
    longitude = models.FloatField(null=True, blank=True)
    location_is_approximate = models.BooleanField(
        "location is approximate",
        default=False,
        help_text="Set when the location is the middle of the postcode district, not the door.",
    )
    accessibility = models.TextField(
        "accessibility notes",
        blank=True,
        help_text="Step-free access, parking, a women's entrance, prayer space: what visitors "
        "need to know.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = DirectoryHistory()

    class Meta:
        ordering = ["town", "name", "address_1"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__range=(-90, 90)) & Q(longitude__range=(-180, 180))),
                name="venue_location_valid",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="venue_source_id_unique",
            ),
        ]
        indexes = [
            # "Near me" keeps venues inside a box before measuring any (near/distance.py).
            models.Index(fields=["latitude", "longitude"], name="venue_location"),
        ]

    def __str__(self):
        return ", ".join(part for part in (self.name, self.address_1, self.town) if part)

    def save(self, *args, **kwargs):
        self.locate()
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        self.postcode = " ".join(self.postcode.split()).upper()
        typed = postcodes.read(self.postcode)
        if not typed.full and not typed.district:
            raise ValidationError({"postcode": "Enter a UK postcode, such as LS2 7EW."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": "Give both latitude and longitude, or neither."})
        if self.latitude is None and districts.find(typed.district) is None:
            raise ValidationError(
                {
                    "postcode": f"The postcode district {typed.district} is not in the table of "
                    "districts: give the latitude and longitude."
                }
            )

    @property
    def district(self):
        return postcodes.district_of(self.postcode)

    @property
    def place(self):
        """Where it is, in short: "Leeds LS2"."""
        return " ".join(part for part in (self.town, self.district) if part)

    def locate(self):
        """Without a location given, the middle of its postcode district, marked approximate."""
        if self.latitude is not None and self.longitude is not None:
            return
        found = districts.find(self.district)
        if found is not None:
            self.latitude, self.longitude = found.latitude, found.longitude
            self.location_is_approximate = True


class DirectoryVersion(models.Model):
    """One row that says when anything public last changed (organisations/caching/versioning.py).

    Kept in the database so that every gunicorn worker and every server sees the same value:
    cached pages are keyed by ``version`` and are therefore stale the moment it moves.
    """

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="directory_version_single_row")
        ]

    def __str__(self):
        return f"Directory version {self.version} ({self.changed_at:%Y-%m-%d %H:%M})"
