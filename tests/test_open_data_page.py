"""/open-data/ (issue 14, item 15): what the feed and the package hold, example requests, the
licence and its attribution, and every taxonomy at the URI the feed gives it."""

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from organisations.lookups import load_lookups
from organisations.openreferral import licence, vocabulary

LANGUAGES = ["en-gb", "ur", "ar", "bn", "so"]


@pytest.fixture
def lookups(db):
    call_command("seed_directory", "--lookups-only", verbosity=0)


def page(client, language="en-gb"):
    with translation.override(language):
        url = reverse("open-data")
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_answers_in_every_language_with_the_feed_and_the_download(
    client, lookups, language
):
    html = page(client, language)
    for name in ("root", "openapi", "package", "services", "taxonomies", "taxonomy-terms"):
        assert f'href="{reverse(f"openreferral:{name}")}' in html
    assert f'href="{licence.LICENCE_URL}"' in html
    assert licence.LICENCE_NAME in html
    assert licence.ATTRIBUTION in html


def test_the_example_requests_are_ones_the_feed_answers(client, lookups):
    html = page(client)
    services = reverse("openreferral:services")
    examples = set(re.findall(rf'href="({re.escape(services)}\?[^"]*)"', html))
    assert {"format=ndjson", "per_page=200", "taxonomy_term_id=", "modified_after="} <= {
        part for example in examples for part in re.findall(r"[a-z_]+=(?:ndjson|200)?", example)
    }
    for example in examples:
        response = client.get(example)
        assert response.status_code == 200, example
    places = reverse("openreferral:service-at-locations")
    (near,) = re.findall(rf'href="({re.escape(places)}\?[^"]*)"', html)
    near = near.replace("&amp;", "&")
    assert "postcode=LS6" in near and "proximity=" in near
    response = client.get(near)
    assert response.status_code == 200, near
    assert "contents" in response.json()


def test_every_taxonomy_of_the_feed_is_on_the_page_with_its_terms(client, lookups):
    html = page(client)
    for taxonomy in vocabulary.TAXONOMIES:
        # The feed's URI for the taxonomy is this page at this fragment.
        assert taxonomy.uri("https://x").endswith(f"/open-data/#taxonomy-{taxonomy.param}")
        section = re.search(rf'<div id="taxonomy-{taxonomy.param}">.*?</div>', html, re.DOTALL)
        assert section, taxonomy.param
        for term in vocabulary.terms(load_lookups()):
            if term.taxonomy is taxonomy:
                assert f'<code class="app-ltr">{term.key}</code>' in section.group()
                assert term.name in section.group()


def test_the_footer_and_the_about_page_link_to_it(client, lookups):
    about = client.get(reverse("about")).content.decode()
    assert about.count(f'href="{reverse("open-data")}"') == 2  # the text and the footer


def test_it_makes_a_fixed_number_of_queries(client, lookups, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the directory's version, and the lookups
        page(client)
