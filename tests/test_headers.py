"""Security headers, cookies and the production settings (docs/operations.md, "Security headers
and cookies").

Every public page, for a visitor who has sent no form: the full header set, no cookie, and nothing
loaded from another site. Admin and pages with a form: ``Referrer-Policy: same-origin``, so that
their POSTs keep their origin. With DEBUG off: HTTPS only (redirect, HSTS, ``__Host-`` cookies),
and ``manage.py check --deploy`` finds nothing.
"""

import datetime
import json
import secrets
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
from django.urls import reverse

from bench import run as bench
from directory.middleware import SecurityHeadersMiddleware

from . import commands
from .commands import clean_environment
from .factories import OrganisationFactory, ServiceFactory

ROOT = Path(__file__).resolve().parent.parent
ONE_YEAR = 365 * 24 * 60 * 60

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# Features the site never uses: each must be turned off (``feature=()``).
UNUSED_FEATURES = {
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "midi",
    "display-capture",
    "publickey-credentials-get",
}
# Elements and attributes that make the browser fetch something as the page loads (or, for a
# form, where its data goes). Plain links (<a href>) are navigation and may go anywhere.
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "form": ("action",),
}
LINK_SCHEMES = {"", "http", "https", "tel", "mailto", "sms"}


@pytest.fixture
def organisation(db, urdu, female, london):
    organisation = OrganisationFactory(
        name="Sakoon Test Counselling",
        slug="sakoon-test",
        phone="020 7946 0000",
        email="hello@example.org",
        website="https://example.org/sakoon",
        last_verified=datetime.date(2025, 3, 3),
    )
    ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        languages=[urdu],
        practitioner_genders=[female],
        areas=[london],
    )
    return organisation


def public_pages(organisation):
    """(url, status) of every kind of public page."""
    service = organisation.services.get()
    return [
        ("/", 200),
        ("/organisations/", 200),
        ("/organisations/?language=ur&gender=female&area=london&q=counselling", 200),
        (organisation.get_absolute_url(), 200),
        ("/urgent-help/", 200),
        ("/staying-safe-online/", 200),
        ("/about/", 200),
        ("/privacy/", 200),
        ("/accessibility/", 200),
        (f"/signposting/?service={service.pk}", 200),
        ("/organisations/no-such-organisation/", 404),
        ("/no-such-page/", 404),
    ]


PAGE_KINDS = [
    "home",
    "list",
    "list with filters",
    "organisation",
    "urgent help",
    "staying safe online",
    "about",
    "privacy",
    "accessibility",
    "signposting sheet",
    "no such organisation",
    "no such page",
]


@pytest.fixture(params=range(len(PAGE_KINDS)), ids=PAGE_KINDS)
def public_page(request, client, organisation):
    """A public page as a new visitor's browser gets it."""
    url, status = public_pages(organisation)[request.param]
    response = client.get(url)
    assert response.status_code == status, url
    return response


def parse_csp(value):
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


def parse_permissions_policy(value):
    return dict(item.strip().split("=", 1) for item in value.split(","))


class Resources(HTMLParser):
    """Every URL a page loads or posts to, and every plain link's URL."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.loaded = []  # (tag, attribute, url)
        self.links = []
        self.bases = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag == "base":
            self.bases.append(attrs)
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.loaded.append((tag, "content", attrs.get("content") or ""))
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            value = attrs.get(name)
            if value is None:
                continue
            urls = [part.split()[0] for part in value.split(",")] if name == "srcset" else [value]
            self.loaded.extend((tag, name, url.strip()) for url in urls if url.strip())


def is_same_origin(url):
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return True  # relative: this site
    return parts.scheme in {"http", "https"} and parts.netloc == "testserver"


# Every public page, as a new visitor gets it.


def test_public_pages_set_no_cookie(public_page):
    assert "Set-Cookie" not in public_page.headers
    assert not public_page.cookies
    assert "Cookie" not in public_page.get("Vary", "")


def test_public_pages_load_nothing_from_another_site(public_page):
    page = Resources(public_page.content.decode())
    assert page.loaded, "the page loads its stylesheet and script"
    elsewhere = [item for item in page.loaded if not is_same_origin(item[2])]
    assert not elsewhere, f"loaded from another site: {elsewhere}"
    assert not page.bases, "a <base> element"
    for href in page.links:
        assert urlsplit(href).scheme in LINK_SCHEMES, f"a link to {href!r}"


def test_public_pages_send_the_full_header_set(public_page):
    headers = public_page.headers
    assert parse_csp(headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in headers
    assert headers["Referrer-Policy"] == "no-referrer"
    features = parse_permissions_policy(headers["Permissions-Policy"])
    assert set(features) >= UNUSED_FEATURES
    assert set(features.values()) == {"()"}, "every listed feature is turned off"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # HSTS only ever goes with HTTPS (browsers ignore it over plain HTTP).
    assert "Strict-Transport-Security" not in headers
    if public_page.status_code == 200:
        cache_control = {part.strip() for part in headers["Cache-Control"].split(",")}
        assert cache_control == {"public", "no-cache"}


def test_a_visitor_who_once_sent_a_form_gets_no_referrer_on_plain_pages(client, organisation):
    client.cookies["csrftoken"] = "x" * 32
    response = client.get("/organisations/")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers


# Admin and pages with a form: same-origin, so that their POSTs carry this site's origin.


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "login/", "organisations/organisation/"])
def test_admin_pages_send_same_origin(client, settings, path):
    response = client.get(f"/{settings.ADMIN_URL}{path}")
    assert response.status_code in (200, 302)
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert parse_csp(response.headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert "Permissions-Policy" in response.headers


@pytest.mark.django_db
def test_admin_sign_in_page_sets_only_the_csrf_cookie_with_same_origin(client, settings):
    response = client.get(f"/{settings.ADMIN_URL}login/")
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_public_suggestion_form_sends_same_origin(client):
    response = client.get(reverse("suggestions:suggest-organisation"))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert response.headers["Referrer-Policy"] == "same-origin"


def headers_through_the_middleware(view, cookies=None):
    """The response of ``view`` after CSRF, this project's and Django's security middleware, in
    the order MIDDLEWARE lists them."""
    chain = SecurityMiddleware(SecurityHeadersMiddleware(CsrfViewMiddleware(view)))
    request = RequestFactory().get("/somewhere/")
    request.COOKIES.update(cookies or {})
    return chain(request).headers


def test_a_page_that_asks_for_a_csrf_token_sends_same_origin(settings):
    settings.SECURE_REFERRER_POLICY = "no-referrer"

    def form_page(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    assert headers_through_the_middleware(form_page)["Referrer-Policy"] == "same-origin"
    # Also when the browser already has the cookie (CsrfViewMiddleware then sets it again).
    with_cookie = headers_through_the_middleware(form_page, {"csrftoken": "x" * 32})
    assert with_cookie["Referrer-Policy"] == "same-origin"


def test_a_page_without_a_form_sends_no_referrer(settings):
    settings.SECURE_REFERRER_POLICY = "no-referrer"

    def plain_page(request):
        return HttpResponse("<p>Hello</p>")

    assert headers_through_the_middleware(plain_page)["Referrer-Policy"] == "no-referrer"
    with_cookie = headers_through_the_middleware(plain_page, {"csrftoken": "x" * 32})
    assert with_cookie["Referrer-Policy"] == "no-referrer"


# Production settings (DJANGO_DEBUG off), read in a fresh process as a server would.

SETTINGS_TO_READ = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


def production_environment(**overrides):
    """The caller's environment without its DJANGO_ and DIRECTORY_ settings, as in production."""
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "directory.example.org",
    }
    return clean_environment(**{**production, **overrides})


def manage(*args, env):
    return commands.manage(*args, env=env, timeout=120)


def settings_in(env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SETTINGS_TO_READ!r}}}))"
    )
    result = manage("shell", "--no-imports", "--command", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return settings_in(production_environment())


def test_production_is_https_only_with_hsts_for_a_year(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_REFERRER_POLICY"] == "no-referrer"


def test_production_cookies_are_secure_host_only_httponly_and_same_site(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for cookie in ("SESSION", "CSRF"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True
        assert production[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production[f"{cookie}_COOKIE_SAMESITE"] == "Lax"


def test_plain_http_on_127_0_0_1_as_make_serve_bench_and_lighthouse_run_it():
    served = settings_in(production_environment(DJANGO_SECURE_COOKIES="0", DJANGO_SSL_REDIRECT="0"))
    assert served["SECURE_SSL_REDIRECT"] is False
    assert served["SESSION_COOKIE_SECURE"] is False
    # A browser refuses a __Host- cookie without Secure: plain names over plain HTTP.
    assert served["SESSION_COOKIE_NAME"] == "sessionid"
    assert served["CSRF_COOKIE_NAME"] == "csrftoken"


def test_the_benchmarks_serve_plain_http():
    env = bench.base_environment("sqlite:///nowhere.sqlite3")
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_SSL_REDIRECT"] == "0"
    assert env["DJANGO_SECURE_COOKIES"] == "0"


def test_check_deploy_passes_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_loudly_without_a_secret_key():
    env = production_environment(DJANGO_SECRET_KEY=None)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.fixture
def https_only(settings, production):
    """This process's settings as production has them."""
    for name in SETTINGS_TO_READ:
        if name != "DEBUG":
            setattr(settings, name, production[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(production["SECURE_PROXY_SSL_HEADER"])
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, https_only):
    response = client.get("/organisations/?type=helpline")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/organisations/?type=helpline"


@pytest.mark.django_db
def test_https_behind_the_proxy_gets_hsts_and_no_redirect(client, https_only):
    response = client.get("/about/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    )
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_admin_cookies_over_https_are_host_only_secure_httponly_and_same_site(client, https_only):
    response = client.get(f"/{https_only.ADMIN_URL}login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
