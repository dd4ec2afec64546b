"""The crisis lines in a template (directory/crisis_lines.py): needs no request, so the error
pages, which render without one, can use it too. The lines are constants of the code, so each
place's HTML is made once per process and language (with DEBUG on, every time, so that a template
edit shows).

    {% load crisis %}
    {% crisis_lines "panel" %}         the lines of one place, through includes/crisis_lines.html
    {% crisis_number "samaritans" %}   one line's number as a link, in prose
    {% crisis_lines_in_a_list %}       "999, NHS 111, Samaritans 116 123, …": for a description
"""

from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language

from ..crisis_lines import BY_SLUG, Place, in_a_list, lines_for

register = template.Library()


@register.simple_tag
def crisis_lines(place):
    """The lines of one place, through includes/crisis_lines.html."""
    place = Place(place)
    return render(place) if settings.DEBUG else rendered(place, get_language())


def render(place, language=None):
    """The lines of ``place`` in the active language (``language`` keys the process's copy)."""
    sentence = {
        Place.BANNER: "banner",
        Place.PANEL: "summary",
        Place.SHEET: "summary",
        Place.PAGE: "lead",
    }[place]
    context = {
        "lines": [
            {
                "line": line,
                "sentence": line.say(getattr(line, sentence), place),
                "details": [line.say(text, place) for text in line.details],
            }
            for line in lines_for(place)
        ],
        "in_full": place == Place.PAGE,
        "in_a_sentence": place == Place.BANNER,
    }
    return render_to_string("includes/crisis_lines.html", context)


rendered = cache(render)


@register.simple_tag
def crisis_number(slug):
    return BY_SLUG[slug].number_link(Place.PANEL)


@register.simple_tag
def crisis_lines_in_a_list():
    return in_a_list()
