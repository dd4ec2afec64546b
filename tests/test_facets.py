"""The facet registry (organisations/facets.py) is the one declaration of each facet: it matches the
models and the listing table's migration, and everything that needs the facets reads it."""

from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection

from organisations import checks, facets
from organisations.admin import ServiceAdmin, ServiceInline
from organisations.caching.versioning import current_state
from organisations.facets import FACETS, KEY_BASE, LOOKUP_FACETS, RELATIONS, LookupFacet
from organisations.models import Service

from .factories import OrganisationFactory, ServiceFactory

MIGRATIONS = Path(__file__).resolve().parent.parent / "organisations" / "migrations"


def latest_listing_migration():
    """The last migration that (re)defines the listing table's keys: 0006, or one adding a facet
    (docs/architecture.md, "Adding a facet")."""
    modules = [
        import_module(f"organisations.migrations.{path.stem}")
        for path in sorted(MIGRATIONS.glob("0*.py"))
    ]
    return [module for module in modules if hasattr(module, "LINK_TABLES")][-1]


def test_the_registry_matches_the_listing_tables_migration():
    """Each lookup facet's kind, link table and column are those the listing table's migration
    builds the keys from, with the same key base: a facet added to one and not the other fails
    here."""
    LISTING_MIGRATION = latest_listing_migration()
    in_the_migration = {
        kind: (table, column) for table, column, kind in LISTING_MIGRATION.LINK_TABLES
    }
    in_the_registry = {
        facet.kind: (facet.through._meta.db_table, facet.link_column) for facet in LOOKUP_FACETS
    }
    assert in_the_registry == in_the_migration
    assert KEY_BASE == LISTING_MIGRATION.KEY_BASE


@pytest.mark.postgres
def test_the_database_builds_keys_as_the_registry_says(db):
    """The listing table's refresh function, as installed, makes each facet's keys from its kind."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef('organisations_listing_refresh(bigint[])'::regprocedure)"
        )
        definition = " ".join(cursor.fetchone()[0].split())
    for facet in LOOKUP_FACETS:
        table = facet.through._meta.db_table
        assert f"SELECT {facet.kind * KEY_BASE} + {facet.link_column} FROM {table}" in definition


@pytest.mark.postgres
def test_every_choice_facet_has_its_column_in_the_listing_and_the_place_rows(db):
    """A choice facet is checked on its column: in the listing table for the list, and in near
    me's place rows (migration 0018) for the rings, which do not join the listing."""
    with connection.cursor() as cursor:
        columns = {
            table: {column.name for column in connection.introspection.get_table_description(
                cursor, table
            )}
            for table in ("organisations_listing", "organisations_listing_place")
        }  # fmt: skip
    for facet in FACETS:
        if not isinstance(facet, LookupFacet):
            assert facet.field_name in columns["organisations_listing"]
            assert facet.field_name in columns["organisations_listing_place"]
    assert {"organisation_id", "keys"} <= columns["organisations_listing_place"]


def test_the_registry_matches_the_models(db):
    assert checks.facets_match_the_models() == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"relation": "no_such_field"}, "organisations.E004"),
        ({"model_name": "Audience"}, "organisations.E005"),
        ({"kind": 4}, "organisations.E002"),
        ({"kind": 99}, "organisations.E003"),
        ({"param": "mode"}, "organisations.E001"),
    ],
)
def test_the_system_check_finds_a_registry_that_does_not_match(monkeypatch, change, error):
    language = facets.BY_PARAM["language"]
    changed = LookupFacet(**{**language.__dict__, **change})
    registry = tuple(changed if facet is language else facet for facet in FACETS)
    monkeypatch.setattr(checks, "FACETS", registry)
    monkeypatch.setattr(
        checks, "LOOKUP_FACETS", tuple(f for f in registry if isinstance(f, LookupFacet))
    )
    assert error in {found.id for found in checks.facets_match_the_models()}


def test_a_many_to_many_field_no_facet_declares_is_an_error(monkeypatch):
    monkeypatch.setattr(checks, "LOOKUP_FACETS", LOOKUP_FACETS[:-1])
    errors = checks.facets_match_the_models()
    assert [error.id for error in errors] == ["organisations.E007"]
    assert LOOKUP_FACETS[-1].relation in errors[0].msg


def test_the_filter_form_has_a_group_per_facet_in_the_registrys_order(client, db):
    text = client.get("/organisations/").content.decode()
    positions = [text.index(f'<details id="filter-{facet.param}"') for facet in FACETS]
    assert positions == sorted(positions)
    for facet in FACETS:
        assert f"<summary>{facet.legend}</summary>" in text
        assert facet.hint in text


def test_admin_offers_every_facet_with_an_autocomplete_box():
    assert list(ServiceInline.autocomplete_fields) == list(RELATIONS)
    assert list(ServiceAdmin.autocomplete_fields) == ["organisation", *RELATIONS]


@pytest.mark.parametrize("facet", LOOKUP_FACETS, ids=lambda facet: facet.param)
def test_changing_any_facets_values_moves_the_directory_version(db, facet):
    service = ServiceFactory()
    before = current_state().version
    value = facet.model.objects.create(
        name="New value", position=1, **{facet.model.KEY_FIELD: "new-value"}
    )
    after_creating = current_state().version
    getattr(service, facet.relation).add(value)
    assert before < after_creating < current_state().version


@pytest.mark.parametrize("facet", LOOKUP_FACETS, ids=lambda facet: facet.param)
def test_the_factories_take_every_facet(db, facet):
    value = facet.model.objects.create(name="Value", **{facet.model.KEY_FIELD: "value"})
    service = ServiceFactory(organisation=OrganisationFactory(), **{facet.relation: [value]})
    assert list(getattr(Service.objects.get(pk=service.pk), facet.relation).all()) == [value]


def test_a_card_labels_each_facet_as_the_registry_says(client, db):
    from organisations.choices import Cost, FaithApproach

    values = {
        facet.relation: [
            facet.model.objects.create(name=f"{facet.param} value", **{facet.model.KEY_FIELD: "v"})
        ]
        for facet in LOOKUP_FACETS
    }
    ServiceFactory(cost=Cost.FREE, faith_approach=FaithApproach.ISLAMIC, **values)
    text = client.get("/organisations/").content.decode()
    for facet in FACETS:
        assert f"<dt>{facet.label}</dt>" in text, facet.param
