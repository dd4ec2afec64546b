"""The Open Referral UK feed at /api/oruk/ (issue 14, DESIGN.md §9), tested as conformance
checkers test a feed: the root, then page 1, the middle and the last page of every list, and up to
10 random ids of each at /{collection}/{id}, every response validated against the UK schemas that
the published API description names, with its ``$ref``s mapped to the copies in the repository.
"""

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from organisations import models
from organisations.near import distance, districts
from organisations.openreferral import vocabulary
from organisations.openreferral.serialise import pair_id
from tests.factories import OrganisationFactory, ServiceFactory

STANDARD = Path(__file__).resolve().parent.parent / "organisations" / "openreferral" / "standard"
OPENAPI = json.loads((STANDARD / "openapi-3.0-published.json").read_text())
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
BASE = "/api/oruk"
# Each collection and the schemas of its list's items and of one item, as the published
# description names them; /organizations is not in it, and takes the profile's own schemas.
COLLECTIONS = {
    "services": ("compiled/service_list.json", "compiled/service.json"),
    "service_at_locations": ("compiled/service_at_location_list.json", "compiled/service.json"),
    "taxonomies": ("taxonomy.json", "taxonomy.json"),
    "taxonomy_terms": ("taxonomy_term.json", "taxonomy_term.json"),
    "organizations": ("compiled/organization_list.json", "compiled/organization.json"),
}


def _registry():
    resources = []
    for path in STANDARD.glob("*.json"):
        contents = json.loads(path.read_text())
        resource = Resource.from_contents(contents, default_specification=_draft())
        resources.append((REMOTE + path.name, resource))
        resources.append((REMOTE + "compiled/" + path.name, resource))
    return Registry().with_resources(resources)


def _draft():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


REGISTRY = _registry()


def validator(ref):
    return Draft202012Validator(
        {"$ref": REMOTE + ref},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(instance, ref):
    errors = sorted(validator(ref).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def assert_no_empty_values(value, where="$"):
    """A field without a value is left out: never null, "" or an empty list."""
    if isinstance(value, dict):
        for name, item in value.items():
            assert item is not None and item != "" and item != [], f"{where}.{name} is {item!r}"
            assert_no_empty_values(item, f"{where}.{name}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            assert_no_empty_values(item, f"{where}[{n}]")


def test_the_published_description_names_the_schemas_mapped_here():
    """The collections above are the description's: if it changes, so must they."""
    for collection, (item, one) in COLLECTIONS.items():
        if collection == "organizations":
            continue
        listed = OPENAPI["paths"][f"/{collection}"]["get"]["responses"]["200"]["content"]
        schema = listed["application/json"]["schema"]["properties"]["contents"]["items"]["$ref"]
        assert schema == REMOTE + item
        single = OPENAPI["paths"][f"/{collection}/{{id}}"]["get"]["responses"]["200"]["content"]
        assert single["application/json"]["schema"]["$ref"] == REMOTE + one


# --- a directory to harvest ------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """The seeded directory with every organisation published, and enough more for lists of
    several pages: services with every facet, contact details, hours, costs; plus a draft
    organisation and an inactive service, which must never appear."""
    call_command("seed_directory", verbosity=0)
    models.Organisation.objects.update(status=models.Organisation.Status.PUBLISHED)
    chooser = random.Random(14)
    lookups = {
        relation: list(model.objects.all())
        for relation, model in [
            ("service_types", models.ServiceType),
            ("delivery_modes", models.DeliveryMode),
            ("languages", models.Language),
            ("practitioner_genders", models.PractitionerGender),
            ("audiences", models.Audience),
            ("areas", models.Area),
        ]
    }
    for n in range(60):
        organisation = OrganisationFactory(
            name=f"Harvest organisation {n:03d}",
            description=f"Organisation {n} helps people.",
            website=f"https://org{n}.example.org.uk/",
            charity_number=str(1100000 + n) if n % 3 else "",
            last_verified=None if n % 2 else date(2026, 10, 1) - timedelta(days=n),
        )
        for m in range(2):
            ServiceFactory(
                organisation=organisation,
                name=f"Service {m} of {n}",
                description="Listening support." if m else "",
                phone="0800 123 4567" if n % 4 == 0 else "",
                hours="Monday to Friday, 9am to 5pm" if n % 5 == 0 else "",
                cost=chooser.choice(models.Service.Cost.values),
                cost_note="Donations welcome" if n % 7 == 0 else "",
                faith_approach=chooser.choice(models.Service.FaithApproach.values),
                referral=chooser.choice(models.Service.Referral.values),
                **{
                    relation: chooser.sample(values, chooser.randint(0, min(3, len(values))))
                    for relation, values in lookups.items()
                },
            )
    hidden = OrganisationFactory(name="Draft organisation", status="draft")
    hidden_service = ServiceFactory(organisation=hidden, name="Service of a draft")
    closed = ServiceFactory(
        organisation=models.Organisation.objects.first(), name="Closed", is_active=False
    )
    # Venues: a service of every fifth organisation at one of these (every fifteenth at two),
    # some placed by their postcode district alone; the draft's and the closed service's too.
    harvest = list(models.Organisation.objects.filter(name__startswith="Harvest").order_by("name"))
    for n, organisation in enumerate(harvest[::5]):
        place = PLACES[n % len(PLACES)]
        venue = make_venue(organisation, *place, accessibility="Step-free." if n % 2 else "")
        services = list(organisation.services.order_by("name"))
        services[0].venues.add(venue)
        if n % 3 == 0:
            services[1].venues.add(venue, make_venue(organisation, *PLACES[(n + 1) % len(PLACES)]))
    hidden_service.venues.add(make_venue(hidden, *PLACES[0], name="Hidden hall"))
    closed.venues.add(make_venue(closed.organisation, *PLACES[1], name="Closed hall"))
    return lookups


# (address_1, town, postcode, latitude, longitude); None: the district's middle.
PLACES = [
    ("12 Woodhouse Street", "Leeds", "LS6 2PY", 53.8139, -1.5660),
    ("3 Park Lane", "Leeds", "LS2 7EW", None, None),
    ("1 Upper Street", "London", "N1 0AA", 51.5362, -0.1033),
    ("2 Park Street", "Bristol", "BS1 5JG", 51.4545, -2.5970),
    ("40 Sauchiehall Street", "Glasgow", "G2 3AB", None, None),
]


def make_venue(organisation, address_1, town, postcode, latitude, longitude, **fields):
    fields.setdefault("name", f"{town} centre of {organisation.name}")
    return models.Venue.objects.create(
        organisation=organisation,
        address_1=address_1,
        town=town,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        **fields,
    )


def get_json(client, path, **extra):
    response = client.get(path, **extra)
    assert response["Content-Type"] == "application/json", (path, response.status_code)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response
    return response, json.loads(response.content)


# --- as a checker harvests it ----------------------------------------------------------------


def test_the_root_answers_with_and_without_a_slash_and_names_the_description(client, db):
    for path in (BASE, BASE + "/"):
        response, body = get_json(client, path)
        assert response.status_code == 200
        assert body["version"] == "HSDS-UK-3.0"
        assert body["profile"].startswith("https://")
        assert body["openapi_url"] == "http://testserver/api/oruk/openapi.json"
    response, description = get_json(client, "/api/oruk/openapi.json")
    assert description == OPENAPI


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_page_and_item_validates_as_checkers_validate_them(client, directory, collection):
    item_schema, one_schema = COLLECTIONS[collection]
    _response, first = get_json(client, f"{BASE}/{collection}?page=1")
    assert first["total_items"] > 0, "an empty list is a checker's warning"
    last = first["total_pages"]
    ids = []
    for number in sorted({1, (last + 1) // 2, last}):
        response, page = get_json(client, f"{BASE}/{collection}?page={number}")
        assert response.status_code == 200
        assert page["page_number"] == number
        assert page["first_page"] is (number == 1) and page["last_page"] is (number == last)
        assert page["size"] == len(page["contents"]) > 0
        for item in page["contents"]:
            assert_valid(item, item_schema)
            assert_no_empty_values(item)
            ids.append(item["id"])
    assert len(ids) == len(set(ids))
    for identity in random.Random(collection).sample(ids, min(10, len(ids))):
        response, item = get_json(client, f"{BASE}/{collection}/{identity}")
        assert response.status_code == 200
        assert item["id"] == identity
        assert_valid(item, one_schema)
        assert_no_empty_values(item)


def test_lists_are_paged_in_a_stable_order_that_covers_everything_once(client, directory):
    _response, first = get_json(client, f"{BASE}/services?per_page=7")
    seen = []
    for number in range(1, first["total_pages"] + 1):
        _response, page = get_json(client, f"{BASE}/services?per_page=7&page={number}")
        seen.extend(item["id"] for item in page["contents"])
    public = models.Service.objects.public().order_by("pk").values_list("uuid", flat=True)
    assert seen == [str(identity) for identity in public]
    assert first["total_items"] == len(seen) == 138  # 18 seeded, 120 made above


def test_a_service_at_a_location_carries_the_name_and_status_the_description_asks_for(
    client, directory
):
    """The published description's defect: /service_at_locations/{id} is declared to answer
    the service schema, which requires name and status: both are added."""
    _response, page = get_json(client, f"{BASE}/service_at_locations?per_page=200")
    kinds = {}
    for item in page["contents"]:
        kind = item["location"]["location_type"]
        if len(kinds.setdefault(kind, [])) < 5:
            kinds[kind].append(item)
    assert set(kinds) == {"virtual", "physical"}
    for item in kinds["virtual"] + kinds["physical"]:
        _response, one = get_json(client, f"{BASE}/service_at_locations/{item['id']}")
        assert_valid(one, "compiled/service.json")
        assert_valid(one, "compiled/service_at_location.json")
        service = models.Service.objects.get(uuid=one["service_id"])
        assert (one["name"], one["status"]) == (service.name, "active")
        assert one["location"]["location_type"] == item["location"]["location_type"]
        assert one["service"]["id"] == str(service.uuid)
        if one["location"]["location_type"] == "virtual":
            modes = set(service.delivery_modes.values_list("slug", flat=True))
            assert modes - {"in-person"}, "only a service reached remotely is virtual"
        else:
            venue = service.venues.get(uuid=one["location_id"])
            assert one["location"]["id"] == str(venue.uuid)
            assert one["location"]["addresses"][0]["postal_code"] == venue.postcode


# --- what it holds ---------------------------------------------------------------------------


def test_only_published_organisations_and_their_active_services_are_in_it(client, directory):
    _response, page = get_json(client, f"{BASE}/services?per_page=200")
    names = {item["name"] for item in page["contents"]}
    assert "Service of a draft" not in names and "Closed" not in names
    for service in models.Service.objects.exclude(pk__in=models.Service.objects.public()):
        response, body = get_json(client, f"{BASE}/services/{service.uuid}")
        assert response.status_code == 404 and body["error"]
    draft = models.Organisation.objects.get(name="Draft organisation")
    response, _body = get_json(client, f"{BASE}/organizations/{draft.uuid}")
    assert response.status_code == 404
    _response, organisations = get_json(client, f"{BASE}/organizations?per_page=200")
    assert "Draft organisation" not in {item["name"] for item in organisations["contents"]}


def test_a_service_in_full(client, settings, directory):
    settings.DIRECTORY_ASSURER_EMAIL = "listings@directory.example.org"
    service = (
        models.Service.objects.public()
        .filter(organisation__name__startswith="Harvest", phone__gt="", hours__gt="")
        .exclude(organisation__last_verified=None)
        .exclude(languages=None)
        .exclude(areas=None)
        .first()
    )
    _response, body = get_json(client, f"{BASE}/services/{service.uuid}")
    organisation = service.organisation
    assert body["organization_id"] == body["organization"]["id"] == str(organisation.uuid)
    assert body["contacts"][0]["phones"][0]["number"] == "0800 123 4567"
    assert body["assured_date"] == organisation.last_verified.isoformat()
    assert body["assurer_email"] == "listings@directory.example.org"
    assert body["last_modified"].endswith("Z")
    assert body["schedules"][0]["description"] == service.hours
    languages = {(item["name"], item["code"]) for item in body["languages"]}
    assert languages == {(language.name, language.code) for language in service.languages.all()}
    areas = {area.slug for area in service.areas.all()}
    for area in body["service_areas"]:
        code = vocabulary.ONS_CODES[models.Area.objects.get(name=area["name"]).slug]
        assert area["extent"] == code and area["uri"].endswith(code)
    assert len(body["service_areas"]) == len(areas)
    tagged = {item["taxonomy_term"]["term"] for item in body["attributes"]}
    for relation in ("service_types", "delivery_modes", "audiences", "practitioner_genders"):
        assert {item.key for item in getattr(service, relation).all()} <= tagged
    if service.cost != "not-stated":
        assert service.cost in tagged
    for attribute in body["attributes"]:
        term = attribute["taxonomy_term"]
        assert attribute["taxonomy_term_id"] == term["id"]
        assert term["term_uri"].startswith("http://testserver/")


def test_a_listing_never_checked_has_no_assurance(client, directory):
    service = models.Service.objects.public().filter(organisation__last_verified=None).first()
    _response, body = get_json(client, f"{BASE}/services/{service.uuid}")
    assert "assured_date" not in body and "assurer_email" not in body


def test_no_phone_is_published_that_the_site_does_not_show(client, directory):
    _response, page = get_json(client, f"{BASE}/services?per_page=200")
    for item in page["contents"]:
        _response, body = get_json(client, f"{BASE}/services/{item['id']}")
        service = models.Service.objects.get(uuid=item["id"])
        numbers = [p["number"] for c in body.get("contacts", []) for p in c["phones"]]
        assert numbers == ([service.contact_phone] if service.contact_phone else [])
        assert body.get("email", "") == service.contact_email
        assert body.get("url", "") == service.contact_url


def test_ids_stay_the_same_when_a_listing_changes(client, directory):
    service = models.Service.objects.public().first()
    _response, before = get_json(client, f"{BASE}/services/{service.uuid}")
    service.name = "A new name"
    service.save()
    _response, after = get_json(client, f"{BASE}/services/{service.uuid}")
    assert after["name"] == "A new name"
    assert after["id"] == before["id"]
    assert [a["id"] for a in after.get("attributes", [])] == [
        a["id"] for a in before.get("attributes", [])
    ]


def test_taxonomies_one_per_facet_with_their_terms(client, directory):
    _response, page = get_json(client, f"{BASE}/taxonomies")
    assert [item["name"] for item in page["contents"]] == [t.name for t in vocabulary.TAXONOMIES]
    languages = vocabulary.BY_PARAM["language"]
    _response, taxonomy = get_json(client, f"{BASE}/taxonomies/{languages.id}")
    codes = {term["term"] for term in taxonomy["taxonomy_terms"]}
    assert codes == set(models.Language.objects.values_list("code", flat=True))
    counselling = models.ServiceType.objects.get(slug="counselling")
    _response, term = get_json(client, f"{BASE}/taxonomy_terms/{counselling.uuid}")
    assert term["term_uri"] == "http://testserver/organisations/?type=counselling"


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "per_page", "page"),
    [
        ("", 50, 1),
        ("?per_page=200", 200, 1),
        ("?per_page=1000", 200, 1),
        ("?per_page=0", 50, 1),
        ("?per_page=-5&page=-1", 50, 1),
        ("?per_page=abc&page=xyz", 50, 1),
        ("?per_page=1e3&page=2.5", 50, 1),
        ("?page=99999999999999999999999", 50, 1),
        ("?page=3", 50, 3),
    ],
)
def test_bad_paging_falls_back_to_the_defaults(client, directory, query, per_page, page):
    response, body = get_json(client, f"{BASE}/services{query}")
    assert response.status_code == 200
    assert body["page_number"] == page
    assert body["size"] == min(per_page, max(0, body["total_items"] - (page - 1) * per_page))


def test_a_page_past_the_end_is_empty_not_an_error(client, directory):
    response, body = get_json(client, f"{BASE}/services?page=500")
    assert response.status_code == 200
    assert body["empty"] is True and body["contents"] == [] and body["last_page"] is True


def test_search_and_its_alias_text(client, directory):
    _response, searched = get_json(client, f"{BASE}/services?search=Harvest+organisation+007")
    _response, texted = get_json(client, f"{BASE}/services?text=Harvest+organisation+007")
    assert searched == texted
    assert {item["organization"]["name"] for item in searched["contents"]} == {
        "Harvest organisation 007"
    }


def test_filters_by_term_taxonomy_organisation_and_modification(client, directory):
    counselling = models.ServiceType.objects.get(slug="counselling")
    _response, body = get_json(
        client, f"{BASE}/services?per_page=200&taxonomy_term_id={counselling.uuid}"
    )
    expected = models.Service.objects.public().filter(service_types=counselling)
    assert {item["id"] for item in body["contents"]} == {str(s.uuid) for s in expected}

    free = vocabulary.made_id("term", "cost", "free")
    _response, body = get_json(client, f"{BASE}/services?per_page=200&taxonomy_term_id={free}")
    expected = models.Service.objects.public().filter(cost="free")
    assert {item["id"] for item in body["contents"]} == {str(s.uuid) for s in expected}

    genders = vocabulary.BY_PARAM["gender"]
    _response, body = get_json(client, f"{BASE}/services?per_page=200&taxonomy_id={genders.id}")
    expected = models.Service.objects.public().exclude(practitioner_genders=None)
    assert {item["id"] for item in body["contents"]} == {str(s.uuid) for s in expected}

    organisation = models.Organisation.objects.get(name="Harvest organisation 010")
    _response, body = get_json(client, f"{BASE}/services?organization_id={organisation.uuid}")
    assert body["total_items"] == 2

    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    models.Service.objects.update(updated=long_ago)  # update() leaves auto_now alone
    models.Organisation.objects.update(updated=long_ago)
    service = models.Service.objects.public().last()
    service.save()  # now
    organisation = models.Organisation.objects.get(name="Harvest organisation 010")
    organisation.save()
    changed = {str(service.uuid), *(str(s.uuid) for s in organisation.services.all())}
    for moment in ("2026-06-01T00:00:00Z", "2026-06-01T01:00:00+01:00", "2026-06-01"):
        _response, body = get_json(client, f"{BASE}/services", data={"modified_after": moment})
        assert {item["id"] for item in body["contents"]} == changed
    _response, body = get_json(client, f"{BASE}/services?modified_after=2025-12-31T00:00:00Z")
    assert body["total_items"] == 138

    unknown = "6f1d3c52-2b0e-4c47-9f0e-6d1c3a7a9b10"
    _response, body = get_json(client, f"{BASE}/services?taxonomy_term_id={unknown}")
    assert body["total_items"] == 0 and body["empty"] is True


def test_ages_are_accepted_and_narrow_nothing_since_none_are_recorded(client, directory):
    _response, everything = get_json(client, f"{BASE}/services")
    _response, aged = get_json(client, f"{BASE}/services?minimum_age=18&maximum_age=25")
    assert aged == everything


@pytest.mark.parametrize(
    "query",
    [
        "taxonomy_term_id=not-a-uuid",
        "taxonomy_id=123",
        "organization_id=%00",
        "modified_after=yesterday",
        "modified_after=2026-13-45T99:00:00",
    ],
)
def test_a_malformed_filter_is_a_clear_json_error(client, directory, query):
    response, body = get_json(client, f"{BASE}/services?{query}")
    assert response.status_code == 400
    assert body["status"] == 400 and body["error"].split()[0] in query


def test_ndjson_streams_every_public_service_in_full(client, directory):
    response = client.get(f"{BASE}/services?format=ndjson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    public = models.Service.objects.public().order_by("pk").values_list("uuid", flat=True)
    objects = [json.loads(line) for line in lines]
    assert [item["id"] for item in objects] == [str(identity) for identity in public]
    for item in objects[:20]:
        assert_valid(item, "compiled/service.json")


# --- behaviour -------------------------------------------------------------------------------


def test_read_only(client, directory):
    for method in (client.post, client.put, client.patch, client.delete):
        response = method(f"{BASE}/services")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert json.loads(response.content)["status"] == 405
    response = client.options(f"{BASE}/services")
    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == "*"
    assert client.head(f"{BASE}/services").status_code == 200


def test_json_whatever_the_accept_header_says(client, directory):
    response, _body = get_json(client, f"{BASE}/services", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    response, body = get_json(client, f"{BASE}/no/such/thing", HTTP_ACCEPT="text/html")
    assert response.status_code == 404 and body["status"] == 404


def test_served_through_the_page_cache_with_etags_and_exact_invalidation(
    client, settings, directory
):
    settings.DIRECTORY_PAGE_CACHE = True
    response, before = get_json(client, f"{BASE}/services?per_page=5")
    etag = response["ETag"]
    again = client.get(f"{BASE}/services?per_page=5", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    service = models.Service.objects.get(uuid=before["contents"][0]["id"])
    service.name = "Renamed"
    service.save()
    response, after = get_json(client, f"{BASE}/services?per_page=5", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert after["contents"][0]["name"] == "Renamed"


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_page_far_in_costs_what_page_one_costs_without_an_offset(client, directory):
    first = _queries(client, f"{BASE}/services?per_page=5&page=1")
    from organisations.caching import memo

    memo.forget()
    far = _queries(client, f"{BASE}/services?per_page=5&page=27")
    assert len(far) == len(first) == 5
    assert not any("OFFSET" in sql.upper() for sql in first + far)


def test_a_service_costs_a_fixed_number_of_queries(client, directory, django_assert_num_queries):
    service = models.Service.objects.public().first()
    # The version, the id, the service, its facets, its venues (its locations), the lookups.
    with django_assert_num_queries(6):
        client.get(f"{BASE}/services/{service.uuid}")
    with django_assert_num_queries(2):  # seen before at this version: the version and the id
        client.get(f"{BASE}/services/{service.uuid}")


# --- venues and "near me" (issue 15) -----------------------------------------------------------


def test_every_service_at_a_venue_links_a_public_service_to_one_of_its_public_venues(
    client, directory
):
    _response, page = get_json(client, f"{BASE}/service_at_locations?per_page=200")
    assert page["total_pages"] == 1
    physical = [i for i in page["contents"] if i["location"]["location_type"] == "physical"]
    expected = {
        (str(link.service.uuid), str(link.venue.uuid))
        for link in models.Service.venues.through.objects.filter(
            service__in=models.Service.objects.public()
        ).select_related("service", "venue")
    }
    assert {(item["service_id"], item["location_id"]) for item in physical} == expected
    # 12 services at a venue, and 4 at two (their sibling's and one more): 16 venues.
    assert len(physical) == len(expected) == 20
    assert len({location for _service, location in expected}) == 16
    names = {item["location"].get("name") for item in physical}
    assert "Hidden hall" not in names and "Closed hall" not in names
    # A service's service-at-locations are together, its virtual one first.
    order = [(item["service_id"], item["location"]["location_type"]) for item in page["contents"]]
    services = list(dict.fromkeys(service for service, _kind in order))
    assert [service for service, _kind in order] == sorted(
        (service for service, _kind in order), key=services.index
    )


def test_a_service_in_full_has_its_venues_with_their_addresses_and_accessibility(client, directory):
    venue = models.Venue.objects.get(
        organisation__name="Harvest organisation 005", address_1="3 Park Lane"
    )
    venue.address_2 = "Second floor"
    venue.accessibility = "Step-free entrance; a women's entrance at the side."
    venue.save()
    service = venue.services.get()
    _response, body = get_json(client, f"{BASE}/services/{service.uuid}")
    (at,) = [i for i in body["service_at_locations"] if i["location_id"] == str(venue.uuid)]
    assert at["service_id"] == str(service.uuid)
    location = at["location"]
    assert location["location_type"] == "physical"
    assert location["name"] == venue.name
    assert (location["latitude"], location["longitude"]) == (venue.latitude, venue.longitude)
    assert "middle of the postcode district LS2" in location["description"]  # approximate
    (address,) = location["addresses"]
    assert {
        name: address[name]
        for name in ("address_1", "city", "postal_code", "country", "address_type")
    } == {
        "address_1": "3 Park Lane, Second floor",
        "city": "Leeds",
        "postal_code": "LS2 7EW",
        "country": "GB",
        "address_type": "physical",
    }
    assert (address["state_province"], address["region"]) == (
        "England",
        "Yorkshire and the Humber",
    )
    assert address["location_id"] == location["id"]
    assert location["accessibility"][0]["description"] == venue.accessibility
    _response, one = get_json(client, f"{BASE}/service_at_locations/{at['id']}")
    assert one["location"] == location and one["service"]["id"] == str(service.uuid)


def test_a_venue_in_scotland_is_in_scotland_and_an_exact_one_says_nothing_of_approximation(
    client, directory
):
    public = models.Venue.objects.filter(services__in=models.Service.objects.public())
    glasgow, leeds = public.filter(town="Glasgow").first(), public.filter(postcode="LS6 2PY")[0]
    for venue, nation, region in (
        (glasgow, "Scotland", None),
        (leeds, "England", "Yorkshire and the Humber"),
    ):
        service = venue.services.filter(is_active=True).first()
        _response, body = get_json(client, f"{BASE}/services/{service.uuid}")
        (at,) = [i for i in body["service_at_locations"] if i["location_id"] == str(venue.uuid)]
        address = at["location"]["addresses"][0]
        assert (address["state_province"], address.get("region")) == (nation, region)
        assert ("description" in at["location"]) is venue.location_is_approximate


def test_a_venue_of_a_draft_is_nowhere_and_its_pair_id_finds_nothing(client, directory):
    hidden = models.Venue.objects.get(name="Hidden hall")
    closed = models.Venue.objects.get(name="Closed hall")
    for venue in (hidden, closed):
        identity = pair_id(venue.services.get().pk, venue.pk)
        response, body = get_json(client, f"{BASE}/service_at_locations/{identity}")
        assert response.status_code == 404 and body["status"] == 404
    public = models.Venue.objects.filter(services__in=models.Service.objects.public()).first()
    other = models.Service.objects.public().exclude(venues=public).first()
    response, _body = get_json(
        client, f"{BASE}/service_at_locations/{pair_id(other.pk, public.pk)}"
    )
    assert response.status_code == 404, "a service is at its own venues only"


@pytest.fixture
def near(db):
    """Venues around Leeds, one in Bradford and one in London, each of its own service; a
    draft's and an inactive service's beside LS6; and a service reached only by phone."""
    call_command("seed_directory", "--lookups-only", verbosity=0)
    phone = models.DeliveryMode.objects.get(slug="phone")
    made = {}
    for name, postcode, latitude, longitude in [
        ("Hyde Park", "LS6 2PY", 53.8139, -1.566),  # 0.4 miles from LS6's middle
        ("City centre", "LS2 7EW", None, None),  # LS2's middle: 1.4 miles
        ("Headingley", "LS6 3AA", 53.8260, -1.5790),  # 0.6 miles
        ("Bradford", "BD8 7AB", 53.8000, -1.7800),  # 8.6 miles
        ("London", "N1 0AA", 51.5362, -0.1033),  # 170 miles
    ]:
        organisation = OrganisationFactory(name=f"{name} support", status="published")
        service = ServiceFactory(organisation=organisation, name=f"{name} drop-in")
        venue = make_venue(organisation, "1 High Street", name, postcode, latitude, longitude)
        service.venues.add(venue)
        made[name] = service
    draft = OrganisationFactory(name="Draft nearby", status="draft")
    ServiceFactory(organisation=draft, name="Draft drop-in").venues.add(
        make_venue(draft, *PLACES[0])
    )
    closed = ServiceFactory(organisation=made["Hyde Park"].organisation, is_active=False)
    closed.venues.add(made["Hyde Park"].venues.get())
    ServiceFactory(
        organisation=made["London"].organisation, name="Phone line", delivery_modes=[phone]
    )
    return made


def near_names(client, query):
    response, body = get_json(client, f"{BASE}/service_at_locations?{query}")
    assert response.status_code == 200, body
    for item in body["contents"]:
        assert_valid(item, "compiled/service_at_location_list.json")
        assert_no_empty_values(item)
    return [item["name"] for item in body["contents"]]


def test_postcode_and_proximity_give_the_venues_within_that_many_metres_nearest_first(client, near):
    assert near_names(client, "postcode=LS6&proximity=5000") == [
        "Hyde Park drop-in",
        "Headingley drop-in",
        "City centre drop-in",
    ]
    assert near_names(client, "postcode=LS6&proximity=1500") == [
        "Hyde Park drop-in",
        "Headingley drop-in",
    ]
    assert near_names(client, "postcode=LS6&proximity=20000")[-1] == "Bradford drop-in"
    assert "London drop-in" not in near_names(client, "postcode=LS6&proximity=160000")
    assert near_names(client, "postcode=N1&proximity=2000") == ["London drop-in"]
    assert near_names(client, "postcode=LS6&proximity=100") == []


def test_the_order_is_the_distance_from_the_districts_middle(client, near):
    centre = districts.find("LS6")
    _response, body = get_json(client, f"{BASE}/service_at_locations?postcode=LS6&proximity=20000")
    miles = [
        distance.miles_between(
            (centre.latitude, centre.longitude),
            (item["location"]["latitude"], item["location"]["longitude"]),
        )
        for item in body["contents"]
    ]
    assert len(miles) == 4 and miles == sorted(miles)
    assert miles[-1] * distance.METRES_PER_MILE <= 20000 < 160 * distance.METRES_PER_MILE


def test_a_whole_postcode_is_read_as_its_district_and_the_default_proximity_is_40_km(client, near):
    by_district = near_names(client, "postcode=LS6&proximity=3000")
    assert near_names(client, "postcode=ls6+2ab&proximity=3000") == by_district
    assert near_names(client, "postcode=LS62AB&proximity=3000.5") == by_district
    everything_near = near_names(client, "postcode=LS6")
    assert everything_near == near_names(client, "postcode=LS6&proximity=40000")
    assert "Bradford drop-in" in everything_near and "London drop-in" not in everything_near
    assert "Phone line" not in everything_near, "a virtual location is no distance away"
    assert "Phone line" in near_names(client, "per_page=200")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("postcode=not+a+postcode", "postcode must be a UK postcode"),
        ("postcode=12345", "postcode must be a UK postcode"),
        ("postcode=GY1+1AA", "outside the directory's coverage"),
        ("postcode=JE2&proximity=5000", "outside the directory's coverage"),
        ("postcode=IM1", "outside the directory's coverage"),
        ("postcode=ZZ99", "ZZ99 is not one the feed knows"),
        ("postcode=LS6&proximity=0", "above 0"),
        ("postcode=LS6&proximity=-5", "above 0"),
        ("postcode=LS6&proximity=far", "above 0"),
        ("postcode=LS6&proximity=nan", "above 0"),
        ("postcode=LS6&proximity=inf", "above 0"),
        ("postcode=LS6&proximity=1e400", "above 0"),
        ("postcode=LS6&proximity=160001", "at most 160000 metres"),
        ("proximity=5000", "proximity needs a postcode"),
    ],
)
def test_a_bad_postcode_or_proximity_is_a_clear_json_error(client, near, query, says):
    response, body = get_json(client, f"{BASE}/service_at_locations?{query}")
    assert response.status_code == 400
    assert body["status"] == 400 and says in body["error"]


def test_only_service_at_locations_reads_postcode_and_proximity(client, near):
    """The description declares them there alone: elsewhere they narrow nothing."""
    _response, everything = get_json(client, f"{BASE}/services")
    response, body = get_json(client, f"{BASE}/services?postcode=GY1&proximity=-1")
    assert response.status_code == 200 and body == everything


def test_near_a_postcode_costs_a_fixed_number_of_queries(client, near, django_assert_num_queries):
    query = f"{BASE}/service_at_locations?postcode=LS6&proximity=20000"
    # The version, the venues within (once a version), the services, their facets, the venues,
    # the lookups.
    with django_assert_num_queries(6):
        client.get(query)
    with django_assert_num_queries(4):  # the version, the services, their facets, the venues
        client.get(f"{BASE}/service_at_locations?postcode=LS6&proximity=20000&page=1")
