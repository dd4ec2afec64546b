"""Which organisations a page of the list shows, and which of their services matched.

Two finders give the same answer to the same ``ListRequest`` (request.py), and ``finder_for`` is
the one place that chooses between them:

- ``ListingTableFinder``, on PostgreSQL: walks of the narrow listing table (listing/models.py,
  migrations 0006 and 0007), a row per public service with every facet in one integer array and
  covering indexes in name order and in order of last check, with the named statements of sql.py.
  A page costs the rows it needs, not the size of the directory.
- ``QuerySetFinder``, elsewhere (SQLite, the embedded default): the models, through the
  FilterSet's filters (filters.py) and ``Organisation.objects.listed`` (querysets.py).

A finder has ``ordered_ids(limit)``, the first ``limit`` organisations in the order asked for, and
``rows(ids)``, for each of a page's organisations the ids of its matching services in name order
and how many public services it has in all; ``corrected`` is the search it ran instead, when
nothing matched as typed. tests/test_finders.py proves on PostgreSQL that the two agree.
"""

from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from ..choices import Sort
from ..facets import LookupFacet
from ..models import Organisation, Service
from . import search, sql
from .filters import ListFilter


@dataclass
class Row:
    """One organisation on a page: its matching services (ids, in name order) and its size."""

    matching: list
    public_count: int
    places: dict = field(default_factory=dict)  # near a postcode: service id -> near.Nearby


class Finder(Protocol):
    corrected: str | None

    def ordered_ids(self, limit: int) -> list[int]: ...

    def rows(self, ids: list[int]) -> dict[int, Row]: ...


def finder_for(list_request):
    """The finder for this request: near a postcode, the three groups of near.py; otherwise the
    listing table where it exists, the models elsewhere."""
    if list_request.near:
        from .near import near_finder  # it builds on this module's finders

        return near_finder(list_request)
    if connection.vendor == "postgresql":
        return ListingTableFinder(list_request)
    return QuerySetFinder(list_request)


class QuerySetFinder:
    """The list through the models: the FilterSet, bound to the request's understood values,
    filters public services, then the organisations that have one are read in order (a
    selector, ``Organisation.objects.listed``)."""

    def __init__(self, list_request):
        filterset = ListFilter(list_request.query, lookups=list_request.lookups)
        self.services = filterset.filter_queryset(Service.objects.public())
        self.ordering = list_request.ordering
        self.corrected = None

    def ordered_ids(self, limit):
        ordered = Organisation.objects.listed(self.services, self.ordering)
        return list(ordered.values_list("pk", flat=True)[:limit])

    def rows(self, ids):
        if not ids:
            return {}
        found = {pk: Row(matching=[], public_count=0) for pk in ids}
        services = (
            Service.objects.filter(organisation_id__in=ids, is_active=True)
            .annotate(matched=Exists(self.services.filter(pk=OuterRef("pk"))))
            .order_by(Lower("name"), "pk")
            .values_list("organisation_id", "pk", "matched")
        )
        for organisation_id, pk, matched in services:
            row = found[organisation_id]
            row.public_count += 1
            if matched:
                row.matching.append(pk)
        return found


class ListingTableFinder:
    """The PostgreSQL list: walks of organisations_listing, from the request's conditions."""

    def __init__(self, list_request):
        self.conditions = list_request.conditions
        self.version = list_request.version  # what search.known keeps is for one version
        self.ordering = list_request.ordering
        self.text = list_request.text
        self.query = search.tsquery(self.text) if self.text else ""
        self.corrected = None  # the words searched for instead, when nothing matched as typed

    def where(self, text=True):
        """SQL conditions and parameters: every facet, and the search unless ``text`` is off."""
        every_key, parts, params = [], [], []
        for condition in self.conditions:
            if not isinstance(condition.facet, LookupFacet):
                parts.append(sql.CHOICE_IS_ANY.format(column=condition.facet.field_name))
                params.append(list(condition.values))
            elif len(condition.keys) == 1:
                every_key.extend(condition.keys)  # with the other single values: one @>
            else:
                parts.append(sql.HAS_ANY_KEY)
                params.append(condition.keys)
        if every_key:
            parts.insert(0, sql.HAS_EVERY_KEY)
            params.insert(0, every_key)
        if self.text and text:
            parts.append(sql.MATCHES_TEXT)
            params.append(self.query)
        return " AND ".join(parts) or sql.NOTHING_ELSE, params

    def _named(self, limit):
        """The first group of a search: organisations with a service whose names hold every word.

        Each exact word's run of ``organisations_listing_word`` is in the list's order, so a
        merge of the runs stops at the page's last organisation. A listing row is read only to
        check facets, or words that are not one exact lexeme.
        """
        facets, params = self.where(text=False)
        exact, complete = search.exact_words(self.text, self.version)
        check = f"{facets} AND {sql.NAMES_MATCH_TEXT}"
        if not exact:
            return sql.BY_NAME.format(where=check), [*params, self.query, limit]
        joins = "".join(sql.WORD_JOIN.format(n=n) for n in range(1, len(exact)))
        values = list(exact[1:])
        if facets != sql.NOTHING_ELSE or not complete:
            joins += sql.CHECKED_ON_THE_LISTING.format(where=check)
            values += [*params, self.query]
        return sql.NAMED_BY_WORDS.format(joins=joins), [*values, exact[0], limit]

    def _relevant(self, limit):
        """A search in order of relevance: three groups, each in name order.

        Services whose names hold every word, then whose names, summary or type names do, then
        the rest. An organisation is in the best group any of its services reaches, so the
        groups never share one. The first group is read alone, and when it fills the page (as
        for most searches of a large directory) it is all that is planned and run; otherwise the
        other two are read for the rest of the page, in turn, stopping when it is full.
        """
        named = self._fetch(*self._named(limit))
        if len(named) >= limit:
            return named
        rest = limit - len(named)
        facets, params = self.where(text=False)
        outlined = sql.LATER_GROUP.format(where=facets, within=sql.OUTLINE, better=sql.NAMES)
        anywhere = sql.LATER_GROUP.format(where=facets, within=sql.DOCUMENT, better=sql.OUTLINE)
        query = self.query
        statement = sql.LATER_GROUPS.format(outlined=outlined, anywhere=anywhere)
        return named + self._fetch(
            statement,
            [
                *params, query, query, rest,
                *params, query, query, rest,
                rest,
            ],
        )  # fmt: skip

    @staticmethod
    def _fetch(statement, params):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return [row[0] for row in cursor.fetchall()]

    def _ordered(self, limit):
        if self.ordering == Sort.RELEVANCE and self.text:
            return self._relevant(limit)
        where, params = self.where()
        by = sql.BY_LAST_CHECK if self.ordering == Sort.RECENTLY_VERIFIED else sql.BY_NAME
        return self._fetch(by.format(where=where), [*params, limit])

    def ordered_ids(self, limit):
        if self.text and not search.may_match(self.text, self.version):
            ids = []  # a word is in no listed service: the search cannot match (search.may_match)
        else:
            ids = self._ordered(limit)
        if ids or not self.text:
            return ids
        # Nothing matched as typed: search again with the directory's words nearest each one.
        corrected = search.nearest_words(search.words(self.text), self.version)
        if corrected == search.words(self.text):
            return ids
        self.corrected = " ".join(corrected)
        self.text, self.query = self.corrected, search.tsquery(self.corrected)
        return self._ordered(limit)

    def rows(self, ids):
        if not ids:
            return {}
        where, params = self.where()
        with connection.cursor() as cursor:
            cursor.execute(sql.MATCHING_SERVICES.format(where=where), [*params, list(ids)])
            return {
                organisation_id: Row(matching=matching or [], public_count=count)
                for organisation_id, count, matching in cursor.fetchall()
            }
