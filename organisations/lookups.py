"""The lookup tables and the facets of shown services, each read in one query.

Lookups change a few times a year, so a process keeps them for as long as the directory's version
stays the same (caching/memo.py). A page's services get their facets from one UNION ALL over the
facets' link tables, mapped onto those lookups: ``service.facets["language"]`` is a list of
``Language`` objects in their display order.
"""

from django.db import models
from django.db.models import F, Value

from .caching.memo import memo
from .facets import LOOKUP_FACETS

KEPT = memo.shelf("lookups", limit=lambda: 1)
# The columns every lookup table gives the one query, and what a table without one gives instead.
_COLUMNS = {
    "native_name": Value("", output_field=models.CharField()),
    "is_rtl": Value(False, output_field=models.BooleanField()),
    "is_national": Value(False, output_field=models.BooleanField()),
}


class Lookups:
    """Every lookup value of every facet, in display order: ``lookups[param]`` is a list."""

    def __init__(self, by_param):
        self.by_param = by_param
        self.by_key = {
            param: {item.key: item for item in items} for param, items in by_param.items()
        }
        self.by_pk = {param: {item.pk: item for item in items} for param, items in by_param.items()}

    def __getitem__(self, param):
        return self.by_param[param]

    def get(self, param, key):
        """The value of facet ``param`` whose URL key is ``key``, or None."""
        return self.by_key[param].get(key)


def _rows(facet):
    model = facet.model
    names = {field.name for field in model._meta.concrete_fields}
    extra = {name: F(name) if name in names else value for name, value in _COLUMNS.items()}
    return (
        model.objects.order_by()
        .annotate(kind=Value(facet.param, output_field=models.CharField()), key_=F(model.KEY_FIELD))
        .annotate(**{f"{name}_": expression for name, expression in extra.items()})
        .values_list("kind", "id", "name", "key_", "position", *(f"{name}_" for name in extra))
    )


def _build(model, row):
    _kind, pk, name, key, position, native_name, is_rtl, is_national = row
    fields = {"id": pk, "name": name, "position": position, model.KEY_FIELD: key}
    names = {field.name for field in model._meta.concrete_fields}
    for field, value in (
        ("native_name", native_name),
        ("is_rtl", bool(is_rtl)),
        ("is_national", bool(is_national)),
    ):
        if field in names:
            fields[field] = value
    item = model(**fields)
    item._state.adding = False
    item._state.db = "default"
    return item


def load_lookups(version=None):
    """Every lookup table in one query. With ``version``, reuse what this process read for the
    same version of the directory."""
    if version is not None:
        found = KEPT.get(version, "all")
        if found is not None:
            return found
    queries = [_rows(facet) for facet in LOOKUP_FACETS]
    models_by_param = {facet.param: facet.model for facet in LOOKUP_FACETS}
    by_param = {facet.param: [] for facet in LOOKUP_FACETS}
    for row in queries[0].union(*queries[1:], all=True):
        by_param[row[0]].append(_build(models_by_param[row[0]], row))
    for items in by_param.values():
        items.sort(key=lambda item: (item.position, item.name))
    lookups = Lookups(by_param)
    if version is not None:
        KEPT.put(version, "all", lookups)
    return lookups


def attach_facets(services, lookups):
    """Give each service ``facets``: {param: [lookup items]}, in one query for all of them."""
    services = list(services)
    if not services:
        return services
    ids = [service.pk for service in services]
    queries = [
        facet.through.objects.order_by()
        .filter(service_id__in=ids)
        .annotate(kind=Value(facet.param, output_field=models.CharField()))
        .values_list("kind", "service_id", facet.link_column)
        for facet in LOOKUP_FACETS
    ]
    order = {
        param: {item.pk: n for n, item in enumerate(items)}
        for param, items in lookups.by_param.items()
    }
    for service in services:
        service.facets = {facet.param: [] for facet in LOOKUP_FACETS}
    services_by_id = {service.pk: service for service in services}
    for kind, service_id, lookup_id in queries[0].union(*queries[1:], all=True):
        item = lookups.by_pk[kind].get(lookup_id)
        if item is not None:
            services_by_id[service_id].facets[kind].append(item)
    for service in services:
        for param, items in service.facets.items():
            items.sort(key=lambda item, param=param: order[param][item.pk])
    return services
