"""The list's parameters (DESIGN.md §4), parsed and validated by a django-filter FilterSet.

``ListFilter`` has a filter per facet of the registry (facets.py) and one for the search; its
form also reads ``sort`` and ``page``. Its form never fails: each field keeps the values it
understood and says, as a notice, which it ignored and why, so a shared link with one stale value
still shows results instead of an error. ``list_request()`` turns what the form understood into
the one ``ListRequest`` (request.py) that both finders read; the finder through the models
(finders.QuerySetFinder) filters services with this FilterSet, bound to the understood values.

The FilterSet filters *services*; the list shows the organisations that have at least one
matching service. That is what makes facets hold for the same service: ``language=ur&gender=female``
keeps only services that are both in Urdu and have women practitioners.
"""

import copy
import re
import unicodedata
from typing import NamedTuple

import django_filters
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..choices import Sort
from ..facets import FACETS, LookupFacet
from ..models import Service
from ..near import districts, postcodes
from . import search
from .request import DEFAULT_RADIUS, RADII, Condition, ListRequest

SEARCH_MAX_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Reading(NamedTuple):
    """What a field understood of its values (None for nothing), and notices about the rest."""

    value: object
    notices: tuple = ()


def shorten(value, limit=40):
    value = _CONTROL.sub("", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def given(values):
    """The values a parameter came with, empty ones left out."""
    return [value for value in values if value.strip()]


class EveryValue(forms.Widget):
    """Every value of a repeated parameter (``QueryDict.getlist``). Never drawn: the filter form
    is the template's (_filter_form.html)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name)


class LenientField(forms.Field):
    """A form field that never fails: ``read(values)`` returns a Reading of all its values."""

    widget = EveryValue

    def clean(self, value):
        return self.read(value or [])

    def read(self, values):
        raise NotImplementedError


class SearchField(LenientField):
    def read(self, values):
        values = given(values)
        if not values:
            return Reading("")
        notices = []
        text = unicodedata.normalize("NFC", _CONTROL.sub(" ", values[-1]))
        text = " ".join(text.split())
        shortened = len(text) > SEARCH_MAX_LENGTH
        text = text[:SEARCH_MAX_LENGTH].strip()
        if not search.words(text):
            if text:
                notices.append(
                    gettext(
                        # Translators: %(search)s is what the visitor searched for, such as "?!".
                        "Your search “%(search)s” has no letters or numbers, so it was ignored."
                    )
                    % {"search": shorten(text)}
                )
            text = ""
        if shortened:
            notices.append(
                ngettext(
                    # Translators: %(count)s is the most characters a search can have.
                    "Your search was too long, so only its first %(count)s character was used.",
                    "Your search was too long, so only its first %(count)s characters were used.",
                    SEARCH_MAX_LENGTH,
                )
                % {"count": number_format(SEARCH_MAX_LENGTH)}
            )
        if len(values) > 1:
            notices.append(
                # Translators: a link to the list can repeat its search (?q=a&q=b).
                gettext("More than one search was given; only the last one was used.")
            )
        return Reading(text, tuple(notices))


class FacetField(LenientField):
    """The values of one facet: any of them, in any case; each unknown one is named. ``lookups``
    is set on each form's copy of the field (ListFilter.form)."""

    def __init__(self, *, facet, **kwargs):
        self.facet = facet
        self.lookups = None
        super().__init__(**kwargs)

    def read(self, values):
        if isinstance(self.facet, LookupFacet):
            known = self.lookups.by_key[self.facet.param]
        else:
            known = {value for value, _label in self.facet.options()}
        chosen, notices = [], []
        for raw in given(values):
            value = raw.strip().lower()
            if value not in known:
                notices.append(str(self.facet.unknown_value) % {"value": shorten(raw)})
            elif value not in chosen:
                chosen.append(value)
        condition = Condition.of(self.facet, chosen, self.lookups) if chosen else None
        return Reading(condition, tuple(notices))


class SortField(LenientField):
    def read(self, values):
        values = [value.strip() for value in given(values)]
        if not values:
            return Reading("")
        if values[-1] in Sort.values:
            return Reading(values[-1])
        notice = gettext(
            # Translators: %(order)s is what a link asked for instead of an order of the list.
            "We did not recognise the order “%(order)s”, so the list is in order of name."
        ) % {"order": shorten(values[-1])}
        return Reading("", (notice,))


class PageField(LenientField):
    """A page number of 1 or more; anything else is the first page, with a notice."""

    def read(self, values):
        raw = values[-1] if values else ""
        if not raw:
            return Reading((1, raw))
        try:
            number = int(raw.strip())
        except ValueError:
            # Translators: %(page)s is what a link gave instead of a page number, such as "two".
            notice = gettext("“%(page)s” is not a page number, so this is the first page.") % {
                "page": raw[:20]
            }
            return Reading((1, raw), (notice,))
        if number < 1:
            notice = gettext("There is no such page, so this is the first page.")
            return Reading((1, raw), (notice,))
        return Reading((number, raw))


class NearField(LenientField):
    """A UK postcode or postcode district (near/postcodes.py): its District, or None with a
    notice naming what it could not use. A full postcode never gets here: the list redirects
    it to its district first (views.py)."""

    def read(self, values):
        values = given(values)
        if not values:
            return Reading(None)
        raw = values[-1]
        typed = postcodes.read(raw)
        if not typed.district:
            # Translators: %(postcode)s is what was given instead of a postcode, such as "Leeds".
            notice = gettext(
                "“%(postcode)s” is not a UK postcode, so the list is not in order of distance."
            ) % {"postcode": shorten(raw)}
            return Reading(None, (notice,))
        if postcodes.is_outside_coverage(typed.district):
            notice = gettext(
                # Translators: %(district)s is a postcode district such as "JE2".
                "%(district)s is in the Channel Islands or the Isle of Man, which are outside "
                "this directory's coverage, so the list is not in order of distance."
            ) % {"district": typed.district}
            return Reading(None, (notice,))
        district = districts.find(typed.district)
        if district is None:
            notice = gettext(
                # Translators: %(district)s is a postcode district such as "ZZ99".
                "We could not find the postcode district %(district)s, so the list is not in "
                "order of distance."
            ) % {"district": typed.district}
            return Reading(None, (notice,))
        return Reading(district)


class RadiusField(LenientField):
    """How far to look for venues, in miles: one of ``RADII``; the default otherwise."""

    def read(self, values):
        values = [value.strip() for value in given(values)]
        if not values:
            return Reading(DEFAULT_RADIUS)
        if values[-1] in {str(radius) for radius in RADII}:
            return Reading(int(values[-1]))
        notice = ngettext(
            # Translators: %(radius)s is what a link gave instead of a distance, such as "far".
            # %(default)s is the distance used instead, a number of miles.
            "We did not recognise the distance “%(radius)s”, so venues within %(default)s "
            "mile are shown.",
            "We did not recognise the distance “%(radius)s”, so venues within %(default)s "
            "miles are shown.",
            DEFAULT_RADIUS,
        ) % {"radius": shorten(values[-1]), "default": number_format(DEFAULT_RADIUS)}
        return Reading(DEFAULT_RADIUS, (notice,))


class ListForm(forms.Form):
    """The FilterSet's form, with the parameters that are not filters of services."""

    near = NearField()
    radius = RadiusField()
    sort = SortField()
    page = PageField()


class ShallowCopied:
    """A filter that holds nothing mutable (its facet is frozen)."""

    def __deepcopy__(self, memo):
        """Each FilterSet copies its filters: ours hold nothing mutable, so a shallow copy is a
        copy, at a fraction of the cost of a deep one."""
        return copy.copy(self)


class SearchFilter(ShallowCopied, django_filters.Filter):
    field_class = SearchField

    def filter(self, queryset, value):
        return queryset.search(value.value) if value.value else queryset


class FacetFilter(ShallowCopied, django_filters.Filter):
    """Several values of one facet mean OR; each facet is one more condition on the service."""

    field_class = FacetField

    def __init__(self, facet, **kwargs):
        self.facet = facet
        super().__init__(label=facet.legend, facet=facet, **kwargs)

    def filter(self, queryset, value):
        return queryset.matching(value.value) if value.value else queryset


class ListFilter(django_filters.FilterSet):
    """Filters public services by ``q`` and every facet, all holding for the same service."""

    q = SearchFilter(label=_("Search"))

    class Meta:
        model = Service
        fields = []
        form = ListForm

    @classmethod
    def get_filters(cls):
        """The declared filters, then one per facet of the registry (facets.py)."""
        filters = super().get_filters()
        for facet in FACETS:
            filters[facet.param] = FacetFilter(facet)
        return filters

    def __init__(self, data=None, *, lookups):
        self.lookups = lookups
        super().__init__(data, Service.objects.all())  # filter_queryset is given the public ones

    def get_form_class(self):
        """The form class, made once: its fields are the same for every request."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for facet in FACETS:
                form.fields[facet.param].lookups = self.lookups
        return self._form

    def filter_queryset(self, queryset):
        """Services matching every filter (the form's ``sort`` and ``page`` filter nothing)."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, cleaned[name])
        return queryset

    def list_request(self, version):
        """The one ListRequest that carries what was asked, understood, to both finders."""
        self.form.is_valid()  # never fails: every field reads what it can (LenientField)
        cleaned = self.form.cleaned_data
        facets = [cleaned[facet.param] for facet in FACETS]
        near, radius, sort = cleaned["near"], cleaned["radius"], cleaned["sort"]
        readings = [cleaned["q"], *facets, near, radius, sort, cleaned["page"]]
        if sort.value == Sort.NEAREST and near.value is None and not near.notices:
            notice = gettext(
                # Translators: "Nearest first" is an order of the list (Sort.NEAREST).
                "“Nearest first” needs a postcode, so the list is in order of name."
            )
            sort = Reading("", (notice,))
            readings.append(sort)
        number, page_given = cleaned["page"].value
        return ListRequest(
            version=version,
            lookups=self.lookups,
            text=cleaned["q"].value,
            conditions=tuple(reading.value for reading in facets if reading.value),
            near=near.value,
            radius=radius.value if near.value else DEFAULT_RADIUS,
            sort=sort.value,
            page=number,
            page_given=page_given,
            notices=tuple(notice for reading in readings for notice in reading.notices),
        )
