"""The fixed sets of values the directory knows (DESIGN.md §3), each a ``TextChoices`` that models
enforce with a named ``CheckConstraint`` and that code and templates compare against by name.

They live apart from the models so that the facet registry (facets.py) can name the choices the
list filters on without importing the models.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Cost(models.TextChoices):
    FREE = "free", "Free"
    LOW_COST = "low-cost", "Low cost"
    PAID = "paid", "Paid"
    NOT_STATED = "not-stated", "Cost not stated"


class FaithApproach(models.TextChoices):
    ISLAMIC = "islamic", "Integrates Islamic faith and practice"
    FAITH_SENSITIVE = "faith-sensitive", "Faith-sensitive, without religious guidance"
    NOT_STATED = "not-stated", "Approach to faith not stated"


class Referral(models.TextChoices):
    SELF = "self", "Contact them yourself"
    PROFESSIONAL = "professional", "Referral by a professional"
    EITHER = "either", "Yourself or through a professional"
    NOT_STATED = "not-stated", "How to be referred not stated"


class Sort(models.TextChoices):
    """The list's orders (``sort``). Relevance only means something with a search."""

    RELEVANCE = "relevance", "Best match to your search"
    NAME = "name", "Name (A to Z)"
    RECENTLY_VERIFIED = "recently-verified", "Most recently checked"
