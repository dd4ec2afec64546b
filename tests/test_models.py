"""Models and the constraints the database enforces (DESIGN.md §3)."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from organisations.models import Organisation, Service

from .factories import OrganisationFactory, ServiceFactory


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("model_factory", "field", "bad_value"),
    [
        (OrganisationFactory, "status", "deleted"),
        (ServiceFactory, "cost", "cheap"),
        (ServiceFactory, "faith_approach", "very"),
        (ServiceFactory, "referral", "friend"),
    ],
)
def test_the_database_refuses_values_outside_the_choices(db, model_factory, field, bad_value):
    instance = model_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(instance).objects.filter(pk=instance.pk).update(**{field: bad_value})


def test_service_slugs_are_unique_within_an_organisation(db):
    first = ServiceFactory(slug="helpline")
    ServiceFactory(slug="helpline")  # another organisation may use the same slug
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(organisation=first.organisation, slug="helpline")


def test_organisation_slugs_are_unique(db):
    OrganisationFactory(slug="sakoon")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(slug="sakoon")


def test_lookup_values_are_unique(db, urdu):
    from .factories import LanguageFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        LanguageFactory._meta.model.objects.create(code="ur", name="Urdu again")
    assert LanguageFactory(code="ur").pk == urdu.pk  # the factory reuses it


def test_a_new_organisation_is_a_draft_and_unverified(db):
    organisation = Organisation.objects.create(name="New", slug="new", summary="New.")
    assert organisation.status == Organisation.Status.DRAFT
    assert organisation.last_verified is None
    assert organisation.verified_by is None


def test_a_service_defaults_to_not_stated(db):
    service = ServiceFactory()
    assert service.cost == Service.Cost.NOT_STATED
    assert service.faith_approach == Service.FaithApproach.NOT_STATED
    assert service.referral == Service.Referral.NOT_STATED


def test_public_services_are_active_services_of_published_organisations(db):
    shown = ServiceFactory()
    ServiceFactory(is_active=False)
    ServiceFactory(organisation=OrganisationFactory(status=Organisation.Status.DRAFT))
    ServiceFactory(organisation=OrganisationFactory(status=Organisation.Status.ARCHIVED))
    assert list(Service.objects.public()) == [shown]
    assert list(Organisation.objects.published()) == [
        organisation
        for organisation in Organisation.objects.all()
        if organisation.status == "published"
    ]


def test_a_service_shows_its_own_contact_details_before_its_organisations(db):
    organisation = OrganisationFactory(
        phone="020 0000 0000", email="hello@example.org", website="https://example.org"
    )
    own = ServiceFactory(
        organisation=organisation,
        phone="0800 000 000",
        email="line@example.org",
        url="https://example.org/line",
    )
    inherited = ServiceFactory(organisation=organisation)
    assert (own.contact_phone, own.contact_email, own.contact_url) == (
        "0800 000 000",
        "line@example.org",
        "https://example.org/line",
    )
    assert (inherited.contact_phone, inherited.contact_email, inherited.contact_url) == (
        "020 0000 0000",
        "hello@example.org",
        "https://example.org",
    )


def test_names_and_addresses(db):
    service = ServiceFactory(
        name="Helpline", slug="helpline", organisation=OrganisationFactory(name="MYH", slug="myh")
    )
    assert str(service.organisation) == "MYH"
    assert str(service) == "Helpline (MYH)"
    assert service.organisation.get_absolute_url() == "/organisations/myh/"
    assert service.get_absolute_url() == "/organisations/myh/#service-helpline"


def test_natural_keys_round_trip(db, urdu):
    service = ServiceFactory(slug="line", organisation=OrganisationFactory(slug="org"))
    assert Service.objects.get_by_natural_key(*service.natural_key()) == service
    assert type(urdu).objects.get_by_natural_key("ur") == urdu
