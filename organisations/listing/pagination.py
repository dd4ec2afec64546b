"""A page of the list, counting only as far as pagination needs.

Counting every match of a large directory costs more than the rest of the page, so a page reads
``max(COUNT_AT_LEAST, page × page size) + 1`` organisations from its finder (finders.py): enough to
know the page exists and whether there are "more than" that many. Pages beyond ``FURTHEST_PAGE``
are not counted; narrower filters reach the rest.
"""

from typing import NamedTuple

from django.core.paginator import Paginator
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

COUNT_AT_LEAST = 100
FURTHEST_PAGE = 500  # 10,000 organisations in


def paginate(finder, number, per_page):
    """The page ``number`` (1 or more), or the last one and a notice saying why.

    The page's ``object_list`` is organisation ids; ``paginator.more`` says that the count is a
    lower bound.
    """
    limit = max(COUNT_AT_LEAST, min(number, FURTHEST_PAGE) * per_page) + 1
    ids = finder.ordered_ids(limit)
    more = len(ids) == limit
    paginator = Paginator(ids[:-1] if more else ids, per_page)
    paginator.more = more
    notice = None
    if number > paginator.num_pages:
        if paginator.count:
            notice = gettext(
                "There is no page %(number)s; this is the last page, page %(last)s."
            ) % {"number": number_format(number), "last": number_format(paginator.num_pages)}
        number = paginator.num_pages
    return paginator.page(number), notice


def count_in_words(paginator, has_filters):
    """ "More than 100 organisations", "1 organisation matching your choices": a whole phrase
    for each, since the number decides the words (Arabic has six plural forms)."""
    count = paginator.count
    if paginator.more and has_filters:
        words = ngettext(
            # Translators: the list counts only so far: %(count)s is its lower bound.
            "More than %(count)s organisation matching your choices",
            "More than %(count)s organisations matching your choices",
            count,
        )
    elif paginator.more:
        words = ngettext(
            # Translators: the list counts only so far: %(count)s is its lower bound.
            "More than %(count)s organisation",
            "More than %(count)s organisations",
            count,
        )
    elif has_filters:
        words = ngettext(
            "%(count)s organisation matching your choices",
            "%(count)s organisations matching your choices",
            count,
        )
    else:
        words = ngettext("%(count)s organisation", "%(count)s organisations", count)
    return words % {"count": number_format(count)}


class PageLink(NamedTuple):
    """A link in the pagination: its page number (None for a gap), the ``page`` parameter that
    goes there (None for page 1, which has none), and the query string of that link: the
    understood filters and that page, as ``{% querystring query page=param %}`` would make it."""

    number: int | None
    param: int | None
    current: bool = False
    query_string: str = ""


def page_links(page, base):
    """Pages to link to: first, last (when known) and two either side, with gaps; and the
    previous and next pages. ``base`` is the understood filters as a query string, without
    ``page``."""

    def link_to(number, current=False):
        param = None if number == 1 else number
        if param is None:
            query_string = f"?{base}" if base else ""
        else:
            query_string = f"?{base}&page={param}" if base else f"?page={param}"
        return PageLink(number, param, current, query_string)

    numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    if page.paginator.more and numbers[-1] != Paginator.ELLIPSIS:
        numbers.append(Paginator.ELLIPSIS)
    return {
        "pages": [
            PageLink(None, None)
            if number == Paginator.ELLIPSIS
            else link_to(number, number == page.number)
            for number in numbers
        ],
        "previous": link_to(page.previous_page_number()) if page.has_previous() else None,
        "next": link_to(page.next_page_number()) if page.has_next() else None,
    }
