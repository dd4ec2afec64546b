"""The list's filters (DESIGN.md §4).

The FilterSet filters *services*; the list view then shows the organisations that have at least one
matching service. That is what makes facets hold for the same service: ``language=ur&gender=female``
keeps only services that are both in Urdu and have women practitioners.

Values nobody could mean (unknown slugs, a page of text in ``sort``) are taken out before the
FilterSet sees them, and each is reported back as a notice, so a shared link with one stale value
still shows results instead of an error.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django.http import QueryDict

from . import search
from .lookups import load_lookups
from .models import (
    Area,
    Audience,
    Cost,
    DeliveryMode,
    FaithApproach,
    Language,
    PractitionerGender,
    ServiceType,
)

SEARCH_MAX_LENGTH = 200
SORT_CHOICES = [
    ("relevance", "Best match to your search"),
    ("name", "Name (A to Z)"),
    ("recently-verified", "Most recently checked"),
]
# Cost and faith offer only what a service can tell us: "not stated" is not something to filter on.
COST_CHOICES = [(c.value, c.label) for c in Cost if c != Cost.NOT_STATED]
FAITH_CHOICES = [(f.value, f.label) for f in FaithApproach if f != FaithApproach.NOT_STATED]
UNKNOWN_HINT = "Only services that told us are shown."


@dataclass(frozen=True)
class Facet:
    """One group of checkboxes on the list page, and the URL parameter behind it."""

    param: str
    legend: str
    noun: str  # how a notice names one value: "the language “xx”"
    model: type | None = None  # a lookup table, or None for fixed choices
    relation: str = ""  # the Service field to filter on
    choices: list = field(default_factory=list)

    def options(self, lookups):
        """(value, label, lookup or None) for every value this facet offers."""
        if self.model is None:
            return [(value, label, None) for value, label in self.choices]
        return [(item.key, item.name, item) for item in lookups[self.param]]


FACETS = [
    Facet("type", "Kind of support", "type of support", ServiceType, "service_types"),
    Facet("mode", "How to get in touch", "way to get in touch", DeliveryMode, "delivery_modes"),
    Facet("language", "Language", "language", Language, "languages"),
    Facet(
        "gender",
        "Practitioner gender",
        "practitioner gender",
        PractitionerGender,
        "practitioner_genders",
    ),
    Facet("audience", "Who it is for", "group", Audience, "audiences"),
    Facet("area", "Area", "area", Area, "areas"),
    Facet("cost", "Cost", "cost", relation="cost", choices=COST_CHOICES),
    Facet(
        "faith",
        "Approach to faith",
        "approach to faith",
        relation="faith_approach",
        choices=FAITH_CHOICES,
    ),
]
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


# --- Reading the query string ------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_search(raw):
    """Words to search for: control characters out, spaces collapsed, length capped."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", raw))
    text = " ".join(text.split())
    shortened = len(text) > SEARCH_MAX_LENGTH
    return text[:SEARCH_MAX_LENGTH].strip(), shortened


def shorten(value, limit=40):
    value = _CONTROL.sub("", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class CleanQuery:
    """What the page understood of its query string, and what it had to ignore."""

    data: QueryDict  # only values the page understood (never "page")
    notices: list[str]
    page: str | None


def clean_query(params, lookups):
    """Split ``params`` (request.GET) into values we understood and notices about the rest."""
    data = QueryDict(mutable=True)
    notices = []

    raw_q = [v for v in params.getlist("q") if v.strip()]
    if raw_q:
        text, shortened = clean_search(raw_q[-1])
        if search.words(text):
            data["q"] = text
        elif text:
            notices.append(
                f"Your search “{shorten(text)}” has no letters or numbers, so it was ignored."
            )
        if shortened:
            notices.append(
                f"Your search was too long, so only its first {SEARCH_MAX_LENGTH} "
                "characters were used."
            )
        if len(raw_q) > 1:
            notices.append("More than one search was given; only the last one was used.")

    for facet in FACETS:
        known = {value for value, _label, _item in facet.options(lookups)}
        chosen = []
        for raw in params.getlist(facet.param):
            value = raw.strip().lower()
            if not value:
                continue
            if value in known:
                if value not in chosen:
                    chosen.append(value)
            else:
                notices.append(
                    f"We did not recognise the {facet.noun} “{shorten(raw)}”, so it was ignored."
                )
        if chosen:
            data.setlist(facet.param, chosen)

    sorts = [v.strip() for v in params.getlist("sort") if v.strip()]
    if sorts:
        if sorts[-1] in dict(SORT_CHOICES):
            data["sort"] = sorts[-1]
        else:
            notices.append(
                f"We did not recognise the order “{shorten(sorts[-1])}”, so the list "
                "is in order of name."
            )

    pages = params.getlist("page")
    return CleanQuery(data=data, notices=notices, page=pages[-1] if pages else None)


# --- The FilterSet -----------------------------------------------------------------------------


class FacetFilter(django_filters.MultipleChoiceFilter):
    """Several values of one facet mean OR; each facet is one more condition on the service."""

    def __init__(self, *args, facet, **kwargs):
        self.facet = facet
        kwargs.setdefault("widget", django_filters.widgets.forms.CheckboxSelectMultiple)
        kwargs.setdefault("label", facet.legend)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.facet.model is None:
            return qs.filter(**{f"{self.facet.relation}__in": value})
        return qs.filter(pk__in=self.matching_service_ids(qs.model, value))

    def matching_service_ids(self, service_model, value):
        """Services with any of the chosen values: one index scan of the facet's link table.

        The chosen values are mapped to ids with the lookups the page already holds, so the
        sub-query joins nothing; UK-wide areas join any area that is asked for.
        """
        lookups = self.parent.lookups[self.facet.param]
        ids = [item.pk for item in lookups if item.key in value]
        if self.facet.param == "area":
            ids += [item.pk for item in lookups if item.is_national and item.pk not in ids]
        field = service_model._meta.get_field(self.facet.relation)
        return field.remote_field.through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}_id__in": ids}
        ).values("service_id")


class ServiceFilter(django_filters.FilterSet):
    """Filters public services by ``q`` and every facet, all holding for the same service."""

    q = django_filters.CharFilter(label="Search", method="filter_search")
    type = FacetFilter(facet=FACETS_BY_PARAM["type"])
    mode = FacetFilter(facet=FACETS_BY_PARAM["mode"])
    language = FacetFilter(facet=FACETS_BY_PARAM["language"])
    gender = FacetFilter(facet=FACETS_BY_PARAM["gender"])
    audience = FacetFilter(facet=FACETS_BY_PARAM["audience"])
    area = FacetFilter(facet=FACETS_BY_PARAM["area"])
    cost = FacetFilter(facet=FACETS_BY_PARAM["cost"], choices=COST_CHOICES)
    faith = FacetFilter(facet=FACETS_BY_PARAM["faith"], choices=FAITH_CHOICES)
    sort = django_filters.ChoiceFilter(
        label="Order by", choices=SORT_CHOICES, method="keep_order", empty_label=None
    )

    def __init__(
        self, data=None, queryset=None, *, request=None, prefix=None, lookups=None, understood=None
    ):
        self.lookups = lookups if lookups is not None else load_lookups()
        self.understood = understood or clean_query(
            data if data is not None else QueryDict(), self.lookups
        )
        super().__init__(self.understood.data, queryset, request=request, prefix=prefix)
        for facet in FACETS:
            if facet.model is not None:
                self.filters[facet.param].extra["choices"] = [
                    (value, label) for value, label, _item in facet.options(self.lookups)
                ]

    @property
    def notices(self):
        return self.understood.notices

    @property
    def ordering(self):
        """The order asked for; by default best match when searching, otherwise name."""
        data = self.understood.data
        chosen = data.get("sort") or ("relevance" if data.get("q") else "name")
        return "name" if chosen == "relevance" and not data.get("q") else chosen

    def filter_search(self, queryset, name, value):
        if search.full_text_available():
            return search.full_text(queryset, value)
        return search.contains_every_word(queryset, value)

    def keep_order(self, queryset, name, value):
        return queryset  # sorting orders organisations, so the view applies it

    @property
    def has_filters(self):
        """True when anything narrows the list (sorting does not)."""
        return any(key != "sort" for key in self.understood.data)

    def facet_groups(self):
        """The form's checkboxes, with each option's lookup for labels such as endonyms.

        A group starts open when something in it is chosen; Language is always open, being the
        facet most people come for.
        """
        selected = self.understood.data
        groups = []
        for facet in FACETS:
            chosen = selected.getlist(facet.param)
            hint = (
                f"UK-wide services are included. {UNKNOWN_HINT}"
                if facet.param == "area"
                else (UNKNOWN_HINT)
            )
            options = [
                {
                    "value": value,
                    "label": label,
                    "item": item,
                    "checked": value in chosen,
                }
                for value, label, item in facet.options(self.lookups)
            ]
            groups.append(
                {
                    "facet": facet,
                    "hint": hint,
                    "open": bool(chosen) or facet.param == "language",
                    "options": options,
                }
            )
        return groups

    def active_filters(self):
        """What narrows the list now, each with the query string that removes it."""
        data = self.understood.data
        labels = {
            facet.param: {value: label for value, label, _item in facet.options(self.lookups)}
            for facet in FACETS
        }
        active = []
        if data.get("q"):
            active.append(
                {"legend": "Search", "label": f"“{data['q']}”", "remove_query": without(data, "q")}
            )
        for facet in FACETS:
            for value in data.getlist(facet.param):
                active.append(
                    {
                        "legend": facet.legend,
                        "label": labels[facet.param][value],
                        "remove_query": without(data, facet.param, value),
                    }
                )
        return active


def without(data, param, value=None):
    """The query string of ``data`` less one parameter, or one value of it."""
    copy = data.copy()
    if value is None:
        copy.pop(param, None)
    else:
        copy.setlist(param, [v for v in copy.getlist(param) if v != value])
    return urlencode(sorted(copy.lists()), doseq=True)
