"""Near me (DESIGN.md §10): postcode districts, reading a postcode, and distances in SQL.

- ``postcodes``: what a visitor typed in ``near`` (a postcode or a district, any case and spacing)
  read as its district; only the district is ever used, kept or put in a URL.
- ``districts``: the shipped table of 2,946 live districts with centroid and region (``data/``,
  from ONS's NSPL under the Open Government Licence; ``data/README.md``), checked against its
  checksum, loaded into ``PostcodeDistrict`` and kept by each process.
- ``distance``: a bounding box on indexed latitude and longitude, then the haversine formula
  with Django's math functions, the same SQL on SQLite and PostgreSQL.
"""
