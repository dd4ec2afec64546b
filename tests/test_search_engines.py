"""What search engines read: /robots.txt, the sitemap and the JSON-LD on an organisation's page
(directory/search_engines.py, organisations/structured_data.py)."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from directory import search_engines
from organisations.models import Organisation

from .factories import OrganisationFactory, ServiceFactory
from .test_headers import EXPECTED_CSP, parse_csp
from .test_views import DETAIL_QUERIES, DETAIL_QUERIES_FIRST

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HREFLANGS = {"en-GB", "ur", "ar", "bn", "so", "x-default"}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITE = "https://directory.example.org.uk"


@pytest.fixture
def sakoon(db, urdu, female, london, uk_wide, counselling):
    organisation = OrganisationFactory(
        name="Sakoon Counselling",
        slug="sakoon",
        summary="Counselling in Urdu with women counsellors.",
        phone="020 7946 0000",
        email="hello@example.org",
        website="https://example.org/sakoon",
        charity_number="1234567",
        last_verified=datetime.date(2025, 3, 3),
    )
    ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        description="Weekly sessions.",
        languages=[urdu],
        practitioner_genders=[female],
        service_types=[counselling],
        areas=[london, uk_wide],
        hours="Mondays 10am to 4pm",
        phone="020 7946 0001",
    )
    ServiceFactory(organisation=organisation, name="Closed group", is_active=False)
    return organisation


def structured_data(response):
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) == 1, "one JSON-LD block"
    return json.loads(blocks[0])


def offered(data):
    return [offer["itemOffered"] for offer in data.get("makesOffer", [])]


def xml_of(response):
    return ET.fromstring(response.content)


def sitemap_urls(client, section="organisations", **params):
    """{loc: (lastmod, {hreflang: href})} of a section's page."""
    response = client.get(f"/sitemap-{section}.xml", params)
    assert response.status_code == 200
    found = {}
    for url in xml_of(response).iter(f"{SITEMAP}url"):
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        links = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
        found[url.findtext(f"{SITEMAP}loc")] = (lastmod, links)
    return found


# --- robots.txt ---------------------------------------------------------------------------------


def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    return response, response.content.decode()


def test_robots_txt_keeps_crawlers_out_of_what_is_not_content(client, db):
    response, text = robots(client)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = text.splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Dis")}
    for prefix in ["", "/ur", "/ar", "/bn", "/so"]:
        assert f"{prefix}/signposting/" in disallowed
        assert f"{prefix}/suggest-an-organisation/" in disallowed
        assert f"{prefix}/organisations/*/suggest-a-change/" in disallowed
    assert not any(path.startswith("/organisations/") and "*" not in path for path in disallowed)
    assert "/" not in disallowed


def test_robots_txt_names_the_sitemap_by_its_absolute_address(client, db, settings):
    assert "Sitemap: http://testserver/sitemap.xml" in robots(client)[1]
    settings.DIRECTORY_SITE_URL = SITE
    assert f"Sitemap: {SITE}/sitemap.xml\n" in robots(client)[1]


def test_robots_txt_names_admin_only_at_its_well_known_default(client, db, settings):
    assert settings.ADMIN_URL == "admin/"
    assert "Disallow: /admin/" in robots(client)[1]
    settings.ADMIN_URL = "editors-k7q2/"
    assert "editors-k7q2" not in robots(client)[1]


def test_robots_txt_answers_without_a_cookie_or_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response, _text = robots(client)
    assert not response.cookies and "Set-Cookie" not in response.headers
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert client.post("/robots.txt").status_code == 405
    assert client.get("/robots.txt", {"x": "<script>"}).status_code == 200


# --- The sitemap --------------------------------------------------------------------------------


def test_the_sitemap_is_an_index_of_its_sections(client, sakoon):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert not response.cookies and "Set-Cookie" not in response.headers
    entries = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in xml_of(response).iter(f"{SITEMAP}sitemap")
    }
    assert set(entries) == {
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-organisations.xml",
    }
    assert all(entries.values()), "each section says when it last changed"


def test_the_index_lists_every_page_of_a_large_section(client, db, monkeypatch):
    monkeypatch.setattr(search_engines, "ORGANISATIONS_PER_PAGE", 2)
    for _ in range(5):
        OrganisationFactory()
    response = client.get("/sitemap.xml")
    locations = [entry.text for entry in xml_of(response).iter(f"{SITEMAP}loc")]
    section = "http://testserver/sitemap-organisations.xml"
    assert [loc for loc in locations if loc.startswith(section)] == [
        section,
        f"{section}?p=2",
        f"{section}?p=3",
    ]
    # Each page holds its own organisations in every language, in order, none twice.
    pages = [sitemap_urls(client, p=p) for p in (1, 2, 3)]
    assert [len(page) for page in pages] == [10, 10, 5]
    english = [
        loc for page in pages for loc in page if loc.startswith("http://testserver/organisations/")
    ]
    slugs = list(Organisation.objects.order_by("pk").values_list("slug", flat=True))
    assert english == [f"http://testserver/organisations/{slug}/" for slug in slugs]


def test_a_published_organisation_is_listed_in_every_language(client, sakoon):
    urls = sitemap_urls(client)
    english = f"http://testserver/organisations/{sakoon.slug}/"
    versions = {
        "en-GB": english,
        "ur": f"http://testserver/ur/organisations/{sakoon.slug}/",
        "ar": f"http://testserver/ar/organisations/{sakoon.slug}/",
        "bn": f"http://testserver/bn/organisations/{sakoon.slug}/",
        "so": f"http://testserver/so/organisations/{sakoon.slug}/",
    }
    assert set(urls) == set(versions.values())
    for _lastmod, links in urls.values():
        assert links == {**versions, "x-default": english}
    sakoon.refresh_from_db()
    assert urls[english][0] == sakoon.updated.astimezone().date().isoformat()
    assert (
        'xhtml:link rel="alternate" hreflang="ur"'
        in client.get("/sitemap-organisations.xml").content.decode()
    )


@pytest.mark.parametrize("status", [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED])
def test_an_unpublished_organisation_is_in_no_sitemap_and_has_no_page(client, db, status):
    hidden = OrganisationFactory(status=status, slug="hidden")
    ServiceFactory(organisation=hidden)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert sitemap_urls(client) == {}
    assert "hidden" not in client.get("/sitemap-pages.xml").content.decode()


def test_the_site_s_own_pages_are_listed_in_every_language(client, db):
    urls = sitemap_urls(client, "pages")
    english = {loc for loc in urls if not re.match(r"http://testserver/(ur|ar|bn|so)/", loc)}
    expected = {
        "/",
        "/organisations/",
        "/urgent-help/",
        "/staying-safe-online/",
        "/about/",
        "/privacy/",
        "/accessibility/",
    }
    expected.add(reverse("open-data"))
    assert english == {f"http://testserver{path}" for path in expected}
    assert len(urls) == 5 * len(expected)
    assert all(set(links) == HREFLANGS for _lastmod, links in urls.values())
    # Only the list changes with the directory; the text pages change with a deployment.
    dated = {loc for loc, (lastmod, _links) in urls.items() if lastmod}
    assert {loc.replace("/ur/", "/") for loc in dated if "/ur/" in loc or loc in english} == {
        "http://testserver/organisations/"
    }


def test_sitemap_addresses_honour_the_site_s_address(client, sakoon, settings):
    settings.DIRECTORY_SITE_URL = SITE
    index = client.get("/sitemap.xml", HTTP_HOST="localhost")
    assert f"<loc>{SITE}/sitemap-organisations.xml</loc>" in index.content.decode()
    for section in ("pages", "organisations"):
        urls = sitemap_urls(client, section)
        assert urls and all(loc.startswith(f"{SITE}/") for loc in urls)
        for _lastmod, links in urls.values():
            assert all(href.startswith(f"{SITE}/") for href in links.values())


@pytest.mark.parametrize("p", ["abc", "999", "0", "-1", "1.5", "9" * 5000, "<script>"])
def test_a_page_of_the_sitemap_that_does_not_exist_is_404(client, sakoon, p):
    assert client.get("/sitemap-organisations.xml", {"p": p}).status_code == 404
    assert client.get("/sitemap-pages.xml", {"p": p}).status_code == 404


def test_an_unknown_section_is_404_and_the_index_ignores_its_query(client, sakoon):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap.xml", {"p": "abc"}).status_code == 200
    assert client.post("/sitemap.xml").status_code == 405


def test_the_sitemap_answers_a_conditional_request_with_304(client, sakoon):
    first = client.get("/sitemap-organisations.xml")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/sitemap-organisations.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # Another page of the section, or the index, is another answer.
    other = client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200
    # A change to the directory makes it new.
    OrganisationFactory(slug="newcomer")
    changed = client.get("/sitemap-organisations.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "newcomer" in changed.content.decode()


def test_a_sitemap_page_reads_one_page_of_organisations(client, db, django_assert_num_queries):
    for _ in range(3):
        OrganisationFactory()
    # The version, the count, the page's organisations.
    with django_assert_num_queries(3):
        assert len(sitemap_urls(client)) == 15
    # The version, and for the organisations' section its count and its latest change.
    with django_assert_num_queries(3):
        client.get("/sitemap.xml")


# --- JSON-LD on an organisation's page ----------------------------------------------------------


def test_an_organisation_s_page_describes_it_in_json_ld(client, sakoon):
    data = structured_data(client.get(sakoon.get_absolute_url()))
    page = f"http://testserver/organisations/{sakoon.slug}/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NGO"
    assert data["name"] == "Sakoon Counselling"
    assert data["url"] == page
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page, "inLanguage": "en-GB"}
    assert data["description"] == "Counselling in Urdu with women counsellors."
    assert data["sameAs"] == "https://example.org/sakoon"
    assert data["telephone"] == "020 7946 0000"
    assert data["email"] == "hello@example.org"
    assert data["identifier"]["value"] == "1234567"
    assert [offer["@type"] for offer in data["makesOffer"]] == ["Offer"]
    (service,) = offered(data)
    assert service == {
        "@type": "Service",
        "name": "Women's counselling",
        "description": "Weekly sessions.",
        "serviceType": ["Counselling"],
        "areaServed": [
            {"@type": "Country", "name": "United Kingdom"},
            {"@type": "AdministrativeArea", "name": "London"},
        ],
        "availableLanguage": [{"@type": "Language", "name": "Urdu", "alternateName": "ur"}],
        "hoursAvailable": {
            "@type": "OpeningHoursSpecification",
            "description": "Mondays 10am to 4pm",
        },
        "availableChannel": {
            "@type": "ServiceChannel",
            "serviceUrl": "https://example.org/sakoon",
            "servicePhone": {
                "@type": "ContactPoint",
                "telephone": "020 7946 0001",
                "email": "hello@example.org",
            },
        },
    }


def test_json_ld_has_no_contact_detail_the_page_does_not_show(client, db):
    organisation = OrganisationFactory(name="Quiet Group")
    ServiceFactory(organisation=organisation, name="Drop-in")
    ServiceFactory(
        organisation=organisation, name="Old line", phone="0800 000 111", is_active=False
    )
    response = client.get(organisation.get_absolute_url())
    data = structured_data(response)
    assert data["@type"] == "Organization"
    text = json.dumps(data)
    for absent in ("telephone", "email", "sameAs", "identifier", "availableChannel", "Old line"):
        assert absent not in text, absent
    assert "0800 000 111" not in response.content.decode()
    assert [service["name"] for service in offered(data)] == ["Drop-in"]


def test_json_ld_is_escaped_so_nothing_can_end_the_block(client, db):
    organisation = OrganisationFactory(
        name="</script><script>alert(1)</script>", summary="A & B <!-- c"
    )
    raw = client.get(organisation.get_absolute_url()).content.decode()
    block = JSON_LD.search(raw).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "A & B <!-- c"
    assert "\n" not in block, "compact: no indentation"


def test_json_ld_in_another_language_says_so_and_keeps_names_as_written(client, sakoon):
    data = structured_data(client.get(f"/ur{sakoon.get_absolute_url()}"))
    page = f"http://testserver/ur/organisations/{sakoon.slug}/"
    assert data["url"] == page
    assert data["mainEntityOfPage"]["inLanguage"] == "ur"
    assert data["name"] == "Sakoon Counselling"
    assert offered(data)[0]["name"] == "Women's counselling"


def test_json_ld_honours_the_site_s_address(client, sakoon, settings):
    settings.DIRECTORY_SITE_URL = SITE
    data = structured_data(client.get(sakoon.get_absolute_url()))
    assert data["url"] == f"{SITE}/organisations/{sakoon.slug}/"


def test_a_cached_page_gives_each_host_its_own_address(client, sakoon, settings):
    settings.DIRECTORY_PAGE_CACHE = True
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    one = structured_data(client.get(sakoon.get_absolute_url(), HTTP_HOST="one.example"))
    two = structured_data(client.get(sakoon.get_absolute_url(), HTTP_HOST="two.example"))
    assert one["url"].startswith("http://one.example/")
    assert two["url"].startswith("http://two.example/")


def test_json_ld_needs_no_exception_from_the_content_security_policy(client, sakoon):
    response = client.get(sakoon.get_absolute_url())
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S)
    inline = [attrs for attrs, body in scripts if body.strip()]
    assert inline == [' type="application/ld+json"'], "only a data block, never code, inline"


def test_json_ld_adds_no_query(client, sakoon, django_assert_num_queries):
    with django_assert_num_queries(DETAIL_QUERIES_FIRST):
        first = structured_data(client.get(sakoon.get_absolute_url()))
    with django_assert_num_queries(DETAIL_QUERIES):
        again = structured_data(client.get(sakoon.get_absolute_url()))
    assert again == first
