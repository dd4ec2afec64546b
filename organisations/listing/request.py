"""One list request, understood once: what it asks for, what it had to ignore, and its conditions.

``ListRequest`` carries a request for the list from the query string to the SQL. It is made by
the FilterSet (filters.py), which parses and validates the parameters; its conditions are
computed then, once: for each facet chosen, the values understood and, for a lookup facet, the
lookup ids a matching service may have, UK-wide ones included where the facet says so
(``Condition``). Both finders (finders.py) read those conditions; nothing maps values to ids again.

A process keeps each request it read, by its raw query string and the interface language, for as
long as the directory stays at the same version (``read``): a repeated link is parsed once.
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from directory.languages import shown_name

from ..caching.memo import memo
from ..choices import Sort
from ..facets import FACETS, KEY_BASE, LookupFacet

# A query string longer than this is not kept (it is still read): no link anyone shares is.
LONGEST_KEPT = 1_000
KEPT = memo.shelf("list requests", limit=lambda: 2_000)
# A page number with more digits than this is no page: such a page is never cached.
PAGE_DIGITS = 6
# How far "near" looks for venues, in miles (DESIGN.md §10).
RADII = (5, 10, 25, 50)
DEFAULT_RADIUS = 25


@dataclass(frozen=True)
class Condition:
    """One facet of the request: the values chosen (as understood, in the order asked) and, for a
    lookup facet, the lookup ids a service may have to match, UK-wide ones included."""

    facet: object  # a facets.Facet
    values: tuple
    ids: tuple = ()

    @classmethod
    def of(cls, facet, values, lookups):
        """The condition ``values`` of ``facet`` make: the one place values become lookup ids."""
        if not isinstance(facet, LookupFacet):
            return cls(facet, tuple(values))
        items = lookups[facet.param]
        ids = [item.pk for item in items if item.key in values]
        if facet.uk_wide:  # a UK-wide service serves every area
            ids += [item.pk for item in items if item.is_national and item.pk not in ids]
        return cls(facet, tuple(values), tuple(ids))

    @property
    def keys(self):
        """The listing table's keys for the ids (listing/models.py, migration 0006)."""
        return [self.facet.kind * KEY_BASE + pk for pk in self.ids]

    def as_q(self):
        """The condition on Service: one index scan of the facet's link table, joining nothing."""
        if not isinstance(self.facet, LookupFacet):
            return Q(**{f"{self.facet.field_name}__in": self.values})
        links = self.facet.through.objects.filter(**{f"{self.facet.link_column}__in": self.ids})
        return Q(pk__in=links.values("service_id"))


@dataclass(frozen=True)
class ListRequest:
    """What a list request asks for, understood; made by ``ListFilter.list_request``."""

    version: int  # of the directory, when it was read: what search.known keeps is for one
    lookups: object  # lookups.Lookups
    text: str = ""  # the search, cleaned
    conditions: tuple = ()  # a Condition per facet chosen, in the registry's order
    near: object = None  # a near.districts.District: only ever a district, never a postcode
    radius: int = DEFAULT_RADIUS  # miles
    sort: str = ""  # a Sort asked for, or "" for the default
    page: int = 1
    page_given: str = ""  # the page parameter as it came, for the cache key
    notices: tuple = ()  # what it ignored, in words

    @property
    def ordering(self):
        """The order asked for; by default nearest first near a postcode, best match when
        searching, otherwise name."""
        default = Sort.NEAREST if self.near else Sort.RELEVANCE if self.text else Sort.NAME
        chosen = self.sort or default
        if chosen == Sort.RELEVANCE and not self.text or chosen == Sort.NEAREST and not self.near:
            return Sort.NAME
        return chosen

    @property
    def has_filters(self):
        """True when anything narrows the list (sorting does not)."""
        return bool(self.text or self.conditions or self.near)

    def chosen(self, param):
        for condition in self.conditions:
            if condition.facet.param == param:
                return condition.values
        return ()

    @cached_property
    def query(self):
        """The understood values, without the page: what links on the page keep."""
        query = QueryDict(mutable=True)
        if self.text:
            query["q"] = self.text
        for condition in self.conditions:
            query.setlist(condition.facet.param, list(condition.values))
        if self.near:
            query["near"] = self.near.outcode
            if self.radius != DEFAULT_RADIUS:
                query["radius"] = str(self.radius)
        if self.sort:
            query["sort"] = self.sort
        return QueryDict(query.urlencode())  # kept for the version: nothing may change it

    @cached_property
    def language_query(self):
        """The query string of this page in another language: what it understood, and its page."""
        base = without(self.query)
        page = f"page={self.page}" if self.page > 1 else ""
        both = "&".join(part for part in (base, page) if part)
        return f"?{both}" if both else ""

    @cached_property
    def cache_key(self):
        """What the page understood, never the raw query: None when it had to ignore something."""
        if self.notices or len(self.page_given) > PAGE_DIGITS:
            return None
        return f"list?{without(self.query)}&page={self.page}"

    def facet_groups(self):
        """The form's groups of checkboxes, with each option's lookup for labels such as endonyms.

        A group starts open when something in it is chosen, or when its facet says so.
        """
        groups = []
        for facet in FACETS:
            chosen = self.chosen(facet.param)
            options = [
                {"value": value, "label": label, "item": item, "checked": value in chosen}
                for value, label, item in options_of(facet, self.lookups)
            ]
            groups.append(
                {"facet": facet, "open": bool(chosen) or facet.starts_open, "options": options}
            )
        return groups

    @cached_property
    def active_filters(self):
        """What narrows the list now, each with the query string that removes it: worked out once
        for the request, which a process keeps for the version (``read``), like the query."""
        active = []
        if self.text:
            active.append(
                {
                    "legend": _("Search"),
                    "label": f"“{self.text}”",
                    "remove_query": without(self.query, "q"),
                }
            )
        if self.near:
            query = self.query.copy()
            query.pop("radius", None)
            active.append(
                {
                    # Translators: a choice of the list, such as "Near: LS6".
                    "legend": _("Near"),
                    "label": ngettext(
                        # Translators: %(district)s is a postcode district such as "LS6".
                        "%(district)s, within %(radius)s mile",
                        "%(district)s, within %(radius)s miles",
                        self.radius,
                    )
                    % {"district": self.near.outcode, "radius": number_format(self.radius)},
                    "remove_query": without(query, "near"),
                }
            )
        for condition in self.conditions:
            facet = condition.facet
            labels = {value: label for value, label, _item in options_of(facet, self.lookups)}
            for value in condition.values:
                active.append(
                    {
                        "legend": facet.legend,
                        "label": labels[value],
                        "remove_query": without(self.query, facet.param, value),
                    }
                )
        return active


def options_of(facet, lookups):
    """(value, label, lookup or None) for every value ``facet`` offers."""
    if isinstance(facet, LookupFacet):
        return [(item.key, shown_name(item), item) for item in lookups[facet.param]]
    return [(value, label, None) for value, label in facet.options()]


def without(query, param=None, value=None):
    """``query`` as a query string, less one parameter or one value of it, in a stable order."""
    copy = query.copy()
    if value is None:
        copy.pop(param, None)
    else:
        copy.setlist(param, [v for v in copy.getlist(param) if v != value])
    return urlencode(sorted(copy.lists()), doseq=True)


def parse(params, lookups, version):
    """The list request in ``params`` (a QueryDict, or a query string)."""
    from .filters import ListFilter  # the FilterSet builds requests; it needs this module

    if isinstance(params, str):
        params = QueryDict(params)
    return ListFilter(params, lookups=lookups).list_request(version)


def read(request, state, lookups):
    """The list request in ``request``'s query string, read once per process and version."""
    raw = request.META.get("QUERY_STRING", "")
    keep = len(raw) <= LONGEST_KEPT
    key = (get_language(), raw)  # its notices and labels are in the page's language
    found = KEPT.get(state.version, key) if keep else None
    if found is None:
        found = parse(request.GET, lookups, state.version)
        if keep:
            KEPT.put(state.version, key, found)
    return found
