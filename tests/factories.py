"""Factories for test data: published organisations and active services unless told otherwise."""

import factory
from django.contrib.auth import get_user_model

from organisations import models
from organisations.facets import RELATIONS


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service type {n}")
    slug = factory.Sequence(lambda n: f"service-type-{n}")


class DeliveryModeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DeliveryMode
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Mode {n}")
    slug = factory.Sequence(lambda n: f"mode-{n}")


class PractitionerGenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PractitionerGender
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} practitioners available")
    slug = "female"


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Audience
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Area
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    slug = factory.Sequence(lambda n: f"area-{n}")
    is_national = False


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"l{n}")
    name = factory.Sequence(lambda n: f"Language {n}")
    native_name = ""


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n:04d}")
    slug = factory.Sequence(lambda n: f"organisation-{n:04d}")
    summary = factory.LazyAttribute(lambda o: f"{o.name} offers support.")
    status = models.Organisation.Status.PUBLISHED


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service; pass facets as lists by their Service field, e.g. ``ServiceFactory(languages=
    [urdu])``: every facet of the registry (organisations/facets.py) is taken this way."""

    class Meta:
        model = models.Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n:04d}")
    slug = factory.Sequence(lambda n: f"service-{n:04d}")
    is_active = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        chosen = {relation: kwargs.pop(relation) for relation in RELATIONS if relation in kwargs}
        service = super()._create(model_class, *args, **kwargs)
        for relation, values in chosen.items():
            if values:
                getattr(service, relation).set(values)
        return service


class VenueFactory(factory.django.DjangoModelFactory):
    """A venue in Leeds LS2; with no latitude and longitude, at its district's centre."""

    class Meta:
        model = models.Venue

    organisation = factory.SubFactory(OrganisationFactory)
    address_1 = "1 Example Street"
    town = "Leeds"
    postcode = "LS2 7EW"
    latitude = None
    longitude = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-test-password-1")
