"""Page links made in Python (organisations/listing/pagination.py) are what Django's
{% querystring %} tag would have made of the understood filters and the page."""

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import Context, Template

from organisations.listing.pagination import page_links

QUERIES = ["", "q=anxiety", "language=ur&language=bn&sort=name", "q=caf%C3%A9+%26+tea&area=london"]


@pytest.mark.parametrize("raw", QUERIES)
@pytest.mark.parametrize("number", [1, 2, 5, 10])
def test_each_link_is_the_querystring_tags(raw, number):
    query = QueryDict(raw)
    paginator = Paginator(list(range(200)), 20)
    paginator.more = False
    links = page_links(paginator.page(number), query.urlencode())
    tag = Template("{% querystring query page=param %}")
    shown = [link for link in links["pages"] if link.number is not None]
    shown += [link for link in (links["previous"], links["next"]) if link]
    assert shown
    for link in shown:
        expected = tag.render(Context({"query": query, "param": link.param}, autoescape=False))
        assert link.query_string == expected


@pytest.mark.parametrize("raw", [*QUERIES, "q=%3Cb%3E+%22x%22+%26+%27y%27"])
@pytest.mark.parametrize(
    ("number", "count", "more"), [(1, 200, False), (5, 200, False), (3, 100, True)]
)
def test_a_pagination_rendered_for_its_shape_is_the_templates_for_these_filters(
    raw, number, count, more
):
    """fragments.pagination renders once per shape and puts each list's filters in: the HTML
    must be what the template makes for those filters, and a second list of the same shape must
    get its own filters, never the first one's."""
    from django.template import loader

    from organisations.listing import fragments

    paginator = Paginator(list(range(count)), 20)
    paginator.more = more
    page = paginator.page(number)
    template = loader.get_template(fragments.PAGINATION_TEMPLATE)
    for query in (QueryDict("language=so"), QueryDict(raw)):  # the shape is rendered first
        links = page_links(page, query.urlencode())
        expected = fragments.compact(template.render({"page_links": links}))
        assert fragments.pagination(-1, page, query) == expected
    assert ("&amp;page=" in expected or "?page=" in expected) and "\ufdd0" not in expected
