"""Search: full-text with stemming and ranking on PostgreSQL, similar words, hostile input.

Tests marked ``postgres`` run in CI's PostgreSQL pass; the rest run on both databases.
"""

import pytest

from organisations import search

from .factories import OrganisationFactory, ServiceFactory, ServiceTypeFactory
from .html import card_titles

LIST_URL = "/organisations/"
postgres = pytest.mark.postgres


def listed(client, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return card_titles(response)


@pytest.fixture
def directory(db, counselling):
    ServiceFactory(
        organisation=OrganisationFactory(name="Sakoon Care", summary="Islamic support."),
        name="Islamic counselling",
        service_types=[counselling],
    )
    ServiceFactory(
        organisation=OrganisationFactory(
            name="Family Bridges", description="We also talk about anxiety with parents."
        ),
        name="Parent sessions",
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Anxiety Support Circle"),
        name="Weekly group",
        description="A group for people living with anxiety.",
    )
    ServiceFactory(organisation=OrganisationFactory(name="Therapy Rooms"), name="Therapy")


# --- Both databases ------------------------------------------------------------------------------


def test_search_words_are_letters_and_digits_only():
    assert search.words("Anxiety & 'counselling' | !x:* \\ 2024_help") == [
        "anxiety",
        "counselling",
        "x",
        "2024",
        "help",
    ]


def test_the_query_is_built_from_words_and_the_roots_of_words_for_people():
    assert search.tsquery("counsellor") == "(counsellor | counsell:*)"
    assert search.tsquery("Therapists anxiety") == "(therapists | therap:*) & anxiety"
    assert search.tsquery("sad day") == "sad & day"
    assert search.tsquery("doer") == "doer"  # too short a root to mean anything
    assert search.tsquery("'&|!:*\\") == ""


@pytest.mark.parametrize(
    "q",
    [
        '"anxiety"',
        "anxiety & counselling",
        "a | b",
        "!anxiety",
        "anx:*",
        "back\\slash\\",
        "(((",
        "x" * 1000,
        "' OR 1=1 --",
        "\\x00",
        "😀 anxiety",
    ],
)
def test_hostile_searches_are_only_words(client, directory, q):
    response = client.get(LIST_URL, {"q": q})
    assert response.status_code == 200


def test_a_search_without_letters_or_numbers_is_ignored_and_named(client, directory):
    response = client.get(LIST_URL, {"q": "&&& | !!!"})
    assert "has no letters or numbers, so it was ignored" in response.content.decode()
    assert len(card_titles(response)) == 4


def test_anxiety_is_found_in_names_and_descriptions(client, directory):
    assert set(listed(client, {"q": "anxiety"})) == {"Anxiety Support Circle", "Family Bridges"}


# --- PostgreSQL full-text search -----------------------------------------------------------------


@postgres
def test_counsellor_finds_counselling(client, directory):
    assert listed(client, {"q": "counsellor"}) == ["Sakoon Care"]


@postgres
def test_therapist_finds_therapy(client, directory):
    assert listed(client, {"q": "therapist"}) == ["Therapy Rooms"]


@postgres
def test_results_are_ordered_by_relevance(client, directory):
    # A name match (weight A) ranks above a description match (weight C).
    assert listed(client, {"q": "anxiety"}) == ["Anxiety Support Circle", "Family Bridges"]


@postgres
def test_sort_is_still_honoured_when_asked_for(client, directory):
    assert listed(client, {"q": "anxiety", "sort": "name"}) == [
        "Anxiety Support Circle",
        "Family Bridges",
    ]
    ServiceFactory(organisation=OrganisationFactory(name="A Calm Place"), description="anxiety")
    assert listed(client, {"q": "anxiety", "sort": "name"})[0] == "A Calm Place"
    assert listed(client, {"q": "anxiety"})[0] == "Anxiety Support Circle"  # name match first


@postgres
def test_every_word_must_match_the_same_service(client, directory):
    assert listed(client, {"q": "islamic counselling"}) == ["Sakoon Care"]
    response = client.get(LIST_URL, {"q": "islamic anxiety"})  # no one service has both
    assert card_titles(response) == []
    assert "similar words" not in response.content.decode()  # both words are the directory's


@postgres
def test_type_names_are_searched(client, directory):
    assert listed(client, {"q": "Counselling"}) == ["Sakoon Care"]


@postgres
def test_search_vectors_follow_every_change(client, directory):
    organisation = OrganisationFactory(name="Quiet Place")
    service = ServiceFactory(organisation=organisation, name="Drop-in")
    assert listed(client, {"q": "bereavement"}) == []

    organisation.summary = "Support after bereavement."
    organisation.save()
    assert listed(client, {"q": "bereavement"}) == ["Quiet Place"]

    peer = ServiceTypeFactory(slug="peer-support", name="Peer support groups")
    service.service_types.add(peer)
    assert listed(client, {"q": "peer groups"}) == ["Quiet Place"]

    peer.name = "Mutual aid circles"
    peer.save()
    assert listed(client, {"q": "mutual aid"}) == ["Quiet Place"]
    service.service_types.remove(peer)
    assert "Quiet Place" not in listed(client, {"q": "mutual aid"})

    service.name = "Grief cafe"
    service.save()
    assert listed(client, {"q": "grief"}) == ["Quiet Place"]


@postgres
def test_misspellings_are_searched_as_the_nearest_words(client, directory):
    response = client.get(LIST_URL, {"q": "anxeity"})
    assert "Showing results for similar words: “anxiety”" in response.content.decode()
    assert card_titles(response) == ["Anxiety Support Circle", "Family Bridges"]
    assert listed(client, {"q": "islamik councelling"}) == ["Sakoon Care"]


@postgres
def test_exact_matches_do_not_say_similar_words(client, directory):
    assert "similar words" not in client.get(LIST_URL, {"q": "anxiety"}).content.decode()


@postgres
def test_nothing_alike_finds_nothing(client, directory):
    response = client.get(LIST_URL, {"q": "zzqx"})
    assert card_titles(response) == []
    assert "No organisations match" in response.content.decode()


@postgres
def test_search_combines_with_facets_on_postgresql(client, directory, urdu):
    ServiceFactory(
        organisation=OrganisationFactory(name="Urdu Anxiety Line"),
        name="Anxiety line",
        languages=[urdu],
    )
    assert listed(client, {"q": "anxiety", "language": "ur"}) == ["Urdu Anxiety Line"]


@postgres
def test_search_query_count_is_bounded(client, directory, django_assert_max_num_queries):
    client.get(LIST_URL)  # lookups read once
    # version, organisations in order, their services, and for new cards three more
    with django_assert_max_num_queries(6):
        client.get(LIST_URL, {"q": "anxiety"})
    # and, when nothing matched, the nearest words and the search again
    with django_assert_max_num_queries(8):
        client.get(LIST_URL, {"q": "anxeity"})
