"""The list and detail pages as a visitor meets them: counts, filters, pages, bad input."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from organisations.listing import fragments
from organisations.listing.pagination import COUNT_AT_LEAST
from organisations.models import Organisation

from .factories import OrganisationFactory, ServiceFactory
from .html import card_titles

LIST_URL = "/organisations/"

# Pinned query counts (DESIGN.md §7, and at most 10 for any page): they must not grow with the
# number of organisations. Every page reads the directory's version (1); the first page after a
# change reads the lookup tables (1, in one query), later ones reuse them.
# List: version + lookups + the page's organisations in order (also the count) + their matching
# services and sizes + for cards not rendered before at this version, their organisations,
# services and facets (organisations/listing/fragments.py).
LIST_QUERIES_FIRST = 7
LIST_QUERIES = 6
LIST_QUERIES_REUSED = 3
# A list with no results: version, lookups (the first time), the organisations (none).
EMPTY_LIST_QUERIES_FIRST = 3
EMPTY_LIST_QUERIES = 2
# On PostgreSQL the first search for words this process has not seen at this version looks up
# their stems and nearest words, in one query in a transaction of its own with the trigram
# threshold set (organisations/listing/search.py, known: in a test SAVEPOINT, SET LOCAL, the query,
# RELEASE); when the search finds nothing and some nearest words differ, it searches again.
SEARCH_WORDS = 4 if connection.vendor == "postgresql" else 0
# On PostgreSQL a search in order of relevance reads its first group (every word in a service's
# names) alone, and the other two groups in a second query only when the first does not fill the
# page with its count (COUNT_AT_LEAST + 1 organisations); a search for a word that no listed
# service holds is not run at all (organisations/listing/search.py, may_match).
SEARCH_LATER_GROUPS = 1 if connection.vendor == "postgresql" else 0
SEARCH_NOT_RUN = 1 if connection.vendor == "postgresql" else 0
# Detail: version + lookups + the organisation + its services' ids + the services not rendered
# yet + their facets + their venues; later requests at the same version reuse each service as
# rendered (organisations/listing/fragments.py), so they read the organisation and the ids,
# nothing more.
DETAIL_QUERIES_FIRST = 7
DETAIL_QUERIES = 3


def page_text(response):
    return html.unescape(response.content.decode())


def names(response):
    return card_titles(response)


@pytest.fixture
def many_organisations(db, urdu):
    """45 published organisations with an Urdu service each: three pages of 20."""
    return [
        ServiceFactory(
            organisation=OrganisationFactory(name=f"Org {n:02d}", slug=f"org-{n:02d}"),
            languages=[urdu],
        ).organisation
        for n in range(45)
    ]


# --- Counts, active filters, empty state ---------------------------------------------------------


def test_the_list_says_how_many_organisations_it_found(client, many_organisations):
    text = page_text(client.get(LIST_URL))
    assert "45 organisations" in text


def test_one_organisation_is_singular(client, urdu):
    ServiceFactory(organisation=OrganisationFactory(name="Only One"), languages=[urdu])
    assert "1 organisation" in page_text(client.get(LIST_URL, {"language": "ur"}))
    assert "1 organisations" not in page_text(client.get(LIST_URL, {"language": "ur"}))


def test_each_active_filter_has_a_link_that_removes_it(client, urdu, bengali, female):
    ServiceFactory(languages=[urdu], practitioner_genders=[female])
    response = client.get(LIST_URL, {"language": ["ur", "bn"], "gender": "female", "q": "org"})
    active = {
        (f["legend"], f["label"]): f["remove_query"] for f in response.context["active_filters"]
    }
    assert parse_qs(active[("Language", "Urdu")]) == {
        "gender": ["female"],
        "language": ["bn"],
        "q": ["org"],
    }
    assert parse_qs(active[("Practitioner gender", "Female practitioners available")]) == {
        "language": ["ur", "bn"],
        "q": ["org"],
    }
    assert parse_qs(active[("Search", "“org”")]) == {"language": ["ur", "bn"], "gender": ["female"]}
    text = response.content.decode()
    for remove_query in active.values():
        assert f'href="?{html.escape(remove_query)}"' in text


def test_the_empty_state_suggests_removing_a_filter(client, urdu, female):
    ServiceFactory(languages=[urdu])
    response = client.get(LIST_URL, {"language": "ur", "gender": "female"})
    text = page_text(response)
    assert response.status_code == 200
    assert names(response) == []
    assert "No organisations match" in text
    assert "Remove" in text and "language=ur" in text  # a link that keeps only Urdu


def test_the_form_ticks_what_was_chosen(client, urdu, bengali):
    ServiceFactory(languages=[urdu])
    text = client.get(LIST_URL, {"language": "ur"}).content.decode()
    assert 'value="ur" checked' in text or 'value="ur"\n' in text and "checked" in text
    checked = re.findall(r'name="language" value="(\w+)" checked', text)
    assert checked == ["ur"]


def test_languages_show_their_own_names(client, urdu):
    ServiceFactory(languages=[urdu])
    text = client.get(LIST_URL).content.decode()
    assert "اردو" in text
    assert 'lang="ur"' in text


# --- Pagination ----------------------------------------------------------------------------------


def test_pages_of_twenty(client, many_organisations):
    assert names(client.get(LIST_URL)) == [f"Org {n:02d}" for n in range(20)]
    assert names(client.get(LIST_URL, {"page": 3})) == [f"Org {n:02d}" for n in range(40, 45)]


def test_pagination_links_keep_the_filters_and_drop_junk(client, many_organisations):
    response = client.get(LIST_URL, {"language": "ur", "utm_source": "x", "language ": "zz"})
    text = response.content.decode()
    links = [
        html.unescape(part.split('"')[0])
        for part in text.split('href="')[1:]
        if "page=2" in part.split('"')[0]
    ]
    assert links, "no link to page 2"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query == {"language": ["ur"], "page": ["2"]}


@pytest.mark.parametrize(
    ("page", "expected_first", "notice"),
    [
        ("99", "Org 40", "There is no page 99; this is the last page, page 3."),
        ("-1", "Org 00", "There is no such page"),
        ("0", "Org 00", "There is no such page"),
        ("two", "Org 00", "“two” is not a page number"),
        ("1.5", "Org 00", "is not a page number"),
        ("9" * 400, "Org 40", "this is the last page"),
        ("", "Org 00", None),
    ],
)
def test_pages_out_of_range_or_malformed(client, many_organisations, page, expected_first, notice):
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert names(response)[0] == expected_first
    if notice:
        assert notice in page_text(response)


def test_a_page_number_beyond_an_empty_result_is_just_the_empty_page(client, db):
    response = client.get(LIST_URL, {"page": "7"})
    assert response.status_code == 200
    assert names(response) == []


# --- Bad input never makes a 500 -----------------------------------------------------------------

BAD_QUERIES = [
    {"language": "xx"},
    {"type": "<script>alert(1)</script>"},
    {"gender": "nonbinary", "mode": "pigeon"},
    {"area": "atlantis", "audience": "martians"},
    {"cost": "priceless", "faith": "maybe"},
    {"sort": "price"},
    {"q": "x" * 10_000},
    {"language": "x" * 10_000},
    {"q": "\x00\x01 nul bytes"},
    {"q": "'; DROP TABLE organisations_organisation; --"},
    {"q": "% _ \\ ' \" & | ! :* ( )"},
    {"q": "😀 ﷽ Zalgo: ḩ̷̛͙e̷l̶p̷"},
    {"q": "\u202eRTL override \ufeff"},
    {"language": ["ur"] * 200},
    {"q": ["first", "second"]},
    {"sort": ["name", "recently-verified", "bad"]},
    {"page": ["1", "2", "x"]},
    {"page": "1e9"},
    {"page": "\x00"},
    {"type": "", "language": "", "q": "   "},
    {"LANGUAGE": "UR"},
]


@pytest.mark.parametrize("params", BAD_QUERIES)
def test_bad_input_gets_a_normal_page(client, urdu, params):
    ServiceFactory(organisation=OrganisationFactory(name="Still Here"), languages=[urdu])
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"language": "xx"}, "We did not recognise the language “xx”, so it was ignored."),
        ({"type": "<b>bold</b>"}, "We did not recognise the type of support “<b>bold</b>”"),
        ({"gender": "other"}, "practitioner gender “other”"),
        ({"mode": "pigeon"}, "way to get in touch “pigeon”"),
        ({"audience": "cats"}, "group “cats”"),
        ({"area": "atlantis"}, "area “atlantis”"),
        ({"cost": "priceless"}, "cost “priceless”"),
        ({"faith": "maybe"}, "approach to faith “maybe”"),
        ({"sort": "price"}, "We did not recognise the order “price”"),
        ({"language": "z" * 10_000}, "“" + "z" * 39 + "…”"),
    ],
)
def test_ignored_values_are_named_on_the_page(client, urdu, params, message):
    ServiceFactory(organisation=OrganisationFactory(name="Still Here"), languages=[urdu])
    response = client.get(LIST_URL, params)
    text = page_text(response)
    assert message in text
    assert names(response) == ["Still Here"]  # the rest of the page works as if unfiltered


@pytest.mark.parametrize(
    ("params", "message", "searched_for"),
    [
        ({"q": "y" * 300}, "Your search was too long", "y" * 200),
        ({"q": ["still", "here"]}, "More than one search was given", "here"),
    ],
)
def test_search_notices(client, db, params, message, searched_for):
    ServiceFactory(organisation=OrganisationFactory(name="Still Here"))
    response = client.get(LIST_URL, params)
    assert message in page_text(response)
    assert response.context["query"]["q"] == searched_for


def test_one_bad_value_does_not_lose_the_good_ones(client, urdu, bengali):
    ServiceFactory(organisation=OrganisationFactory(name="Urdu Org"), languages=[urdu])
    ServiceFactory(organisation=OrganisationFactory(name="Bengali Org"), languages=[bengali])
    response = client.get(LIST_URL, {"language": ["ur", "klingon"]})
    assert names(response) == ["Urdu Org"]
    assert "“klingon”" in page_text(response)


def test_values_are_read_case_insensitively(client, urdu):
    ServiceFactory(organisation=OrganisationFactory(name="Urdu Org"), languages=[urdu])
    ServiceFactory(organisation=OrganisationFactory(name="Other"))
    assert names(client.get(LIST_URL, {"language": " UR "})) == ["Urdu Org"]


def test_hostile_values_are_escaped(client, db):
    text = client.get(LIST_URL, {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;" in text


# --- Detail pages and 404 ------------------------------------------------------------------------


def test_detail_page_shows_every_active_service_and_its_facts(client, urdu, female, phone):
    organisation = OrganisationFactory(
        name="Sabr Counselling",
        summary="Counselling in Urdu.",
        phone="020 7946 0000",
        is_alliance_member=True,
    )
    ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        languages=[urdu],
        practitioner_genders=[female],
        delivery_modes=[phone],
        cost="low-cost",
        faith_approach="islamic",
        referral="self",
        hours="Mondays 10am to 4pm",
    )
    ServiceFactory(organisation=organisation, name="Closed group", is_active=False)
    response = client.get(organisation.get_absolute_url())
    text = page_text(response)
    assert response.status_code == 200
    for fact in [
        "Sabr Counselling",
        "Counselling in Urdu.",
        "Women's counselling",
        "Urdu",
        "اردو",
        "Female practitioners available",
        "Low cost",
        "Integrates Islamic faith and practice",
        "Contact them yourself",
        "Mondays 10am to 4pm",
        'href="tel:02079460000"',
        "Not yet verified with the organisation",
        "Muslim Mental Health Alliance",
    ]:
        assert fact in text, fact
    assert "Closed group" not in text


def test_detail_page_says_when_details_were_last_checked(client, db):
    import datetime

    organisation = OrganisationFactory(last_verified=datetime.date(2026, 3, 4))
    ServiceFactory(organisation=organisation)
    assert "Details last checked on 4 March 2026" in page_text(
        client.get(organisation.get_absolute_url())
    )


def test_editor_notes_are_never_shown(client, db):
    organisation = OrganisationFactory(editor_notes="To confirm: phone 0800 123 456")
    ServiceFactory(organisation=organisation)
    for url in [organisation.get_absolute_url(), LIST_URL, LIST_URL + "?q=confirm"]:
        assert "0800 123 456" not in client.get(url).content.decode()


@pytest.mark.parametrize("status", [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED])
def test_unpublished_organisations_are_not_found(client, db, status):
    organisation = OrganisationFactory(status=status)
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 404
    assert "116 123" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/no-such-organisation/",
        "/organisations/%F0%9F%98%80/",
        "/organisations/" + "a" * 5000 + "/",
        "/no-such-page/",
    ],
)
def test_unknown_addresses_get_the_404_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "116 123" in text and "999" in text


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_unavailable_when_the_database_fails(client, db, monkeypatch):
    from django.db import OperationalError

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("directory.views.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_public_pages_set_no_cookies(client, many_organisations):
    for url in [
        LIST_URL,
        LIST_URL + "?language=ur&page=2",
        many_organisations[0].get_absolute_url(),
        "/",
        "/no-such-page/",
    ]:
        assert client.get(url).cookies == {}, url


# --- Query counts --------------------------------------------------------------------------------


def make_directory(n, languages, genders):
    for _ in range(n):
        organisation = OrganisationFactory()
        for _ in range(3):
            ServiceFactory(
                organisation=organisation, languages=languages, practitioner_genders=genders
            )


@pytest.mark.parametrize("n", [2, 20, 200])
def test_list_queries_do_not_grow_with_the_directory(
    client, django_assert_num_queries, urdu, female, n
):
    make_directory(n, [urdu], [female])
    with django_assert_num_queries(LIST_QUERIES_FIRST):
        client.get(LIST_URL)
    fragments.KEPT.clear()
    filtered = {"language": "ur", "gender": "female", "q": "organisation", "page": 1}
    # Every organisation's name holds "organisation": the first group fills the page only when there
    # are more organisations than the page counts to.
    later = SEARCH_LATER_GROUPS if n <= COUNT_AT_LEAST else 0
    with django_assert_num_queries(LIST_QUERIES + SEARCH_WORDS + later):
        assert len(card_titles(client.get(LIST_URL, filtered))) == min(n, 20)
    with django_assert_num_queries(LIST_QUERIES_REUSED + later):
        assert len(card_titles(client.get(LIST_URL, filtered))) == min(n, 20)


def test_empty_list_queries(client, django_assert_num_queries, db):
    with django_assert_num_queries(EMPTY_LIST_QUERIES_FIRST):
        client.get(LIST_URL, {"type": "helpline"})
    with django_assert_num_queries(EMPTY_LIST_QUERIES + SEARCH_WORDS - SEARCH_NOT_RUN):
        client.get(LIST_URL, {"q": "nothing"})


@pytest.mark.parametrize("services", [1, 10])
def test_detail_queries_do_not_grow_with_the_services(
    client, django_assert_num_queries, urdu, female, services
):
    organisation = OrganisationFactory()
    for _ in range(services):
        ServiceFactory(organisation=organisation, languages=[urdu], practitioner_genders=[female])
    with django_assert_num_queries(DETAIL_QUERIES_FIRST):
        client.get(organisation.get_absolute_url())
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(organisation.get_absolute_url())


def test_the_list_counts_only_as_far_as_it_needs(client, many_organisations, monkeypatch):
    monkeypatch.setattr("organisations.listing.pagination.COUNT_AT_LEAST", 30)
    first = client.get(LIST_URL)
    assert "More than 30 organisations" in page_text(first)
    assert first.context["paginator"].more
    assert names(first)[0] == "Org 00"
    # Asking for a later page counts far enough to know it exists, and then all of them.
    third = client.get(LIST_URL, {"page": 3})
    assert names(third) == [f"Org {n:02d}" for n in range(40, 45)]
    assert "45 organisations" in page_text(third)
    beyond = client.get(LIST_URL, {"page": "9" * 400})
    assert names(beyond)[0] == "Org 40"
    assert "this is the last page, page 3" in page_text(beyond)


def test_a_card_shows_three_matching_services_and_counts_the_rest(client, urdu):
    organisation = OrganisationFactory(name="Large Trust")
    for n in range(5):
        ServiceFactory(organisation=organisation, name=f"Urdu service {n}", languages=[urdu])
    ServiceFactory(organisation=organisation, name="English service")
    text = page_text(client.get(LIST_URL, {"language": "ur"}))
    assert [f"Urdu service {n}" in text for n in range(5)] == [True, True, True, False, False]
    assert "5 of its 6 services match your choices." in text
    assert "See all 6 services" in text
