"""The two finders agree (organisations/listing/finders.py): for any combination of facets,
values, search, sort and page, the listing table on PostgreSQL and the models give the same
organisations, in the same order, with the same matching services and sizes."""

import random

import pytest
from django.db import connection
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisations.caching.versioning import current_state
from organisations.choices import Cost, FaithApproach, Referral, Sort, Status
from organisations.facets import CHOICE_FACETS, FACETS, LOOKUP_FACETS
from organisations.listing.finders import ListingTableFinder, QuerySetFinder, finder_for
from organisations.listing.pagination import paginate
from organisations.listing.request import parse
from organisations.lookups import load_lookups
from organisations.models import Organisation

from .factories import OrganisationFactory, ServiceFactory

# Words that are in the directory below, as one word or two: searches that find something in
# both finders (the listing table corrects misspellings; the models do not try).
WORDS = ["counselling", "helpline", "anxiety", "family", "islamic", "support", "women"]
PAGE_SIZE = 5


def make_directory(seed=7, organisations=40):
    """Organisations with one to four services each, drawn at random from every lookup value
    (UK-wide areas included), some unpublished, inactive or unchecked, and names that collide
    in case (the list's order must break ties the same way in both)."""
    rng = random.Random(seed)
    values = {facet.relation: list(facet.model.objects.all()) for facet in LOOKUP_FACETS}
    for n in range(organisations):
        organisation = OrganisationFactory(
            name=rng.choice(["Noor", "noor", "Sakina", "Amanah", "Rahma"])
            + f" {rng.choice(WORDS)} {n % 7}",
            summary=f"Support with {rng.choice(WORDS)}.",
            status=rng.choice([Status.PUBLISHED] * 9 + [Status.DRAFT]),
            last_verified=rng.choice([None, f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"]),
        )
        for m in range(rng.randint(1, 4)):
            ServiceFactory(
                organisation=organisation,
                name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {m}",
                description=f"Help with {rng.choice(WORDS)} and {rng.choice(WORDS)}.",
                is_active=rng.random() < 0.9,
                cost=rng.choice(Cost.values),
                faith_approach=rng.choice(FaithApproach.values),
                referral=rng.choice(Referral.values),
                **{
                    relation: rng.sample(choices, rng.randint(0, min(3, len(choices))))
                    for relation, choices in values.items()
                },
            )


def query_strings(lookups):
    """Query strings a visitor could send: any facets, one to three values each (some unknown),
    a search or not, any sort, and a page."""
    options = {facet.param: [item.key for item in lookups[facet.param]] for facet in LOOKUP_FACETS}
    options.update(
        {facet.param: [value for value, _label in facet.options()] for facet in CHOICE_FACETS}
    )
    facet_values = st.fixed_dictionaries(
        {},
        optional={
            param: st.lists(st.sampled_from([*values, "unknown"]), min_size=1, max_size=3)
            for param, values in options.items()
        },
    )
    search = st.one_of(
        st.just(""), st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join)
    )
    sort = st.sampled_from(["", *Sort.values])
    page = st.integers(min_value=1, max_value=9)

    def encode(values, text, order, number):
        query = QueryDict(mutable=True)
        for param, chosen in values.items():
            query.setlist(param, chosen)
        if text:
            query["q"] = text
        if order:
            query["sort"] = order
        query["page"] = str(number)
        return query.urlencode()

    return st.builds(encode, facet_values, search, sort, page)


def found_by(finder, list_request):
    page, _notice = paginate(finder, list_request.page, PAGE_SIZE)
    return (
        page.paginator.count,
        page.paginator.more,
        list(page.object_list),
        finder.rows(page.object_list),
    )


@pytest.mark.postgres
def test_both_finders_find_the_same_page(db):
    seed_lookups()
    make_directory()
    version = current_state().version
    lookups = load_lookups(version)
    assert Organisation.objects.published().count() > 30

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(query_strings(lookups))
    def agree(query_string):
        list_request = parse(query_string, lookups, version)
        listing = found_by(ListingTableFinder(list_request), list_request)
        models = found_by(QuerySetFinder(list_request), list_request)
        if list_request.text and list_request.ordering == Sort.RELEVANCE:
            # Only the listing table ranks by relevance (three groups, in name order in each);
            # the models list by name: the same organisations, in another order.
            assert listing[0] == models[0] and listing[1] == models[1]
            return
        assert listing == models, query_string

    agree()


@pytest.mark.postgres
def test_postgresql_lists_from_the_listing_table(db):
    list_request = parse("language=ur", load_lookups(1), 1)
    assert isinstance(finder_for(list_request), ListingTableFinder)


def test_other_databases_list_through_the_models(db):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL lists from the listing table")
    assert isinstance(finder_for(parse("language=ur", load_lookups(1), 1)), QuerySetFinder)


def seed_lookups():
    from django.core.management import call_command

    call_command("seed_directory", "--lookups-only", verbosity=0)


def test_every_facet_is_tried(db):
    """The generated queries reach every facet of the registry (the test above would otherwise
    pass by never asking about one)."""
    seed_lookups()
    lookups = load_lookups(1)
    seen = set()

    @settings(max_examples=60, deadline=None)
    @given(query_strings(lookups))
    def collect(query_string):
        seen.update(
            condition.facet.param for condition in parse(query_string, lookups, 1).conditions
        )

    collect()
    assert seen == {facet.param for facet in FACETS}
