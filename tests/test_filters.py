"""The filter semantics of DESIGN.md §4: what each facet includes and what it excludes."""

import pytest

from organisations.models import Organisation, Service

from .factories import (
    AreaFactory,
    AudienceFactory,
    DeliveryModeFactory,
    LanguageFactory,
    OrganisationFactory,
    ServiceFactory,
    ServiceTypeFactory,
)
from .html import card_services, card_titles

LIST_URL = "/organisations/"


def listed(client, params=None):
    """Names of the organisations the list shows, in order, across the first page."""
    response = client.get(LIST_URL, params or {})
    assert response.status_code == 200
    return card_titles(response)


def shown_services(client, params, organisation_name):
    return card_services(client.get(LIST_URL, params), organisation_name)


@pytest.fixture
def org_with_urdu_men_and_english_women(db, urdu, english, male, female):
    organisation = OrganisationFactory(name="Mixed Services Trust")
    ServiceFactory(
        organisation=organisation,
        name="Urdu men's line",
        languages=[urdu],
        practitioner_genders=[male],
    )
    ServiceFactory(
        organisation=organisation,
        name="English women's group",
        languages=[english],
        practitioner_genders=[female],
    )
    return organisation


# --- The same-service rule -----------------------------------------------------------------------


def test_facets_must_hold_for_the_same_service(client, org_with_urdu_men_and_english_women):
    response = client.get(LIST_URL, {"language": "ur", "gender": "female"})
    assert org_with_urdu_men_and_english_women.name not in response.content.decode()
    assert listed(client, {"language": "ur", "gender": "female"}) == []


def test_each_facet_alone_still_finds_the_mixed_organisation(
    client, org_with_urdu_men_and_english_women
):
    assert listed(client, {"language": "ur"}) == ["Mixed Services Trust"]
    assert listed(client, {"gender": "female"}) == ["Mixed Services Trust"]
    assert listed(client, {"language": "ur", "gender": "male"}) == ["Mixed Services Trust"]


def test_a_card_shows_only_the_services_that_matched(client, org_with_urdu_men_and_english_women):
    assert shown_services(client, {"language": "en"}, "Mixed Services Trust") == [
        "English women's group"
    ]
    assert shown_services(client, {}, "Mixed Services Trust") == [
        "English women's group",
        "Urdu men's line",
    ]


def test_an_organisation_is_listed_once_however_many_services_match(client, urdu):
    organisation = OrganisationFactory(name="Many Urdu Services")
    for n in range(3):
        ServiceFactory(organisation=organisation, name=f"Urdu service {n}", languages=[urdu])
    assert listed(client, {"language": "ur"}) == ["Many Urdu Services"]
    assert shown_services(client, {"language": "ur"}, "Many Urdu Services") == [
        "Urdu service 0",
        "Urdu service 1",
        "Urdu service 2",
    ]


# --- OR within a facet, AND across facets --------------------------------------------------------


def test_several_values_of_one_facet_mean_or(client, urdu, bengali, english):
    ServiceFactory(organisation=OrganisationFactory(name="Urdu Org"), languages=[urdu])
    ServiceFactory(organisation=OrganisationFactory(name="Bengali Org"), languages=[bengali])
    ServiceFactory(organisation=OrganisationFactory(name="English Org"), languages=[english])
    assert listed(client, {"language": ["ur", "bn"]}) == ["Bengali Org", "Urdu Org"]


def test_different_facets_mean_and(client, urdu, phone, counselling):
    ServiceFactory(
        organisation=OrganisationFactory(name="Both"), languages=[urdu], delivery_modes=[phone]
    )
    ServiceFactory(organisation=OrganisationFactory(name="Urdu only"), languages=[urdu])
    ServiceFactory(organisation=OrganisationFactory(name="Phone only"), delivery_modes=[phone])
    assert listed(client, {"language": "ur", "mode": "phone"}) == ["Both"]


# --- Every facet: what it includes and what it excludes -----------------------------------------

M2M_FACETS = [
    ("type", "service_types", lambda slug: ServiceTypeFactory(slug=slug, name=slug.title())),
    ("mode", "delivery_modes", lambda slug: DeliveryModeFactory(slug=slug, name=slug.title())),
    ("language", "languages", lambda code: LanguageFactory(code=code, name=code.upper())),
    ("audience", "audiences", lambda slug: AudienceFactory(slug=slug, name=slug.title())),
    ("area", "areas", lambda slug: AreaFactory(slug=slug, name=slug.title())),
]


@pytest.mark.parametrize(("param", "relation", "make"), M2M_FACETS)
def test_facet_includes_matching_and_excludes_others_and_unrecorded(
    client, db, param, relation, make
):
    wanted, other = make("alpha"), make("beta")
    ServiceFactory(organisation=OrganisationFactory(name="Has alpha"), **{relation: [wanted]})
    ServiceFactory(organisation=OrganisationFactory(name="Has beta"), **{relation: [other]})
    ServiceFactory(organisation=OrganisationFactory(name="Told us nothing"))
    assert listed(client, {param: "alpha"}) == ["Has alpha"]
    assert listed(client, {param: "beta"}) == ["Has beta"]
    assert listed(client) == ["Has alpha", "Has beta", "Told us nothing"]


def test_gender_facet(client, female, male):
    ServiceFactory(organisation=OrganisationFactory(name="Women"), practitioner_genders=[female])
    ServiceFactory(organisation=OrganisationFactory(name="Men"), practitioner_genders=[male])
    ServiceFactory(
        organisation=OrganisationFactory(name="Both"), practitioner_genders=[female, male]
    )
    ServiceFactory(organisation=OrganisationFactory(name="Not stated"))
    assert listed(client, {"gender": "female"}) == ["Both", "Women"]
    assert listed(client, {"gender": "male"}) == ["Both", "Men"]


@pytest.mark.parametrize(
    ("param", "field", "value", "other"),
    [
        ("cost", "cost", Service.Cost.FREE, Service.Cost.PAID),
        ("cost", "cost", Service.Cost.LOW_COST, Service.Cost.FREE),
        (
            "faith",
            "faith_approach",
            Service.FaithApproach.ISLAMIC,
            Service.FaithApproach.FAITH_SENSITIVE,
        ),
        (
            "faith",
            "faith_approach",
            Service.FaithApproach.FAITH_SENSITIVE,
            Service.FaithApproach.ISLAMIC,
        ),
    ],
)
def test_choice_facets(client, db, param, field, value, other):
    ServiceFactory(organisation=OrganisationFactory(name="Wanted"), **{field: value})
    ServiceFactory(organisation=OrganisationFactory(name="Other"), **{field: other})
    ServiceFactory(organisation=OrganisationFactory(name="Not stated"))
    assert listed(client, {param: value}) == ["Wanted"]


def test_cost_or_within_facet(client, db):
    ServiceFactory(organisation=OrganisationFactory(name="Free"), cost="free")
    ServiceFactory(organisation=OrganisationFactory(name="Low"), cost="low-cost")
    ServiceFactory(organisation=OrganisationFactory(name="Paid"), cost="paid")
    assert listed(client, {"cost": ["free", "low-cost"]}) == ["Free", "Low"]


def test_not_stated_is_not_a_cost_to_filter_on(client, db):
    ServiceFactory(organisation=OrganisationFactory(name="Unknown cost"), cost="not-stated")
    response = client.get(LIST_URL, {"cost": "not-stated"})
    assert "cost “not-stated”" in response.content.decode()
    assert listed(client, {"cost": "not-stated"}) == ["Unknown cost"]  # ignored, so unfiltered


# --- Areas ---------------------------------------------------------------------------------------


def test_area_includes_uk_wide_services(client, london, uk_wide):
    manchester = AreaFactory(slug="north-west", name="North West")
    ServiceFactory(organisation=OrganisationFactory(name="London group"), areas=[london])
    ServiceFactory(organisation=OrganisationFactory(name="National line"), areas=[uk_wide])
    ServiceFactory(organisation=OrganisationFactory(name="Manchester group"), areas=[manchester])
    ServiceFactory(organisation=OrganisationFactory(name="Nowhere stated"))
    assert listed(client, {"area": "london"}) == ["London group", "National line"]
    assert listed(client, {"area": "north-west"}) == ["Manchester group", "National line"]
    assert listed(client, {"area": "uk-wide"}) == ["National line"]


def test_uk_wide_still_has_to_match_the_other_facets(client, london, uk_wide, urdu, english):
    ServiceFactory(
        organisation=OrganisationFactory(name="National English"),
        areas=[uk_wide],
        languages=[english],
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="London Urdu"), areas=[london], languages=[urdu]
    )
    assert listed(client, {"area": "london", "language": "ur"}) == ["London Urdu"]


# --- Search --------------------------------------------------------------------------------------


@pytest.fixture
def searchable(db, counselling):
    ServiceFactory(
        organisation=OrganisationFactory(name="Calm Minds", summary="Support after loss."),
        name="Bereavement circle",
        description="A weekly group for those who are grieving.",
    )
    ServiceFactory(
        organisation=OrganisationFactory(
            name="Family Bridges", description="We help families talk about anxiety."
        ),
        name="Parent sessions",
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Sabr Therapy"),
        name="One-to-one sessions",
        service_types=[counselling],
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("calm", ["Calm Minds"]),  # organisation name, any case
        ("BEREAVEMENT", ["Calm Minds"]),  # service name
        ("loss", ["Calm Minds"]),  # organisation summary
        ("grieving", ["Calm Minds"]),  # service description
        ("anxiety", ["Family Bridges"]),  # organisation description
        ("counselling", ["Sabr Therapy"]),  # the name of a service's type
        ("sessions", ["Family Bridges", "Sabr Therapy"]),
        ("parent anxiety", ["Family Bridges"]),  # every word must match
        ("parent grieving", []),
        ("nothing-like-this", []),
    ],
)
def test_search(client, searchable, q, expected):
    response = client.get(LIST_URL, {"q": q})
    assert card_titles(response) == expected


def test_search_ignores_unpublished_organisations_and_inactive_services(client, db):
    ServiceFactory(
        organisation=OrganisationFactory(name="Draft Helpline", status=Organisation.Status.DRAFT)
    )
    ServiceFactory(
        organisation=OrganisationFactory(
            name="Archived Helpline", status=Organisation.Status.ARCHIVED
        )
    )
    ServiceFactory(
        organisation=OrganisationFactory(name="Quiet Org"), name="Old helpline", is_active=False
    )
    assert listed(client, {"q": "helpline"}) == []
    assert listed(client) == []


def test_search_combines_with_facets(client, searchable, urdu):
    ServiceFactory(
        organisation=OrganisationFactory(name="Urdu Sessions"),
        name="Sessions in Urdu",
        languages=[urdu],
    )
    assert listed(client, {"q": "sessions", "language": "ur"}) == ["Urdu Sessions"]


# --- Sorting -------------------------------------------------------------------------------------


def test_sorted_by_name_by_default_case_insensitively(client, db):
    for name in ["banyan", "Acorn", "Cedar"]:
        ServiceFactory(organisation=OrganisationFactory(name=name))
    assert listed(client) == ["Acorn", "banyan", "Cedar"]


def test_sort_recently_verified_puts_unverified_last(client, db):
    import datetime

    ServiceFactory(organisation=OrganisationFactory(name="Never checked"))
    ServiceFactory(
        organisation=OrganisationFactory(
            name="Checked long ago", last_verified=datetime.date(2025, 1, 5)
        )
    )
    ServiceFactory(
        organisation=OrganisationFactory(
            name="Checked lately", last_verified=datetime.date(2026, 10, 1)
        )
    )
    assert listed(client, {"sort": "recently-verified"}) == [
        "Checked lately",
        "Checked long ago",
        "Never checked",
    ]


def test_an_organisation_without_active_services_is_not_listed(client, db):
    ServiceFactory(organisation=OrganisationFactory(name="Closed"), is_active=False)
    OrganisationFactory(name="No services at all")
    assert listed(client) == []
