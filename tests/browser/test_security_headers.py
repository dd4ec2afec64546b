"""The Content-Security-Policy and Permissions-Policy in a real browser: no page of the site, public
or admin, does anything the policy blocks (an inline style or script, a request elsewhere), and
the browser knows and turns off every feature the Permissions-Policy names.

Each page is watched twice: ``securitypolicyviolation`` events, recorded by a script Playwright
adds before the page's own (the policy does not apply to it), and the console, where Chromium
reports blocked content.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from ..signin import sign_in_verified
from .site import PAGE_NAMES, visit

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
      `(${event.sourceFile || ""}:${event.lineNumber})`
  );
});
"""
# What Chromium writes to the console about a policy: blocked content, a header it cannot parse.
POLICY_MESSAGE = re.compile(
    r"Content.Security.Policy|Permissions.Policy|Refused to|Unrecognized feature", re.I
)


class Watched:
    """A tab whose policy violations and policy messages are collected, page by page."""

    def __init__(self, context):
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_navigation_timeout(30_000)  # admin pages on a busy machine
        self.messages = []
        self.page.on("console", self._console)
        self.found = []

    def _console(self, message):
        if POLICY_MESSAGE.search(message.text):
            self.messages.append(message.text)

    def collect(self):
        """Everything reported since the last call, as ``url: problem`` strings."""
        violations = self.page.evaluate("window.__violations || []")
        problems = [f"{self.page.url}: {text}" for text in violations + self.messages]
        self.messages = []
        self.page.evaluate("window.__violations = []")
        self.found.extend(problems)
        return problems

    def goto(self, path):
        response = self.page.goto(path)
        self.page.wait_for_load_state("load")
        self.collect()
        return response


@pytest.fixture
def watched(new_context):
    return Watched(new_context())


def test_no_public_page_breaks_the_policies(watched, site, third_party_requests):
    for name in PAGE_NAMES:
        visit(watched.page, site, name)
        watched.collect()
    # The forms for the public: suggest a change, suggest an organisation.
    watched.goto(site.roshni.get_absolute_url() + "suggest-a-change/")
    watched.goto("/suggest-an-organisation/")
    assert watched.found == []
    assert third_party_requests == []


@pytest.mark.parametrize("path", ["/organisations/", "/admin/login/"])
def test_the_browser_turns_off_every_feature_the_permissions_policy_names(page, site, path):
    response = page.goto(path)
    features = [
        item.split("=")[0].strip() for item in response.headers["permissions-policy"].split(",")
    ]
    known = page.evaluate("document.featurePolicy.features()")
    assert [feature for feature in features if feature not in known] == []
    allowed = page.evaluate(
        "features => features.filter(f => document.featurePolicy.allowsFeature(f))", features
    )
    assert allowed == []
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)


def test_admin_sign_in_page_breaks_no_policy(watched, site, settings):
    response = watched.goto(f"/{settings.ADMIN_URL}login/")
    assert response.status == 200
    expect(watched.page.get_by_label("Username")).to_be_visible()
    assert response.headers["referrer-policy"] == "same-origin"
    assert watched.found == []


def test_admin_pages_break_no_policy(watched, site, settings, new_context):
    """Signed in as a superuser (a session verified with an authenticator app, as the sign-in
    form leaves it; tests/browser/test_journeys.py signs in through the form): the index, every
    list and add page it links to, an organisation's change page with its inline services, date
    and autocomplete widgets, and its history."""
    superuser = get_user_model().objects.create_superuser(
        "sara", "sara@example.org", "a-long-admin-password-7"
    )
    client = sign_in_verified(Client(), superuser)
    watched.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site.url,
            }
        ]
    )
    admin = f"/{settings.ADMIN_URL}"

    watched.goto(admin)
    expect(watched.page.get_by_role("heading", name="Keep the listings true")).to_be_visible()
    links = watched.page.locator("#content-main a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert len(links) > 5, links
    for href in sorted(set(links)):
        response = watched.goto(href)
        assert response.status == 200, href

    change = f"{admin}organisations/organisation/{site.roshni.pk}/change/"
    assert watched.goto(change).status == 200
    # Admin's own scripts at work: the calendar beside a date, an autocomplete's search (a
    # request to this site), adding an inline row.
    watched.page.locator(".datetimeshortcuts a").first.click()
    watched.page.keyboard.press("Escape")
    watched.page.locator(".select2-selection").first.click()
    expect(watched.page.locator(".select2-results__option").first).to_be_visible()
    watched.page.keyboard.press("Escape")
    watched.page.locator(".add-row a").first.click()
    watched.collect()

    assert watched.goto(change.replace("/change/", "/history/")).status == 200
    service = site.roshni_counselling.pk
    assert watched.goto(f"{admin}organisations/service/{service}/change/").status == 200
    assert watched.found == []
