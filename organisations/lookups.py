"""The lookup tables and the facets of shown services, each read in one query.

Each lookup comes with its name in every interface language (translation.py), so one ``Lookups``
serves every language: ``item.name`` is the name in the language active when it is read.

Lookups change a few times a year, so a process keeps them for as long as the directory's version
stays the same (caching/memo.py). A page's services get their facets from one UNION ALL over the
facets' link tables, mapped onto those lookups: ``service.facets["language"]`` is a list of
``Language`` objects in their display order.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from modeltranslation.utils import build_localized_fieldname

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
        # Each value's place in its facet's display order, for sorting a service's values.
        self.place = {
            param: {item.pk: n for n, item in enumerate(items)} for param, items in by_param.items()
        }

    def __getitem__(self, param):
        return self.by_param[param]


def _name_columns():
    """The name's column in each interface language: name_en_gb, name_ur, ..."""
    return [build_localized_fieldname("name", code) for code, _name in settings.LANGUAGES]


def _own_columns(model):
    """Which of the optional columns (native name, right to left, UK-wide) ``model`` has."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in _COLUMNS if name in names]


def _rows(facet):
    model = facet.model
    own = _own_columns(model)
    extra = {name: F(name) if name in own else value for name, value in _COLUMNS.items()}
    return (
        model.objects.order_by()
        .annotate(kind=Value(facet.param, output_field=models.CharField()), key_=F(model.KEY_FIELD))
        .annotate(**{f"{name}_": expression for name, expression in extra.items()})
        .annotate(**{f"{name}_": F(name) for name in _name_columns()})
        .values_list(
            "kind",
            "id",
            "key_",
            "position",
            "uuid",
            "description",
            *(f"{name}_" for name in extra),
            *(f"{name}_" for name in _name_columns()),
        )
    )


def _build(model, own, row):
    _kind, pk, key, position, identity, description, *rest = row
    optional, names = rest[: len(_COLUMNS)], rest[len(_COLUMNS) :]
    fields = {
        "id": pk,
        "position": position,
        model.KEY_FIELD: key,
        "uuid": identity,
        "description": description,
    }
    fields.update(zip(_name_columns(), names, strict=True))
    values = dict(zip(_COLUMNS, optional, strict=True))
    fields.update({column: values[column] for column in own})
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
    built = {facet.param: (facet.model, _own_columns(facet.model)) for facet in LOOKUP_FACETS}
    by_param = {facet.param: [] for facet in LOOKUP_FACETS}
    for row in queries[0].union(*queries[1:], all=True):
        by_param[row[0]].append(_build(*built[row[0]], row))
    english = build_localized_fieldname("name", settings.LANGUAGE_CODE)
    for items in by_param.values():  # the same order in every language
        items.sort(key=lambda item: (item.position, getattr(item, english) or ""))
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
    for service in services:
        service.facets = {facet.param: [] for facet in LOOKUP_FACETS}
    services_by_id = {service.pk: service for service in services}
    for kind, service_id, lookup_id in queries[0].union(*queries[1:], all=True):
        item = lookups.by_pk[kind].get(lookup_id)
        if item is not None:
            services_by_id[service_id].facets[kind].append(item)
    for service in services:
        for param, items in service.facets.items():
            place = lookups.place[param]
            items.sort(key=lambda item, place=place: place[item.pk])
    return services
