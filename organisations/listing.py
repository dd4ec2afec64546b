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


def for_request(understood, lookups, ordering, filterset, version):
    if connection.vendor == "postgresql":
        return ListingTable(understood, lookups, ordering, version)
    return Models(filterset, ordering)


class ListingTable:
    """The PostgreSQL list: raw SQL over organisations_listing, built from understood values."""

    def __init__(self, understood, lookups, ordering, version):
        self.data = understood.data
        self.version = version  # of the directory: what search.known keeps is for one version
        self.lookups = lookups
        self.ordering = ordering
        self.text = self.data.get("q", "")
        self.query = search.tsquery(self.text) if self.text else ""
        self.corrected = None  # the words searched for instead, when nothing matched as typed

    def where(self, text=True):
        """SQL conditions and parameters: every facet, and the search unless ``text`` is off."""
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
        if self.text and text:
            parts.append("document @@ to_tsquery('english', %s)")
            params.append(self.query)
        return " AND ".join(parts) or "TRUE", params

    def _named(self, limit):
        """The first group of a search: organisations with a service whose names hold every word.

        Each exact word's run of ``organisations_listing_word`` is in the list's order, so a
        merge of the runs stops at the page's last organisation (migration 0007). A listing row
        is read only to check facets, or words that are not one exact lexeme.
        """
        facets, params = self.where(text=False)
        exact, complete = search.exact_words(self.text, self.version)
        check = f"{facets} AND names @@ to_tsquery('english', %s)"
        if not exact:
            sql = (
                f"SELECT organisation_id FROM organisations_listing WHERE {check} "
                "GROUP BY sort_name, organisation_id ORDER BY sort_name, organisation_id LIMIT %s"
            )
            return sql, [*params, self.query, limit]
        joins = "".join(
            f" JOIN organisations_listing_word w{n} ON w{n}.word = %s"
            f" AND w{n}.sort_name = w0.sort_name AND w{n}.organisation_id = w0.organisation_id"
            f" AND w{n}.service_id = w0.service_id"
            for n in range(1, len(exact))
        )
        values = list(exact[1:])
        if facets != "TRUE" or not complete:
            # One look at the service's listing row per candidate, in the merge's order: a
            # LATERAL ... LIMIT 1 keeps the planner from reading every match to hash them.
            joins += (
                " CROSS JOIN LATERAL (SELECT 1 FROM organisations_listing"
                f" WHERE service_id = w0.service_id AND {check} LIMIT 1) checked"
            )
            values += [*params, self.query]
        sql = (
            f"SELECT w0.organisation_id FROM organisations_listing_word w0{joins} "
            "WHERE w0.word = %s GROUP BY w0.sort_name, w0.organisation_id "
            "ORDER BY w0.sort_name, w0.organisation_id LIMIT %s"
        )
        return sql, [*values, exact[0], limit]

    def _relevant(self, limit):
        """A search in order of relevance: three groups, each in name order (migration 0007).

        Services whose names hold every word, then whose names, summary or type names do
        (weights A and B of the document), then the rest. An organisation is in the best group
        any of its services reaches. The groups are read in turn and the reading stops when the
        page is full: PostgreSQL runs UNION ALL's parts in order, and parallel plans are off.
        """
        facets, params = self.where(text=False)
        named_sql, named_params = self._named(limit)
        group = (
            f"SELECT organisation_id FROM organisations_listing WHERE {facets} "
            "AND {within} @@ to_tsquery('english', %s) GROUP BY sort_name, organisation_id "
            "HAVING NOT bool_or({better} @@ to_tsquery('english', %s)) "
            "ORDER BY sort_name, organisation_id LIMIT %s"
        )
        outline = "ts_filter(document, '{a,b}')"  # names, summary and type names
        sql = (
            f"SELECT organisation_id FROM (({named_sql}) "
            f"UNION ALL ({group.format(within=outline, better='names')}) "
            f"UNION ALL ({group.format(within='document', better=outline)})) best LIMIT %s"
        )
        query = self.query
        return sql, [
            *named_params,
            *params, query, query, limit,
            *params, query, query, limit,
            limit,
        ]  # fmt: skip

    def _ordered(self, limit):
        if self.ordering == "relevance" and self.text:
            sql, params = self._relevant(limit)
        elif self.ordering == "recently-verified":
            where, params = self.where()
            sql = (
                f"SELECT organisation_id FROM organisations_listing WHERE {where} "
                "GROUP BY last_verified, sort_name, organisation_id "
                "ORDER BY last_verified DESC NULLS LAST, sort_name, organisation_id LIMIT %s"
            )
            params = [*params, limit]
        else:
            where, params = self.where()
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
