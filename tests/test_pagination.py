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
    links = page_links(paginator.page(number), query)
    tag = Template("{% querystring query page=param %}")
    shown = [link for link in links["pages"] if link.number is not None]
    shown += [link for link in (links["previous"], links["next"]) if link]
    assert shown
    for link in shown:
        expected = tag.render(Context({"query": query, "param": link.param}, autoescape=False))
        assert link.query_string == expected
