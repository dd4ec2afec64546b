"""System checks (``manage.py check``, run by every management command and the tests): the facet
registry (facets.py) agrees with the models. tests/test_facets.py checks it agrees with the
listing table's migration."""

from collections import Counter

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .facets import CHOICE_FACETS, FACETS, KEY_BASE, LOOKUP_FACETS

# A key is an integer (int4): kind * KEY_BASE + lookup id must stay below 2**31.
LARGEST_KIND = (2**31 - 1) // KEY_BASE - 1


def _error(message, id):
    return checks.Error(message, obj="organisations.facets.FACETS", id=f"organisations.{id}")


@checks.register()
def facets_match_the_models(app_configs=None, **kwargs):
    Service = apps.get_model("organisations", "Service")
    errors = []
    for param, count in Counter(f.param for f in FACETS).items():
        if count > 1:
            errors.append(_error(f"Two facets have the URL parameter {param!r}.", "E001"))
    for kind, count in Counter(f.kind for f in LOOKUP_FACETS).items():
        if count > 1:
            errors.append(_error(f"Two facets have the listing key kind {kind}.", "E002"))
    for facet in LOOKUP_FACETS:
        if not 1 <= facet.kind <= LARGEST_KIND:
            errors.append(
                _error(f"Facet {facet.param!r}: kind must be 1 to {LARGEST_KIND}.", "E003")
            )
        try:
            field = Service._meta.get_field(facet.relation)
        except FieldDoesNotExist:
            errors.append(
                _error(f"Service has no field {facet.relation!r} ({facet.param}).", "E004")
            )
            continue
        if not field.many_to_many or field.related_model._meta.object_name != facet.model_name:
            errors.append(
                _error(
                    f"Service.{facet.relation} is not a many-to-many field to "
                    f"{facet.model_name} ({facet.param}).",
                    "E005",
                )
            )
    for facet in CHOICE_FACETS:
        try:
            field = Service._meta.get_field(facet.field_name)
        except FieldDoesNotExist:
            errors.append(
                _error(f"Service has no field {facet.field_name!r} ({facet.param}).", "E004")
            )
            continue
        if list(field.choices or []) != list(facet.choices.choices):
            errors.append(
                _error(
                    f"Service.{facet.field_name}'s choices are not {facet.choices.__name__}.",
                    "E006",
                )
            )
    declared = {facet.relation for facet in LOOKUP_FACETS}
    not_facets = {"venues"}  # where a service is delivered: "near" (DESIGN.md §10), not a facet
    for field in Service._meta.many_to_many:
        if field.name in not_facets:
            continue
        if field.name not in declared:
            errors.append(
                _error(
                    f"Service.{field.name} is a many-to-many field no facet declares: add it to "
                    "FACETS (docs/architecture.md, Adding a facet).",
                    "E007",
                )
            )
    return errors
