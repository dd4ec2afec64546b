"""The lookup tables and the facets of listed services, each read in one query.

Lookups change a few times a year, so a process keeps them for as long as the directory's version
stays the same (see versioning.py). A page's services get their facets from one UNION ALL over the
six through tables, mapped onto those lookups: ``service.facets["language"]`` is a list of
``Language`` objects in their display order.
"""

from django.db import models
from django.db.models import F, Value

from .models import Area, Audience, DeliveryMode, Language, PractitionerGender, Service, ServiceType

# URL parameter -> (lookup model, Service field)
FACET_MODELS = {
    "type": (ServiceType, "service_types"),
    "mode": (DeliveryMode, "delivery_modes"),
    "language": (Language, "languages"),
    "gender": (PractitionerGender, "practitioner_genders"),
    "audience": (Audience, "audiences"),
    "area": (Area, "areas"),
}

_COLUMNS = ("kind", "id", "name", "lookup_key", "native", "rtl", "national", "position")
_cache = {"version": None, "lookups": None}


def _lookup_rows(param, model):
    text = models.CharField()
    flag = models.BooleanField()
    return (
        model.objects.order_by()
        .annotate(
            kind=Value(param, output_field=text),
            lookup_key=F("code") if model is Language else F("slug"),
            native=F("native_name") if model is Language else Value("", output_field=text),
            rtl=F("is_rtl") if model is Language else Value(False, output_field=flag),
            national=F("is_national") if model is Area else Value(False, output_field=flag),
        )
        .values_list(*_COLUMNS)
    )


def _build(model, row):
    _kind, pk, name, key, native, rtl, national, position = row
    fields = {"id": pk, "name": name, "position": position}
    if model is Language:
        fields.update(code=key, native_name=native, is_rtl=bool(rtl))
    else:
        fields["slug"] = key
    if model is Area:
        fields["is_national"] = bool(national)
    item = model(**fields)
    item._state.adding = False
    item._state.db = "default"
    return item


def load_lookups(version=None):
    """Every lookup table in one query: {param: [items in display order]}.

    With ``version``, reuse what this process read for the same version of the directory.
    """
    if version is not None and _cache["version"] == version:
        return _cache["lookups"]
    queries = [_lookup_rows(param, model) for param, (model, _field) in FACET_MODELS.items()]
    rows = queries[0].union(*queries[1:], all=True)
    lookups = {param: [] for param in FACET_MODELS}
    for row in rows:
        lookups[row[0]].append(_build(FACET_MODELS[row[0]][0], row))
    for items in lookups.values():
        items.sort(key=lambda item: (item.position, item.name))
    if version is not None:
        _cache.update(version=version, lookups=lookups)
    return lookups


def forget():
    """Drop what this process keeps (tests, after rolling back the version)."""
    _cache.update(version=None, lookups=None)


def attach_facets(services, lookups):
    """Give each service ``facets``: {param: [lookup items]}, in one query for all of them."""
    services = list(services)
    if not services:
        return services
    ids = [service.pk for service in services]
    queries = []
    for param, (_model, field_name) in FACET_MODELS.items():
        field = Service._meta.get_field(field_name)
        queries.append(
            field.remote_field.through.objects.order_by()
            .filter(service_id__in=ids)
            .annotate(kind=Value(param, output_field=models.CharField()))
            .values_list("kind", "service_id", field.m2m_reverse_field_name())
        )
    by_id = {param: {item.pk: item for item in items} for param, items in lookups.items()}
    order = {
        param: {item.pk: n for n, item in enumerate(items)} for param, items in lookups.items()
    }
    for service in services:
        service.facets = {param: [] for param in FACET_MODELS}
    services_by_id = {service.pk: service for service in services}
    for kind, service_id, lookup_id in queries[0].union(*queries[1:], all=True):
        item = by_id[kind].get(lookup_id)
        if item is not None:
            services_by_id[service_id].facets[kind].append(item)
    for service in services:
        for param, items in service.facets.items():
            items.sort(key=lambda item, param=param: order[param][item.pk])
    return services
