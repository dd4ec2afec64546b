"""Search: full-text with stemming and ranking on PostgreSQL, similar words, hostile input.

Tests marked ``postgres`` run in CI's PostgreSQL pass; the rest run on both databases.
"""

import pytest

from organisations.listing import search

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
def test_relevance_is_names_then_summaries_and_types_then_anywhere(client, db, counselling):
    """Every word in a service's names, then in its names, summary or type names, then anywhere;
    in name order within each group, and each organisation once, in its best group."""

    def service(organisation, **fields):
        return ServiceFactory(organisation=OrganisationFactory(name=organisation), **fields)

    service("Aardvark Place", description="Counselling when anxiety is hard.")  # anywhere
    service("Zed Anxiety Trust", name="Counselling")  # both words in its names
    service("Able Care", name="Anxiety group", service_types=[counselling])  # one in a type
    service("Moon Anxiety", name="Counselling", description="anxiety counselling")
    both = service("Bright Anxiety", name="Drop-in", description="counselling")  # anywhere...
    ServiceFactory(organisation=both.organisation, name="Anxiety counselling")  # ...and names
    summary = OrganisationFactory(name="Acorn", summary="Counselling for anxiety.")
    ServiceFactory(organisation=summary, name="Weekly")

    assert listed(client, {"q": "anxiety counselling"}) == [
        "Bright Anxiety",
        "Moon Anxiety",
        "Zed Anxiety Trust",
        "Able Care",
        "Acorn",
        "Aardvark Place",
    ]
    assert listed(client, {"q": "anxiety counselling", "sort": "name"}) == [
        "Aardvark Place",
        "Able Care",
        "Acorn",
        "Bright Anxiety",
        "Moon Anxiety",
        "Zed Anxiety Trust",
    ]


@postgres
def test_relevance_groups_with_facets_and_words_for_people(client, db, urdu, bengali):
    """Facets, and words that also match a prefix ("counsellor"), are checked on each
    candidate of the first group (listing.py, ListingTable._named)."""
    ServiceFactory(
        organisation=OrganisationFactory(name="Zed Counselling"), name="Anxiety", languages=[urdu]
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Bee Counselling"),
        name="Anxiety",
        languages=[bengali],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Aardvark"),
        description="anxiety counsellors",
        languages=[urdu],
    )
    assert listed(client, {"q": "anxiety counsellor", "language": "ur"}) == [
        "Zed Counselling",
        "Aardvark",
    ]
    assert listed(client, {"q": "anxiety counsellor"}) == [
        "Bee Counselling",
        "Zed Counselling",
        "Aardvark",
    ]
    assert listed(client, {"q": "the anxiety", "language": "bn"}) == ["Bee Counselling"]


@postgres
def test_the_groups_are_read_only_as_far_as_the_page_needs(db, directory):
    """ordered_ids(limit) takes the first organisations of the first groups, in order."""
    from organisations.listing.finders import ListingTableFinder
    from organisations.listing.request import parse
    from organisations.lookups import load_lookups

    finder = ListingTableFinder(parse("q=anxiety", load_lookups(1), version=1))
    everything = finder.ordered_ids(10)
    assert len(everything) == 2
    assert finder.ordered_ids(1) == everything[:1]


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
    # version, a new word's stems (in a transaction of its own with the trigram threshold set:
    # SAVEPOINT, SET LOCAL, the words, RELEASE here; BEGIN, ..., COMMIT when served),
    # organisations in order, their services, and for new cards three more
    with django_assert_max_num_queries(9):
        client.get(LIST_URL, {"q": "anxiety"})
    # and, when nothing matched, the search again with the nearest words
    with django_assert_max_num_queries(10):
        client.get(LIST_URL, {"q": "anxeity"})


@postgres
def test_a_search_is_skipped_only_when_a_word_is_in_no_listed_service(directory):
    """may_match is what lets a misspelled search skip the search as typed: a word that matches
    by its stem ("anxieties"), only by its prefix form ("counsellor") or is a stop word ("the")
    must never make it skip a search that would find something."""
    from organisations.caching.versioning import current_state

    version = current_state().version
    assert search.may_match("anxieties", version)
    assert search.may_match("counsellor", version)
    assert search.may_match("the anxiety", version)
    assert not search.may_match("anxeity", version)
    assert not search.may_match("anxiety zzqx", version)
