"""The practitioner's signposting sheet: ticking services in the list or on an organisation's page,
and the sheet at /signposting/?service=<id>&service=<id> that a client takes away."""

import html
import re

import pytest
from django.utils import timezone

from .factories import (
    DeliveryModeFactory,
    LanguageFactory,
    OrganisationFactory,
    PractitionerGenderFactory,
    ServiceFactory,
)

SHEET_URL = "/signposting/"
# Version + lookups (the first time) + the chosen services with their organisations + facets +
# venues.
SHEET_QUERIES_FIRST = 5
SHEET_QUERIES = 4


def text_of(response):
    """The page, with the line breaks between tags that the template is written with left out."""
    return re.sub(r">\s*\n\s*<", "><", html.unescape(response.content.decode()))


def sheet(client, *ids):
    return client.get(SHEET_URL, {"service": [str(pk) for pk in ids]})


def titles(response):
    """The services on the sheet, in order, as "service from organisation"."""
    found = re.findall(
        r'<h2 class="app-sheet__title"[^>]*>(.*?)</h2>', response.content.decode(), re.S
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", title)).split()) for title in found]


@pytest.fixture
def sabr(db):
    urdu = LanguageFactory(code="ur", name="Urdu", native_name="اردو")
    female = PractitionerGenderFactory(slug="female")
    phone = DeliveryModeFactory(slug="phone", name="Phone")
    organisation = OrganisationFactory(
        name="Sabr Counselling",
        slug="sabr-counselling",
        phone="020 7946 0000",
        website="https://sabr.example.org/",
        email="hello@sabr.example.org",
    )
    return ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        languages=[urdu],
        practitioner_genders=[female],
        delivery_modes=[phone],
        cost="low-cost",
        cost_note="£10 a session",
        faith_approach="islamic",
        referral="either",
        hours="Mondays 10am to 4pm",
    )


@pytest.fixture
def helpline(db):
    return ServiceFactory(
        organisation=OrganisationFactory(name="Noor Helpline", slug="noor-helpline"),
        name="Evening helpline",
        phone="0800 000 1111",
        url="https://noor.example.org/helpline",
    )


def test_the_sheet_shows_what_a_client_needs_to_reach_each_service(client, sabr):
    response = sheet(client, sabr.pk)
    text = text_of(response)
    assert response.status_code == 200
    assert titles(response) == ["Women's counselling from Sabr Counselling"]
    for fact in [
        'href="tel:02079460000">020 7946 0000</a>',
        'href="https://sabr.example.org/">https://sabr.example.org/</a>',
        'href="mailto:hello@sabr.example.org">hello@sabr.example.org</a>',
        "<dt>Hours</dt><dd>Mondays 10am to 4pm</dd>",
        'Urdu (<span lang="ur">اردو</span>)',
        "<dt>Practitioners</dt><dd>Female practitioners available</dd>",
        "<dt>Contact by</dt><dd>Phone</dd>",
        "<dt>Cost</dt><dd>Low cost (£10 a session)</dd>",
        "<dt>Faith</dt><dd>Integrates Islamic faith and practice</dd>",
        "<dt>Referral</dt><dd>Yourself or through a professional</dd>",
        # The directory's page, written out in full for a printed sheet.
        f">http://testserver/organisations/sabr-counselling/#service-{sabr.slug}</a>",
        "Not yet verified with the organisation",
    ]:
        assert fact in text, fact


def test_the_sheet_has_the_urgent_help_numbers_and_the_date(client, sabr):
    text = text_of(sheet(client, sabr.pk))
    for number in ['href="tel:999"', 'href="tel:111"', 'href="tel:116123"', "SHOUT to 85258"]:
        assert number in text, number
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">{today.day} {today:%B %Y}</time>' in text


def test_an_empty_sheet_says_how_to_make_one(client, db):
    response = client.get(SHEET_URL)
    text = text_of(response)
    assert response.status_code == 200
    assert "No services are on this sheet yet." in text
    assert "Make a signposting sheet" in text
    assert 'href="tel:116123"' in text  # the urgent numbers are on every sheet


def test_a_services_own_contact_details_win_over_its_organisations(client, helpline):
    helpline.organisation.phone = "020 0000 0000"
    helpline.organisation.save()
    text = text_of(sheet(client, helpline.pk))
    assert 'href="tel:08000001111">0800 000 1111</a>' in text
    assert "020 0000 0000" not in text
    assert ">https://noor.example.org/helpline</a>" in text


def test_what_a_service_did_not_tell_us_says_not_stated(client, helpline):
    text = text_of(sheet(client, helpline.pk))
    for line in [
        "Contact by",
        "Hours",
        "Languages",
        "Practitioners",
        "Cost",
        "Faith",
        "Referral",
    ]:
        assert f"<dt>{line}</dt><dd>Not stated</dd>" in text, line
    assert ">Email</dt>" not in text  # nothing to say: no line at all
    assert ">Website</dt>" in text


def test_services_keep_the_order_chosen_and_appear_once(client, sabr, helpline):
    response = sheet(client, helpline.pk, sabr.pk, helpline.pk)
    assert titles(response) == [
        "Evening helpline from Noor Helpline",
        "Women's counselling from Sabr Counselling",
    ]
    # The sheet's own address, to copy, names each service once.
    address = f"http://testserver/signposting/?service={helpline.pk}&amp;service={sabr.pk}"
    assert f">{address}</a>" in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"organisation__status": "draft"},
        {"organisation__status": "archived"},
    ],
    ids=["inactive service", "draft organisation", "archived organisation"],
)
def test_services_that_are_not_public_are_left_out_with_a_message(client, sabr, helpline, change):
    for field, value in change.items():
        if field.startswith("organisation__"):
            setattr(helpline.organisation, field.removeprefix("organisation__"), value)
            helpline.organisation.save()
        else:
            setattr(helpline, field, value)
            helpline.save()
    response = sheet(client, helpline.pk, sabr.pk)
    text = text_of(response)
    assert response.status_code == 200
    assert titles(response) == ["Women's counselling from Sabr Counselling"]
    assert f"Service {helpline.pk} is not listed in the directory now" in text
    assert "Evening helpline" not in text


@pytest.mark.parametrize(
    "value",
    ["abc", "-1", "1.5", "", " ", "١٢", "9" * 40, "1 OR 1=1", "<script>alert(1)</script>"],
)
def test_malformed_ids_are_left_out_with_a_message(client, sabr, value):
    response = client.get(SHEET_URL, {"service": [value, str(sabr.pk)]})
    text = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == ["Women's counselling from Sabr Counselling"]
    assert "is not a service number, so it was left out." in html.unescape(text)
    assert "<script>alert(1)" not in text


def test_unknown_ids_are_left_out_with_a_message(client, sabr):
    response = sheet(client, 999999, sabr.pk, 999998)
    assert response.status_code == 200
    assert titles(response) == ["Women's counselling from Sabr Counselling"]
    assert "Services 999999, 999998 are not listed in the directory now" in text_of(response)


def test_a_sheet_holds_at_most_ten_services(client, db):
    services = [ServiceFactory(name=f"Service {n:02d}") for n in range(12)]
    response = sheet(client, *[service.pk for service in services])
    shown = titles(response)
    assert len(shown) == 10
    assert shown[0].startswith("Service 00") and shown[-1].startswith("Service 09")
    assert "A sheet holds at most 10 services" in text_of(response)


def test_a_flood_of_values_is_cut_short(client, sabr):
    response = client.get(SHEET_URL, {"service": ["x"] * 900 + [str(sabr.pk)]})
    text = text_of(response)
    assert response.status_code == 200
    assert "A sheet holds at most 10 services" in text
    assert text.count("is not a service number") == 3  # three named, the rest counted
    assert "47 more values that are not service numbers." in text


def test_remove_links_drop_only_that_service(client, sabr, helpline):
    text = sheet(client, sabr.pk, helpline.pk).content.decode()
    assert f'href="?service={helpline.pk}">Remove from this sheet' in text
    assert f'href="?service={sabr.pk}">Remove from this sheet' in text


def test_the_sheet_makes_a_fixed_number_of_queries(client, django_assert_num_queries, db):
    ten = [ServiceFactory(languages=[LanguageFactory()]).pk for _ in range(10)]
    with django_assert_num_queries(SHEET_QUERIES_FIRST):
        sheet(client, ten[0])
    with django_assert_num_queries(SHEET_QUERIES):
        sheet(client, *ten)


def test_the_sheet_sets_no_cookies_and_is_not_cached_by_proxies_without_asking(client, sabr):
    response = sheet(client, sabr.pk)
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


# --- Ticking services -----------------------------------------------------------------------------

PICK_FORM = '<form class="app-pick" method="get" action="/signposting/">'


def checkbox(service):
    return f"<label><input type=checkbox name=service value={service.pk}> {service.name}</label>"


def test_each_service_on_a_card_has_a_checkbox_for_the_sheet(client, sabr, helpline):
    text = text_of(client.get("/organisations/"))
    form = text[text.index(PICK_FORM) : text.index("</form>", text.index(PICK_FORM))]
    assert checkbox(sabr) in form
    assert checkbox(helpline) in form
    assert '<button class="app-button" type="submit">Make a signposting sheet</button>' in form


def test_each_service_on_an_organisations_page_has_a_checkbox(client, sabr):
    inactive = ServiceFactory(organisation=sabr.organisation, name="Closed", is_active=False)
    second = ServiceFactory(organisation=sabr.organisation, name="Family support")
    text = text_of(client.get(sabr.organisation.get_absolute_url()))
    form = text[text.index(PICK_FORM) : text.index("</form>", text.index(PICK_FORM))]
    assert checkbox(sabr) in form and checkbox(second) in form
    assert checkbox(inactive) not in text


def test_ticking_two_services_in_the_list_makes_their_sheet(client, sabr, helpline):
    # What the list's form submits: each ticked checkbox's name and value.
    response = client.get(f"{SHEET_URL}?service={sabr.pk}&service={helpline.pk}")
    assert titles(response) == [
        "Women's counselling from Sabr Counselling",
        "Evening helpline from Noor Helpline",
    ]
