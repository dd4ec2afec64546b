"""The UK's postcode districts: centroid and regions, from the shipped table (data/README.md).

``data/outcodes.csv`` has one row per live district (2,946) with the median of its postcode
points and the region that holds most of its postcodes; ``data/straddling.csv`` names the other
regions of the 56 districts that straddle a border. A straddling district belongs to every region
it covers. ``load()`` checks both files against their checksums before reading a row: an edited
or truncated table is refused, never half-loaded. ``sync()`` writes them to ``PostcodeDistrict``
(after every migrate, signals.py, so ``make run`` and a flushed test database have them).

A process reads the table once (``find``): 2,946 small rows, about a megabyte, that never change
while it runs.
"""

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
CHECKSUMS = {
    "outcodes.csv": "2f34235de75b0aedb7dd5daccac3bc38378b983c38cf407018ec596290618494",
    "straddling.csv": "986939d7cfe6205cb2c49bb3647b4d5428a050205bb9ca05a78956d14945761e",
}
COUNT = 2946


class TableChanged(Exception):
    """A shipped file no longer has the checksum it was published with."""


@dataclass(frozen=True)
class District:
    outcode: str
    latitude: float
    longitude: float
    region: str  # the region holding most of its postcodes
    regions: tuple  # every region it covers, that one first

    def __str__(self):
        return self.outcode


def _checked(name):
    content = (DATA / name).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != CHECKSUMS[name]:
        raise TableChanged(f"{DATA / name} has sha256 {digest}, not {CHECKSUMS[name]}")
    return content.decode("utf-8").splitlines()


def load():
    """Every district in the shipped table, checksums verified."""
    others = {}
    for row in csv.DictReader(_checked("straddling.csv")):
        regions = [part.split()[0] for part in row["other_regions"].split(";") if part.strip()]
        others[row["outcode"]] = regions
    districts = []
    for row in csv.DictReader(_checked("outcodes.csv")):
        region = row["region"]
        regions = (region, *(r for r in others.get(row["outcode"], ()) if r != region))
        districts.append(
            District(
                outcode=row["outcode"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                region=region,
                regions=regions,
            )
        )
    return districts


def sync(using="default"):
    """Make ``PostcodeDistrict`` hold exactly the shipped table; a no-op when it does already.
    Returns how many rows it wrote."""
    from django.db import connections

    from ..models import PostcodeDistrict

    if PostcodeDistrict._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated only part of the way, to before the table
    districts = load()
    table = PostcodeDistrict.objects.using(using)
    if table.count() == len(districts) and table.filter(outcode="ZE3").exists():
        return 0
    table.all().delete()
    table.bulk_create(
        [
            PostcodeDistrict(
                outcode=d.outcode,
                latitude=d.latitude,
                longitude=d.longitude,
                region=d.region,
                regions=" ".join(d.regions),
            )
            for d in districts
        ],
        batch_size=500,
    )
    return len(districts)


@cache
def _table():
    """Every district, by outcode, as the database holds them: read once per process."""
    from ..models import PostcodeDistrict

    return {
        row.outcode: District(
            row.outcode, row.latitude, row.longitude, row.region, tuple(row.regions.split())
        )
        for row in PostcodeDistrict.objects.all()
    }


def find(outcode):
    """The district ``outcode`` (upper case, no space), or None when the table has none."""
    table = _table()
    if not table:  # not loaded yet: ask again next time rather than keep an empty table
        _table.cache_clear()
    return table.get(outcode)
