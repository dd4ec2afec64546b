"""generate_synthetic_data: clearly synthetic, published listings for benchmarks (issue 3)."""

import math
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from bench.management.commands import generate_synthetic_data as generator
from organisations import models
from organisations.caching.versioning import current_state
from organisations.facets import RELATIONS as FACET_RELATIONS
from organisations.listing import search
from organisations.near import districts
from organisations.near.distance import METRES_PER_MILE, miles_between
from tests.factories import OrganisationFactory

LOOKUP_COUNTS = {
    models.ServiceType: 11,
    models.Language: 16,
    models.PractitionerGender: 2,
    models.DeliveryMode: 8,
    models.Audience: 9,
    models.Area: 14,
}


def generate(*args):
    out = StringIO()
    call_command("generate_synthetic_data", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """What a visitor would see of every organisation and service, facets by their URL keys."""
    organisations = models.Organisation.objects.order_by("slug").values_list(
        "name", "summary", "description", "last_verified"
    )
    services = models.Service.objects.order_by("organisation__slug", "slug")
    return list(organisations), [
        (
            service.name,
            service.description,
            (service.cost, service.faith_approach, service.referral, service.hours),
            service.is_active,
            {r: sorted(item.key for item in getattr(service, r).all()) for r in FACET_RELATIONS},
            sorted(
                (v.name, v.address_1, v.town, v.postcode, v.latitude, v.longitude, v.accessibility)
                for v in service.venues.all()
            ),
        )
        for service in services.prefetch_related(*FACET_RELATIONS, "venues")
    ]


def in_person(services):
    return services.filter(delivery_modes__slug="in-person").distinct()


@pytest.fixture
def lookups(db):
    call_command("seed_directory", "--lookups-only", verbosity=0)


def test_it_adds_published_synthetic_organisations_each_with_services(lookups):
    output = generate("--organisations", "30")

    organisations = models.Organisation.objects.all()
    assert organisations.count() == 30
    for organisation in organisations:
        assert organisation.name.startswith("Synthetic ")
        assert organisation.slug.startswith("synthetic-")
        assert organisation.status == models.Organisation.Status.PUBLISHED
        assert 1 <= organisation.services.count() <= 7, organisation.name
    assert 30 <= models.Service.objects.count() <= 30 * 7
    assert "Added 30 synthetic organisations" in output


def test_every_service_has_facets_from_the_lookups_and_valid_choices(lookups):
    generate("--organisations", "30")

    services = models.Service.objects.prefetch_related(*FACET_RELATIONS)
    for service in services:
        assert 1 <= service.service_types.count() <= 3
        assert 1 <= service.delivery_modes.count() <= 3
        assert 1 <= service.audiences.count() <= 2
        # An in-person service also serves its venues' regions (test_in_person_services_...).
        if not service.delivery_modes.filter(slug="in-person").exists():
            assert len(service.areas.all()) == 1
    for relation in FACET_RELATIONS:
        model = models.Service._meta.get_field(relation).related_model
        used = set(services.values_list(f"{relation}__pk", flat=True)) - {None}
        assert used and used <= set(model.objects.values_list("pk", flat=True)), relation
    for organisation in models.Organisation.objects.all():
        organisation.full_clean()
    for service in random.Random(0).sample(list(services), 25):
        service.full_clean()


def test_in_person_services_get_venues_of_their_organisation_in_real_districts(lookups):
    output = generate("--organisations", "60")

    table = {district.outcode: district for district in districts.load()}
    venues = models.Venue.objects.all()
    services = models.Service.objects.all()
    assert in_person(services).count() >= 20  # about a third of services: the test means something
    for venue in venues:
        district = table[venue.district]  # every venue's district is in the shipped table
        assert re.fullmatch(r"[0-9][ABDEFGHJLNPQRSTUWXYZ]{2}", venue.postcode.split()[1])
        centre = (district.latitude, district.longitude)
        metres = miles_between(centre, (venue.latitude, venue.longitude)) * METRES_PER_MILE
        assert metres <= 1_501, venue
        assert not venue.location_is_approximate
        assert venue.town and venue.address_1
    for venue in random.Random(0).sample(list(venues), 15):
        venue.full_clean()
    for service in in_person(services).prefetch_related("venues", "areas"):
        at = service.venues.all()
        assert 1 <= len(at) <= 2, service
        assert {venue.organisation_id for venue in at} == {service.organisation_id}
        regions = {table[venue.district].region for venue in at}
        assert regions <= {area.slug for area in service.areas.all()}, service
    assert not services.exclude(pk__in=in_person(services)).filter(venues__isnull=False).exists()
    # Venues belong to organisations with in-person services, 1 to 3 each, and are all used.
    with_in_person = set(in_person(services).values_list("organisation_id", flat=True))
    per_organisation = models.Organisation.objects.filter(venues__isnull=False).annotate(
        count=Count("venues")
    )
    assert set(per_organisation.values_list("pk", flat=True)) == with_in_person
    assert {organisation.count for organisation in per_organisation} <= {1, 2, 3}
    assert not venues.filter(services__isnull=True).exists()
    assert f"and {venues.count()} venues in" in output


def test_venues_are_weighted_to_where_muslims_live(lookups):
    """Most venues are in VENUE_PLACES' districts, which are 5% of all districts: far more than a
    spread over every district alike would put there, and some are elsewhere."""
    generate("--organisations", "300")

    weighted = {
        outcode for _, _, outcodes in generator.VENUE_PLACES for outcode in outcodes.split()
    }
    everywhere = len(districts.load())
    uniform = len(weighted) / everywhere  # the share a uniform spread would put there
    assert uniform < 0.06
    outcodes = [venue.district for venue in models.Venue.objects.all()]
    n = len(outcodes)
    assert n > 200  # about 250 organisations with in-person services, 1.2 venues each
    in_weighted = sum(outcode in weighted for outcode in outcodes)
    # Uniform: in_weighted ~ Binomial(n, uniform), 5% of n give or take 1%; expected here is
    # 85% + 15% × 5% (VENUE_SPREAD). Both bounds are over 10 standard deviations from either.
    sd_uniform = math.sqrt(n * uniform * (1 - uniform))
    assert in_weighted > n * uniform + 10 * sd_uniform
    assert in_weighted > 0.7 * n
    assert 0 < n - in_weighted < 0.3 * n  # the spread reaches other districts
    # The largest places get the most: Birmingham's districts more than Cardiff's.
    birmingham = sum(re.fullmatch(r"B(6|7|8|9|10|11|12|19|20|21)", o) is not None for o in outcodes)
    cardiff = sum(outcode in {"CF10", "CF11", "CF24"} for outcode in outcodes)
    assert birmingham > 2 * cardiff


def test_every_place_and_district_has_a_town(lookups):
    table = {district.outcode for district in districts.load()}
    for place, thousands, outcodes in generator.VENUE_PLACES:
        assert thousands > 0 and set(outcodes.split()) <= table, place
    areas = {re.match(r"[A-Z]+", outcode)[0] for outcode in table}
    assert areas == set(generator.POST_TOWNS)
    assert set(generator.DISTRICT_TOWNS) <= table


def test_no_phone_number_is_made_up(lookups):
    generate("--organisations", "30")

    assert not models.Organisation.objects.exclude(phone="").exists()
    assert not models.Service.objects.exclude(phone="").exists()


def test_running_again_adds_more_with_new_numbers_and_slugs(lookups):
    generate("--organisations", "30")
    first = set(models.Organisation.objects.values_list("slug", flat=True))

    output = generate("--organisations", "30")

    slugs = set(models.Organisation.objects.values_list("slug", flat=True))
    assert len(slugs) == models.Organisation.objects.count() == 60
    assert first < slugs
    assert all(slug.startswith("synthetic-") for slug in slugs - first)
    assert "numbers 000031 to 000060" in output
    assert models.Organisation.objects.filter(name__endswith=" 000060").exists()


def test_it_refuses_a_database_with_real_organisations_and_writes_nothing(db):
    OrganisationFactory(name="Inspirited Minds", slug="inspirited-minds")

    with pytest.raises(CommandError, match="not synthetic.*--force"):
        generate("--organisations", "30")

    assert list(models.Organisation.objects.values_list("slug", flat=True)) == ["inspirited-minds"]
    assert not models.Service.objects.exists()
    assert not models.ServiceType.objects.exists()


def test_force_adds_synthetic_organisations_beside_real_ones(db):
    real = OrganisationFactory(name="Inspirited Minds", slug="inspirited-minds")

    generate("--organisations", "5", "--force")

    assert models.Organisation.objects.count() == 6
    assert models.Organisation.objects.filter(slug__startswith="synthetic-").count() == 5
    assert not real.services.exists()


def test_it_loads_the_lookups_when_they_are_missing(db):
    output = generate("--organisations", "3")

    for model, count in LOOKUP_COUNTS.items():
        assert model.objects.count() == count, model
    assert "Service types: 11 added, 0 already there." in output


def test_seed_directory_lookups_only_loads_no_organisations(db):
    call_command("seed_directory", "--lookups-only", verbosity=0)

    for model, count in LOOKUP_COUNTS.items():
        assert model.objects.count() == count, model
    assert not models.Organisation.objects.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(lookups):
    generate("--organisations", "30", "--seed", "7")
    first = snapshot()
    models.Organisation.objects.all().delete()

    generate("--organisations", "30", "--seed", "7")
    assert snapshot() == first

    models.Organisation.objects.all().delete()
    generate("--organisations", "30", "--seed", "8")
    assert snapshot() != first


def test_services_per_organisation_sets_the_average(lookups):
    generate("--organisations", "20", "--services-per-organisation", "1")

    assert models.Service.objects.count() == 20


def test_cached_pages_learn_of_the_new_organisations(lookups):
    before = current_state().version

    generate("--organisations", "3")

    assert current_state().version > before


@pytest.mark.postgres
def test_bulk_inserted_services_are_found_by_type_names_and_near_spellings(lookups):
    """COPY and bulk inserts fire the triggers that keep each service's search vector, and the
    generator's one refresh of the listing table fills it and the vocabulary."""
    generate("--organisations", "30")
    services = models.Service.objects.all()
    counselling = set(
        services.filter(service_types__slug="counselling").values_list("pk", flat=True)
    )

    found = set(services.search("therapy").values_list("pk", flat=True))

    assert counselling and counselling <= found  # "Counselling and therapy" is a type's name
    assert search.nearest_words(["councelling", "anxeity"], version=1) == ["counselling", "anxiety"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organisations_listing")
        assert cursor.fetchone()[0] == services.filter(is_active=True).count()
