"""Suggestions in admin: editors read them, change a listing themselves if one is right, then
accept or reject it. What a visitor sent cannot be edited, and nobody adds one here."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import ngettext

from . import services
from .models import Suggestion


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
        count = services.accept(queryset, request.user)
        self.message_user(request, f"Accepted {count} {self.noun(count)}.", messages.SUCCESS)

    @admin.action(description="Reject the chosen suggestions", permissions=["change"])
    def reject(self, request, queryset):
        count = services.reject(queryset, request.user)
        self.message_user(request, f"Rejected {count} {self.noun(count)}.", messages.SUCCESS)

    @staticmethod
    def noun(count):
        return ngettext("suggestion", "suggestions", count)
