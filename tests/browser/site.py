"""The directory the browser tests visit: the seeded organisations, one fully described listing
of our own, and every public page type by name."""

import datetime
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone

from organisations.models import (
    Area,
    Audience,
    DeliveryMode,
    Language,
    Organisation,
    PractitionerGender,
    Service,
    ServiceType,
    Venue,
)

from ..factories import OrganisationFactory, ServiceFactory

SITE_NAME = "Muslim Mental Health Directory"
QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"

# Seeded organisations with a helpline service (fixtures/organisations.json), in name order.
SEEDED_HELPLINES = [
    "Muslim Community Helpline",
    "Muslim Women's Network UK",
    "Muslim Youth Helpline",
]
# A phone number an editor has confirmed, in the range Ofcom keeps for drama (never in use).
YOUTH_HELPLINE_PHONE = "0808 157 0123"

# Every public page type: (name, path, expected status). "detail" and "signposting" need the
# data's ids and slugs (Site.path). "Page not found" is an organisation that does not exist.
PUBLIC_PAGES = [
    ("home", "/", 200),
    ("list", "/organisations/", 200),
    ("list-filtered-with-a-bad-value", "/organisations/?language=ur&gender=nonsense", 200),
    ("list-with-no-results", "/organisations/?type=helpline&language=so", 200),
    ("list-near-a-postcode", "/organisations/?near=E1", 200),
    ("detail", None, 200),
    ("urgent-help", "/urgent-help/", 200),
    ("staying-safe-online", "/staying-safe-online/", 200),
    ("about", "/about/", 200),
    ("privacy", "/privacy/", 200),
    ("accessibility", "/accessibility/", 200),
    ("open-data", "/open-data/", 200),
    ("page-not-found", "/organisations/no-such-organisation/", 404),
    ("signposting-sheet", None, 200),
]
PAGE_NAMES = [name for name, _path, _status in PUBLIC_PAGES]


@dataclass
class Site:
    url: str  # the live server, e.g. http://localhost:40123
    roshni: Organisation  # our fully described listing: every fact, contact and an endonym
    roshni_counselling: Service
    youth_helpline: Organisation

    def path(self, name):
        for page_name, path, _status in PUBLIC_PAGES:
            if page_name != name:
                continue
            if name == "detail":
                return self.roshni.get_absolute_url()
            if name == "signposting-sheet":
                helpline = self.youth_helpline.services.get()
                return f"/signposting/?service={self.roshni_counselling.pk}&service={helpline.pk}"
            return path
        raise KeyError(name)

    def status(self, name):
        return next(status for page_name, _path, status in PUBLIC_PAGES if page_name == name)

    def __call__(self, path):
        """The live server's address for ``path``."""
        return self.url + path


def build_site(live_server_url):
    """Seed the directory as `make run` does, confirm the Muslim Youth Helpline's phone number
    and add one listing that uses every field a page can show."""
    call_command("seed_directory", verbosity=0)

    youth_helpline = Organisation.objects.get(slug="muslim-youth-helpline")
    helpline = youth_helpline.services.get()
    helpline.phone = YOUTH_HELPLINE_PHONE
    helpline.save()

    roshni = OrganisationFactory(
        name="Roshni Listening Service",
        slug="roshni-listening-service",
        summary="Counselling in Urdu and English with women counsellors, in London and by video.",
        description="A small team of qualified counsellors.\n\nSessions are confidential.",
        phone="020 7946 0123",
        email="hello@roshni.example.org",
        website="https://roshni.example.org",
        charity_number="1234567",
        is_alliance_member=True,
        last_verified=timezone.localdate() - datetime.timedelta(days=30),
    )
    counselling = ServiceFactory(
        organisation=roshni,
        name="Counselling in Urdu",
        slug="counselling-in-urdu",
        description="Up to twelve sessions of counselling.",
        service_types=[ServiceType.objects.get(slug="counselling")],
        delivery_modes=list(DeliveryMode.objects.filter(slug__in=["phone", "video"])),
        languages=list(Language.objects.filter(code__in=["ur", "en"])),
        practitioner_genders=[PractitionerGender.objects.get(slug="female")],
        audiences=[Audience.objects.get(slug="women")],
        areas=[Area.objects.get(slug="london")],
        cost=Service.Cost.LOW_COST,
        cost_note="pay what you can",
        faith_approach=Service.FaithApproach.FAITH_SENSITIVE,
        referral=Service.Referral.SELF,
        hours="Monday to Friday, 10am to 6pm",
    )
    counselling.venues.add(
        Venue.objects.create(
            organisation=roshni,
            name="Roshni Centre",
            address_1="1 Example Street",
            town="London",
            postcode="E1 1AA",
            latitude=51.5155,
            longitude=-0.0650,
            accessibility="Step-free entrance; a quiet room for prayer.",
        )
    )
    ServiceFactory(
        organisation=roshni,
        name="Workshops for families",
        slug="workshops-for-families",
        service_types=[ServiceType.objects.get(slug="workshops")],
        languages=list(Language.objects.filter(code__in=["ar", "bn"])),
        audiences=[Audience.objects.get(slug="parents-families")],
    )
    return Site(
        url=live_server_url,
        roshni=roshni,
        roshni_counselling=counselling,
        youth_helpline=youth_helpline,
    )


def visit(page, site, name):
    """Open the public page ``name`` in ``page`` and check it answered as it should."""
    response = page.goto(site.path(name))
    assert response.status == site.status(name), f"{page.url} answered {response.status}"
    return response


def printable_service(n, **fields):
    """Service ``n`` of the ten the print tests put on one sheet: every fact the sheet prints,
    long enough to show whether ten fit on two A4 pages."""
    return ServiceFactory(
        name=f"Counselling service {n}",
        phone="020 7946 0999",
        url=f"https://service-{n}.example.org/support/counselling",
        hours="Monday to Friday 9am to 5pm, Saturdays 10am to 2pm",
        languages=list(Language.objects.filter(code__in=["en", "ur", "bn", "ar"])),
        practitioner_genders=list(PractitionerGender.objects.all()),
        delivery_modes=list(DeliveryMode.objects.filter(slug__in=["phone", "video"])),
        cost="low-cost",
        cost_note="pay what you can",
        faith_approach="islamic",
        referral="either",
        **fields,
    )
