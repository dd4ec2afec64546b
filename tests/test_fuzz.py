"""Fuzz tests (issue 5, "Proof"): random and hostile query strings, paths and form bodies thrown at
every public URL and form with hypothesis.

Whatever arrives, a page answers without a server error (no 5xx), never echoes markup it was sent
(a ``<fz-...`` tag in the input is never in the page unescaped) and a form saves nothing it should
not. Query strings and paths are built as raw percent-encoded bytes, so they also carry NUL,
invalid UTF-8, UTF-8-encoded surrogates and strings of over 1,000 characters, which a browser
would never send but an attacker's script might.
"""

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from organisations import models
from organisations.suggestions.models import SubmissionCount, Suggestion

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Markup a page must never echo as markup. Any reflection must be escaped ("&lt;fz-"), so the raw
# "<fz-" never appears in a page, whichever of these (or what is left of it) was reflected.
MARKERS = [
    "<fz-tag>",
    '"><fz-attr x=1>',
    "'><fz-quote>",
    "</textarea><fz-textarea>",
    "<fz-script>alert(1)</fz-script>",
    "javascript:<fz-js>",
]
RAW_MARKER = re.compile(r"<\s*/?\s*fz-", re.IGNORECASE)

HOSTILE = [
    "",
    " ",
    "'",
    '"',
    "&",
    "|",
    "!",
    ":*",
    "\\",
    "\\\\'",
    "\x00",
    "a\x00b",
    "%",
    "%00",
    "%%",
    "' OR 1=1 --",
    "anxiety & | ! :* \\ 'x'",
    "!!!",
    "(((",
    "<->",
    "a:*b",
    "counsel* | therap*",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 25,
    "9" * 5000,
    "1" * 4301,
    "x" * 1500,
    "anxiety " * 300,
    "اردو",
    "বাংলা",
    "Zalgo z̷̢̛a̶̧l̴g̵o̶",
    "\u202e\u2066right-to-left",
    "\ufeff\u200b\u00a0",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
    "ﷺ",
    "\ud800",
    "a\udfffb",
    *MARKERS,
]

# Bytes that cannot be UTF-8 text: a lone surrogate (as UTF-8 would encode it), an invalid byte,
# a truncated sequence, an overlong "/".
BAD_BYTES = [b"\xed\xa0\x80", b"\xff", b"\xc3", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x00"]

LIST_PARAMS = [
    "q",
    "type",
    "language",
    "gender",
    "mode",
    "audience",
    "area",
    "cost",
    "faith",
    "near",
    "radius",
    "sort",
    "page",
]
KNOWN_VALUES = [
    "counselling",
    "helpline",
    "ur",
    "bn",
    "en",
    "female",
    "male",
    "phone",
    "online",
    "women",
    "london",
    "uk-wide",
    "free",
    "low-cost",
    "paid",
    "islamic",
    "faith-sensitive",
    "name",
    "recently-verified",
    "relevance",
    "1",
    "2",
    "50",
]

text_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(KNOWN_VALUES),
    st.text(max_size=60),
    st.text(min_size=1000, max_size=1200, alphabet=st.characters(codec="utf-8")),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.builds(
        lambda a, m, b: a + m + b,
        st.text(max_size=10),
        st.sampled_from(MARKERS),
        st.text(max_size=10),
    ),
)


def encode(value: str) -> bytes:
    """UTF-8, keeping lone surrogates as the bytes a careless encoder would send."""
    return value.encode("utf-8", "surrogatepass")


byte_values = st.one_of(
    text_values.map(encode),
    st.lists(st.sampled_from(BAD_BYTES), min_size=1, max_size=3).map(b"".join),
    st.binary(max_size=40),
)


def query_string(pairs) -> str:
    """A raw query string from (name, value bytes) pairs, percent-encoded as a client would."""
    return "&".join(
        f"{quote(name, safe='')}={quote_from_bytes(value, safe='')}" for name, value in pairs
    )


def list_pairs(names):
    return st.lists(st.tuples(names, byte_values), max_size=12)


list_query = list_pairs(st.one_of(st.sampled_from(LIST_PARAMS), st.text(max_size=12)))


class Tags(HTMLParser):
    """Every start and end tag's name in a page, as a browser's parser would read them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.names = set()
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)

    def handle_endtag(self, tag):
        self.names.add(tag)


def assert_safe(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what!r}"
    if response.status_code in (301, 302, 303, 307, 308):
        # Never a redirect to another site ("//evil.example" is one), never markup in it.
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert not RAW_MARKER.search(location), location
        return
    if response.status_code == 304:
        return
    body = response.content.decode("utf-8", "replace")
    assert not RAW_MARKER.search(body), f"markup reflected unescaped for {what!r}"
    assert not any(name.startswith("fz-") for name in Tags(body).names), what


def fresh_request_state():
    """Each example starts as a new visitor: no cached pages, no rate-limit count (in the cache
    with Redis, in the database without it: organisations/suggestions/limits.py)."""
    cache.clear()
    SubmissionCount.objects.all().delete()


@pytest.fixture
def directory(db):
    """The seeded directory: real organisations, services and every lookup value."""
    call_command("seed_directory", verbosity=0)
    organisation = models.Organisation.objects.filter(status="published").order_by("name").first()
    assert organisation is not None
    return organisation


@pytest.fixture
def client():
    return Client()


PUBLIC_PAGES = [
    "/",
    "/organisations/",
    "/urgent-help/",
    "/staying-safe-online/",
    "/about/",
    "/privacy/",
    "/accessibility/",
    "/signposting/",
    "/healthz",
]


@FUZZ
@given(query=list_query)
def test_the_list_survives_any_query_string(client, directory, query):
    qs = query_string(query)
    response = client.get("/organisations/", QUERY_STRING=qs)
    assert_safe(response, qs)
    assert_listed(client, response)


def assert_listed(client, response):
    """A list page, or (for a whole postcode in ``near``) a redirect to one at its district."""
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/organisations/?")
        followed = client.get(location)
        assert followed.status_code == 200, location
        return
    assert response.status_code == 200


# What people type for "near": postcodes and districts in any case and spacing, and near misses.
postcode_like = st.builds(
    lambda area, digits, tail, space, inward, case: case(f"{area}{digits}{tail}{space}{inward}"),
    st.sampled_from(["LS", "E", "EC", "W", "B", "BD", "CH", "JE", "GY", "IM", "ZZ", "Q", ""]),
    st.sampled_from(["1", "6", "10", "99", "0", "123", ""]),
    st.sampled_from(["", "A", "W", "%", "1"]),
    st.sampled_from(["", " ", "  ", "+", "\t", "-"]),
    st.sampled_from(["", "2AB", "1AA", "9ZZ", "2A", "AB2", "2ABC"]),
    st.sampled_from([str.upper, str.lower, str.title]),
)


@FUZZ
@given(
    near=st.one_of(postcode_like, st.text(max_size=20)),
    radius=st.one_of(
        st.sampled_from(["5", "10", "25", "50", "", "0", "-5", "25.0", "1e9", "ten"]),
        st.text(max_size=8),
    ),
    other=list_query,
)
def test_near_and_radius_survive_any_value(client, directory, near, radius, other):
    pairs = [("near", encode(near)), ("radius", encode(radius))]
    qs = query_string(pairs + other)
    response = client.get("/organisations/", QUERY_STRING=qs)
    assert_safe(response, qs)
    assert_listed(client, response)
    if response.status_code == 302:  # a whole postcode never stays in the address
        assert "near=" in response["Location"]
        assert re.search(r"near=[A-Za-z0-9]+(&|$)", response["Location"]), response["Location"]


@FUZZ
@given(
    query=st.lists(
        st.tuples(st.sampled_from(LIST_PARAMS), st.sampled_from(HOSTILE).map(encode)),
        min_size=1,
        max_size=6,
    )
)
def test_the_list_survives_hostile_values_in_every_parameter(client, directory, query):
    qs = query_string(query)
    response = client.get("/organisations/", QUERY_STRING=qs)
    assert_safe(response, qs)
    assert_listed(client, response)


@FUZZ
@given(
    ids=st.lists(
        st.one_of(
            byte_values,
            st.integers(min_value=-(10**25), max_value=10**25).map(lambda n: str(n).encode()),
        ),
        max_size=60,
    ),
    junk=list_pairs(st.text(max_size=8)),
)
def test_the_signposting_sheet_survives_any_service_values(client, directory, ids, junk):
    qs = query_string([("service", value) for value in ids] + junk)
    response = client.get("/signposting/", QUERY_STRING=qs)
    assert_safe(response, qs)
    assert response.status_code == 200


@FUZZ
@given(slug=st.one_of(st.text(max_size=80), st.sampled_from(HOSTILE)), bad=byte_values)
def test_organisation_pages_survive_any_slug(client, directory, slug, bad):
    for raw in (encode(slug), bad, encode(directory.slug) + bad):
        path = "/organisations/" + quote_from_bytes(raw, safe="") + "/"
        response = client.get(path)
        assert_safe(response, path)
        assert response.status_code in (200, 301, 302, 404), path


@FUZZ
@given(
    page=st.sampled_from(PUBLIC_PAGES),
    query=list_pairs(st.one_of(st.sampled_from(LIST_PARAMS), st.text(max_size=12))),
)
def test_every_public_page_survives_any_query_string(client, directory, page, query):
    qs = query_string(query)
    response = client.get(page, QUERY_STRING=qs)
    assert_safe(response, (page, qs))
    assert response.status_code == 200


@FUZZ
@given(
    segments=st.lists(
        st.one_of(
            byte_values,
            st.sampled_from(
                [b"organisations", b"admin", b"static", b"..", b".", b"", b"evil.example"]
            ),
        ),
        min_size=1,
        max_size=5,
    ),
    slash=st.booleans(),
)
def test_random_paths_are_never_a_server_error(client, directory, segments, slash):
    path = "/" + "/".join(quote_from_bytes(segment, safe="") for segment in segments)
    path += "/" if slash else ""
    response = client.get(path)
    assert_safe(response, path)


@FUZZ
@given(
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"]),
    page=st.sampled_from(PUBLIC_PAGES),
    body=byte_values,
)
def test_other_methods_on_public_pages_are_refused_politely(client, directory, method, page, body):
    response = client.generic(
        method, page, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_safe(response, (method, page))


# --- The public forms: "Suggest a change" and "Suggest an organisation" -------------------------

PROBLEMS = [name for name, _label in Suggestion.PROBLEMS]
VALID_EMAILS = ["", "name@example.org", "amina.k+directory@example.co.uk"]
INVALID_EMAILS = ["not-an-email", "a@", "@example.org", "<fz-tag>@example.org", "a b@example.org"]
SUGGESTION_FIELDS = [
    "problems",
    "details",
    "contact_email",
    "contact_consent",
    "homepage",
    "organisation_name",
    "organisation_website",
    "organisation",
    "status",
    "handled_by",
    "csrfmiddlewaretoken",
]
detail_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=80),
    st.text(min_size=1990, max_size=2010, alphabet="ab <>&\"'\n"),
    st.builds(lambda a, m: a + m, st.text(max_size=20), st.sampled_from(MARKERS)),
)
consents = st.sampled_from([None, "on", "1", "false"])
emails = st.one_of(st.sampled_from(VALID_EMAILS), st.sampled_from(VALID_EMAILS + INVALID_EMAILS))


def mostly_empty(values):
    """A honeypot left empty three times in four: robots are the exception."""
    return st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(values))


def saved_count():
    return Suggestion.objects.count()


def as_received(value):
    """What the server reads: a lone surrogate arrives as bytes that are not UTF-8, replaced."""
    return encode(value).decode("utf-8", "replace")


def post_form(client, path, data):
    """POST ``data`` as a browser would encode it (lone surrogates as raw bytes)."""
    fresh_request_state()  # a new visitor: the hourly limit is tested in its own tests
    before = saved_count()
    pairs = [
        (name, encode(value))
        for name, values in data.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    body = query_string(pairs).encode()
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert_safe(response, data)
    return response, saved_count() - before


def valid_text(value, limit):
    return "\x00" not in value and len(value.strip()) <= limit


def valid_contact(email, consent):
    if email.strip() not in VALID_EMAILS:
        return False
    return not email.strip() or consent in ("on", "1")


def sent_or_shown_again(response, saved, valid, robot):
    """Valid: saved once and sent on to the thank-you page. Robot: thanked, nothing saved.
    Invalid: the form again (200) with nothing saved."""
    event("robot" if robot else "valid" if valid else "invalid")
    if robot:
        assert (response.status_code, saved) == (302, 0)
    elif valid:
        assert (response.status_code, saved) == (302, 1), response.content.decode()[:2000]
        assert response["Location"].endswith("/suggestion-sent/")
    else:
        assert (response.status_code, saved) == (200, 0)


@FUZZ
@given(
    problems=st.one_of(
        st.lists(st.sampled_from(PROBLEMS), min_size=1, max_size=3),
        st.lists(st.one_of(st.sampled_from(PROBLEMS), st.sampled_from(HOSTILE)), max_size=4),
    ),
    details=detail_text,
    email=emails,
    consent=consents,
    honeypot=mostly_empty(["", " ", "http://spam.example", *MARKERS]),
)
def test_suggest_a_change_saves_only_a_valid_form(
    client, directory, problems, details, email, consent, honeypot
):
    data = {"details": details, "contact_email": email, "homepage": honeypot}
    if problems:
        data["problems"] = problems
    if consent is not None:
        data["contact_consent"] = consent
    path = f"/organisations/{directory.slug}/suggest-a-change/"
    response, saved = post_form(client, path, data)
    details = as_received(details)
    valid = (
        bool(problems)
        and set(problems) <= set(PROBLEMS)
        and valid_text(details, Suggestion.DETAILS_MAX_LENGTH)
        and valid_contact(email, consent)
        and not ("other_wrong" in problems and not details.strip())
    )
    sent_or_shown_again(response, saved, valid, robot=bool(honeypot.strip()))
    if saved:
        suggestion = Suggestion.objects.latest("pk")
        assert suggestion.organisation == directory
        assert suggestion.status == "new" and suggestion.handled_by is None
        assert sorted(suggestion.problem_labels()) == sorted(
            label for name, label in Suggestion.PROBLEMS if name in problems
        )
        assert suggestion.contact_consent == bool(email.strip())


@FUZZ
@given(
    name=detail_text,
    website=st.sampled_from(
        ["", "https://www.example.org", "example.org", "javascript:alert(1)", "http://", *MARKERS]
    ),
    details=detail_text,
    email=emails,
    consent=consents,
    honeypot=mostly_empty(["", "x", *MARKERS]),
)
def test_suggest_an_organisation_saves_only_a_valid_form(
    client, directory, name, website, details, email, consent, honeypot
):
    data = {
        "organisation_name": name,
        "organisation_website": website,
        "details": details,
        "contact_email": email,
        "homepage": honeypot,
    }
    if consent is not None:
        data["contact_consent"] = consent
    response, saved = post_form(client, "/suggest-an-organisation/", data)
    name, details = as_received(name), as_received(details)
    robot = bool(honeypot.strip())
    if not robot and response.status_code == 302:
        # Whether a web address is valid is Django's URLField's to say; these are the plain cases.
        assert website in ("", "https://www.example.org", "example.org"), website
    valid = (
        bool(name.strip())
        and valid_text(name, 200)
        and valid_text(details, Suggestion.DETAILS_MAX_LENGTH)
        and website in ("", "https://www.example.org", "example.org")
        and valid_contact(email, consent)
    )
    sent_or_shown_again(response, saved, valid, robot)
    if saved:
        suggestion = Suggestion.objects.latest("pk")
        assert suggestion.organisation is None
        assert suggestion.organisation_name == name.strip()
        assert suggestion.status == "new" and suggestion.handled_by is None


@FUZZ
@given(
    target=st.sampled_from(["change", "organisation"]),
    pairs=list_pairs(st.one_of(st.sampled_from(SUGGESTION_FIELDS), st.text(max_size=10))),
    raw=st.booleans(),
)
def test_the_forms_survive_any_body(client, directory, target, pairs, raw):
    """Any body at all, also raw bytes that are not UTF-8: never a server error, never markup
    echoed, and anything saved is a suggestion an editor could act on, never a handled one."""
    path = (
        f"/organisations/{directory.slug}/suggest-a-change/"
        if target == "change"
        else "/suggest-an-organisation/"
    )
    fresh_request_state()
    before = saved_count()
    if raw:
        body = query_string(pairs).encode()
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    else:
        data = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value.decode("utf-8", "replace"))
        response = client.post(path, data)
    assert_safe(response, pairs)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert saved_count() == before
    for suggestion in Suggestion.objects.all()[: saved_count() - before]:
        assert suggestion.status == "new" and suggestion.handled_by is None
        assert "\x00" not in suggestion.details + suggestion.organisation_name
        assert not suggestion.contact_email or suggestion.contact_consent
        if target == "change":
            assert suggestion.organisation == directory and suggestion.problem_labels()
        else:
            assert suggestion.organisation is None and suggestion.organisation_name.strip()


def test_the_forms_refuse_a_post_without_a_csrf_token(directory):
    client = Client(enforce_csrf_checks=True)
    data = {"problems": ["phone_wrong"], "details": "The number is 0800 000 0000."}
    response = client.post(f"/organisations/{directory.slug}/suggest-a-change/", data)
    assert response.status_code == 403
    assert saved_count() == 0


# --- the Open Referral UK feed (issue 14): JSON whatever arrives, never a server error ----------

FEED_LISTS = [
    "/api/oruk/services",
    "/api/oruk/service_at_locations",
    "/api/oruk/organizations",
    "/api/oruk/taxonomies",
    "/api/oruk/taxonomy_terms",
]
FEED_PARAMS = [
    "page",
    "per_page",
    "search",
    "text",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimum_age",
    "maximum_age",
    "format",
    "postcode",
    "proximity",
]


def assert_json_answer(response, what):
    assert response.status_code in (200, 400, 404), f"{response.status_code} for {what!r}"
    assert response["Content-Type"].startswith(("application/json", "application/x-ndjson"))
    if response.streaming:
        b"".join(response.streaming_content)


@FUZZ
@given(
    collection=st.sampled_from(FEED_LISTS),
    query=st.lists(
        st.tuples(
            st.sampled_from(FEED_PARAMS),
            st.one_of(st.sampled_from(HOSTILE).map(encode), byte_values),
        ),
        max_size=6,
    ),
)
def test_the_feed_survives_any_query_string(client, directory, collection, query):
    qs = query_string(query)
    assert_json_answer(client.get(collection, QUERY_STRING=qs), (collection, qs))


@FUZZ
@given(
    collection=st.sampled_from([path.rsplit("/", 1)[1] for path in FEED_LISTS]),
    identity=st.one_of(
        st.sampled_from(HOSTILE).map(encode),
        byte_values,
        st.uuids().map(lambda value: str(value).encode()),
    ),
)
def test_the_feed_survives_any_id(client, directory, collection, identity):
    path = f"/api/oruk/{collection}/" + quote_from_bytes(identity, safe="")
    response = client.get(path)
    assert_json_answer(response, path)
    assert response.status_code in (200, 404)


PROXIMITIES = ["", "0", "-1", "1", "5000", "5e3", "40000", "160000", "160001", "1e400", "nan",
               "inf", "-inf", "ten", " 100 "]  # fmt: skip


@FUZZ
@given(
    # Known districts and plain distances twice over, so about a quarter of cases measure.
    postcode=st.one_of(
        *[st.sampled_from(["LS6", "ls6 2ab", "LS2 7EW", "N1", "BD8"])] * 2,
        postcode_like,
        st.sampled_from(HOSTILE),
        st.text(max_size=12),
    ),
    proximity=st.one_of(
        st.sampled_from(PROXIMITIES),
        *[st.integers(1, 200_000).map(str)] * 2,
        st.floats().map(str),
        st.integers(-(10**6), 10**6).map(str),
        st.text(max_size=8),
    ),
)
def test_the_feed_near_a_postcode_answers_any_value_nearest_first_or_a_clear_error(
    client, directory, postcode, proximity
):
    """/service_at_locations?postcode=…&proximity=…: a page of venues in order of distance
    from the district's middle, or a 400 that says why, never a server error."""
    from organisations.near import distance, districts, postcodes

    if not models.Venue.objects.exists():  # once: the seeded directory has none
        for n, (postcode_at, latitude, longitude) in enumerate(
            [("LS6 2PY", 53.8139, -1.566), ("LS2 7EW", None, None), ("N1 0AA", 51.5362, -0.1)]
        ):
            directory.services.order_by("pk")[0].venues.add(
                models.Venue.objects.create(
                    organisation=directory,
                    address_1=f"{n} High Street",
                    town="Leeds",
                    postcode=postcode_at,
                    latitude=latitude,
                    longitude=longitude,
                )
            )
    pairs = [("postcode", encode(postcode)), ("proximity", encode(proximity))]
    qs = query_string(pairs)
    response = client.get("/api/oruk/service_at_locations", QUERY_STRING=qs)
    assert_json_answer(response, qs)
    body = json.loads(response.content)
    if response.status_code == 400:
        assert body["status"] == 400 and body["error"].strip()
        event("refused")
        return
    assert response.status_code == 200
    typed = postcodes.read(postcode)
    centre = districts.find(typed.district) if typed.district else None
    if centre is None:  # no postcode at all: every service-at-location, by service
        assert not postcode.strip()
        event("no postcode")
        return
    event("near")
    assert all(item["location"]["location_type"] == "physical" for item in body["contents"])
    miles = [
        distance.miles_between(
            (centre.latitude, centre.longitude),
            (item["location"]["latitude"], item["location"]["longitude"]),
        )
        for item in body["contents"]
    ]
    assert miles == sorted(miles)
    limit = float(proximity) if proximity.strip() else 40_000
    assert all(m * distance.METRES_PER_MILE <= limit * 1.0001 for m in miles)


# --- The importer: any record, any shape ------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
SERVICE_FIELDS = [
    "id", "name", "status", "description", "url", "email", "organization_id", "organization",
    "contacts", "attributes", "languages", "service_areas", "schedules", "cost_options",
    "last_modified", "phones", "fees",
]  # fmt: skip


@FUZZ
@given(
    replaced=st.dictionaries(st.sampled_from(SERVICE_FIELDS), JSON_VALUES, max_size=5),
    loose=st.lists(JSON_VALUES, max_size=3),
)
def test_the_importer_reports_any_record_and_never_raises(db, tmp_path, replaced, loose):
    from organisations.openreferral.importing import Importer

    organisation = {"id": "11111111-1111-4111-8111-111111111111", "name": "Harbour"}
    record = {
        "id": "00000000-0000-4000-8000-000000000001",
        "name": "Listening",
        "organization_id": organisation["id"],
        "organization": organisation,
        **replaced,
    }
    path = tmp_path / "fuzz.ndjson"
    lines = [json.dumps(value) for value in [record, *loose]] + ["{not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Importer("fuzz", dry_run=True).run([path])
    event("imported" if report.services.created else "skipped")
    assert report.lines()[-1].startswith("Services: ")
    assert report.services.created + report.services.skipped >= 1
