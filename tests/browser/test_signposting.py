"""The practitioner's journey in a real browser: narrow the list, tick services, make the sheet,
print it."""

import re

import pytest
from playwright.sync_api import expect

from organisations.models import DeliveryMode, Language, PractitionerGender

from ..factories import OrganisationFactory, ServiceFactory
from .site import printable_service

pytestmark = pytest.mark.browser


def titles(page):
    return [" ".join(text.split()) for text in page.locator(".app-sheet__title").all_inner_texts()]


def card_titles(page):
    return page.locator(".app-card__title").all_inner_texts()


@pytest.fixture
def second_urdu_line(site):
    """Another service a practitioner filtering for Urdu, women and phone would find."""
    return ServiceFactory(
        organisation=OrganisationFactory(
            name="Amal Women's Line", slug="amal-womens-line", phone="020 7946 0456"
        ),
        name="Urdu phone line",
        languages=[Language.objects.get(code="ur")],
        practitioner_genders=[PractitionerGender.objects.get(slug="female")],
        delivery_modes=[DeliveryMode.objects.get(slug="phone")],
        hours="Saturdays 9am to 1pm",
    )


def tick_facet(page, param, value):
    group = page.locator(f"details#filter-{param}")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.locator(f'input[name="{param}"][value="{value}"]').check()


def test_a_practitioner_narrows_the_list_ticks_two_services_and_prints_the_sheet(
    page, site, second_urdu_line
):
    page.goto("/organisations/")
    everyone = card_titles(page)
    assert "Muslim Youth Helpline" in everyone

    tick_facet(page, "language", "ur")
    tick_facet(page, "gender", "female")
    tick_facet(page, "mode", "phone")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r"/organisations/\?"))
    for chosen in ["language=ur", "gender=female", "mode=phone"]:
        assert chosen in page.url
    narrowed = card_titles(page)
    assert narrowed == ["Amal Women's Line", "Roshni Listening Service"]

    page.get_by_role("checkbox", name="Counselling in Urdu").check()
    page.get_by_role("checkbox", name="Urdu phone line").check()
    page.get_by_role("button", name="Make a signposting sheet").click()

    # The form also sends the sheet's language (the page's, English): the sheet's own URL,
    # without it.
    expect(page).to_have_url(re.compile(r"/signposting/\?service=\d+&service=\d+$"))
    assert titles(page) == [
        "Urdu phone line from Amal Women's Line",
        "Counselling in Urdu from Roshni Listening Service",
    ]
    for number in ["tel:02079460456", "tel:02079460123"]:
        expect(page.locator(f'.app-sheet__service a[href="{number}"]')).to_be_visible()
    expect(page.get_by_text("Monday to Friday, 10am to 6pm")).to_be_visible()
    expect(page.get_by_text("Saturdays 9am to 1pm")).to_be_visible()

    page.emulate_media(media="print")
    for hidden in [
        "nav[aria-label='Main']",
        "[data-quick-exit]",
        ".app-sheet__remove >> nth=0",
        ".app-footer",
    ]:
        expect(page.locator(hidden)).to_be_hidden()
    urgent = page.locator(".app-sheet__urgent")
    expect(urgent).to_be_visible()
    for number in ["999", "116 123", "SHOUT to 85258"]:
        expect(urgent).to_contain_text(number)
    # Addresses are written out, so a printed sheet still says where each page is.
    expect(page.locator(".app-sheet__service").first).to_contain_text(
        f"{site.url}/organisations/amal-womens-line/"
    )


def test_ten_services_print_on_two_a4_pages_at_most(page, site):
    services = [printable_service(n) for n in range(10)]
    page.goto("/signposting/?" + "&".join(f"service={service.pk}" for service in services))
    assert len(titles(page)) == 10
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2, f"the sheet of ten services printed on {pages} A4 pages"


def test_the_sheet_works_without_javascript(page_without_js, site, second_urdu_line):
    page = page_without_js
    page.goto("/organisations/?language=ur")
    page.get_by_role("checkbox", name="Urdu phone line").check()
    page.get_by_role("button", name="Make a signposting sheet").click()
    assert titles(page) == ["Urdu phone line from Amal Women's Line"]
    expect(page.get_by_text("Print this sheet")).to_be_hidden()  # it needs JavaScript

    page.goto(site.roshni.get_absolute_url())
    page.get_by_role("checkbox", name="Counselling in Urdu").check()
    page.get_by_role("checkbox", name="Workshops for families").check()
    page.get_by_role("button", name="Make a signposting sheet").click()
    assert titles(page) == [
        "Counselling in Urdu from Roshni Listening Service",
        "Workshops for families from Roshni Listening Service",
    ]
    page.get_by_role(
        "link", name=re.compile(r"Remove from this sheet\W+Counselling in Urdu")
    ).click()
    assert titles(page) == ["Workshops for families from Roshni Listening Service"]


def test_print_this_sheet_appears_with_javascript(page, site):
    page.goto(site.path("signposting-sheet"))
    expect(page.get_by_role("button", name="Print this sheet")).to_be_visible()
