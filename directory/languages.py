"""The interface languages and whether each one's translation has been checked by a native speaker
(docs/translating.md).

Each translated language has a table in ``locale/review.toml``::

    [ur]
    status = "draft"     # "draft" until a native speaker has checked every entry, then "reviewed"
    reviewed_by = ""     # the reviewer's name, when reviewed
    reviewed_on = ""     # YYYY-MM-DD, when reviewed

A language is a draft until its table says ``status = "reviewed"``, with who reviewed it and
when; pages in a draft language carry a notice (templates/includes/draft_notice.html). The file is
read once per process (``review_status``); a file that breaks the rules raises
``ReviewFileError`` with every problem in it, and tests/test_translations.py checks it.
"""

import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

REVIEW_FILE = Path(settings.BASE_DIR) / "locale" / "review.toml"
DRAFT = "draft"
REVIEWED = "reviewed"
STATUSES = (DRAFT, REVIEWED)
KEYS = {"status", "reviewed_by", "reviewed_on"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def language_tag(code):
    """The BCP 47 tag for ``lang`` and ``hreflang``: en-GB, ur, ar."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


# What is in the directory's own language (what organisations wrote, a lookup name not yet
# translated), on a page in another language: marked so, for a screen reader's voice, and
# isolated left to right.
IN_ENGLISH = mark_safe(f' lang="{language_tag(settings.LANGUAGE_CODE)}" dir="ltr"')


def in_english(value):
    """``value`` (escaped unless safe) in its own ``<span lang="en-GB" dir="ltr">``."""
    return format_html("<span{}>{}</span>", IN_ENGLISH, value)


@dataclass(frozen=True)
class Review:
    code: str
    status: str
    reviewed_by: str = ""
    reviewed_on: date | None = None

    @property
    def is_reviewed(self):
        return self.status == REVIEWED


class ReviewFileError(ImproperlyConfigured):
    """locale/review.toml breaks the rules; ``problems`` is a list of (language code or None for
    the whole file, what is wrong)."""

    def __init__(self, path, problems):
        self.path = path
        self.problems = problems
        listed = "\n".join(
            f"  [{code}] {message}" if code else f"  {message}" for code, message in problems
        )
        super().__init__(f"{path}:\n{listed}")


def translated_languages():
    """The enabled languages that have a catalogue: every one but the default, English."""
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _date(value):
    """A TOML date, or a string YYYY-MM-DD; None for an empty string; ValueError otherwise."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        if value == "":
            return None
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)  # ValueError for 2025-02-30
    raise ValueError(value)


def _review(code, table, problems):
    """One language's table as a Review, its problems added to ``problems``."""
    if not isinstance(table, dict):
        problems.append((code, f"must be a table ([{code}]), not {table!r}"))
        return None
    for key in sorted(set(table) - KEYS):
        problems.append((code, f"unknown key {key!r} (known: {', '.join(sorted(KEYS))})"))
    status = table.get("status")
    reviewed_by = table.get("reviewed_by", "")
    if status not in STATUSES:
        problems.append((code, f"status must be one of {', '.join(STATUSES)}, not {status!r}"))
    if not isinstance(reviewed_by, str):
        problems.append((code, f"reviewed_by must be a string, not {reviewed_by!r}"))
        reviewed_by = ""
    reviewed_by = reviewed_by.strip()
    try:
        reviewed_on = _date(table.get("reviewed_on", ""))
    except ValueError:
        problems.append(
            (code, f"reviewed_on must be a date YYYY-MM-DD, not {table.get('reviewed_on')!r}")
        )
        reviewed_on = None
    else:
        if status == REVIEWED and reviewed_on is None:
            problems.append((code, 'status "reviewed" needs reviewed_on = "YYYY-MM-DD"'))
        # A day's grace: the reviewer's today may be ahead of the machine's.
        if reviewed_on is not None and reviewed_on > date.today() + timedelta(days=1):
            problems.append((code, f"reviewed_on {reviewed_on.isoformat()} is in the future"))
    if status == REVIEWED and not reviewed_by:
        problems.append((code, 'status "reviewed" needs reviewed_by, the reviewer\'s name'))
    return Review(code, status, reviewed_by, reviewed_on)


def read_reviews(path=None, languages=None):
    """Every language's Review from ``path`` (locale/review.toml), checked: each of
    ``languages`` (the translated languages) has a table, and every table keeps the rules.
    Raises ReviewFileError listing every problem."""
    path = Path(path or REVIEW_FILE)
    languages = translated_languages() if languages is None else languages
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise ReviewFileError(
            path, [(None, "missing: every translated language needs a table")]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ReviewFileError(path, [(None, f"not valid TOML: {error}")]) from error
    problems = []
    reviews = {}
    for code, table in data.items():
        review = _review(code, table, problems)
        if review is not None:
            reviews[code] = review
    for code in languages:
        if code not in data:
            problems.append((code, 'no table: every enabled language needs one (status = "draft")'))
    if settings.LANGUAGE_CODE in data:
        problems.append(
            (settings.LANGUAGE_CODE, "the default language has no catalogue and no review")
        )
    if problems:
        raise ReviewFileError(path, problems)
    return reviews


def review_problems(path=None, languages=None):
    """What is wrong with locale/review.toml: a list of (code or None, message); empty if
    nothing."""
    try:
        read_reviews(path, languages)
    except ReviewFileError as error:
        return error.problems
    return []


@functools.cache
def review_status():
    """Language code → Review, from locale/review.toml, read once per process."""
    return read_reviews()


def is_draft(code):
    """Whether pages in ``code`` carry the draft notice: True for an enabled language other than
    the default whose translation is not yet "reviewed"; False for the default language, and for
    a code that is not an enabled language (nothing is shown in it)."""
    if code == settings.LANGUAGE_CODE or code not in translated_languages():
        return False
    review = review_status().get(code)
    return review is None or not review.is_reviewed


def shown_name(item, field="name"):
    """A lookup's name (django-modeltranslation, organisations/translation.py) in the page's
    language. Where an editor has not yet given it one, modeltranslation gives the English name:
    it is then marked as English, so that a screen reader reads it with an English voice and a
    right-to-left page keeps it left to right. Anything without a column per language (a choice
    such as the cost, which the catalogue translates) is its ``name`` as it is."""
    language = get_language()
    name = getattr(item, field)
    own = build_localized_fieldname(field, language)
    if language == settings.LANGUAGE_CODE or not hasattr(item, own) or getattr(item, own):
        return name
    return in_english(name)
