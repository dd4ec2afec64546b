"""Suggestions from the public: a correction to a listing, or an organisation to add. Never
published as they are: editors read them in admin and make any change themselves."""

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuggestionStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# What a visitor can say is wrong with a listing: (field name, label). One boolean field each, so
# that only these values can ever be stored and editors can filter by any of them. The labels are
# the public form's choices (forms.py), so they are translated.
# Translators: the choices under "What is wrong or out of date?" in the form that suggests a change
# to an organisation's listing.
SUGGESTION_PROBLEMS = [
    ("phone_wrong", _("Phone number")),
    ("website_wrong", _("Website")),
    ("email_wrong", _("Email address")),
    ("hours_wrong", _("Opening hours")),
    ("services_wrong", _("Services")),
    ("closed", _("It has closed")),
    ("other_wrong", _("Something else")),
]
ANY_PROBLEM = reduce(operator.or_, (Q(**{name: True}) for name, _label in SUGGESTION_PROBLEMS))


class Suggestion(models.Model):
    """A visitor's correction to a listing, or a new organisation to list; never published as is.

    Editors read it in admin and make any change themselves; ``purge_suggestions`` deletes it
    after ``DIRECTORY_SUGGESTIONS_KEEP_DAYS``.
    """

    Status = SuggestionStatus
    PROBLEMS = SUGGESTION_PROBLEMS
    DETAILS_MAX_LENGTH = 2000

    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggestions",
        help_text="Empty when the visitor suggests an organisation to add.",
    )
    phone_wrong = models.BooleanField("phone number", default=False)
    website_wrong = models.BooleanField("website", default=False)
    email_wrong = models.BooleanField("email address", default=False)
    hours_wrong = models.BooleanField("opening hours", default=False)
    services_wrong = models.BooleanField("services", default=False)
    closed = models.BooleanField("has closed", default=False)
    other_wrong = models.BooleanField("something else", default=False)
    details = models.CharField(max_length=DETAILS_MAX_LENGTH, blank=True)
    organisation_name = models.CharField(
        "name of the organisation to add", max_length=200, blank=True
    )
    organisation_website = models.URLField(
        "website of the organisation to add", max_length=300, blank=True
    )
    contact_email = models.EmailField(blank=True)
    contact_consent = models.BooleanField(
        "agreed to be contacted",
        default=False,
        help_text="An email address is only kept when the visitor ticked this.",
    )
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="suggestion_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(contact_email="") | Q(contact_consent=True),
                name="suggestion_email_needs_consent",
            ),
            # A correction says what is wrong; a new organisation has a name.
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & ANY_PROBLEM)
                | (Q(organisation__isnull=True) & ~Q(organisation_name="")),
                name="suggestion_says_what",
            ),
        ]

    def __str__(self):
        subject = self.organisation.name if self.organisation_id else self.organisation_name
        kind = "Change to" if self.organisation_id else "New organisation:"
        return f"{kind} {subject} ({self.created_at:%Y-%m-%d})"

    def problem_labels(self):
        """The labels of the problems ticked, as text in the active language."""
        return [str(label) for name, label in self.PROBLEMS if getattr(self, name)]


class SubmissionCount(models.Model):
    """How many times one client sent a suggestion form in its current hour, counted here when
    there is no Redis or it does not answer (limits.py). The hour starts at the client's first
    attempt; ``purge_suggestions`` deletes the rows whose hour has ended."""

    client = models.CharField(max_length=32, help_text="A hash of the address (limits.client_id).")
    started_at = models.DateTimeField(help_text="The first attempt of the current hour.")
    attempts = models.PositiveIntegerField()

    class Meta:
        ordering = ["started_at", "client"]
        constraints = [
            models.UniqueConstraint(fields=["client"], name="submission_count_one_per_client"),
        ]

    def __str__(self):
        return f"{self.attempts} from {self.client} since {self.started_at:%Y-%m-%d %H:%M}"
