"""A visitor suggests a change in a real browser: the form, its errors and its thanks pass axe,
the honeypot stays out of sight, and the post passes CSRF under the site's referrer policy."""

import pytest
from playwright.sync_api import expect

from organisations.suggestions.models import Suggestion

from .test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def http_cookies(settings):
    # Plain-HTTP cookies, as `make serve` sets them: the live server does not speak HTTPS.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def test_a_visitor_suggests_a_change_and_fixes_a_mistake_on_the_way(page, site, axe, http_cookies):
    page.goto(site.roshni.get_absolute_url())
    page.get_by_role("link", name="Suggest a change to this listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Suggest a change to Roshni Listening Service"
    )
    expect(page.get_by_label("Leave this empty")).to_be_hidden()
    assert_no_violations(axe, page)

    page.get_by_label("Your email address (optional)").fill("me@example.org")
    page.get_by_role("button", name="Send suggestion").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Choose at least one thing that is wrong or out of date.",
            "Tick this box if we may email you, or leave the email address empty.",
        ]
    )
    expect(page.get_by_label("Your email address (optional)")).to_have_value("me@example.org")
    assert_no_violations(axe, page)
    assert not Suggestion.objects.exists()

    page.get_by_label("Opening hours").check()
    page.get_by_label("What should it say instead?").fill("Now open on Saturdays too")
    page.get_by_label("You may email me about this suggestion").check()
    page.get_by_role("button", name="Send suggestion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your suggestion")
    assert_no_violations(axe, page)
    suggestion = Suggestion.objects.get()
    assert suggestion.organisation == site.roshni
    assert suggestion.hours_wrong and not suggestion.phone_wrong
    assert (suggestion.contact_email, suggestion.status) == ("me@example.org", "new")


def test_suggest_an_organisation_from_the_footer(page, site, axe, http_cookies):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Suggest an organisation").click()
    assert_no_violations(axe, page)
    page.get_by_label("Name of the organisation").fill("Nur Wellbeing")
    page.get_by_label("Its website (optional)").fill("nur.example.org")
    page.get_by_role("button", name="Send suggestion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your suggestion")
    suggestion = Suggestion.objects.get()
    assert (suggestion.organisation_name, suggestion.organisation_website) == (
        "Nur Wellbeing",
        "https://nur.example.org",
    )
