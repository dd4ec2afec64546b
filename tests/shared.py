"""What every test shares, in tests/ and bench/tests/ alike (a pytest plugin: pyproject.toml's
``-p tests.shared``): static files collected, plain HTTP, the page cache off, empty caches for each
test, the PostgreSQL-only tests skipped on SQLite, and lookup values many tests use."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

# Tables outside Django's models (migrations 0006, 0007 and 0018, PostgreSQL only) that the flush
# after each transactional test does not empty, their triggers not firing on TRUNCATE: the tests
# that commit data (browser tests, servers, PgBouncer) empty them themselves.
LISTING_TABLES = (
    "organisations_listing, organisations_listing_word, organisations_searchword, "
    "organisations_listing_place"
)


def limit_client_id(address):
    """The suggestion limit's name for a client at ``address`` (limits.client_id, keyed by this
    process's secret key)."""
    from organisations.suggestions.limits import client_id

    class Request:
        META = {"REMOTE_ADDR": address}

    return client_id(Request())


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
    """Pages are rendered with the production static storage (hashed names), so collect first."""
    with django_db_blocker.unblock():
        call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Tests look at what a page renders; tests/test_cache.py turns the page cache on."""
    settings.DIRECTORY_PAGE_CACHE = False


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and the live server speak plain HTTP, as `make serve` does: no redirect to
    HTTPS, plain cookies. For the whole session, before the live server builds its middleware
    (SecurityMiddleware reads SECURE_SSL_REDIRECT once). tests/test_headers.py checks the
    production settings themselves."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SESSION_COOKIE_NAME="sessionid",
        CSRF_COOKIE_NAME="csrftoken",
    ):
        yield


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with empty caches: a rolled-back test reuses the directory's version
    numbers, so nothing kept for a version by an earlier test may be found. With ``REDIS_URL``
    set, ``cache.clear()`` empties that whole Redis database (FLUSHDB): point the tests at one
    that holds nothing else (.ci/with-redis uses database 13)."""
    from django.core.cache import cache

    from organisations.caching import memo

    cache.clear()
    memo.forget()
    yield
    cache.clear()
    memo.forget()


def make():
    """tests/factories.py, imported once Django is set up (this plugin is loaded before)."""
    from tests import factories

    return factories


@pytest.fixture
def urdu(db):
    return make().LanguageFactory(code="ur", name="Urdu", native_name="اردو")


@pytest.fixture
def bengali(db):
    return make().LanguageFactory(code="bn", name="Bengali", native_name="বাংলা")


@pytest.fixture
def english(db):
    return make().LanguageFactory(code="en", name="English", native_name="English")


@pytest.fixture
def female(db):
    return make().PractitionerGenderFactory(slug="female")


@pytest.fixture
def male(db):
    return make().PractitionerGenderFactory(slug="male")


@pytest.fixture
def uk_wide(db):
    return make().AreaFactory(slug="uk-wide", name="UK-wide", is_national=True)


@pytest.fixture
def london(db):
    return make().AreaFactory(slug="london", name="London")


@pytest.fixture
def phone(db):
    return make().DeliveryModeFactory(slug="phone", name="Phone")


@pytest.fixture
def counselling(db):
    return make().ServiceTypeFactory(slug="counselling", name="Counselling")


@pytest.fixture
def helpline(db):
    return make().ServiceTypeFactory(slug="helpline", name="Helpline")


@pytest.fixture
def women(db):
    return make().AudienceFactory(slug="women", name="Women")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run only on PostgreSQL (DATABASE_URL=postgres://...; make
    test-postgres)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def redis_server():
    """A real redis-server of the test's own, on its own port (tests/redis_server.py)."""
    from tests.redis_server import RedisServer

    with RedisServer() as server:
        yield server
