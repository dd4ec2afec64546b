"""The listing table (migration 0006) on PostgreSQL: always what a full rebuild would write.

The public list on PostgreSQL reads only ``organisations_listing``, so every way a listing can
change must reach it through the triggers: these tests change rows the ways admin, seeding and
bulk loads do, then compare the table with a rebuild from the source tables.
"""

import pytest
from django.db import connection

from organisations.models import Organisation, Service

from .factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.postgres

COLUMNS = (
    "service_id, organisation_id, sort_name, service_sort_name, last_verified, "
    "keys, cost, faith_approach, document::text"
)


def listing_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM organisations_listing ORDER BY service_id")
        return cursor.fetchall()


def rebuilt_rows():
    """What a rebuild from scratch writes, in a savepoint that is then undone."""
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT rebuild")
        cursor.execute("DELETE FROM organisations_listing")
        cursor.execute(
            "SELECT organisations_listing_refresh(ARRAY(SELECT id FROM organisations_service))"
        )
        rows = listing_rows()
        cursor.execute("ROLLBACK TO SAVEPOINT rebuild")
    return rows


def word_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, sort_name, organisation_id, service_id FROM organisations_listing_word "
            "ORDER BY service_id, word"
        )
        return cursor.fetchall()


def words_of_the_listing():
    """What organisations_listing_word must hold: each word of each listed service's names."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.lexeme, l.sort_name, l.organisation_id, l.service_id "
            "FROM organisations_listing l, unnest(l.names) AS w ORDER BY l.service_id, w.lexeme"
        )
        return cursor.fetchall()


def assert_true_to_the_source():
    rows = listing_rows()
    assert rows == rebuilt_rows()
    assert word_rows() == words_of_the_listing()  # migration 0007
    return rows


def test_only_public_services_are_listed(db, urdu):
    shown = ServiceFactory(languages=[urdu])
    ServiceFactory(is_active=False)
    ServiceFactory(organisation=OrganisationFactory(status=Organisation.Status.DRAFT))
    rows = assert_true_to_the_source()
    assert [row[0] for row in rows] == [shown.pk]


def test_every_kind_of_change_reaches_the_listing(db, urdu, bengali, female, london, counselling):
    organisation = OrganisationFactory(name="Zed Trust")
    service = ServiceFactory(organisation=organisation, languages=[urdu])
    other = ServiceFactory(organisation=organisation, name="Second")
    assert_true_to_the_source()

    service.languages.add(bengali)  # a facet added
    service.practitioner_genders.set([female])
    service.areas.add(london)
    service.service_types.add(counselling)
    assert_true_to_the_source()

    service.languages.remove(urdu)  # a facet removed
    service.areas.clear()
    assert_true_to_the_source()

    service.cost = "free"  # the service's own fields
    service.faith_approach = "islamic"
    service.name = "Another name"
    service.save()
    assert_true_to_the_source()

    organisation.name = "Aardvark Trust"  # the organisation's name, and so its order
    organisation.last_verified = "2026-01-02"
    organisation.save()
    rows = assert_true_to_the_source()
    assert {row[2] for row in rows} == {"aardvark trust"}

    other.is_active = False  # a service withdrawn
    other.save()
    assert [row[0] for row in assert_true_to_the_source()] == [service.pk]

    Organisation.objects.filter(pk=organisation.pk).update(status="draft")  # bulk, no signals
    assert assert_true_to_the_source() == []
    Organisation.objects.filter(pk=organisation.pk).update(status="published")
    assert len(assert_true_to_the_source()) == 1

    Service.objects.filter(pk=service.pk).delete()
    organisation.delete()
    assert assert_true_to_the_source() == []


def test_the_vocabulary_learns_the_directory_words(db):
    ServiceFactory(
        organisation=OrganisationFactory(name="Sakoon Care", summary="Bereavement support."),
        description="Weekly circles.",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM organisations_searchword")
        words = {word for (word,) in cursor.fetchall()}
    assert {"sakoon", "care", "bereavement", "support", "weekly", "circles"} <= words


def test_the_names_words_are_those_of_the_names(db):
    service = ServiceFactory(
        organisation=OrganisationFactory(name="Sakoon Care", summary="Bereavement support."),
        name="Islamic counselling",
        description="Weekly circles.",
    )
    assert assert_true_to_the_source()
    assert {word for word, *_ in word_rows()} == {"sakoon", "care", "islam", "counsel"}
    assert {row[3] for row in word_rows()} == {service.pk}
