"""Near me (DESIGN.md §10, issue 15): postcode districts, ``near`` and ``radius`` on the list, the
three groups, distances, venues in admin and history."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from organisations.listing import request as list_request_module
from organisations.models import PostcodeDistrict, Venue
from organisations.near import distance, districts, postcodes

from .factories import (
    AreaFactory,
    DeliveryModeFactory,
    LanguageFactory,
    OrganisationFactory,
    ServiceFactory,
    ServiceTypeFactory,
    VenueFactory,
)
from .html import card_services, card_titles, near_groups

LIST_URL = "/organisations/"


# --- The districts table -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_districts_table_is_loaded_from_the_shipped_file():
    assert PostcodeDistrict.objects.count() == districts.COUNT == 2946
    ls6 = PostcodeDistrict.objects.get(outcode="LS6")
    assert (ls6.latitude, ls6.longitude) == (53.8188, -1.5705)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcode", "regions"),
    [
        ("E1", ("london",)),
        ("LS6", ("yorkshire-and-the-humber",)),
        ("CH4", ("north-west", "wales")),
        ("UB9", ("south-east", "london", "east-of-england")),
        ("BT1", ("northern-ireland",)),
    ],
)
def test_each_district_knows_every_region_it_covers(outcode, regions):
    assert districts.find(outcode).regions == regions


@pytest.mark.django_db
@pytest.mark.parametrize("outcode", ["JE2", "GY1", "IM1"])
def test_the_channel_islands_and_the_isle_of_man_are_outside_coverage(outcode):
    assert districts.find(outcode) is None
    assert postcodes.is_outside_coverage(outcode)


def test_a_changed_table_is_refused(monkeypatch):
    monkeypatch.setitem(districts.CHECKSUMS, "outcodes.csv", "0" * 64)
    with pytest.raises(districts.TableChanged):
        districts.load()


@pytest.mark.django_db
def test_the_command_loads_again_and_refuses_a_changed_table(monkeypatch, capsys):
    PostcodeDistrict.objects.filter(outcode__startswith="LS").delete()
    call_command("load_postcode_districts")
    assert "Loaded 2,946" in capsys.readouterr().out
    assert PostcodeDistrict.objects.count() == 2946
    call_command("load_postcode_districts")
    assert "loaded already" in capsys.readouterr().out
    monkeypatch.setitem(districts.CHECKSUMS, "straddling.csv", "0" * 64)
    with pytest.raises(CommandError, match="Refused"):
        call_command("load_postcode_districts")
    assert PostcodeDistrict.objects.count() == 2946  # nothing half-loaded


# --- Reading a postcode ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "district", "full"),
    [
        ("LS6", "LS6", False),
        ("ls6", "LS6", False),
        (" ls 6 ", "LS6", False),
        ("LS6 2AB", "LS6", True),
        ("ls62ab", "LS6", True),
        ("EC1A 1BB", "EC1A", True),
        ("w1a1aa", "W1A", True),
        ("M1 1AE", "M1", True),
        ("B33 8TH", "B33", True),
        ("ZZ99", "ZZ99", False),
        ("Leeds", "", False),
        ("LS6 2", "LS62", False),  # the shape of a district, which the table then lacks
        ("", "", False),
        ("12345", "", False),
        ("LS6 2AB LS6 2AB", "", False),
    ],
)
def test_a_postcode_is_read_as_its_district(typed, district, full):
    assert (
        postcodes.read(typed) == postcodes.Typed(district, full)
        if district
        else not (postcodes.read(typed).district)
    )


def test_distance_in_python_matches_a_known_distance():
    # Leeds (LS1) to Bradford (BD1): about 8.5 miles in a straight line.
    leeds, bradford = (53.7965, -1.5478), (53.7939, -1.7521)
    assert 8.0 < distance.miles_between(leeds, bradford) < 9.0


# --- The directory near Leeds ------------------------------------------------------------------


@pytest.fixture
def near_leeds(db, uk_wide, phone):
    """Venues in Leeds (LS2), Bradford (BD8, about 6 miles from LS6) and Whitechapel (E1); a
    Yorkshire service without a venue; a UK-wide phone line; a service only for Scotland."""
    yorkshire = AreaFactory(slug="yorkshire-and-the-humber", name="Yorkshire and the Humber")
    scotland = AreaFactory(slug="scotland", name="Scotland")
    london = AreaFactory(slug="london", name="London")
    in_person = DeliveryModeFactory(slug="in-person", name="In person")
    counselling = ServiceTypeFactory(slug="counselling", name="Counselling")
    urdu = LanguageFactory(code="ur", name="Urdu", native_name="اردو")
    english = LanguageFactory(code="en", name="English", native_name="English")

    def place(name, postcode, town, latitude=None, longitude=None):
        organisation = OrganisationFactory(name=name)
        venue = VenueFactory(
            organisation=organisation,
            town=town,
            postcode=postcode,
            latitude=latitude,
            longitude=longitude,
        )
        return organisation, venue

    leeds, leeds_venue = place("Leeds Circle", "LS2 7EW", "Leeds", 53.8067, -1.5550)
    ServiceFactory(
        organisation=leeds,
        name="Leeds counselling",
        delivery_modes=[in_person],
        service_types=[counselling],
        languages=[urdu],
        areas=[yorkshire],
    ).venues.add(leeds_venue)
    ServiceFactory(
        organisation=leeds, name="Leeds phone line", delivery_modes=[phone], areas=[uk_wide],
        languages=[english],
    )  # fmt: skip
    bradford, bradford_venue = place("Bradford Group", "BD8 7AA", "Bradford")  # centroid
    ServiceFactory(
        organisation=bradford,
        name="Bradford group",
        delivery_modes=[in_person],
        areas=[yorkshire],
        languages=[english],
    ).venues.add(bradford_venue)
    london_org, london_venue = place("Whitechapel Space", "E1 1AA", "London", 51.5173, -0.0598)
    ServiceFactory(
        organisation=london_org, name="Whitechapel sessions", delivery_modes=[in_person],
        areas=[london],
    ).venues.add(london_venue)  # fmt: skip
    ServiceFactory(
        organisation=OrganisationFactory(name="Yorkshire Listening"),
        name="Yorkshire line",
        delivery_modes=[phone],
        areas=[yorkshire],
        service_types=[counselling],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="National Helpline"),
        name="National line",
        delivery_modes=[phone],
        areas=[uk_wide],
        languages=[urdu],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Glasgow Only"),
        name="Glasgow group",
        delivery_modes=[in_person],
        areas=[scotland],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="UK Drop-in"),
        name="A drop-in with no venue",
        delivery_modes=[in_person],
        areas=[uk_wide],
    )  # UK-wide but not remote: in no group near Leeds
    return {"leeds": leeds, "bradford": bradford_venue}


def groups_of(client, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return [(group, names) for group, _heading, names in near_groups(response)]


def test_near_shows_three_groups_in_order(client, near_leeds):
    assert groups_of(client, {"near": "LS6"}) == [
        ("in-person", ["Leeds Circle", "Bradford Group"]),
        ("region", ["Yorkshire Listening"]),
        ("remote", ["National Helpline"]),
    ]


def test_each_card_says_how_far_and_where(client, near_leeds):
    content = client.get(LIST_URL, {"near": "LS6"}).content.decode()
    # Leeds LS2 7EW is about 1.0 miles from the middle of LS6; Bradford is at BD8's middle.
    assert re.search(r"<p class=app-distance>\d\.\d miles away · Leeds LS2</p>", content)
    assert re.search(r"<p class=app-distance>About \d\.\d miles away · Bradford BD8</p>", content)
    found = re.search(r"(\d\.\d) miles away · Leeds LS2", content)
    expected = distance.miles_between((53.8188, -1.5705), (53.8067, -1.5550))
    assert float(found.group(1)) == round(expected, 1)
    assert "in a straight line from the middle of the postcode district LS6" in content


def test_a_whole_postcode_is_redirected_to_its_district(client, near_leeds):
    response = client.get(LIST_URL, {"near": "ls6 2ab", "type": "counselling"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/?near=LS6&type=counselling"
    assert "2AB" not in response["Location"].upper()
    assert "ETag" not in response


def test_the_home_page_takes_a_postcode(client, near_leeds):
    content = client.get("/").content.decode()
    assert 'name="near"' in content and 'id="home-near"' in content
    response = client.get(LIST_URL, {"q": "", "near": "LS6 2AB"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("near", "says"),
    [
        ("ZZ99", "We could not find the postcode district ZZ99"),
        ("JE2", "JE2 is in the Channel Islands or the Isle of Man"),
        ("GY1", "outside this directory"),
        ("IM1", "outside this directory"),
        ("Leeds", "“Leeds” is not a UK postcode"),
    ],
)
def test_a_district_outside_the_data_is_named_and_the_list_is_as_without(
    client, near_leeds, near, says
):
    response = client.get(LIST_URL, {"near": near})
    assert response.status_code == 200
    assert says in response.content.decode().replace("&#x27;", "'")
    assert near_groups(response) == []
    assert card_titles(response) == card_titles(client.get(LIST_URL))


def test_radius_narrows_the_venues(client, near_leeds):
    far = distance.miles_between(
        (53.8188, -1.5705), (near_leeds["bradford"].latitude, near_leeds["bradford"].longitude)
    )
    assert 5 < far < 10
    # Within 5 miles Bradford's venue is too far: its service is for Yorkshire, so it is there.
    assert groups_of(client, {"near": "LS6", "radius": "5"})[:2] == [
        ("in-person", ["Leeds Circle"]),
        ("region", ["Bradford Group", "Yorkshire Listening"]),
    ]
    assert groups_of(client, {"near": "LS6", "radius": "10"})[0] == (
        "in-person",
        ["Leeds Circle", "Bradford Group"],
    )


def test_a_radius_not_offered_is_named_and_the_default_used(client, near_leeds):
    response = client.get(LIST_URL, {"near": "LS6", "radius": "7"})
    assert "We did not recognise the distance “7”, so venues within 25 miles" in (
        response.content.decode()
    )
    assert near_groups(response)[0][2] == ["Leeds Circle", "Bradford Group"]


def test_every_facet_holds_for_the_same_service(client, near_leeds):
    # In Urdu: Leeds's counselling (at its venue) and the national line, not the English group.
    assert groups_of(client, {"near": "LS6", "language": "ur"}) == [
        ("in-person", ["Leeds Circle"]),
        ("remote", ["National Helpline"]),
    ]
    assert shown_on(client, {"near": "LS6", "language": "ur"}, "Leeds Circle") == [
        "Leeds counselling"
    ]
    # In English, Leeds Circle's venue service does not match: its phone line puts it with the
    # UK-wide services.
    assert groups_of(client, {"near": "LS6", "language": "en"}) == [
        ("in-person", ["Bradford Group"]),
        ("remote", ["Leeds Circle"]),
    ]
    assert groups_of(client, {"near": "LS6", "type": "counselling"}) == [
        ("in-person", ["Leeds Circle"]),
        ("region", ["Yorkshire Listening"]),
    ]


def shown_on(client, params, name):
    return card_services(client.get(LIST_URL, params), name)


def test_a_card_shows_its_near_services_first(client, near_leeds):
    assert shown_on(client, {"near": "LS6"}, "Leeds Circle") == [
        "Leeds counselling",
        "Leeds phone line",
    ]


def test_the_other_orders_still_work_within_each_group(client, near_leeds):
    by_name = groups_of(client, {"near": "LS6", "sort": "name"})
    assert by_name[0] == ("in-person", ["Bradford Group", "Leeds Circle"])
    bradford = near_leeds["bradford"].organisation
    bradford.last_verified = datetime.date(2026, 1, 5)
    bradford.save()
    leeds = near_leeds["leeds"]
    leeds.last_verified = datetime.date(2026, 6, 1)
    leeds.save()
    by_check = groups_of(client, {"near": "LS6", "sort": "recently-verified"})
    assert by_check[0] == ("in-person", ["Leeds Circle", "Bradford Group"])


def test_nearest_is_offered_only_with_a_postcode(client, near_leeds):
    assert 'value="nearest" selected' in client.get(LIST_URL, {"near": "LS6"}).content.decode()
    plain = client.get(LIST_URL, {"sort": "nearest"}).content.decode()
    assert 'value="nearest"' not in plain
    assert "“Nearest first” needs a postcode" in plain


def test_a_straddling_district_counts_for_each_region(client, db):
    wales = AreaFactory(slug="wales", name="Wales")
    AreaFactory(slug="north-west", name="North West")
    ServiceFactory(organisation=OrganisationFactory(name="Wrexham Circle"), areas=[wales])
    ServiceFactory(
        organisation=OrganisationFactory(name="London Only"), areas=[AreaFactory(slug="london")]
    )
    # CH4 (Chester and the Welsh border) is mostly in the North West, partly in Wales.
    assert near_groups(client.get(LIST_URL, {"near": "CH4"})) == [
        ("region", "Services for North West, Wales", ["Wrexham Circle"])
    ]


def test_the_cache_keys_near_by_district(rf, near_leeds):
    from organisations.caching.versioning import current_state
    from organisations.lookups import load_lookups

    state = current_state()
    lookups = load_lookups(state.version)
    keys = {
        list_request_module.parse(query, lookups, state.version).cache_key
        for query in ("near=LS6", "near=ls6", "near=+ls+6", "near=LS6&radius=25")
    }
    assert keys == {"list?near=LS6&page=1"}
    assert "radius=10" in list_request_module.parse("near=LS6&radius=10", lookups, 1).cache_key


# Queries for a page near a postcode, uncached (the lookups kept): the version, the three groups,
# the cards' services with their nearest venues (on PostgreSQL one statement,
# sql.NEAR_CARD_SERVICES; through the models the venues near the page's organisations, then their
# services), then the cards' organisations, services and facets. Fixed: the same for any number
# of organisations.
NEAR_QUERIES = {"postgresql": 8, "sqlite": 9}


def test_a_page_near_a_postcode_costs_a_fixed_number_of_queries(
    client, near_leeds, settings, django_assert_num_queries
):
    settings.DIRECTORY_PAGE_CACHE = False
    for n in range(30):
        organisation = OrganisationFactory(name=f"More {n:02d}")
        venue = Venue.objects.create(
            organisation=organisation, address_1="2 Road", town="Leeds", postcode="LS6 1AA"
        )
        ServiceFactory(organisation=organisation).venues.add(venue)
    client.get(LIST_URL, {"near": "LS6", "sort": "name"})  # the lookups are read and kept
    with django_assert_num_queries(NEAR_QUERIES[connection.vendor]):
        response = client.get(LIST_URL, {"near": "LS6"})
    assert len(card_titles(response)) == 20
    with django_assert_num_queries(NEAR_QUERIES[connection.vendor]):
        response = client.get(LIST_URL, {"near": "LS6", "page": "2"})
    assert card_titles(response)


# --- Venues ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_venue_without_a_location_takes_its_districts_middle_marked_approximate():
    venue = Venue.objects.create(
        organisation=OrganisationFactory(), address_1="1 Road", town="Leeds", postcode="ls6 2ab"
    )
    assert (venue.latitude, venue.longitude) == (53.8188, -1.5705)
    assert venue.location_is_approximate
    assert venue.place == "Leeds LS6"
    given = Venue.objects.create(
        organisation=OrganisationFactory(),
        address_1="1 Road",
        town="Leeds",
        postcode="LS2 7EW",
        latitude=53.8,
        longitude=-1.55,
    )
    assert not given.location_is_approximate


@pytest.mark.django_db
def test_venues_are_kept_in_history_and_move_the_version():
    from organisations.caching.versioning import current_state

    before = current_state().version
    venue = Venue.objects.create(
        organisation=OrganisationFactory(), address_1="1 Road", town="Leeds", postcode="LS6 2AB"
    )
    assert current_state().version > before
    venue.accessibility = "Step-free entrance on Hyde Park Road."
    venue.save()
    assert venue.history.count() == 2
    service = ServiceFactory(organisation=venue.organisation)
    moved = current_state().version
    service.venues.add(venue)
    assert current_state().version > moved
    assert service.history.first().venues.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("postcode", "latitude", "longitude", "field"),
    [
        ("Leeds", None, None, "postcode"),
        ("ZZ99 1AA", None, None, "postcode"),
        ("LS6 2AB", 53.8, None, "longitude"),
    ],
)
def test_a_venue_with_a_bad_postcode_or_location_is_refused(postcode, latitude, longitude, field):
    from django.core.exceptions import ValidationError

    venue = Venue(
        organisation=OrganisationFactory(),
        address_1="1 Road",
        town="Leeds",
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
    )
    with pytest.raises(ValidationError) as raised:
        venue.full_clean()
    assert field in raised.value.message_dict


def test_editors_add_venues_inline_and_pick_them_for_services(client, near_leeds):
    from django.contrib.auth.models import Group

    from .factories import UserFactory
    from .signin import sign_in_verified

    editor = UserFactory(username="amina", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    editor_client = sign_in_verified(client, editor)
    leeds = near_leeds["leeds"]
    page = editor_client.get(reverse("admin:organisations_organisation_change", args=[leeds.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="venues-0-postcode"' in content
    assert "venues-TOTAL_FORMS" in content
    assert 'name="services-0-venues"' in content
    # Only its own venues can be ticked: Leeds Circle's, not Bradford's.
    assert f'value="{near_leeds["bradford"].pk}"' not in content.split("services-0-venues")[1]


def test_an_organisations_page_and_the_sheet_give_each_venues_address(client, near_leeds):
    leeds = near_leeds["leeds"]
    venue = leeds.venues.get()
    venue.name = "Hyde Park Centre"
    venue.accessibility = "Step-free entrance"
    venue.save()
    content = client.get(leeds.get_absolute_url()).content.decode()
    assert "Hyde Park Centre, 1 Example Street, Leeds" in content
    assert '<span class="app-nowrap">LS2 7EW</span>' in content
    assert "Access: <span>Step-free entrance</span>" in content
    counselling = leeds.services.get(name="Leeds counselling")
    sheet = " ".join(client.get(f"/signposting/?service={counselling.pk}").content.decode().split())
    assert "Hyde Park Centre, 1 Example Street, Leeds</span> <span" in sheet
    assert "Access: <span>Step-free entrance</span>" in sheet
    phone_line = leeds.services.get(name="Leeds phone line")
    assert (
        "1 Example Street"
        not in client.get(f"/signposting/?service={phone_line.pk}").content.decode()
    )


def test_a_venue_of_an_unpublished_organisation_is_never_shown(client, near_leeds):
    leeds = near_leeds["leeds"]
    leeds.status = "draft"
    leeds.save()
    response = client.get(LIST_URL, {"near": "LS6"})
    assert "Leeds LS2" not in response.content.decode()
    assert "Leeds Circle" not in card_titles(response)


def test_structured_data_gives_each_venue_as_a_place(client, near_leeds):
    import json

    content = client.get(near_leeds["leeds"].get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', content)[1])
    offers = {offer["itemOffered"]["name"]: offer["itemOffered"] for offer in data["makesOffer"]}
    (place,) = offers["Leeds counselling"]["availableChannel"]["serviceLocation"]
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 Example Street",
        "addressLocality": "Leeds",
        "postalCode": "LS2 7EW",
        "addressCountry": "GB",
    }
    assert place["geo"]["latitude"] == 53.8067
    assert "serviceLocation" not in offers["Leeds phone line"].get("availableChannel", {})


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        "near=LS6",
        "near=LS6&radius=5",
        "near=LS6&radius=50&sort=name",
        "near=LS6&sort=recently-verified",
        "near=LS6&language=ur",
        "near=LS6&language=en&mode=phone",
        "near=LS6&type=counselling",
        "near=LS6&q=leeds",
        "near=E1",
        "near=CH4",
        "near=BD8&radius=10",
    ],
)
def test_both_finders_agree_on_postgresql(near_leeds, query):
    from django.db import connection

    from organisations.caching.versioning import current_state
    from organisations.listing.near import ListingNearFinder, NearFinder
    from organisations.lookups import load_lookups

    assert connection.vendor == "postgresql"
    state = current_state()
    asked = list_request_module.parse(query, load_lookups(state.version), state.version)
    models, listing = NearFinder(asked), ListingNearFinder(asked)
    ids = models.ordered_ids(101)
    assert listing.ordered_ids(101) == ids
    assert listing.groups == models.groups
    by_models, by_listing = models.rows(ids), listing.rows(ids)
    assert by_listing.keys() == by_models.keys()
    for pk, row in by_models.items():
        other = by_listing[pk]
        assert (other.matching, other.public_count) == (row.matching, row.public_count)
        assert other.places == row.places
