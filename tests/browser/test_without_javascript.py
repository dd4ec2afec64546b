"""Pages work fully without JavaScript (DESIGN.md §4): the filters and pagination of the list."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ..factories import OrganisationFactory, ServiceFactory
from .site import SEEDED_HELPLINES

pytestmark = pytest.mark.browser

HELPLINE = "Helpline: listening and emotional support"  # the seeded type's name


def test_the_filter_form_works_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto("/organisations/")
    expect(page.locator(".app-result-count")).to_contain_text("13 organisations")

    filters = page.locator("form.app-filters")
    filters.locator("summary", has_text="Kind of support").click()
    filters.get_by_label(HELPLINE, exact=True).check()
    filters.get_by_role("button", name="Show results").click()

    expect(page).to_have_url(re.compile(r"/organisations/\?"))
    assert parse_qs(urlsplit(page.url).query)["type"] == ["helpline"]
    expect(page.locator(".app-result-count")).to_contain_text(
        f"{len(SEEDED_HELPLINES)} organisations matching your choices"
    )
    expect(page.locator(".app-card__title")).to_have_text(SEEDED_HELPLINES)
    expect(page.locator(".app-chosen")).to_contain_text(f"Kind of support: {HELPLINE}")
    # The choice stays ticked, in an open group, ready to be changed.
    expect(filters.get_by_label(HELPLINE, exact=True)).to_be_checked()
    expect(filters.locator("details", has_text="Kind of support")).to_have_attribute("open", "")


def test_pagination_works_without_javascript(page_without_js, site):
    # 25 more organisations: 38 in all, 20 to a page.
    for number in range(25):
        ServiceFactory(organisation=OrganisationFactory(name=f"Test Support Group {number:02d}"))
    page = page_without_js
    pagination = page.get_by_role("navigation", name="Pagination")
    page.goto("/organisations/")
    expect(page.locator(".app-result-count")).to_contain_text("38 organisations, page 1 of 2")
    first_page = page.locator(".app-card__title").all_inner_texts()
    assert len(first_page) == 20

    pagination.get_by_role("link", name="Next").click()

    expect(page).to_have_url(re.compile(r"/organisations/\?page=2$"))
    expect(page.locator(".app-result-count")).to_contain_text("38 organisations, page 2 of 2")
    second_page = page.locator(".app-card__title").all_inner_texts()
    assert len(second_page) == 18
    assert not set(first_page) & set(second_page)
    current = pagination.get_by_role("link", name="Page 2", exact=True)
    expect(current).to_have_attribute("aria-current", "page")

    pagination.get_by_role("link", name="Previous").click()

    expect(page).to_have_url(re.compile(r"/organisations/\??$"))
    expect(page.locator(".app-card__title")).to_have_text(first_page)
