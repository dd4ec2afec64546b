"""Reading the list page as a visitor sees it: the cards' titles and the services on each card."""

import html
import re

_CARD = re.compile(r'<article class="app-card">(.*?)</article>', re.S)
# On a page in another language, what organisations wrote is marked with its own lang and dir.
_TITLE = re.compile(r'<h2 class="app-card__title"><a href="[^"]*"[^>]*>(.*?)</a></h2>', re.S)
# A service's heading holds the checkbox that puts it on a signposting sheet.
_SERVICE = re.compile(
    r"<h3><label><input [^>]*> (?:<span [^>]*>)?(.*?)(?:</span>)?</label></h3>", re.S
)


def cards(response):
    """[(organisation name, [service names shown on its card])] in the order of the page."""
    found = []
    for card in _CARD.findall(response.content.decode()):
        title = _TITLE.search(card)
        assert title, f"a card without a title: {card[:200]}"
        found.append(
            (html.unescape(title.group(1)), [html.unescape(s) for s in _SERVICE.findall(card)])
        )
    return found


def card_titles(response):
    return [name for name, _services in cards(response)]


def card_services(response, organisation_name):
    for name, services in cards(response):
        if name == organisation_name:
            return services
    raise AssertionError(f"{organisation_name} is not listed")
