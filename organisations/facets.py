"""The facets of a service, each declared once (DESIGN.md §4).

A facet is something a visitor narrows the list by and a card says of each service: its kind of
support, how to get in touch, languages, practitioners' gender, who it is for, area, cost and
approach to faith. Each entry of ``FACETS`` says everything the directory needs to know of one:

- its URL parameter, and where a service keeps its values: a lookup table joined by a
  many-to-many field (``LookupFacet``) or a field with fixed choices (``ChoiceFacet``);
- for a lookup facet, its kind in the listing table's keys (``kind * KEY_BASE + lookup id``,
  migration 0006), and whether UK-wide values match any value asked for;
- the words the site uses for it: the filter form's legend and hint, the noun a notice names an
  ignored value by, the labels on a card and on the signposting sheet, and its name in "Not
  stated".

Everything else reads this list: the filter form and the FilterSet (listing/filters.py), both
finders (listing/finders.py), the listing table's keys, the signals that move the directory's
version, admin's autocomplete boxes, change history, the synthetic-data generator and the test
factories. ``checks.py`` proves at start-up that it matches the models, and a test that it
matches the listing table's migration. docs/architecture.md says how to add a facet.

Nothing here imports the models: they read the relations from here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from .choices import Cost, FaithApproach

# Facet keys in organisations_listing.keys: kind * KEY_BASE + lookup id (migration 0006).
KEY_BASE = 100_000_000
TOLD_US_HINT = "Only services that told us are shown."


@dataclass(frozen=True, kw_only=True)
class Facet:
    param: str  # the URL parameter: ?language=ur
    legend: str  # the filter form's group and "Your choices": "Language"
    noun: str  # a notice names one ignored value: "We did not recognise the language “xx”"
    label: str  # a card's and the organisation page's heading for the values: "Languages"
    sheet_label: str = ""  # the signposting sheet's, or "" when the sheet leaves it out
    unstated: str  # how "Not stated: …" names it on an organisation's page
    hint: str = TOLD_US_HINT  # under the legend
    separator: str = ", "  # between values on a card
    starts_open: bool = False  # the form's group is open even when nothing in it is chosen
    in_columns: bool = False  # the form lays its many options out in columns

    def values_of(self, service):
        """What ``service`` told us of this facet, in display order: [] when nothing."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class LookupFacet(Facet):
    """Values from a lookup table, on a many-to-many field of Service."""

    relation: str  # the Service field: "languages"
    model_name: str  # the lookup model: "Language"
    kind: int  # in the listing table's keys (migration 0006); never reused
    uk_wide: bool = False  # a UK-wide value (``is_national``) matches any value asked for

    @property
    def model(self):
        return apps.get_model("organisations", self.model_name)

    @property
    def field(self):
        return apps.get_model("organisations", "Service")._meta.get_field(self.relation)

    @property
    def through(self):
        """The link table: (service_id, <lookup>_id) rows."""
        return self.field.remote_field.through

    @property
    def link_column(self):
        """The link table's column holding the lookup's id: "language_id"."""
        return self.field.m2m_reverse_name()

    def values_of(self, service):
        return service.facets[self.param]  # lookups.attach_facets


@dataclass(frozen=True)
class Stated:
    """A choice a service made, shown like a lookup value: its name, and a note if it has one."""

    name: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ChoiceFacet(Facet):
    """One of fixed choices, in a field of Service. "Not stated" is no value to filter on."""

    field_name: str  # the Service field, and the listing table's column: "faith_approach"
    choices: type[models.TextChoices]
    note_field: str = ""  # a Service field that qualifies the choice: "cost_note"

    def options(self):
        """(value, label) for every choice a service can be found by."""
        stated = [choice for choice in self.choices if choice != self.choices.NOT_STATED]
        return [(choice.value, choice.label) for choice in stated]

    def values_of(self, service):
        value = getattr(service, self.field_name)
        if value == self.choices.NOT_STATED:
            return []
        note = getattr(service, self.note_field) if self.note_field else ""
        return [Stated(self.choices(value).label, note)]


FACETS = (
    LookupFacet(
        param="type",
        relation="service_types",
        model_name="ServiceType",
        kind=1,
        legend="Kind of support",
        noun="type of support",
        label="Support",
        unstated="kind of support",
        separator="; ",
    ),
    LookupFacet(
        param="mode",
        relation="delivery_modes",
        model_name="DeliveryMode",
        kind=2,
        legend="How to get in touch",
        noun="way to get in touch",
        label="Contact by",
        sheet_label="Contact by",
        unstated="how to get in touch",
    ),
    LookupFacet(
        param="language",
        relation="languages",
        model_name="Language",
        kind=3,
        legend="Language",
        noun="language",
        label="Languages",
        sheet_label="Languages",
        unstated="languages",
        starts_open=True,  # the facet most people come for
        in_columns=True,
    ),
    LookupFacet(
        param="gender",
        relation="practitioner_genders",
        model_name="PractitionerGender",
        kind=4,
        legend="Practitioner gender",
        noun="practitioner gender",
        label="Practitioners",
        sheet_label="Practitioners",
        unstated="practitioners",
        separator="; ",
    ),
    LookupFacet(
        param="audience",
        relation="audiences",
        model_name="Audience",
        kind=5,
        legend="Who it is for",
        noun="group",
        label="Who it is for",
        unstated="who it is for",
        separator="; ",
    ),
    LookupFacet(
        param="area",
        relation="areas",
        model_name="Area",
        kind=6,
        legend="Area",
        noun="area",
        label="Area",
        unstated="area",
        hint=f"UK-wide services are included. {TOLD_US_HINT}",
        uk_wide=True,
    ),
    ChoiceFacet(
        param="cost",
        field_name="cost",
        choices=Cost,
        note_field="cost_note",
        legend="Cost",
        noun="cost",
        label="Cost",
        sheet_label="Cost",
        unstated="cost",
    ),
    ChoiceFacet(
        param="faith",
        field_name="faith_approach",
        choices=FaithApproach,
        legend="Approach to faith",
        noun="approach to faith",
        label="Faith",
        sheet_label="Faith",
        unstated="approach to faith",
    ),
)

LOOKUP_FACETS = tuple(facet for facet in FACETS if isinstance(facet, LookupFacet))
CHOICE_FACETS = tuple(facet for facet in FACETS if isinstance(facet, ChoiceFacet))
BY_PARAM = {facet.param: facet for facet in FACETS}
# Service's many-to-many fields, in the registry's order (change history, admin, prefetching).
RELATIONS = tuple(facet.relation for facet in LOOKUP_FACETS)


def lookup_models():
    """The lookup tables, in the registry's order."""
    return [facet.model for facet in LOOKUP_FACETS]
