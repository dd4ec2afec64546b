"""Django admin for editors: keep the listings true, verify them, publish them (DESIGN.md §6)."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from .history import record_bulk_change
from .history_admin import HistoryAdmin
from .models import (
    Area,
    Audience,
    DeliveryMode,
    Language,
    Organisation,
    PractitionerGender,
    Service,
    ServiceType,
    Suggestion,
)
from .querysets import FACET_RELATIONS, review_cutoff
from .versioning import directory_changed

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


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    show_change_link = True
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = FACET_RELATIONS
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "hours", "is_active"]}),
        ("Who it is for and how it works", {"fields": [*FACET_RELATIONS]}),
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
    ]

    def get_queryset(self, request):
        """Each service's facets in one query per facet, not one per service."""
        queryset = super().get_queryset(request)
        return queryset.select_related("organisation").prefetch_related(*FACET_RELATIONS)


def log_changes(request, objects, *field_names):
    """Record a bulk change in each object's history: admin's log in one query, and the change
    history (history.py), which ``update()`` does not reach."""
    message = [{"changed": {"fields": list(field_names)}}]
    LogEntry.objects.log_actions(request.user.pk, objects, CHANGE, message)
    reason = f"Changed with an action on the list: {', '.join(field_names)}"
    if objects:
        record_bulk_change(type(objects[0]), objects, request.user, reason)


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    inlines = [ServiceInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = [
        "name",
        "status",
        "is_alliance_member",
        "last_verified",  # its label is "Details last checked"
        "needs_review",
        "public_page",
    ]
    list_filter = ["status", "is_alliance_member", NeedsReviewFilter]
    list_select_related = False  # no related object is shown on the list
    search_fields = ["name", "summary", "services__name", "charity_number"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["created", "updated", "verified_by"]
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
        ("Record", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

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
        objects = list(queryset)
        count = queryset.update(
            last_verified=timezone.localdate(), verified_by=request.user, updated=timezone.now()
        )
        log_changes(request, objects, "Details last checked", "Verified by")
        directory_changed()  # update() sends no signals
        self.message_user(
            request, f"Marked {count} {self._noun(count)} as verified today.", messages.SUCCESS
        )

    @admin.action(description="Publish", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Organisation.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Organisation.Status.DRAFT, "Unpublished")

    def _set_status(self, request, queryset, status, verb):
        objects = list(queryset)
        count = queryset.update(status=status, updated=timezone.now())
        log_changes(request, objects, "Status")
        directory_changed()  # update() sends no signals
        self.message_user(request, f"{verb} {count} {self._noun(count)}.", messages.SUCCESS)

    @staticmethod
    def _noun(count):
        return "organisation" if count == 1 else "organisations"


@admin.register(Service)
class ServiceAdmin(HistoryAdmin):
    list_display = ["name", "organisation", "is_active", "cost"]
    list_filter = ["is_active", "cost", "faith_approach", "service_types"]
    list_select_related = ["organisation"]
    search_fields = ["name", "description", "organisation__name"]
    autocomplete_fields = ["organisation", *FACET_RELATIONS]
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    fieldsets = [(None, {"fields": ["organisation"]}), *ServiceInline.fieldsets]


class LookupAdmin(admin.ModelAdmin):
    """The lookup tables: a name, a slug for URLs, and a position that orders them."""

    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


for lookup in (ServiceType, DeliveryMode, PractitionerGender, Audience):
    admin.site.register(lookup, LookupAdmin)


@admin.register(Area)
class AreaAdmin(LookupAdmin):
    list_display = ["name", "slug", "is_national", "position"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "native_name", "code", "is_rtl", "position"]
    list_editable = ["position"]
    search_fields = ["name", "native_name", "code"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Suggestions from the public: editors read them, change a listing themselves if it is
    right, then accept or reject the suggestion. What the visitor sent cannot be edited."""

    list_display = ["created_at", "status", "subject", "what", "handled_by"]
    list_filter = ["status"]
    list_select_related = ["organisation", "handled_by"]
    search_fields = ["organisation__name", "organisation_name", "details"]
    date_hierarchy = "created_at"
    actions = ["accept", "reject"]
    submitted = [
        "organisation",
        "what",
        "details",
        "organisation_name",
        "organisation_website",
        "contact_email",
        "contact_consent",
        "created_at",
    ]
    readonly_fields = [*submitted, "handled_by", "handled_at"]
    fieldsets = [
        ("What the visitor sent", {"fields": submitted}),
        (
            "Review",
            {
                "fields": ["status", "handled_by", "handled_at"],
                "description": "Nothing here is published: change the listing yourself if the "
                "suggestion is right, then accept it; otherwise reject it.",
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # suggestions come only from the public forms

    @admin.display(description="About")
    def subject(self, obj):
        if obj.organisation_id:
            return obj.organisation.name
        return f"New organisation: {obj.organisation_name}"

    @admin.display(description="What is wrong")
    def what(self, obj):
        return ", ".join(obj.problem_labels()) or "-"

    def save_model(self, request, obj, form, change):
        """Whoever changes the status is the one who handled it."""
        if "status" in form.changed_data:
            handled = obj.status != Suggestion.Status.NEW
            obj.handled_by = request.user if handled else None
            obj.handled_at = timezone.now() if handled else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Accept the chosen suggestions", permissions=["change"])
    def accept(self, request, queryset):
        self._handle(request, queryset, Suggestion.Status.ACCEPTED, "Accepted")

    @admin.action(description="Reject the chosen suggestions", permissions=["change"])
    def reject(self, request, queryset):
        self._handle(request, queryset, Suggestion.Status.REJECTED, "Rejected")

    def _handle(self, request, queryset, status, verb):
        objects = list(queryset)
        count = queryset.update(status=status, handled_by=request.user, handled_at=timezone.now())
        log_changes(request, objects, "Status", "Handled by", "Handled at")
        noun = "suggestion" if count == 1 else "suggestions"
        self.message_user(request, f"{verb} {count} {noun}.", messages.SUCCESS)
