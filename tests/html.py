"""Reading the list page as a visitor sees it: the cards' titles and the services on each card."""

import html
import re

_CARD = re.compile(r'<article class="app-card">(.*?)</article>', re.S)
# On a page in another language, what organisations wrote is marked with its own lang and dir.
# Near a postcode, cards sit under their group's heading, a level down (h3, services h4).
_TITLE = re.compile(r'<h([23]) class="app-card__title"><a href="[^"]*"[^>]*>(.*?)</a></h\1>', re.S)
# A service's heading holds the checkbox that puts it on a signposting sheet.
_SERVICE = re.compile(
    r"<h([34])><label><input [^>]*> (?:<span [^>]*>)?(.*?)(?:</span>)?</label></h\1>", re.S
)
_GROUP = re.compile(
    r'<h2 class="app-near-group__title" id="group-([\w-]+)">(.*?)</h2>(.*?)</section>', re.S
)


def cards(response):
    """[(organisation name, [service names shown on its card])] in the order of the page."""
    found = []
    for card in _CARD.findall(response.content.decode()):
        title = _TITLE.search(card)
        assert title, f"a card without a title: {card[:200]}"
        found.append(
            (
                html.unescape(title.group(2)),
                [html.unescape(name) for _level, name in _SERVICE.findall(card)],
            )
        )
    return found


def near_groups(response):
    """[(group, heading, [organisation names])] of a list near a postcode, in order."""
    content = response.content.decode()
    return [
        (
            group,
            html.unescape(heading),
            [html.unescape(m.group(2)) for m in _TITLE.finditer(body)],
        )
        for group, heading, body in _GROUP.findall(content)
    ]


def card_titles(response):
    return [name for name, _services in cards(response)]


def card_services(response, organisation_name):
    for name, services in cards(response):
        if name == organisation_name:
            return services
    raise AssertionError(f"{organisation_name} is not listed")
