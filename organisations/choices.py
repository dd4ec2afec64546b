"""The fixed sets of values the directory knows (DESIGN.md §3), each a ``TextChoices`` that models
enforce with a named ``CheckConstraint`` and that code and templates compare against by name.

They live apart from the models so that the facet registry (facets.py) can name the choices the
list filters on without importing the models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """Whether a listing is public: only admin shows these."""

    DRAFT = "draft", pgettext_lazy("status of a listing", "Draft")
    PUBLISHED = "published", pgettext_lazy("status of a listing", "Published")
    ARCHIVED = "archived", pgettext_lazy("status of a listing", "Archived")


class Cost(models.TextChoices):
    # Translators: what a service costs its users: free of charge.
    FREE = "free", pgettext_lazy("cost", "Free")
    LOW_COST = "low-cost", pgettext_lazy("cost", "Low cost")
    # Translators: what a service costs its users: the user pays for it.
    PAID = "paid", pgettext_lazy("cost", "Paid")
    NOT_STATED = "not-stated", _("Cost not stated")


class FaithApproach(models.TextChoices):
    ISLAMIC = "islamic", _("Integrates Islamic faith and practice")
    FAITH_SENSITIVE = "faith-sensitive", _("Faith-sensitive, without religious guidance")
    NOT_STATED = "not-stated", _("Approach to faith not stated")


class Referral(models.TextChoices):
    """How a person is referred to a service."""

    SELF = "self", _("Contact them yourself")
    PROFESSIONAL = "professional", _("Referral by a professional")
    EITHER = "either", _("Yourself or through a professional")
    NOT_STATED = "not-stated", _("How to be referred not stated")


class Sort(models.TextChoices):
    """The list's orders (``sort``). Relevance only means something with a search."""

    # Translators: an order of the list of organisations, as are the two below.
    RELEVANCE = "relevance", _("Best match to your search")
    NAME = "name", _("Name (A to Z)")
    # Translators: the organisations whose details the editors checked most recently come first.
    RECENTLY_VERIFIED = "recently-verified", _("Most recently checked")
    # Translators: an order of the list when a postcode is given: the nearest services first.
    NEAREST = "nearest", _("Nearest first")
