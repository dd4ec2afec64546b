"""generate_synthetic_data: clearly synthetic, published listings for benchmarks (issue 3)."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from organisations import models
from organisations.caching.versioning import current_state
from organisations.facets import RELATIONS as FACET_RELATIONS
from organisations.listing import search
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
        )
        for service in services.prefetch_related(*FACET_RELATIONS)
    ]


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
        assert len(service.areas.all()) == 1
    for relation in FACET_RELATIONS:
        model = models.Service._meta.get_field(relation).related_model
        used = set(services.values_list(f"{relation}__pk", flat=True)) - {None}
        assert used and used <= set(model.objects.values_list("pk", flat=True)), relation
    for organisation in models.Organisation.objects.all():
        organisation.full_clean()
    for service in random.Random(0).sample(list(services), 25):
        service.full_clean()


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
