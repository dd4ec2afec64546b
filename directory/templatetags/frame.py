"""The parts of every page that are the same on every page: the urgent-help banner, the header
(but for which link is current) and the footer. They hold only URLs and the crisis lines, which
are constants of the code, so each is rendered once per process and kept, like the crisis lines
themselves (templatetags/crisis.py); with DEBUG on, every time, so that a template edit shows.

    {% load frame %}
    {% frame "includes/header.html" current="organisation-list" %}

A template used this way must need nothing from the page's context but what is passed to it.
"""

from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def frame(template_name, **context):
    if settings.DEBUG:
        return mark_safe(render_to_string(template_name, context))
    return _rendered(template_name, tuple(sorted(context.items())), get_language())


@cache
def _rendered(template_name, context, language):
    return mark_safe(render_to_string(template_name, dict(context)))
