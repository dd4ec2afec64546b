"""What a request to the feed asks for: its query parameters, read without ever failing.

``page`` and ``per_page`` that are not whole numbers from 1 fall back to their defaults (1 and
50), as harvesters that send junk still get a page; a ``per_page`` over 200 gets 200.

A filter given a value of the wrong form (a ``taxonomy_term_id`` that is not a UUID, a
``modified_after`` that is not an ISO 8601 date-time) is an error the client should hear of:
``Query.errors`` names it, and the view answers 400 with the message. A well-formed id of
nothing matches nothing.

Accepted and documented, but not narrowing anything, since the directory does not record them:
``minimum_age`` and ``maximum_age`` (no service records ages: every service is returned, as
"suitable for all ages unless its description says otherwise"), and ``start_time``, ``end_time``
and ``day`` (opening hours are the organisation's own words, not a timetable).
``postcode`` and ``proximity`` (``/service_at_locations`` only, as the description declares them)
ask for the service-at-locations whose venue lies within ``proximity`` metres of the centroid of
the postcode's district (near/): a district (``LS6``) or a whole postcode (``LS6 2AB``), of which
only the district is used or kept. ``proximity`` is a number of metres above 0, whole or not,
``DEFAULT_PROXIMITY`` (40,000 m, about the 25 miles the list looks by default) when only a
postcode is given, and at most ``MOST_PROXIMITY`` (160,000 m, about 100 miles: beyond that
nothing is near). Each is an error the client hears of, as a malformed filter is: a postcode
that is no UK postcode, a district not in the table (a new one, or none), one of the Channel
Islands or the Isle of Man (outside the directory's coverage), a ``proximity`` that is not a
positive number of metres or is over the most, and a ``proximity`` without a postcode.

``Query.key`` names what was understood, in one order, for the page cache: junk parameters make
no new keys.
"""

import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.dateparse import parse_date, parse_datetime

from ..near import districts, postcodes

DEFAULT_PER_PAGE = 50
MOST_PER_PAGE = 200
FURTHEST_PAGE = 10**9  # beyond any directory: a larger number is junk, read as page 1
NOT_NARROWING = ("minimum_age", "maximum_age", "start_time", "end_time", "day")
DEFAULT_PROXIMITY = 40_000  # metres: about the list's default radius of 25 miles
MOST_PROXIMITY = 160_000  # metres: about 100 miles


@dataclass
class Query:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    near: districts.District | None = None  # the postcode's district, when one was given
    proximity: float | None = None  # metres, when ``near`` is set
    ndjson: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def filters(self):
        """The filters asked for, as (name, value) pairs, in one order."""
        named = (
            ("search", self.search),
            ("taxonomy_term_id", self.taxonomy_term_id),
            ("taxonomy_id", self.taxonomy_id),
            ("organization_id", self.organization_id),
            ("modified_after", self.modified_after.isoformat() if self.modified_after else None),
            ("postcode", self.near.outcode if self.near else None),
            ("proximity", f"{self.proximity:g}" if self.near else None),
        )
        return tuple((name, str(value)) for name, value in named if value)

    @property
    def key(self):
        filters = "&".join(f"{name}={value}" for name, value in self.filters)
        return f"page={self.page}&per_page={self.per_page}&{filters}"


def _whole(text, default, highest):
    """A whole number from 1 to ``highest``, or ``default`` for anything else."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= highest else default


def _uuid(query, name, text):
    if text is None or text == "":
        return None
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        query.errors.append(f"{name} must be a UUID, such as 6f1d3c52-2b0e-4c47-9f0e-6d1c3a7a9b10.")
        return None


def _moment(query, text):
    if not text:
        return None
    text = text.strip().replace(" ", "+")  # a "+01:00" sent unencoded arrives as a space
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        query.errors.append(
            "modified_after must be an ISO 8601 date-time, such as 2026-11-03T10:00:00Z."
        )
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _near(query, postcode, proximity):
    """The district and the metres ``postcode`` and ``proximity`` ask for, or (None, None)."""
    postcode = (postcode or "").strip()
    proximity = (proximity or "").strip()
    if not postcode:
        if proximity:
            query.errors.append("proximity needs a postcode, such as postcode=LS6&proximity=5000.")
        return None, None
    typed = postcodes.read(postcode)
    if not typed.district:
        query.errors.append("postcode must be a UK postcode or postcode district, such as LS6 2AB.")
        return None, None
    metres = DEFAULT_PROXIMITY
    if proximity:
        try:
            metres = float(proximity)
        except ValueError:
            metres = math.nan
        if not math.isfinite(metres) or metres <= 0:
            query.errors.append("proximity must be a number of metres above 0, such as 5000.")
            return None, None
        if metres > MOST_PROXIMITY:
            query.errors.append(f"proximity must be at most {MOST_PROXIMITY} metres.")
            return None, None
    if postcodes.is_outside_coverage(typed.district):
        query.errors.append(
            f"The postcode district {typed.district} is outside the directory's coverage "
            "(the Channel Islands and the Isle of Man)."
        )
        return None, None
    district = districts.find(typed.district)
    if district is None:
        query.errors.append(f"The postcode district {typed.district} is not one the feed knows.")
        return None, None
    return district, metres


def read(get, near=False):
    """The ``Query`` a QueryDict asks for; with ``near``, ``postcode`` and ``proximity`` too."""
    """The ``Query`` a QueryDict asks for."""
    query = Query()
    query.page = _whole(get.get("page"), 1, FURTHEST_PAGE)
    per_page = _whole(get.get("per_page"), DEFAULT_PER_PAGE, 10**6)
    query.per_page = min(per_page, MOST_PER_PAGE)  # asking for more is asking for the most
    text = get.get("search") or get.get("text") or ""
    query.search = " ".join(text.replace("\x00", " ").split())[:200]
    query.taxonomy_term_id = _uuid(query, "taxonomy_term_id", get.get("taxonomy_term_id"))
    query.taxonomy_id = _uuid(query, "taxonomy_id", get.get("taxonomy_id"))
    query.organization_id = _uuid(query, "organization_id", get.get("organization_id"))
    query.modified_after = _moment(query, get.get("modified_after"))
    query.ndjson = get.get("format", "").lower() == "ndjson"
    if near:
        query.near, query.proximity = _near(query, get.get("postcode"), get.get("proximity"))
    return query
