"""The listing table (migration 0006) on PostgreSQL: always what a full rebuild would write.

The public list on PostgreSQL reads only ``organisations_listing``, so every way a listing can
change must reach it through the triggers: these tests change rows the ways admin, seeding and
bulk loads do, then compare the table with a rebuild from the source tables.
"""

import pytest
from django.db import connection, transaction

from organisations.models import Organisation, Service, Venue

from .factories import OrganisationFactory, ServiceFactory, VenueFactory

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


# --- The place rows of near me (migration 0018) ---------------------------------------------------

PLACE_COLUMNS = (
    "service_id, venue_id, latitude, longitude, town, postcode, location_is_approximate, "
    "organisation_id, sort_name, last_verified, keys, cost, faith_approach"
)


def place_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {PLACE_COLUMNS} FROM organisations_listing_place ORDER BY service_id, venue_id"
        )
        return cursor.fetchall()


def places_of_the_source():
    """What organisations_listing_place must hold: each link of a service to a venue, with the
    venue's location and place and the service's listing row as they are now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sv.service_id, v.id, v.latitude, v.longitude, v.town, v.postcode, "
            "v.location_is_approximate, l.organisation_id, l.sort_name, l.last_verified, l.keys, "
            "l.cost, l.faith_approach FROM organisations_service_venues sv "
            "JOIN organisations_venue v ON v.id = sv.venue_id "
            "LEFT JOIN organisations_listing l ON l.service_id = sv.service_id "
            "ORDER BY sv.service_id, v.id"
        )
        return cursor.fetchall()


def assert_places_true_to_the_source():
    rows = place_rows()
    assert rows == places_of_the_source()
    return rows


def test_every_kind_of_change_reaches_the_place_rows(db, urdu):
    organisation = OrganisationFactory(name="Leeds Circle")
    service, other = (
        ServiceFactory(organisation=organisation),
        ServiceFactory(organisation=organisation),
    )
    leeds = VenueFactory(organisation=organisation, latitude=53.8067, longitude=-1.555)
    bradford = VenueFactory(organisation=organisation, town="Bradford", postcode="BD8 7AA")
    assert assert_places_true_to_the_source() == []  # a venue no service is at has none

    service.venues.add(leeds, bradford)  # links added
    other.venues.add(leeds)
    rows = assert_places_true_to_the_source()
    assert {(row[0], row[4]) for row in rows} == {
        (service.pk, "Leeds"), (service.pk, "Bradford"), (other.pk, "Leeds"),
    }  # fmt: skip
    assert [row[6] for row in rows if row[1] == bradford.pk] == [True]  # at its centroid

    leeds.latitude, leeds.longitude, leeds.town = 53.8200, -1.5800, "Headingley"  # a venue moved
    leeds.save()
    assert {row[4] for row in assert_places_true_to_the_source() if row[1] == leeds.pk} == {
        "Headingley"
    }
    Venue.objects.filter(pk=bradford.pk).update(postcode="BD1 1AA")  # bulk, no signals
    assert_places_true_to_the_source()

    service.languages.add(urdu)  # the service's listing: a facet, its cost, its organisation
    service.cost = "free"
    service.save()
    organisation.name, organisation.last_verified = "Aardvark Circle", "2026-01-02"
    organisation.save()
    rows = assert_places_true_to_the_source()
    assert {(row[7], row[8]) for row in rows} == {(organisation.pk, "aardvark circle")}
    assert {row[11] for row in rows if row[0] == service.pk} == {"free"}
    other.is_active = False  # a service withdrawn: its rows stay, not listed
    other.save()
    assert [row[7] for row in assert_places_true_to_the_source() if row[0] == other.pk] == [None]
    Organisation.objects.filter(pk=organisation.pk).update(status="draft")  # bulk, no signals
    assert {row[7] for row in assert_places_true_to_the_source()} == {None}
    Organisation.objects.filter(pk=organisation.pk).update(status="published")
    assert {row[7] for row in assert_places_true_to_the_source() if row[0] == service.pk} == {
        organisation.pk
    }

    service.venues.remove(bradford)  # a link removed
    assert_places_true_to_the_source()
    leeds.delete()  # a venue removed, with its links
    assert assert_places_true_to_the_source() == []

    service.venues.add(bradford)
    Service.objects.filter(pk=service.pk).delete()  # a service removed, with its links
    assert assert_places_true_to_the_source() == []


def test_a_link_written_before_its_venue_has_its_place(db):
    """A bulk load may write the links first: their foreign key waits for the end of the
    transaction, and the venue's insert adds their rows."""
    organisation = OrganisationFactory()
    service = ServiceFactory(organisation=organisation)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1000 FROM organisations_venue")
        (venue_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO organisations_service_venues (service_id, venue_id) VALUES (%s, %s)",
            [service.pk, venue_id],
        )
        assert place_rows() == []  # no venue yet: nothing to place
        VenueFactory(organisation=organisation, id=venue_id)
    rows = assert_places_true_to_the_source()
    assert [(row[0], row[1]) for row in rows] == [(service.pk, venue_id)]
