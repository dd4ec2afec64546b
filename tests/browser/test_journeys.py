"""Two journeys from start to finish, as a person makes them in a browser (DESIGN.md §4 and §6)."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import dateformat, timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ..signin import current_code
from .site import SEEDED_HELPLINES, YOUTH_HELPLINE_PHONE

pytestmark = pytest.mark.browser

EDITOR_PASSWORD = "a-long-editor-password-7"


def test_someone_looking_for_help_reaches_a_number_to_call(page, site):
    page.goto("/")
    page.get_by_role("link", name="Talk to someone now").click()

    expect(page).to_have_url(re.compile(r"/organisations/\?type=helpline$"))
    expect(page.locator(".app-result-count")).to_contain_text(
        f"{len(SEEDED_HELPLINES)} organisations matching your choices"
    )
    expect(page.locator(".app-card__title")).to_have_text(SEEDED_HELPLINES)

    page.locator(".app-card__title").get_by_role("link", name="Muslim Youth Helpline").click()

    expect(page).to_have_url(site(site.youth_helpline.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text("Muslim Youth Helpline")
    call = page.locator("main a[href^='tel:']")
    expect(call).to_have_text([YOUTH_HELPLINE_PHONE])
    expect(call).to_have_attribute("href", "tel:" + YOUTH_HELPLINE_PHONE.replace(" ", ""))


def test_an_editor_corrects_the_hours_and_marks_the_listing_verified(
    page, site, settings, monkeypatch
):
    # Plain-HTTP cookies, as `make serve` sets them: the live server does not speak HTTPS.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", EDITOR_PASSWORD)
    call_command("create_editor", "amina", email="amina@example.org", stdout=io.StringIO())
    call_command("enrol_totp", "amina", stdout=io.StringIO())
    authenticator_app = TOTPDevice.objects.get(user__username="amina")
    new_hours = "Monday to Saturday, 9am to 9pm"
    today = dateformat.format(timezone.localdate(), "j F Y")

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(current_code(authenticator_app))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Keep the listings true")).to_be_visible()

    # The organisation's change page: correct one service's hours in the inline, and save.
    page.goto("/admin/organisations/organisation/")
    page.get_by_role("link", name="Roshni Listening Service", exact=True).click()
    service = page.locator(".inline-related").filter(
        has=page.locator("input[name$='-name'][value='Counselling in Urdu']")
    )
    service.get_by_label("Opening hours").fill(new_hours)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Back on the list of organisations: mark it as verified today.
    page.locator("#result_list tr", has_text="Roshni Listening Service").locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option(label="Mark as verified today")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Marked 1 organisation as verified today.")

    # The public page shows both at once: no cache keeps the old hours or date.
    page.goto(site.roshni.get_absolute_url())
    heading = page.locator("h3", has_text="Counselling in Urdu")
    counselling = page.locator(".app-service", has=heading)
    expect(counselling).to_contain_text(new_hours)
    expect(counselling).not_to_contain_text("Monday to Friday, 10am to 6pm")
    expect(page.locator(".app-last-checked")).to_have_text(f"Details last checked on {today}")
