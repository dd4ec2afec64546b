"""The page's language for ``<html>``, the language switcher, ``hreflang`` links and the notice on
pages in a language not yet checked by a native speaker (DESIGN.md §8, docs/translating.md).

    {% load languages %}
    {% html_language %}            lang="ar" dir="rtl"
    {% language_versions as versions %}
        every interface language's version of this page: code, name (in its own script), the
        ``lang`` and ``hreflang`` value, its URL, and whether it is this page's language

A page's versions are the same path under each language's prefix (English has none), with the
query string the view puts in ``language_query``: only what the page understood (the list's
filters, the sheet's services), never anything else a visitor typed, since cached pages keep it.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi

from ..languages import is_draft

register = template.Library()


def language_tag(code):
    """The BCP 47 tag for ``lang`` and ``hreflang``: en-GB, ur, ar."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


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
    return format_html(
        'lang="{}" dir="{}"',
        language_tag(get_language()),
        "rtl" if get_language_bidi() else "ltr",
    )


@register.simple_tag(takes_context=True)
def language_versions(context):
    request = context.get("request")
    current = get_language()
    if request is None:  # an error page rendered without its request: the home pages
        english = "/"
        query = ""
    else:
        english = unprefixed(request.path, current)
        query = context.get("language_query", "")
    return [
        {
            "code": code,
            "name": name,
            "tag": language_tag(code),
            "url": prefixed(english, code) + query,
            "current": code == current,
            "rtl": code in settings.LANGUAGES_BIDI,
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def is_draft_language():
    return is_draft(get_language())


def _as_written():
    """What organisations wrote is in the directory's own language, English: on a page in another
    language it is marked so (a screen reader then reads it with an English voice) and isolated
    left to right."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}" dir="ltr"', language_tag(settings.LANGUAGE_CODE))


@register.simple_tag
def written_lang():
    """The ``lang`` and ``dir`` attributes of an element that holds only what an organisation
    wrote: ``<p{% written_lang %}>{{ organisation.summary }}</p>``; nothing on English pages."""
    return _as_written()


@register.filter
def as_written(value):
    """What an organisation wrote, inside a sentence of the page's language: in its own
    ``<span lang dir>`` on a page in another language; as it is on English pages."""
    attributes = _as_written()
    if not attributes:
        return value
    return format_html("<span{}>{}</span>", attributes, value)


@register.filter
def endonym(language):
    """A language's name for itself, marked with that language (and its direction)."""
    direction = mark_safe(' dir="rtl"') if language.is_rtl else ""
    return format_html('<span lang="{}"{}>{}</span>', language.code, direction, language.endonym)
