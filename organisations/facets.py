"""The facets of a service, each declared once (DESIGN.md §4).

A facet is something a visitor narrows the list by and a card says of each service: its kind of
support, how to get in touch, languages, practitioners' gender, who it is for, area, cost and
approach to faith. Each entry of ``FACETS`` says everything the directory needs to know of one:

- its URL parameter, and where a service keeps its values: a lookup table joined by a
  many-to-many field (``LookupFacet``) or a field with fixed choices (``ChoiceFacet``);
- for a lookup facet, its kind in the listing table's keys (``kind * KEY_BASE + lookup id``,
  migration 0006), and whether UK-wide values match any value asked for;
- the words the site uses for it: the filter form's legend and hint, the notice naming a value
  it ignored, the labels on a card and on the signposting sheet, and its name in "Not stated".
  Each is a lazy translation (``gettext_lazy``), in the language of the page that shows it: a
  whole sentence each, since word order differs between languages.

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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Cost, FaithApproach

# Facet keys in organisations_listing.keys: kind * KEY_BASE + lookup id (migration 0006).
KEY_BASE = 100_000_000
# Translators: under a filter's heading: the list leaves out services that did not tell the
# directory about this (their language, their cost, ...).
TOLD_US_HINT = _("Only services that told us are shown.")
# Translators: between the values of one fact on a card: "Urdu, Bengali, English".
COMMA = pgettext_lazy("list separator", ", ")
# Translators: between values on a card that may hold commas themselves: "Counselling; Peer
# support". In Arabic and Urdu, for example, "؛ ".
SEMICOLON = pgettext_lazy("list separator", "; ")


@dataclass(frozen=True, kw_only=True, eq=False)
class Facet:
    """One facet. Its words are lazy translations: each becomes text in the language active when
    it is shown. ``eq=False``: a facet is itself, one object of the registry, so hashing one never
    reads a translation (whose text, and hash, would depend on the active language)."""

    param: str  # the URL parameter: ?language=ur
    legend: str  # the filter form's group and "Your choices": "Language"
    # The notice for one ignored value, with %(value)s: "We did not recognise the language “xx”,
    # so it was ignored." A whole sentence per facet, as its grammar differs between languages.
    unknown_value: str
    label: str  # a card's and the organisation page's heading for the values: "Languages"
    sheet_label: str = ""  # the signposting sheet's, or "" when the sheet leaves it out
    unstated: str  # how "Not stated: …" names it on an organisation's page
    hint_text: str = TOLD_US_HINT  # under the legend: ``hint``
    separator: str = COMMA  # between values on a card
    starts_open: bool = False  # the form's group is open even when nothing in it is chosen
    in_columns: bool = False  # the form lays its many options out in columns

    @property
    def hint(self):
        """The hint under the legend, as text in the active language."""
        return str(self.hint_text)

    def values_of(self, service):
        """What ``service`` told us of this facet, in display order: [] when nothing."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True, eq=False)
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


@dataclass(frozen=True, kw_only=True, eq=False)
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
        legend=_("Kind of support"),
        # Translators: %(value)s is the value a link gave, as it gave it.
        unknown_value=_("We did not recognise the type of support “%(value)s”, so it was ignored."),
        label=_("Support"),
        # Translators: in "Not stated: kind of support, languages, cost" on a service's page.
        unstated=_("kind of support"),
        separator=SEMICOLON,
    ),
    LookupFacet(
        param="mode",
        relation="delivery_modes",
        model_name="DeliveryMode",
        kind=2,
        legend=_("How to get in touch"),
        unknown_value=_(
            # Translators: %(value)s is the value a link gave, as it gave it.
            "We did not recognise the way to get in touch “%(value)s”, so it was ignored."
        ),
        # Translators: a heading on a service's card, before "Phone, Online, In person".
        label=_("Contact by"),
        sheet_label=_("Contact by"),
        # Translators: in "Not stated: kind of support, how to get in touch, cost".
        unstated=_("how to get in touch"),
    ),
    LookupFacet(
        param="language",
        relation="languages",
        model_name="Language",
        kind=3,
        # Translators: the heading of the filter by the language a service is offered in.
        legend=_("Language"),
        # Translators: %(value)s is the value a link gave, as it gave it.
        unknown_value=_("We did not recognise the language “%(value)s”, so it was ignored."),
        # Translators: a heading on a service's card, before the languages it is offered in.
        label=_("Languages"),
        sheet_label=_("Languages"),
        # Translators: in "Not stated: kind of support, languages, cost".
        unstated=_("languages"),
        starts_open=True,  # the facet most people come for
        in_columns=True,
    ),
    LookupFacet(
        param="gender",
        relation="practitioner_genders",
        model_name="PractitionerGender",
        kind=4,
        # Translators: the heading of the filter by whether a service's counsellors or other
        # practitioners are women or men.
        legend=_("Practitioner gender"),
        unknown_value=_(
            # Translators: %(value)s is the value a link gave, as it gave it.
            "We did not recognise the practitioner gender “%(value)s”, so it was ignored."
        ),
        # Translators: a heading on a service's card, before "Women; Men".
        label=_("Practitioners"),
        sheet_label=_("Practitioners"),
        # Translators: in "Not stated: kind of support, practitioners, cost".
        unstated=_("practitioners"),
        separator=SEMICOLON,
    ),
    LookupFacet(
        param="audience",
        relation="audiences",
        model_name="Audience",
        kind=5,
        # Translators: the heading of the filter, and of a card's fact, by whom a service is for:
        # "Women; Young people".
        legend=_("Who it is for"),
        # Translators: %(value)s is the value a link gave, as it gave it; a group is one of those
        # a service is for, such as young people.
        unknown_value=_("We did not recognise the group “%(value)s”, so it was ignored."),
        label=_("Who it is for"),
        # Translators: in "Not stated: kind of support, who it is for, cost".
        unstated=_("who it is for"),
        separator=SEMICOLON,
    ),
    LookupFacet(
        param="area",
        relation="areas",
        model_name="Area",
        kind=6,
        # Translators: the part of the UK a service serves: "London", "Scotland", "UK-wide".
        legend=_("Area"),
        # Translators: %(value)s is the value a link gave, as it gave it.
        unknown_value=_("We did not recognise the area “%(value)s”, so it was ignored."),
        label=_("Area"),
        # Translators: in "Not stated: kind of support, area, cost".
        unstated=_("area"),
        hint_text=_("UK-wide services are included. Only services that told us are shown."),
        uk_wide=True,
    ),
    ChoiceFacet(
        param="cost",
        field_name="cost",
        choices=Cost,
        note_field="cost_note",
        # Translators: what a service costs its users: "Free", "Low cost", "Paid".
        legend=_("Cost"),
        # Translators: %(value)s is the value a link gave, as it gave it.
        unknown_value=_("We did not recognise the cost “%(value)s”, so it was ignored."),
        label=_("Cost"),
        sheet_label=_("Cost"),
        # Translators: in "Not stated: kind of support, languages, cost".
        unstated=_("cost"),
    ),
    ChoiceFacet(
        param="faith",
        field_name="faith_approach",
        choices=FaithApproach,
        # Translators: whether a service brings Islamic faith and practice into its support.
        legend=_("Approach to faith"),
        unknown_value=_(
            # Translators: %(value)s is the value a link gave, as it gave it.
            "We did not recognise the approach to faith “%(value)s”, so it was ignored."
        ),
        # Translators: a heading on a service's card, before its approach to faith.
        label=_("Faith"),
        sheet_label=_("Faith"),
        # Translators: in "Not stated: kind of support, languages, approach to faith".
        unstated=_("approach to faith"),
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
