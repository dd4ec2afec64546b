"""Whole-page caching with exact invalidation, and conditional requests
(organisations/caching/pages.py)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from organisations.caching.versioning import current_state
from organisations.models import DirectoryVersion, Service

from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .signin import sign_in_verified

LIST_URL = "/organisations/"


def stored_pages():
    """The keys of the pages in the shared cache, whichever backend the settings chose: Redis
    when ``REDIS_URL`` is set (asked directly), otherwise LocMemCache (its own store)."""
    from django.core.cache import cache

    store = cache._cache
    if hasattr(store, "get_client"):  # Django's RedisCacheClient
        keys = (key.decode() for key in store.get_client().scan_iter(match="*:page:*"))
    else:
        keys = iter(store)
    return [key for key in keys if ":page:" in key]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.DIRECTORY_PAGE_CACHE = True


@pytest.fixture
def listing(db, urdu):
    organisation = OrganisationFactory(name="Sabr Counselling", slug="sabr")
    service = ServiceFactory(
        organisation=organisation, name="Women's line", languages=[urdu], hours="Mondays 10am"
    )
    return service


def test_a_repeat_request_is_served_from_the_cache_with_one_query(
    client, listing, django_assert_num_queries
):
    first = client.get(LIST_URL, {"language": "ur"})
    with django_assert_num_queries(1):  # the directory's version, nothing else
        second = client.get(LIST_URL, {"language": "ur"})
    assert second.status_code == 200
    assert second.content == first.content


@pytest.mark.parametrize("url", ["/organisations/sabr/", "/", "/urgent-help/"])
def test_other_public_pages_are_cached_too(client, listing, django_assert_num_queries, url):
    first = client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).content == first.content


def test_editing_a_listing_shows_on_the_next_request(client, listing):
    assert "Mondays 10am" in client.get("/organisations/sabr/").content.decode()
    assert "Mondays 10am" in client.get(LIST_URL).content.decode()
    listing.hours = "Tuesdays 2pm"
    listing.save()
    assert "Tuesdays 2pm" in client.get("/organisations/sabr/").content.decode()
    assert "Tuesdays 2pm" in client.get(LIST_URL).content.decode()


def test_changing_a_facet_shows_on_the_next_request(client, listing, bengali):
    assert "Bengali" not in client.get("/organisations/sabr/").content.decode()
    listing.languages.add(bengali)
    assert "Bengali" in client.get("/organisations/sabr/").content.decode()
    listing.languages.clear()
    assert "Urdu" not in client.get("/organisations/sabr/").content.decode()


def test_renaming_a_lookup_shows_on_the_next_request(client, listing, urdu):
    assert "Urdu" in client.get("/organisations/sabr/").content.decode()
    urdu.name = "Urdu (Pakistan)"
    urdu.save()
    assert "Urdu (Pakistan)" in client.get("/organisations/sabr/").content.decode()


def test_unpublishing_removes_the_page_at_once(client, listing):
    assert client.get("/organisations/sabr/").status_code == 200
    organisation = listing.organisation
    organisation.status = "draft"
    organisation.save()
    assert client.get("/organisations/sabr/").status_code == 404
    assert "Sabr Counselling" not in client.get(LIST_URL).content.decode()


def test_an_admin_action_shows_on_the_next_request(client, listing):
    user = UserFactory(is_staff=True, is_superuser=True)
    assert "Not yet verified" in client.get("/organisations/sabr/").content.decode()
    sign_in_verified(client, user)
    client.post(
        "/admin/organisations/organisation/",
        {"action": "mark_verified_today", "_selected_action": [listing.organisation.pk]},
    )
    client.logout()
    text = client.get("/organisations/sabr/").content.decode()
    assert "Not yet verified" not in text
    assert "Details last checked on" in text


def test_a_change_made_by_another_process_is_seen(client, listing):
    """Another worker or server changes data and the version in the database, not our cache."""
    client.get("/organisations/sabr/")
    with connection.cursor() as cursor:
        table = Service._meta.db_table
        cursor.execute(f"UPDATE {table} SET hours = %s WHERE id = %s", ["Fridays", listing.pk])
        cursor.execute(
            f"UPDATE {DirectoryVersion._meta.db_table} SET version = version + 1 WHERE id = 1"
        )
    assert "Fridays" in client.get("/organisations/sabr/").content.decode()


def test_seeding_and_migrating_move_the_version(db):
    before = current_state().version
    call_command("seed_directory", verbosity=0)
    after_seed = current_state().version
    assert after_seed > before
    call_command("migrate", verbosity=0)
    assert current_state().version > after_seed


def test_junk_parameters_share_the_clean_page(client, listing, django_assert_num_queries):
    first = client.get(LIST_URL, {"language": "ur"})
    with django_assert_num_queries(1):
        junk = client.get(LIST_URL, {"language": "ur", "utm_source": "x", "fbclid": "y"})
    assert junk.content == first.content


@pytest.mark.parametrize(
    "params",
    [{"language": "klingon"}, {"page": "99"}, {"page": "x"}, {"q": "y" * 300}],
)
def test_pages_that_ignored_something_are_never_cached(client, listing, params):
    client.get(LIST_URL, params)
    client.get(LIST_URL, params)
    assert stored_pages() == []
    client.get(LIST_URL, {"language": "ur"})
    assert len(stored_pages()) == 1  # the same request without the bad value is stored


def test_conditional_requests_get_304(client, listing, django_assert_num_queries):
    first = client.get("/organisations/sabr/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    with django_assert_num_queries(1):
        again = client.get("/organisations/sabr/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert (
        client.get("/organisations/sabr/", headers={"If-Modified-Since": last_modified}).status_code
        == 304
    )
    listing.hours = "Saturdays"
    listing.save()
    changed = client.get("/organisations/sabr/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_etag_differs_between_pages(client, listing):
    assert client.get(LIST_URL)["ETag"] != client.get(LIST_URL, {"language": "ur"})["ETag"]


def test_the_cache_can_be_turned_off(client, listing, settings, django_assert_num_queries):
    settings.DIRECTORY_PAGE_CACHE = False
    client.get(LIST_URL)
    with django_assert_num_queries(3):  # found and rendered again (the cards are reused)
        client.get(LIST_URL)


def test_the_version_moves_with_each_change(db):
    before = current_state()
    OrganisationFactory(last_verified=datetime.date(2026, 1, 1))
    after = current_state()
    assert after.version > before.version
    assert after.changed_at >= before.changed_at


def test_each_process_keeps_recent_pages_besides_the_shared_cache(
    client, listing, settings, django_assert_num_queries
):
    """A page this process served is served again without the shared cache (caching/pages.py), but
    only the last DIRECTORY_PAGES_KEPT of them, and only for the same version."""
    from django.core.cache import cache

    settings.DIRECTORY_PAGES_KEPT = 1
    client.get(LIST_URL)
    cache.clear()  # as if another server had emptied the shared cache
    with django_assert_num_queries(1):  # the version only
        assert "Sabr Counselling" in client.get(LIST_URL).content.decode()

    client.get(LIST_URL, {"language": "ur"})  # the one page kept is now this one
    cache.clear()
    with django_assert_num_queries(1):
        client.get(LIST_URL, {"language": "ur"})
    with django_assert_num_queries(3):  # rendered again: version, organisations, their services
        client.get(LIST_URL)

    listing.hours = "Tuesdays 2pm"
    listing.save()
    assert "Tuesdays 2pm" in client.get(LIST_URL).content.decode()


def test_cached_pages_are_sent_compressed_to_clients_that_accept_it(
    client, listing, django_assert_num_queries
):
    """Compressed once when stored, not on every request; the same page when unpacked."""
    import gzip

    plain = client.get(LIST_URL)
    assert "Content-Encoding" not in plain
    with django_assert_num_queries(1):
        packed = client.get(LIST_URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
    # The compressed bytes are the same page: a weak validator that still answers 304.
    assert packed["ETag"] == f"W/{plain['ETag']}"
    again = client.get(
        LIST_URL, headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]}
    )
    assert again.status_code == 304


def test_pages_outside_the_cache_are_compressed_by_the_middleware(client, listing):
    import gzip

    response = client.get(
        "/signposting/", {"service": listing.pk}, headers={"Accept-Encoding": "gzip"}
    )
    assert response["Content-Encoding"] == "gzip"
    assert "Women&#x27;s line" in gzip.decompress(response.content).decode()
