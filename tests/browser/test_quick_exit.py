"""The quick exit, "Leave this site" (DESIGN.md §4): a plain link to a neutral site that, with
JavaScript, also leaves on three presses of Shift and takes the page it left out of the tab's
history.

There is no internet here: the browser context answers the neutral site with a stand-in page
(conftest.py) and blocks everything else that is not the live server.
"""

import pytest
from playwright.sync_api import expect

from .site import QUICK_EXIT_URL

pytestmark = pytest.mark.browser

ANOTHER_SITE = "https://www.bbc.co.uk/news"  # a page visited before the directory


def test_the_leave_this_site_link_goes_to_the_neutral_site(page, site):
    page.goto("/organisations/")
    page.get_by_role("link", name="Leave this site").click()

    page.wait_for_url(QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")


def test_pressing_shift_three_times_leaves_from_anywhere_on_the_page(page, site):
    page.goto("/urgent-help/")
    for _ in range(3):
        page.keyboard.press("Shift")

    page.wait_for_url(QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")


def test_typing_with_shift_in_between_does_not_leave(page, site):
    page.goto("/organisations/")
    search = page.get_by_label("Search by name or need")
    search.click()
    for key in ["Shift", "Shift+A", "Shift", "Shift+B", "Shift"]:
        page.keyboard.press(key)

    expect(search).to_have_value("AB")
    assert page.url == site("/organisations/")


def test_after_leaving_back_does_not_return_to_the_directory(page, site):
    page.goto(ANOTHER_SITE)
    page.goto("/staying-safe-online/")
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(QUICK_EXIT_URL)

    page.go_back()

    assert page.url == ANOTHER_SITE, "Back returned to the page the visitor left"


def test_without_javascript_leave_this_site_is_still_a_working_link(page_without_js, site):
    page = page_without_js
    page.goto(ANOTHER_SITE)
    page.goto("/staying-safe-online/")
    link = page.get_by_role("link", name="Leave this site")
    expect(link).to_have_attribute("href", QUICK_EXIT_URL)

    link.click()

    page.wait_for_url(QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")
    # Without JavaScript the page stays in the history, as /staying-safe-online/ says.
    page.go_back()
    assert page.url == site("/staying-safe-online/")
