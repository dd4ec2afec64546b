"""The directory's facets as Open Referral taxonomies: one taxonomy per facet, one term per value.

Each facet of facets.py (kind of support, how to get in touch, language, practitioners' gender,
who it is for, area, cost, approach to faith), and how to get referred, is a taxonomy. A lookup
value's term is its row, with the row's UUID (migration 0014); a fixed choice's term (cost,
faith, referral) has a UUID made from its name (``uuid5``), so it is as stable as the choice.
A taxonomy's UUID is made the same way from its facet's parameter. Each term's URI is the list of
the services it tags (``/organisations/?type=counselling``); each taxonomy's, its section of the
open-data page.

The feed (serialise.py) tags each service with the terms of its values through ``attributes``, and
the export and the importer read the same terms back, so this is the one place that says what
the taxonomies are.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import override
from modeltranslation.utils import build_localized_fieldname

from ..choices import Cost, FaithApproach, Referral
from ..facets import FACETS, ChoiceFacet, LookupFacet

# The namespace of every UUID made here from a name: never change it, or every such id changes.
NAMESPACE = uuid.UUID("6f1d3c52-2b0e-4c47-9f0e-6d1c3a7a9b10")
REFERRAL = "referral"  # not a facet of the list, but a fact of every service

# ONS (GSS) codes of the areas that have one: the UK, its nations and England's regions.
ONS_CODES = {
    "uk-wide": "K02000001",
    "england": "E92000001",
    "scotland": "S92000003",
    "wales": "W92000004",
    "northern-ireland": "N92000002",
    "north-east": "E12000001",
    "north-west": "E12000002",
    "yorkshire-and-the-humber": "E12000003",
    "east-midlands": "E12000004",
    "west-midlands": "E12000005",
    "east-of-england": "E12000006",
    "london": "E12000007",
    "south-east": "E12000008",
    "south-west": "E12000009",
}
ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"


def made_id(*parts):
    """A UUID made from names: the same names always give the same one."""
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def english(item, field="name"):
    """A lookup's English name: the feed is in English whatever language is active."""
    return getattr(item, build_localized_fieldname(field, settings.LANGUAGE_CODE), None) or getattr(
        item, field
    )


@dataclass(frozen=True)
class Term:
    """One value of a taxonomy."""

    id: uuid.UUID
    taxonomy: "Taxonomy"
    key: str  # the value in our URLs and data: "counselling", "ur", "free"
    name: str
    description: str
    pk: int | None = None  # the lookup row's, for a lookup facet

    def uri(self, base):
        if self.taxonomy.param == REFERRAL:
            return f"{self.taxonomy.uri(base)}"
        return f"{base}/organisations/?{urlencode({self.taxonomy.param: self.key})}"


@dataclass(frozen=True)
class Taxonomy:
    param: str  # the facet's URL parameter, or "referral"
    name: str
    description: str
    facet: LookupFacet | ChoiceFacet | None = None  # of facets.py; None for referral

    @property
    def id(self):
        return made_id("taxonomy", self.param)

    def uri(self, base):
        return f"{base}/open-data/#taxonomy-{self.param}"

    @property
    def field_name(self):
        """The Service field of a choice taxonomy: "cost", "faith_approach", "referral"."""
        return self.facet.field_name if isinstance(self.facet, ChoiceFacet) else REFERRAL

    @property
    def is_lookup(self):
        return isinstance(self.facet, LookupFacet)


def _description(facet):
    return f"The directory's values for “{facet.legend}” (its filter “{facet.param}”)."


TAXONOMIES = (
    *(
        Taxonomy(
            param=facet.param,
            name=f"Muslim Mental Health Directory: {str(facet.legend).lower()}",
            description=_description(facet),
            facet=facet,
        )
        for facet in FACETS
    ),
    Taxonomy(
        param=REFERRAL,
        name="Muslim Mental Health Directory: how to get referred",
        description="How a person is referred to a service: themselves, a professional, or either.",
    ),
)
BY_PARAM = {taxonomy.param: taxonomy for taxonomy in TAXONOMIES}
BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
# The fixed choices each choice taxonomy's terms are made from.
_CHOICES = {"cost": Cost, "faith": FaithApproach, REFERRAL: Referral}


def _choice_terms(taxonomy):
    choices = _CHOICES[taxonomy.param]
    return [
        Term(
            id=made_id("term", taxonomy.param, choice.value),
            taxonomy=taxonomy,
            key=choice.value,
            name=_english_label(choice),
            description=_english_label(choice),
        )
        for choice in choices
        if choice != choices.NOT_STATED
    ]


def _english_label(choice):
    with override(settings.LANGUAGE_CODE):
        return str(choice.label)


def terms(lookups):
    """Every term of every taxonomy, in the taxonomies' order, then each one's display order."""
    found = []
    for taxonomy in TAXONOMIES:
        if taxonomy.is_lookup:
            for item in lookups[taxonomy.param]:
                name = english(item)
                found.append(
                    Term(
                        id=item.uuid,
                        taxonomy=taxonomy,
                        key=item.key,
                        name=name,
                        description=item.description or name,
                        pk=item.pk,
                    )
                )
        else:
            found.extend(_choice_terms(taxonomy))
    return found


def service_terms(service, by_lookup, by_choice):
    """The terms that tag ``service`` (with ``facets`` attached), in the taxonomies' order.

    ``by_lookup``: {(param, lookup pk): Term}; ``by_choice``: {(param, value): Term}.
    """
    found = []
    for taxonomy in TAXONOMIES:
        if taxonomy.is_lookup:
            found.extend(
                by_lookup[(taxonomy.param, item.pk)]
                for item in service.facets[taxonomy.param]
                if (taxonomy.param, item.pk) in by_lookup
            )
        else:
            term = by_choice.get((taxonomy.param, getattr(service, taxonomy.field_name)))
            if term is not None:
                found.append(term)
    return found
