"""Search in every interface language: a word in Urdu, Arabic, Bengali or Somali finds the services
whose types or languages are named by it, and a language's own name ("اردو") finds services in it.

On PostgreSQL the names are in each service's search document (migration 0013), kept true by
triggers; on SQLite every word is matched in the names' columns. Tests marked ``postgres`` run
in CI's PostgreSQL pass; the rest run on both databases.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from organisations.listing import search

from .factories import LanguageFactory, OrganisationFactory, ServiceFactory, ServiceTypeFactory
from .html import card_titles
from .test_migrations import database, manage, run  # noqa: F401 (database is a fixture)

LIST_URL = "/organisations/"
postgres = pytest.mark.postgres

COUNSELLING = {
    "name_ur": "کونسلنگ",
    "name_ar": "استشارة",
    "name_bn": "কাউন্সেলিং",
    "name_so": "La-taliye",
}
URDU = {
    "native_name": "اردو",
    "name_ur": "اردو",
    "name_ar": "الأردية",
    "name_bn": "উর্দু",
    "name_so": "Urduu",
}


# Whether the vector's function reads names with 'simple', and which of the triggers that
# recompute vectors exist: read by the last test, in a database of its own (test_migrations.py).
SEARCH_DEFINITION = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT prosrc FROM pg_proc WHERE proname = 'organisations_service_search_vector'"
    )
    source = cursor.fetchone()[0]
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ("
        "'organisations_language_renamed', 'organisations_servicetype_renamed', "
        "'organisations_service_languages_added', 'organisations_service_languages_removed'"
        ") ORDER BY tgname"
    )
    print(json.dumps(["'simple'" in source, [name for (name,) in cursor.fetchall()]]))
"""


@pytest.fixture(autouse=True)
def english_between_requests():
    """Lookups are made in English, whatever page a test asked for before: a request leaves its
    language active in the test's thread, and modeltranslation saves ``name`` to the active
    language's column."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def listed(client, q):
    response = client.get(LIST_URL, {"q": q})
    assert response.status_code == 200
    return card_titles(response)


@pytest.fixture
def counselling(db):
    return ServiceTypeFactory(slug="counselling", name="Counselling", **COUNSELLING)


@pytest.fixture
def urdu(db):
    return LanguageFactory(code="ur", name="Urdu", **URDU)


@pytest.fixture
def somali(db):
    return LanguageFactory(code="so", name="Somali", native_name="Soomaali", name_so="Soomaali")


@pytest.fixture
def directory(db, counselling, urdu):
    sakoon = ServiceFactory(
        organisation=OrganisationFactory(name="Sakoon Care", summary="Support for families."),
        name="Talking together",
        service_types=[counselling],
        languages=[urdu],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Open Door", summary="A drop-in for anyone."),
        name="Drop-in",
    )
    return sakoon


# --- Both databases ------------------------------------------------------------------------------


def test_words_keep_the_marks_written_on_their_letters():
    # Bengali's vowel signs and virama, and Arabic's vowel marks, are marks (Mn, Mc), not \w.
    assert search.words("কাউন্সেলিং সেবা") == ["কাউন্সেলিং", "সেবা"]
    assert search.words("اِسْتِشَارَة، اردو") == ["اِسْتِشَارَة", "اردو"]
    assert search.words("cafe\u0301 \u0301 -\u0301x") == ["cafe\u0301", "x"]  # a mark on nothing
    assert search.tsquery("কাউন্সেলিং & اردو") == "কাউন্সেলিং & اردو"


@pytest.mark.parametrize("language", ["name_ar", "name_ur", "name_bn"])
def test_a_type_is_found_by_its_name_in_every_language(client, directory, language):
    assert listed(client, COUNSELLING[language]) == ["Sakoon Care"]


def test_a_somali_type_name_is_found_by_its_words(client, directory):
    assert listed(client, "La-taliye") == ["Sakoon Care"]
    assert listed(client, "taliye") == ["Sakoon Care"]


@pytest.mark.parametrize("word", ["اردو", "الأردية", "উর্দু", "Urduu", "Urdu"])
def test_a_language_is_found_by_its_own_name_and_its_name_in_every_language(
    client, directory, word
):
    assert listed(client, word) == ["Sakoon Care"]


def test_a_word_in_another_script_combines_with_english_words(client, directory):
    assert listed(client, "استشارة families") == ["Sakoon Care"]
    assert listed(client, "استشارة drop-in") == []


@pytest.mark.parametrize("word", ["بيت", "গ্রাম", "Guriga"])
def test_an_unrelated_word_finds_nothing(client, directory, word):
    assert listed(client, word) == []


def test_a_renamed_translation_is_found_and_the_old_one_is_not(client, directory, counselling):
    assert listed(client, "استشارة") == ["Sakoon Care"]
    counselling.name_ar = "إرشاد"  # as admin saves it
    counselling.save()
    assert listed(client, "إرشاد") == ["Sakoon Care"]
    assert listed(client, "استشارة") == []


def test_a_renamed_language_is_found_by_its_new_names(client, directory, urdu):
    urdu.native_name = "زبانِ اردو"
    urdu.name_bn = "উর্দু ভাষা"
    urdu.save()
    assert listed(client, "زبانِ") == ["Sakoon Care"]
    assert listed(client, "ভাষা") == ["Sakoon Care"]


def test_adding_and_removing_a_language_changes_what_finds_a_service(
    client, directory, urdu, somali
):
    service = ServiceFactory(organisation=OrganisationFactory(name="Hooyo Centre"), name="Help")
    assert listed(client, "Soomaali") == []

    service.languages.add(somali, urdu)
    assert listed(client, "Soomaali") == ["Hooyo Centre"]
    assert listed(client, "اردو") == ["Hooyo Centre", "Sakoon Care"]

    service.languages.remove(urdu)
    assert listed(client, "اردو") == ["Sakoon Care"]
    assert listed(client, "Soomaali") == ["Hooyo Centre"]

    service.languages.clear()
    assert listed(client, "Soomaali") == []


def test_the_search_does_not_depend_on_the_pages_language(client, directory):
    """The same words find the same services on the Arabic list as on the English one."""
    response = client.get("/ar" + LIST_URL, {"q": "استشارة"})
    if response.status_code == 404:
        pytest.skip("the /ar/ prefix is not wired")
    assert card_titles(response) == ["Sakoon Care"]
    assert card_titles(client.get("/ar" + LIST_URL, {"q": "counselling"})) == ["Sakoon Care"]
    assert card_titles(client.get("/ur" + LIST_URL, {"q": "الأردية"})) == ["Sakoon Care"]


# --- PostgreSQL: the documents and their triggers ------------------------------------------------


def _documents(service):
    """The service's search_vector and its listing row's document, as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.search_vector::text, l.document::text FROM organisations_service s "
            "LEFT JOIN organisations_listing l ON l.service_id = s.id WHERE s.id = %s",
            [service.pk],
        )
        return cursor.fetchone()


@postgres
def test_the_names_are_in_the_document_at_weight_b(directory):
    vector, document = _documents(directory)
    assert document == vector
    for lexeme in ["استشارة", "کونسلنگ", "কাউন্সেলিং", "اردو", "الأردية", "উর্দু", "urduu", "urdu"]:
        assert f"'{lexeme}':" in vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_filter(document, '{b}') @@ to_tsquery('english', %s), "
            "names @@ to_tsquery('english', %s) "
            "FROM organisations_listing WHERE service_id = %s",
            ["استشارة & اردو", "استشارة", directory.pk],
        )
        assert cursor.fetchone() == (True, False)


@postgres
def test_a_new_language_is_in_the_listing_document_when_the_link_is_made(directory, somali):
    """The listing's own trigger on the link table copies the service's vector before 0013's
    recomputes it; the recomputing UPDATE then refreshes the listing row again."""
    directory.languages.add(somali)
    vector, document = _documents(directory)
    assert "'soomaali':" in vector
    assert document == vector
    directory.languages.remove(somali)
    vector, document = _documents(directory)
    assert "'soomaali':" not in vector
    assert document == vector


@postgres
def test_the_listing_triggers_fire_before_the_vectors_and_the_vectors_refresh_it(db):
    """Statement triggers on one table fire in order of name: the listing's first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = 'organisations_service_languages'::regclass AND NOT tgisinternal "
            "ORDER BY tgname"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "organisations_listing_added",
            "organisations_listing_removed",
            "organisations_service_languages_added",
            "organisations_service_languages_removed",
        ]


@postgres
@pytest.mark.parametrize(
    "word", ["কাউন্সেলিং", "উর্দু", "পরামর্শ", "স্বাস্থ্য", "اِسْتِشَارَة", "کونسلنگ", "زبانِ"]
)
def test_words_with_marks_are_read_alike_in_documents_and_searches(db, word):
    """Bengali's vowel signs and virama are marks: where PostgreSQL's parser splits a word at
    them, to_tsquery makes a phrase of the parts and the document holds the same split, so the
    word still matches as written (on a UTF-8 server each of these is one token)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('simple', %s) @@ to_tsquery('english', %s)",
            [f"{word} সেবা", search.tsquery(word)],
        )
        assert cursor.fetchone() == (True,)


@postgres
def test_a_word_in_another_script_is_known_to_the_directory(directory):
    from organisations.caching.versioning import current_state

    version = current_state().version
    assert search.may_match("استشارة", version)
    assert search.may_match("কাউন্সেলিং families", version)
    assert not search.may_match("بيت", version)
    # One lexeme each, so the first group of a search walks their runs (finders.py, _named).
    assert search.exact_words("استشارة اردو", version) == (["استشارة", "اردو"], True)


@postgres
def test_the_migration_is_undone_and_done_again(database):  # noqa: F811
    def definition():
        return run(database, SEARCH_DEFINITION)

    manage(database, "migrate", "--no-input")
    assert definition() == [
        True,
        [
            "organisations_language_renamed",
            "organisations_service_languages_added",
            "organisations_service_languages_removed",
            "organisations_servicetype_renamed",
        ],
    ]
    manage(database, "migrate", "--no-input", "organisations", "0012")
    assert definition() == [False, ["organisations_servicetype_renamed"]]
    manage(database, "migrate", "--no-input", "organisations")
    assert definition()[0] is True
