"""A repeat of a stored page answered before the rest of the middleware
(organisations/caching/replay.py): the same answer, byte for byte and header for header, and
never one the whole stack would not have given."""

import pytest
from django.test import Client

from organisations.caching import replay
from organisations.caching.versioning import directory_changed

from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .signin import sign_in_verified

PAGES = ["/", "/organisations/", "/organisations/?language=ur", "/organisations/sabr/"]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.DIRECTORY_PAGE_CACHE = True


@pytest.fixture
def listing(db, urdu):
    organisation = OrganisationFactory(name="Sabr Counselling", slug="sabr")
    return ServiceFactory(organisation=organisation, name="Women's line", languages=[urdu])


def replays(monkeypatch):
    """Count the answers replay.py gives from what it kept."""
    count = {"replayed": 0}
    real = replay._replayed

    def counting(stored):
        count["replayed"] += 1
        return real(stored)

    monkeypatch.setattr(replay, "_replayed", counting)
    return count


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("encoding", ["gzip, br", ""])
def test_a_repeat_is_the_same_answer_header_for_header(
    client, listing, monkeypatch, django_assert_num_queries, url, encoding
):
    count = replays(monkeypatch)
    first = client.get(url, HTTP_ACCEPT_ENCODING=encoding)  # made, stored, kept as it left
    assert count["replayed"] == 0
    with django_assert_num_queries(1):  # the directory's version, nothing else
        second = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
    assert count["replayed"] == 1
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert dict(second.items()) == dict(first.items())
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "ETag"):
        assert header in second
    assert ("Content-Encoding" in second) == bool(encoding)


def test_a_change_is_seen_at_once(client, listing, monkeypatch):
    count = replays(monkeypatch)
    for _ in range(3):
        client.get("/organisations/sabr/")
    assert count["replayed"] == 2
    listing.organisation.name = "Sabr Counselling Service"
    listing.organisation.save()  # moves the version (signals)
    text = client.get("/organisations/sabr/").content.decode()
    assert count["replayed"] == 2
    assert "Sabr Counselling Service" in text


def test_a_version_moved_elsewhere_is_seen_too(client, listing, monkeypatch):
    count = replays(monkeypatch)
    for _ in range(3):
        client.get("/")
    assert count["replayed"] == 2
    directory_changed()  # as another server would, in the database only
    client.get("/")
    assert count["replayed"] == 2
    client.get("/")
    assert count["replayed"] == 3


def test_a_host_the_stack_refuses_is_never_answered_from_it(client, listing):
    for _ in range(3):
        assert client.get("/", HTTP_HOST="testserver").status_code == 200
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_conditional_requests_take_the_whole_stack(client, listing, monkeypatch):
    count = replays(monkeypatch)
    etag = client.get("/").headers["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert count["replayed"] == 0


def test_pages_that_ignored_something_are_not_kept(client, listing, monkeypatch):
    count = replays(monkeypatch)
    for _ in range(3):
        response = client.get("/organisations/", {"language": "klingon"})
    assert "klingon" in response.content.decode()
    assert count["replayed"] == 0


def test_nothing_is_kept_with_the_page_cache_off(client, listing, monkeypatch, settings):
    settings.DIRECTORY_PAGE_CACHE = False
    count = replays(monkeypatch)
    for _ in range(3):
        client.get("/")
    assert count["replayed"] == 0


def test_a_signed_in_editor_gets_the_public_page_and_admin_is_never_kept(listing, monkeypatch):
    count = replays(monkeypatch)
    editor = sign_in_verified(Client(), UserFactory(is_staff=True, is_superuser=True))
    public = Client()
    public.get("/organisations/sabr/")
    page = editor.get("/organisations/sabr/")
    assert count["replayed"] == 1
    assert page.cookies == {}
    assert "Cookie" not in page.get("Vary", "")
    for _ in range(3):
        assert editor.get("/admin/").status_code == 200
    assert count["replayed"] == 1


def test_head_is_answered_from_a_get(client, listing, monkeypatch):
    count = replays(monkeypatch)
    client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert count["replayed"] == 1
