"""A UK postcode or postcode district as a visitor types it, read as its district.

The district (outward code) is the part before the space: ``LS6`` of ``LS6 2AB``. A full
postcode is never kept: the list redirects it to its district (views.py). The shapes are Royal
Mail's: an area of one or two letters, then a digit, then an optional digit or letter; a full
postcode adds a digit and two letters. The Channel Islands and the Isle of Man (GY, JE, IM) have
postcodes of the same shape but are outside the directory's coverage (data/README.md).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

_DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
DISTRICT = re.compile(rf"{_DISTRICT}")
FULL = re.compile(rf"({_DISTRICT})({_INWARD})")
OUTSIDE_COVERAGE = ("GY", "JE", "IM")  # Guernsey, Jersey, the Isle of Man
LONGEST = 7  # "EC1A1BB": the longest postcode, without its space


@dataclass(frozen=True)
class Typed:
    """What ``near`` held: its district (or "" when it holds none), and whether it was a whole
    postcode (then the list redirects to the district alone)."""

    district: str = ""
    full: bool = False


def read(text):
    """The district in ``text``, any case and spacing: ``Typed("LS6", full=True)`` for
    ``"ls6 2ab"``; ``Typed()`` when ``text`` is no postcode."""
    squeezed = "".join((text or "")[:40].split()).upper()
    if not squeezed or len(squeezed) > LONGEST:
        return Typed()
    full = FULL.fullmatch(squeezed)
    if full and not DISTRICT.fullmatch(squeezed):
        return Typed(full.group(1), full=True)
    if DISTRICT.fullmatch(squeezed):
        return Typed(squeezed)
    return Typed()


def is_outside_coverage(district):
    """A district of the Channel Islands or the Isle of Man: a UK postcode, but not in the data."""
    area = re.match(r"[A-Z]+", district)
    return bool(area) and area.group(0) in OUTSIDE_COVERAGE


@lru_cache(maxsize=10_000)
def district_of(postcode):
    """The district of a venue's postcode as stored ("LS2 7EW" → "LS2"), or "" for none."""
    return read(postcode).district
