"""Every public page as a visitor meets it: the safety furniture on each page, the urgent-help
numbers, the error pages, and nothing that tracks a visitor or reaches another site."""

import datetime
import html
from html.parser import HTMLParser

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from directory import views

from .factories import LanguageFactory, OrganisationFactory, ServiceFactory

QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
EDITOR_NOTE = "To confirm: helpline 0800 000 999 (seen only on an aggregator)"


# Script elements that hold data, which browsers never run, so the CSP needs no exception for them.
DATA_BLOCK_TYPES = {"application/ld+json"}


class Page(HTMLParser):
    """The parts of a page these tests look at: tags with their attributes, links, scripts."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, attrs) in document order
        self.links = []  # (attrs, text) of every <a>
        self.script_bodies = []  # of scripts a browser runs
        self.data_blocks = []  # of data it never runs: <script type="application/ld+json">
        self.title = ""
        self._open = None  # "a", "script" or "title" while inside one
        self._text = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attrs))
        if tag in ("a", "script", "title"):
            self._open, self._attrs, self._text = tag, attrs, []

    def handle_endtag(self, tag):
        if tag != self._open:
            return
        text = "".join(self._text)
        if tag == "a":
            self.links.append((self._attrs, " ".join(text.split())))
        elif tag == "script" and self._attrs.get("type") in DATA_BLOCK_TYPES:
            self.data_blocks.append(text.strip())
        elif tag == "script":
            self.script_bodies.append(text.strip())
        else:
            self.title = " ".join(text.split())
        self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def hrefs(self):
        return [attrs.get("href", "") for attrs, _text in self.links]

    def html_lang(self):
        return next(attrs.get("lang") for tag, attrs in self.tags if tag == "html")


def text_of(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def organisation(db, urdu, female, london):
    organisation = OrganisationFactory(
        name="Sakoon Test Counselling",
        slug="sakoon-test",
        summary="Counselling in Urdu with women counsellors.",
        phone="020 7946 0000",
        email="hello@example.org",
        website="https://example.org/sakoon",
        is_alliance_member=True,
        last_verified=datetime.date(2025, 3, 3),
        editor_notes=EDITOR_NOTE,
    )
    ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        slug="womens-counselling",
        languages=[urdu],
        practitioner_genders=[female],
        areas=[london],
    )
    return organisation


# The page's own name, which its <title> must carry before the site's name.
PAGES = [
    ("/", 200, "Find faith and culturally sensitive mental-health support"),
    ("/organisations/", 200, "Find support"),
    ("detail", 200, "Sakoon Test Counselling"),
    ("/urgent-help/", 200, "Urgent help"),
    ("/staying-safe-online/", 200, "Staying safe online"),
    ("/about/", 200, "About this directory"),
    ("/privacy/", 200, "Privacy"),
    ("/accessibility/", 200, "Accessibility"),
    ("/open-data/", 200, "Open data"),
    ("/organisations/no-such-org/", 404, "Page not found"),
    ("/nope/", 404, "Page not found"),
]


def get(client, organisation, url):
    return client.get(organisation.get_absolute_url() if url == "detail" else url)


def assert_safety_furniture(page, text):
    """What every page carries: skip link, quick exit, urgent help, and nothing inline."""
    assert page.html_lang() == "en-GB"

    skip_attrs, skip_text = page.links[0]
    assert skip_attrs["href"] == "#main-content"
    assert skip_text == "Skip to main content"
    assert any(attrs.get("id") == "main-content" for tag, attrs in page.tags if tag == "main")

    # "Leave this site" comes straight after the skip link, and works as a plain link.
    exit_attrs, exit_text = page.links[1]
    assert exit_text == "Leave this site"
    assert exit_attrs["href"] == QUICK_EXIT_URL
    assert "noreferrer" in exit_attrs.get("rel", "").split()

    assert "116 123" in text and "999" in text
    assert {"tel:999", "tel:116123", "/urgent-help/"} <= set(page.hrefs())

    assert page.title.endswith("– Muslim Mental Health Directory")


def assert_nothing_inline_or_third_party(page, raw):
    assert 'style="' not in raw
    assert all(tag != "style" for tag, _attrs in page.tags)
    assert all(body == "" for body in page.script_bodies), "inline script"
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), f"inline handler on <{tag}>"
        if tag in ("link", "script", "img", "iframe", "source"):
            url = attrs.get("src") or attrs.get("href") or ""
            assert not url.startswith(("http:", "https:", "//")), f"third-party <{tag}> {url}"
            data = tag == "script" and attrs.get("type") in DATA_BLOCK_TYPES
            assert tag != "script" or url or data, "a script without src"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status", "name"), PAGES)
def test_every_page_carries_the_safety_furniture(client, organisation, url, status, name):
    response = get(client, organisation, url)
    assert response.status_code == status
    page = Page(response.content.decode())
    assert_safety_furniture(page, text_of(response))
    assert page.title.startswith(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status", "name"), PAGES)
def test_no_page_has_inline_code_or_third_party_requests(client, organisation, url, status, name):
    raw = get(client, organisation, url).content.decode()
    assert_nothing_inline_or_third_party(Page(raw), raw)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status", "name"), PAGES)
def test_no_public_page_sets_a_cookie(client, organisation, url, status, name):
    response = get(client, organisation, url)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_the_stylesheet_and_script_are_served_from_static(client, organisation):
    page = Page(client.get("/").content.decode())
    stylesheets = [
        a["href"] for tag, a in page.tags if tag == "link" and a.get("rel") == "stylesheet"
    ]
    scripts = [(a["src"], "defer" in a) for tag, a in page.tags if tag == "script"]
    assert len(stylesheets) == 1 and stylesheets[0].startswith("/static/css/site.")
    assert len(scripts) == 1 and scripts[0][0].startswith("/static/js/quick_exit.")
    assert scripts[0][1], "the script is deferred"


# --- Urgent help --------------------------------------------------------------------------------

VERIFIED_NUMBERS = [
    ("999", "tel:999"),
    ("111", "tel:111"),
    ("116 123", "tel:116123"),
    ("jo@samaritans.org", "mailto:jo@samaritans.org"),
    ("SHOUT to 85258", "sms:85258?&body=SHOUT"),
    ("0800 1111", "tel:08001111"),
    ("0800 068 4141", "tel:08000684141"),
    ("pat@papyrus-uk.org", "mailto:pat@papyrus-uk.org"),
    ("0808 2000 247", "tel:08082000247"),
]


@pytest.mark.django_db
def test_urgent_help_lists_each_verified_crisis_line(client):
    response = client.get("/urgent-help/")
    text = text_of(response)
    links = dict((attrs.get("href"), link_text) for attrs, link_text in Page(text).links)
    for number, href in VERIFIED_NUMBERS:
        assert number in text, number
        assert href in links, href
    for name in [
        "NHS 111",
        "Samaritans",
        "Shout",
        "Childline",
        "PAPYRUS HOPELINE247",
        "National Domestic Abuse Helpline",
        "A&E",
    ]:
        assert name in text, name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "doubtful",
    [
        "0800 58 58 58",  # CALM: number not verified
        "CALM",
        "07786 209697",  # PAPYRUS: an older text number the research doubts
        "07860 039967",  # PAPYRUS text number, flagged "re-check before publishing"
        "midnight",  # PAPYRUS hours are not verified
        "0300 123 3393",  # Mind Infoline: weak source
    ],
)
def test_urgent_help_leaves_out_what_the_research_doubts(client, doubtful):
    assert doubtful not in text_of(client.get("/urgent-help/"))


# --- Error pages --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/organisations/no-such-org/", "/nope/"])
def test_404_page_offers_a_way_on_and_the_urgent_numbers(client, url):
    response = client.get(url)
    text = text_of(response)
    assert response.status_code == 404
    assert "Page not found" in text
    assert {"/organisations/", "/", "tel:999", "tel:116123"} <= set(Page(text).hrefs())
    assert "85258" in text


def test_500_page_renders_without_a_request_and_gives_the_numbers():
    response = views.server_error(RequestFactory().get("/"))
    raw = response.content.decode()
    page = Page(raw)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html.unescape(raw)
    assert_safety_furniture(page, html.unescape(raw))
    assert_nothing_inline_or_third_party(page, raw)


def test_400_page_renders_without_a_request_and_gives_the_numbers():
    response = views.bad_request(RequestFactory().get("/"), SuspiciousOperation("bad"))
    raw = response.content.decode()
    page = Page(raw)
    assert response.status_code == 400
    assert "We could not understand that request" in html.unescape(raw)
    assert_safety_furniture(page, html.unescape(raw))
    assert_nothing_inline_or_third_party(page, raw)


# --- The detail page and cards ------------------------------------------------------------------


@pytest.mark.django_db
def test_editor_notes_never_appear_on_the_detail_page_or_the_list(client, organisation):
    for url in [organisation.get_absolute_url(), "/organisations/", "/organisations/?q=Sakoon"]:
        text = text_of(client.get(url))
        assert "Sakoon Test Counselling" in text
        assert EDITOR_NOTE not in text and "0800 000 999" not in text


@pytest.mark.django_db
def test_detail_page_shows_contacts_and_anchors_each_service(client, organisation):
    text = text_of(client.get(organisation.get_absolute_url()))
    page = Page(text)
    assert {
        "tel:02079460000",
        "mailto:hello@example.org",
        "https://example.org/sakoon",
        "/organisations/",
    } <= set(page.hrefs())
    assert any(attrs.get("id") == "service-womens-counselling" for _tag, attrs in page.tags)
    assert "Muslim Mental Health Alliance member" in text
    assert "Details last checked on 3 March 2025" in text


@pytest.mark.django_db
def test_a_card_marks_endonyms_and_the_page_says_what_is_not_stated(client, db):
    arabic = LanguageFactory(code="ar", name="Arabic", native_name="العربية", is_rtl=True)
    service = ServiceFactory(
        organisation=OrganisationFactory(name="Quiet Org"), name="Drop-in", languages=[arabic]
    )
    # No modes, genders, audiences or areas were recorded: the organisation's page says so; a card
    # shows only what is known, to stay short (the list's 60 KB budget).
    detail = text_of(client.get(service.organisation.get_absolute_url()))
    assert "<dt>Not stated</dt>" in detail
    assert "how to get in touch" in detail
    response = client.get("/organisations/")
    text = text_of(response)
    assert "Not stated" not in text
    assert "Not yet verified with the organisation" in text
    assert '<span lang="ar" dir="rtl">العربية</span>' in text


@pytest.mark.django_db
def test_a_card_points_to_the_services_that_did_not_match(client, urdu, english):
    organisation = OrganisationFactory(name="Two Services")
    ServiceFactory(organisation=organisation, name="Urdu group", languages=[urdu])
    ServiceFactory(organisation=organisation, name="English group", languages=[english])
    text = text_of(client.get("/organisations/", {"language": "ur"}))
    assert "Urdu group" in text and "English group" not in text
    assert "1 of its 2 services matches your choices" in text
    assert "See all 2 services" in text


@pytest.mark.django_db
def test_list_notices_and_filters_are_explained(client, urdu):
    ServiceFactory(organisation=OrganisationFactory(name="Urdu Org"), languages=[urdu])
    response = client.get("/organisations/", {"language": ["ur", "xx"]})
    text = text_of(response)
    page = Page(text)
    assert "Some of your choices were not understood" in text
    assert "1 organisation matching your choices" in text
    assert "Remove Language: Urdu" in " ".join(link_text for _attrs, link_text in page.links)
    assert "Clear all filters" in text
    assert any(
        tag == "input" and a.get("name") == "language" and a.get("value") == "ur" and "checked" in a
        for tag, a in page.tags
    )


@pytest.mark.django_db
def test_the_empty_list_suggests_what_to_do(client, urdu, female):
    ServiceFactory(languages=[urdu])
    text = text_of(client.get("/organisations/", {"language": "ur", "gender": "female"}))
    assert "No organisations match all of these choices" in text
    assert "Remove Practitioner gender: Female practitioners available" in text
    assert "/urgent-help/" in text


@pytest.mark.django_db
def test_pagination_is_windowed_and_keeps_only_understood_filters(client, urdu, monkeypatch):
    monkeypatch.setattr(
        "organisations.listing.pagination.COUNT_AT_LEAST", 1000
    )  # count all ten pages
    for n in range(200):  # ten pages
        ServiceFactory(
            organisation=OrganisationFactory(name=f"Org {n:03d}", slug=f"org-{n:03d}"),
            languages=[urdu],
        )
    response = client.get("/organisations/", {"language": "ur", "page": 5, "utm_source": "x"})
    page = Page(response.content.decode())
    pages = [
        (link_text, attrs["href"])
        for attrs, link_text in page.links
        if attrs.get("href", "").startswith("/organisations/?language=ur")
    ]
    numbers = [int(text.removeprefix("Page ")) for text, _href in pages if text.startswith("Page ")]
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 10]  # one hidden page shows itself, not "…"
    assert ("Page 5", "/organisations/?language=ur&page=5") in pages
    assert ("Next page", "/organisations/?language=ur&page=6") in pages
    assert ("Previous page", "/organisations/?language=ur&page=4") in pages
    assert all("utm_source" not in href for _text, href in pages)
    current = [href for text, href in pages if text == "Page 5"]
    assert current == ["/organisations/?language=ur&page=5"]
    assert any(a.get("aria-current") == "page" and a["href"] == current[0] for tag, a in page.tags)

    page = Page(client.get("/organisations/", {"language": "ur", "page": 6}).content.decode())
    numbers = [int(t.removeprefix("Page ")) for _a, t in page.links if t.startswith("Page ")]
    assert numbers == [1, 4, 5, 6, 7, 8, 9, 10]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_cards_make_no_queries_of_their_own(client, urdu, female, london):
    def add_organisations(n):
        for _ in range(n):
            organisation = OrganisationFactory()
            for _ in range(3):
                ServiceFactory(
                    organisation=organisation,
                    languages=[urdu],
                    practitioner_genders=[female],
                    areas=[london],
                )

    add_organisations(2)
    few = count_queries(client, "/organisations/?language=ur")
    add_organisations(18)
    assert count_queries(client, "/organisations/?language=ur") == few


@pytest.mark.django_db
def test_service_contacts_make_no_queries_of_their_own(client, urdu):
    organisation = OrganisationFactory(phone="020 7946 0000")
    ServiceFactory(organisation=organisation, languages=[urdu])
    one = count_queries(client, organisation.get_absolute_url())
    for _ in range(5):
        ServiceFactory(organisation=organisation, languages=[urdu])
    assert count_queries(client, organisation.get_absolute_url()) == one
