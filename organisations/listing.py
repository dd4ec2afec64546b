"""Which organisations a page of the list shows, and which of their services matched.

Two ways to answer, with the same results:

- On PostgreSQL, one walk of the narrow ``organisations_listing`` table (migration 0006): a row per
  public service, with every facet in one integer array, and covering indexes in name order and in
  order of last check. A page costs the rows it needs, not the size of the directory.
- Elsewhere (SQLite, the embedded default), the models through ``ServiceFilter``.

Both give ``ordered_ids(limit)``, the first ``limit`` organisations in the order asked for, and
``rows(ids)``, for each of a page's organisations the ids of its matching services in name order
and how many public services it has in all.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from . import search
from .filters import FACETS
from .models import Organisation, Service

# Facet keys in organisations_listing.keys: kind * KEY_BASE + lookup id (migration 0006).
KEY_BASE = 100_000_000
KINDS = {"type": 1, "mode": 2, "language": 3, "gender": 4, "audience": 5, "area": 6}
CHOICE_COLUMNS = {"cost": "cost", "faith": "faith_approach"}


@dataclass
class Row:
    """One organisation on a page: its matching services (ids, in name order) and its size."""

    matching: list
    public_count: int


def for_request(understood, lookups, ordering, filterset):
    if connection.vendor == "postgresql":
        return ListingTable(understood, lookups, ordering)
    return Models(filterset, ordering)


class ListingTable:
    """The PostgreSQL list: raw SQL over organisations_listing, built from understood values."""

    def __init__(self, understood, lookups, ordering):
        self.data = understood.data
        self.lookups = lookups
        self.ordering = ordering
        self.text = self.data.get("q", "")
        self.query = search.tsquery(self.text) if self.text else ""
        self.corrected = None  # the words searched for instead, when nothing matched as typed

    def where(self):
        """SQL conditions and their parameters: every facet, and the search."""
        required, parts, params = [], [], []
        for facet in FACETS:
            chosen = self.data.getlist(facet.param)
            if not chosen:
                continue
            if facet.param in CHOICE_COLUMNS:
                parts.append(f"{CHOICE_COLUMNS[facet.param]} = ANY(%s)")
                params.append(chosen)
                continue
            items = self.lookups[facet.param]
            ids = [item.pk for item in items if item.key in chosen]
            if facet.param == "area":  # UK-wide services serve every area
                ids += [item.pk for item in items if item.is_national and item.pk not in ids]
            keys = [KINDS[facet.param] * KEY_BASE + pk for pk in ids]
            if len(keys) == 1:
                required.extend(keys)  # one value: all of them in one @> the GIN index answers
            else:
                parts.append("keys && %s::integer[]")
                params.append(keys)
        if required:
            parts.insert(0, "keys @> %s::integer[]")
            params.insert(0, required)
        if self.text:
            parts.append("document @@ to_tsquery('english', %s)")
            params.append(self.query)
        return " AND ".join(parts) or "TRUE", params

    def _ordered(self, limit):
        where, params = self.where()
        if self.ordering == "relevance" and self.text:
            # Each organisation ranks as its best service. DISTINCT ON sorts the matches by
            # integer id; grouping by the organisation's name would compare text in the
            # database's collation for every match, which costs twice as much at 100,000.
            sql = (
                "SELECT organisation_id FROM ("
                "SELECT DISTINCT ON (organisation_id) organisation_id, sort_name, "
                "ts_rank(document, to_tsquery('english', %s)) AS rank "
                f"FROM organisations_listing WHERE {where} ORDER BY organisation_id, rank DESC"
                ") best ORDER BY rank DESC, sort_name, organisation_id LIMIT %s"
            )
            params = [self.query, *params, limit]
        elif self.ordering == "recently-verified":
            sql = (
                f"SELECT organisation_id FROM organisations_listing WHERE {where} "
                "GROUP BY last_verified, sort_name, organisation_id "
                "ORDER BY last_verified DESC NULLS LAST, sort_name, organisation_id LIMIT %s"
            )
            params = [*params, limit]
        else:
            sql = (
                f"SELECT organisation_id FROM organisations_listing WHERE {where} "
                "GROUP BY sort_name, organisation_id "
                "ORDER BY sort_name, organisation_id LIMIT %s"
            )
            params = [*params, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def ordered_ids(self, limit):
        ids = self._ordered(limit)
        if ids or not self.text:
            return ids
        # Nothing matched as typed: search again with the directory's words nearest each one.
        corrected = search.nearest_words(search.words(self.text))
        if corrected == search.words(self.text):
            return ids
        self.corrected = " ".join(corrected)
        self.text, self.query = self.corrected, search.tsquery(self.corrected)
        return self._ordered(limit)

    def rows(self, ids):
        if not ids:
            return {}
        where, params = self.where()
        sql = (
            "SELECT organisation_id, count(*), "
            f"array_agg(service_id ORDER BY service_sort_name, service_id) FILTER (WHERE {where}) "
            "FROM organisations_listing WHERE organisation_id = ANY(%s) GROUP BY organisation_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, list(ids)])
            return {
                organisation_id: Row(matching=matching or [], public_count=count)
                for organisation_id, count, matching in cursor.fetchall()
            }


class Models:
    """The list through the models: SQLite, and anything else without the listing table."""

    def __init__(self, filterset, ordering):
        self.services = filterset.qs
        self.ordering = ordering
        self.corrected = None

    def ordered_ids(self, limit):
        matching = Organisation.objects.published().matching(self.services)
        ordered = matching.sorted_by(self.ordering)
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
