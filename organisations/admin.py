"""Django admin for editors: keep the listings true, verify them, publish them (DESIGN.md §6)."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from . import services
from .facets import LOOKUP_FACETS, RELATIONS
from .history_admin import HistoryAdmin
from .models import Area, Language, Organisation, Service, Venue
from .openreferral import upload
from .querysets import review_cutoff

# A web address typed without a scheme ("sakoon.org.uk") is taken to be https.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Yes: never checked or checked over 6 months ago"),
            ("no", "No: checked in the last 6 months"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_review()
        if self.value() == "no":
            return queryset.reviewed()
        return queryset


class SourceFilter(admin.SimpleListFilter):
    """Where a listing came from: each source an import named, or made here."""

    title = "source"
    parameter_name = "source"
    HERE = "-"

    def lookups(self, request, model_admin):
        sources = (
            Organisation.objects.exclude(source="")
            .order_by("source")
            .values_list("source", flat=True)
            .distinct()
        )
        return [(self.HERE, "Made here"), *((source, source) for source in sources)]

    def queryset(self, request, queryset):
        if self.value() == self.HERE:
            return queryset.filter(source="")
        if self.value():
            return queryset.filter(source=self.value())
        return queryset


class PossibleDuplicateFilter(admin.SimpleListFilter):
    title = "possible duplicate"
    parameter_name = "possible_duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Yes: an import found one like it"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(possible_duplicate_of__isnull=False)
        if self.value() == "no":
            return queryset.filter(possible_duplicate_of__isnull=True)
        return queryset


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    show_change_link = True
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = RELATIONS  # every facet of the registry
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "hours", "is_active"]}),
        ("Who it is for and how it works", {"fields": [*RELATIONS]}),
        (
            "Cost, faith and referral",
            {"fields": ["cost", "cost_note", "faith_approach", "referral"]},
        ),
        (
            "Contact details for this service",
            {
                "fields": ["phone", "email", "url"],
                "description": "Leave empty to show the organisation's own details.",
            },
        ),
        (
            "Where it is delivered in person",
            {
                "fields": ["venues"],
                "description": "Tick the organisation's venues where it runs. Add a venue "
                "under Venues below and save first; it can then be ticked here.",
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "venues":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        """Each service's facets in one query per facet, not one per service."""
        queryset = super().get_queryset(request)
        return queryset.select_related("organisation").prefetch_related(*RELATIONS, "venues")

    def get_formset(self, request, obj=None, **kwargs):
        """A service may be at its own organisation's venues only."""
        formset = super().get_formset(request, obj, **kwargs)
        venues = formset.form.base_fields.get("venues")
        if venues is not None:
            venues.queryset = (
                Venue.objects.filter(organisation=obj) if obj else Venue.objects.none()
            )
        return formset


class VenueInline(admin.StackedInline):
    """An organisation's venues: public with it (DESIGN.md §10); kept in history."""

    model = Venue
    extra = 0
    fields = [
        "name",
        ("address_1", "address_2"),
        ("town", "postcode"),
        ("latitude", "longitude", "location_is_approximate"),
        "accessibility",
    ]
    readonly_fields = ["location_is_approximate"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    inlines = [VenueInline, ServiceInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = [
        "name",
        "status",
        "is_alliance_member",
        "last_verified",  # its label is "Details last checked"
        "needs_review",
        "public_page",
    ]
    list_filter = [
        "status",
        "is_alliance_member",
        NeedsReviewFilter,
        SourceFilter,
        PossibleDuplicateFilter,
    ]
    list_select_related = False  # no related object is shown on the list
    search_fields = ["name", "summary", "services__name", "charity_number"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["created", "updated", "verified_by", "source", "source_id"]
    autocomplete_fields = ["possible_duplicate_of"]
    actions = ["mark_verified_today", "publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "status"]}),
        (
            "Contact and registration",
            {"fields": ["website", "email", "phone", "charity_number", "is_alliance_member"]},
        ),
        ("Checking", {"fields": ["last_verified", "verified_by"]}),
        (
            "Editor notes: never shown publicly",
            {
                "fields": ["editor_notes"],
                "description": "Only editors see these notes. Put details still to confirm here, "
                "with their source.",
            },
        ),
        (
            "Imported",
            {
                "fields": ["source", "source_id", "possible_duplicate_of"],
                "description": "Where an import found it. If it may be a duplicate, merge the "
                "two or clear the field once checked.",
            },
        ),
        ("Record", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_urls(self):
        """Admin's "Import from Open Referral" page (openreferral/upload.py)."""
        view = self.admin_site.admin_view(lambda request: upload.import_view(self, request))
        own = [path("import/", view, name="organisations_organisation_import")]
        return own + super().get_urls()

    def view_on_site(self, obj):
        """Only a published organisation has a public page to view."""
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="Needs review", boolean=True)
    def needs_review(self, obj):
        return obj.last_verified is None or obj.last_verified < review_cutoff()

    @admin.display(description="Public page")
    def public_page(self, obj):
        if not obj.is_published:
            return None
        return format_html(
            '<a href="{}">View on site<span class="visually-hidden">: {}</span></a>',
            obj.get_absolute_url(),
            obj.name,
        )

    def save_model(self, request, obj, form, change):
        """Whoever changes the "last checked" date is the one who checked."""
        if "last_verified" in form.changed_data:
            obj.verified_by = request.user if obj.last_verified else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark as verified today", permissions=["change"])
    def mark_verified_today(self, request, queryset):
        count = services.mark_verified(queryset, request.user)
        self.done(request, f"Marked {count} {self.noun(count)} as verified today.")

    @admin.action(description="Publish", permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish(queryset, request.user)
        self.done(request, f"Published {count} {self.noun(count)}.")

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.unpublish(queryset, request.user)
        self.done(request, f"Unpublished {count} {self.noun(count)}.")

    def done(self, request, message):
        self.message_user(request, message, messages.SUCCESS)

    @staticmethod
    def noun(count):
        return ngettext("organisation", "organisations", count)


@admin.register(Service)
class ServiceAdmin(HistoryAdmin):
    list_display = ["name", "organisation", "is_active", "cost"]
    list_filter = ["is_active", "cost", "faith_approach", "service_types"]
    list_select_related = ["organisation"]
    search_fields = ["name", "description", "organisation__name"]
    autocomplete_fields = ["organisation", *RELATIONS]
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    fieldsets = [(None, {"fields": ["organisation"]}), *ServiceInline.fieldsets]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "venues":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        """A service may be at its own organisation's venues only."""
        form = super().get_form(request, obj, **kwargs)
        venues = form.base_fields.get("venues")
        if venues is not None:
            venues.queryset = (
                Venue.objects.filter(organisation=obj.organisation) if obj else Venue.objects.none()
            )
        return form


@admin.register(Venue)
class VenueAdmin(HistoryAdmin):
    """Venues on their own, for their history pages; editors add them on their organisation."""

    list_display = ["__str__", "postcode", "organisation", "location_is_approximate"]
    list_select_related = ["organisation"]
    search_fields = ["name", "address_1", "town", "postcode", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["location_is_approximate", "source", "source_id"]


class LookupAdmin(TranslationAdmin):
    """The lookup tables: a name in every interface language (organisations/translation.py), a
    slug for URLs, and a position that orders them."""

    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Area)
class AreaAdmin(LookupAdmin):
    list_display = ["name", "slug", "is_national", "position"]


@admin.register(Language)
class LanguageAdmin(TranslationAdmin):
    list_display = ["name", "native_name", "code", "is_rtl", "position"]
    list_editable = ["position"]
    search_fields = ["name", "native_name", "code"]


# Every other facet's lookup table (facets.py), so that a service's autocomplete boxes work.
for facet in LOOKUP_FACETS:
    if not admin.site.is_registered(facet.model):
        admin.site.register(facet.model, LookupAdmin)
