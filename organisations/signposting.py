"""The practitioner's signposting sheet: which services a ``?service=<id>&service=<id>`` link names.

The link is the sheet: a practitioner copies it into an email or a letter, so it must keep working
when a service is later removed, and must never fail on what a mail client did to it. Every value
that is not the id of a public service is left out with a notice saying so.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext,
    ngettext,
    override,
    pgettext,
)

from .models import Service

MOST_SERVICES = 10  # a sheet a client can read, on one or two A4 pages
# Values looked at, at most: a link with thousands of them is not a sheet anyone made.
MOST_VALUES = 50
_MOST_DIGITS = 18  # any larger number is no service id (ids are 64-bit)
NAMED_MALFORMED = 3  # values that are not service ids named in a notice each; the rest counted


@dataclass
class Chosen:
    ids: list = field(default_factory=list)  # understood ids, in the order given, at most ten
    notices: list = field(default_factory=list)


def read_ids(values):
    """The service ids in ``values`` (query-string strings), in order, without repeats."""
    chosen = Chosen()
    malformed = []
    for raw in values[:MOST_VALUES]:
        value = raw.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= _MOST_DIGITS):
            malformed.append(raw)
            continue
        pk = int(value)
        if pk not in chosen.ids:
            chosen.ids.append(pk)
    for raw in malformed[:NAMED_MALFORMED]:
        chosen.notices.append(
            # Translators: %(value)s is what a link gave instead of the number of a service.
            gettext("“%(value)s” is not a service number, so it was left out.")
            % {"value": raw[:20]}
        )
    if len(malformed) > NAMED_MALFORMED:
        more = len(malformed) - NAMED_MALFORMED
        chosen.notices.append(
            ngettext(
                # Translators: after notices naming the first few values that are not service
                # numbers.
                "%(count)s more value that is not a service number.",
                "%(count)s more values that are not service numbers.",
                more,
            )
            % {"count": number_format(more)}
        )
    if len(chosen.ids) > MOST_SERVICES or len(values) > MOST_VALUES:
        chosen.notices.append(
            ngettext(
                "A sheet holds at most %(count)s service, so only the first is on it.",
                "A sheet holds at most %(count)s services, so only the first %(count)s are on it.",
                MOST_SERVICES,
            )
            % {"count": number_format(MOST_SERVICES)}
        )
        chosen.ids = chosen.ids[:MOST_SERVICES]
    return chosen


def public_services(chosen):
    """The public services among ``chosen.ids``, in the order chosen; a notice for the rest."""
    found = Service.objects.public().select_related("organisation").in_bulk(chosen.ids)
    missing = [pk for pk in chosen.ids if pk not in found]
    if missing:
        # Service ids, as a link gave them: not amounts, so never grouped like "1,234".
        numbers = pgettext("list separator", ", ").join(str(pk) for pk in missing)
        chosen.notices.append(
            ngettext(
                # Translators: %(numbers)s is the service number, or the numbers, from the link to a
                # signposting sheet: "12" or "12, 15".
                "Service %(numbers)s is not listed in the directory now, so it was left out. "
                "A service can be removed when it closes or changes.",
                "Services %(numbers)s are not listed in the directory now, so they were left "
                "out. A service can be removed when it closes or changes.",
                len(missing),
            )
            % {"numbers": numbers}
        )
    return [found[pk] for pk in chosen.ids if pk in found]


@dataclass
class SheetLanguage:
    code: str  # an interface language
    notices: list = field(default_factory=list)


def sheet_language(values):
    """The language the practitioner chose for the sheet (``lang``): the page's own when none was
    chosen, or when the one given is not an interface language (with a notice naming it)."""
    current = get_language()
    codes = [code for code, _name in settings.LANGUAGES]
    given = [value for value in values if value]
    if not given:
        return SheetLanguage(current)
    if given[-1] in codes:
        return SheetLanguage(given[-1])
    return SheetLanguage(
        current,
        [
            gettext(
                "We did not recognise the language “%(value)s”, so the sheet is in this "
                "page’s language."
            )
            % {"value": given[-1][:20]}
        ],
    )


def sheet_query(ids):
    """The query string of a sheet of these services: ``service=12&service=15``."""
    return urlencode([("service", pk) for pk in ids])


def sheet_path(ids):
    """The sheet of these services, in the active language: ``/ar/signposting/?service=12``."""
    query = sheet_query(ids)
    return reverse("organisations:signposting-sheet") + (f"?{query}" if query else "")


def as_given(values):
    """The ``service`` values a link gave, for the same sheet at another URL: enough of them, and
    of each, for that sheet to say the same about them (read_ids), and no more."""
    return [value[:20] for value in values[: MOST_VALUES + 1]]


def practitioner_note(ids):
    """On a sheet in another language, a line in English for the practitioner who made it: which
    language the sheet is in, and the same sheet in English. None on an English sheet."""
    code = get_language()
    if code == settings.LANGUAGE_CODE:
        return None
    with override(settings.LANGUAGE_CODE):
        english_url = sheet_path(ids)
    return {"language": get_language_info(code)["name"], "english_url": english_url}
