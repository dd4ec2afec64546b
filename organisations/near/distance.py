"""How far a venue is, in SQL that SQLite and PostgreSQL both run.

A query first keeps the venues inside a box around the centre (``box``: ranges on the indexed
latitude and longitude, which an index answers without a formula), then measures each one left
with the haversine formula (``miles_from``), made of Django's math functions: Django gives SQLite
the same functions PostgreSQL has. No GeoDjango, no GDAL, no PostGIS: a fresh machine needs only
Python. The earth is taken as a sphere of radius 3,958.8 miles, good to about 0.5% for the
distances shown, which are rounded to a tenth of a mile.
"""

import math

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_OF_LATITUDE = 69.0
METRES_PER_MILE = 1609.344


def box(latitude, longitude, miles, prefix=""):
    """Conditions (for ``filter(**box(...))``) on ``latitude`` and ``longitude`` columns: the
    square around the centre that holds every point within ``miles``."""
    rise = miles / MILES_PER_DEGREE_OF_LATITUDE
    # A degree of longitude is shorter away from the equator: widest at the box's edge nearest
    # a pole, so the box holds the whole circle.
    widest = min(89.0, abs(latitude) + rise)
    run = miles / (MILES_PER_DEGREE_OF_LATITUDE * math.cos(math.radians(widest)))
    return {
        f"{prefix}latitude__range": (latitude - rise, latitude + rise),
        f"{prefix}longitude__range": (longitude - run, longitude + run),
    }


def miles_from(latitude, longitude, prefix=""):
    """An expression: the great-circle distance in miles from the centre to the row's point."""
    lat = Radians(F(f"{prefix}latitude"))
    lon = Radians(F(f"{prefix}longitude"))
    centre_lat = math.radians(latitude)
    half_rise = (lat - Value(centre_lat)) / Value(2.0)
    half_run = (lon - Value(math.radians(longitude))) / Value(2.0)
    inside = Power(Sin(half_rise), 2) + Value(math.cos(centre_lat)) * Cos(lat) * Power(
        Sin(half_run), 2
    )
    return Value(2.0 * EARTH_RADIUS_MILES) * ASin(Sqrt(inside), output_field=FloatField())


def miles_between(a, b):
    """The same distance in Python, for tests and for the feed's ``distance``: (lat, lon) pairs."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    inside = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(inside)))
