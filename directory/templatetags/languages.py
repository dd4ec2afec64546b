"""The page's language for ``<html>``, the language switcher, ``hreflang`` links and the notice on
pages in a language not yet checked by a native speaker (DESIGN.md §8, docs/translating.md).

    {% load languages %}
    {% html_language %}            lang="ar" dir="rtl"
    {% with_versions "includes/language_switcher.html" %}
        a template given ``versions``, every interface language's version of this page: code,
        name (in its own script), the ``lang`` and ``hreflang`` value, its URL, and whether it is
        this page's language

A page's versions are the same path under each language's prefix (English has none), with the
query string the view puts in ``language_query``: only what the page understood (the list's
filters, the sheet's services), never anything else a visitor typed, since cached pages keep it.
"""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import languages
from ..languages import IN_ENGLISH, in_english, is_draft, language_tag

register = template.Library()


def unprefixed(path, language):
    """``path`` without the prefix of ``language``: the English URL."""
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        return path[len(prefix) - 1 :]
    return path


def prefixed(path, language):
    """The English ``path`` in ``language``."""
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


@register.simple_tag
def html_language():
    return _html_language(get_language())


@functools.cache
def _html_language(language):
    bidi = language in settings.LANGUAGES_BIDI
    return format_html('lang="{}" dir="{}"', language_tag(language), "rtl" if bidi else "ltr")


def interface_languages(current, english=""):
    """Every interface language's version of the page whose English address is ``english``."""
    return [
        {
            "code": code,
            "name": name,
            "tag": language_tag(code),
            "url": prefixed(english, code),
            "current": code == current,
            "rtl": code in settings.LANGUAGES_BIDI,
        }
        for code, name in settings.LANGUAGES
    ]


def page_address(context):
    """This page's English address: its path without the language's prefix, and the query string
    the view put in ``language_query``."""
    request = context.get("request")
    if request is None:  # an error page rendered without its request: the home page's
        return "/"
    return unprefixed(request.path, get_language()) + context.get("language_query", "")


@register.simple_tag(name="interface_languages")
def interface_languages_tag():
    """The interface languages, without addresses: ``{% interface_languages as languages %}``."""
    return interface_languages(get_language())


# Stands for the page's English address in a kept rendering of ``with_versions``: no template
# or translation holds a NUL, and escaping leaves it alone.
ADDRESS = "\x00"


@register.simple_tag(takes_context=True)
def with_versions(context, template_name):
    """``template_name`` rendered with ``versions``, this page's version in every language: the
    ``hreflang`` links, the language switcher, the draft notice. It is on every page, so it is
    rendered once per language and process with a placeholder for the page's address, which each
    request fills in (with DEBUG on, every time, so that a template edit shows)::

        {% with_versions "includes/language_switcher.html" %}

    The template needs nothing from the page but ``versions``; each URL in it is
    ``version.url``, whole, as the placeholder stands for the address it ends with."""
    language = get_language()
    render = _render_with_versions if settings.DEBUG else _kept_with_versions
    kept = render(template_name, language)
    return mark_safe(kept.replace(ADDRESS, conditional_escape(page_address(context))))


def _render_with_versions(template_name, language):
    return render_to_string(template_name, {"versions": interface_languages(language, ADDRESS)})


_kept_with_versions = functools.cache(_render_with_versions)


@register.simple_tag
def is_draft_language():
    return is_draft(get_language())


def _as_written():
    """What organisations wrote is in the directory's own language, English: on a page in another
    language it is marked so (a screen reader then reads it with an English voice) and isolated
    left to right."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return IN_ENGLISH


@register.simple_tag
def written_lang():
    """The ``lang`` and ``dir`` attributes of an element that holds only what an organisation
    wrote: ``<p{% written_lang %}>{{ organisation.summary }}</p>``; nothing on English pages."""
    return _as_written()


@register.filter
def as_written(value):
    """What an organisation wrote, inside a sentence of the page's language: in its own
    ``<span lang dir>`` on a page in another language; as it is on English pages."""
    return in_english(value) if _as_written() else value


@register.filter
def endonym(language):
    """A language's name for itself, marked with that language (and its direction)."""
    direction = mark_safe(' dir="rtl"') if language.is_rtl else ""
    return format_html('<span lang="{}"{}>{}</span>', language.code, direction, language.endonym)


@register.filter
def shown_name(value):
    """A lookup value's name in the page's language, or its English name marked as English where
    it has none yet; a choice's name as it is (directory/languages.py)."""
    return languages.shown_name(value)
