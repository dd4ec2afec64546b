"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium (`apt-get install
chromium`). Without it these tests are skipped, unless DIRECTORY_REQUIRE_BROWSER=1 (as in CI),
when they fail. Every request to another site is blocked, except the quick exit's neutral site,
which is answered with a stand-in page.
"""

import os
from importlib import import_module
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; Django refuses database queries in a
# thread with a running loop unless told that it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from pytest_django.live_server_helper import LiveServer  # noqa: E402

from organisations.models import DirectoryVersion  # noqa: E402

from ..shared import LISTING_TABLES  # noqa: E402
from .site import build_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
NEUTRAL_SITE = "https://www.bbc.co.uk/"
NEUTRAL_PAGE = "<!doctype html><title>Weather</title><h1>Weather</h1>"


def browser_required():
    return os.environ.get("DIRECTORY_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _serve_app_as_is(application):
    """The live server's static handler: none, so that WhiteNoise serves the collected files."""
    return application


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, with static files served as in production.

    Pages link to the collected files' hashed names (CompressedManifestStaticFilesStorage).
    pytest-django's server would serve /static/ with Django's StaticFilesHandler, whose finders
    know only the unhashed names, so every stylesheet and script would 404; WhiteNoise, in the
    middleware, serves what collectstatic wrote.
    """
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = _serve_app_as_is
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = (
            f"{CHROMIUM} is missing, so the browser tests cannot run: "
            "install Debian's Chromium with `apt-get install --no-install-recommends chromium`"
        )
        if browser_required():
            pytest.fail(f"DIRECTORY_REQUIRE_BROWSER is set and {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def restore_what_migrations_made():
    """The rows data migrations create, which the flush after each transactional test removes:
    the Editors group (0002) and the directory's version row (0003).

    (Not ``django_db_serialized_rollback``: once Playwright has started, its event loop counts as
    running in this thread, so Django hands this thread another connection object than the one
    that kept the serialized rows when the database was set up before the browser.)
    """
    editors = import_module("organisations.migrations.0002_editors_group")
    group, _created = Group.objects.get_or_create(name=editors.EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="organisations", codename__in=editors.CODENAMES
        )
    )
    DirectoryVersion.objects.get_or_create(pk=1)


@pytest.fixture
def site(browser, live_server, transactional_db):
    """The seeded directory, served by the live server.

    The server and the test share the data through the database, so no transaction can roll it
    back: it is flushed after each test, and the rows migrations made are put back first.
    """
    restore_what_migrations_made()
    yield build_site(live_server.url)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {LISTING_TABLES}")


@pytest.fixture
def third_party_requests():
    """Every request the browser tried to make to another site (all blocked)."""
    return []


@pytest.fixture
def new_context(browser, live_server, third_party_requests):
    """Make a browser context (a fresh profile) that may reach only the live server.

    The quick exit's neutral site is answered with a stand-in page; anything else is blocked
    and recorded in ``third_party_requests``. Options are Playwright's: ``viewport``,
    ``java_script_enabled``...
    """
    contexts = []

    def only_this_site(route):
        url = route.request.url
        if url == live_server.url or url.startswith(live_server.url + "/"):
            route.continue_()
        elif url.startswith(NEUTRAL_SITE):
            route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
        else:
            third_party_requests.append(url)
            route.abort()

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(15_000)
        context.route("**/*", only_this_site)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A tab at 1280 px wide, with JavaScript."""
    return new_context().new_page()


@pytest.fixture
def page_without_js(new_context):
    """A tab at 1280 px wide, with JavaScript turned off."""
    return new_context(java_script_enabled=False).new_page()
