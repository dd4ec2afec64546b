"""One row per link of a service to a venue, with the venue's location and place and the
service's listing, for "near me" on PostgreSQL (listing/sql.py).

``organisations_listing_place`` is the service–venue links table joined to the venues and to the
listing table (migration 0006): where the venue is, its town and postcode, and, while the service
is listed, the listing row's organisation, name order, last check, keys, cost and faith approach
(``organisation_id`` is null while it is not). Statement-level triggers on all three keep it, as
the listing table's keep that: the rings of the near page's first group are then one index range
scan on ``(latitude, longitude)`` with every facet checked on the row, instead of a venue index
scan, a link look-up for each venue and a listing look-up for each link (docs/performance.md,
"Near me at 100,000"); only a search joins the listing rows, for their documents. Either of links
and venues may be written first: a bulk load adds links before their venues in one transaction
(the links' foreign key is deferred), so adding a venue adds its links' rows too. A choice facet
given a column in the listing table needs it here too. Nothing here exists on SQLite, where near
me reads the models.
"""

from django.db import migrations

from ._postgresql import on_postgresql

# A place row of the links ``sv`` and venues ``v`` (the listing rows ``l`` left joined to them).
PLACE = """
SELECT sv.service_id, v.id, v.latitude, v.longitude, v.town, v.postcode, v.location_is_approximate,
       l.organisation_id, l.sort_name, l.last_verified, l.keys, l.cost, l.faith_approach
"""
LISTING_OF = "LEFT JOIN organisations_listing l ON l.service_id = sv.service_id"
LISTED = """organisation_id = n.organisation_id, sort_name = n.sort_name,
               last_verified = n.last_verified, keys = n.keys, cost = n.cost,
               faith_approach = n.faith_approach"""


def after_each_statement(function, table, *triggers):
    """Statement-level triggers on ``table`` that run ``function``: (name, event, referencing)."""
    return "\n".join(
        f"CREATE TRIGGER organisations_listing_place_{name} AFTER {event}\n"
        f"ON {table} REFERENCING {referencing}\n"
        f"FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_{function}();"
        for name, event, referencing in triggers
    )


FORWARD = f"""
CREATE TABLE organisations_listing_place (
    service_id bigint NOT NULL,
    venue_id bigint NOT NULL,
    latitude double precision,
    longitude double precision,
    town text NOT NULL,
    postcode text NOT NULL,
    location_is_approximate boolean NOT NULL,
    organisation_id bigint,
    sort_name text,
    last_verified date,
    keys integer[],
    cost varchar(20),
    faith_approach varchar(20),
    PRIMARY KEY (service_id, venue_id)
);
INSERT INTO organisations_listing_place
{PLACE} FROM organisations_service_venues sv JOIN organisations_venue v ON v.id = sv.venue_id
{LISTING_OF};
CREATE INDEX organisations_listing_place_location ON organisations_listing_place
    (latitude, longitude);

-- Links: a row for each link added, none for each link removed.
CREATE FUNCTION organisations_listing_place_links_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM organisations_listing_place p USING old_links o
         WHERE p.service_id = o.service_id AND p.venue_id = o.venue_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO organisations_listing_place
        {PLACE} FROM new_links sv JOIN organisations_venue v ON v.id = sv.venue_id
        {LISTING_OF}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

{
    after_each_statement(
        "links_changed",
        "organisations_service_venues",
        ("link_inserted", "INSERT", "NEW TABLE AS new_links"),
        ("link_updated", "UPDATE", "OLD TABLE AS old_links NEW TABLE AS new_links"),
        ("link_deleted", "DELETE", "OLD TABLE AS old_links"),
    )
}

-- Venues: a new venue's links (added before it), a moved or renamed venue's rows, a removed one's.
CREATE FUNCTION organisations_listing_place_venues_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO organisations_listing_place
        {PLACE} FROM new_venues v JOIN organisations_service_venues sv ON sv.venue_id = v.id
        {LISTING_OF}
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE organisations_listing_place p
           SET latitude = v.latitude, longitude = v.longitude, town = v.town,
               postcode = v.postcode, location_is_approximate = v.location_is_approximate
          FROM new_venues v
         WHERE p.venue_id = v.id;
    ELSE
        DELETE FROM organisations_listing_place
         WHERE venue_id IN (SELECT id FROM old_venues);
    END IF;
    RETURN NULL;
END $$;

{
    after_each_statement(
        "venues_changed",
        "organisations_venue",
        ("venue_inserted", "INSERT", "NEW TABLE AS new_venues"),
        ("venue_updated", "UPDATE", "NEW TABLE AS new_venues"),
        ("venue_deleted", "DELETE", "OLD TABLE AS old_venues"),
    )
}

-- Listing rows: a service listed, changed or withdrawn (the listing's refresh deletes, then
-- inserts, each statement's trigger firing as it ends).
CREATE FUNCTION organisations_listing_place_listing_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE organisations_listing_place p
           SET organisation_id = NULL, sort_name = NULL, last_verified = NULL, keys = NULL,
               cost = NULL, faith_approach = NULL
          FROM old_rows o
         WHERE p.service_id = o.service_id;
    ELSE
        UPDATE organisations_listing_place p
           SET {LISTED}
          FROM new_rows n
         WHERE p.service_id = n.service_id;
    END IF;
    RETURN NULL;
END $$;

{
    after_each_statement(
        "listing_changed",
        "organisations_listing",
        ("listed", "INSERT", "NEW TABLE AS new_rows"),
        ("relisted", "UPDATE", "NEW TABLE AS new_rows"),
        ("unlisted", "DELETE", "OLD TABLE AS old_rows"),
    )
}

-- Django's flush (after each transactional test) empties both with TRUNCATE.
CREATE FUNCTION organisations_listing_place_emptied() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM organisations_listing_place;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_listing_place_links_truncated AFTER TRUNCATE
ON organisations_service_venues
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_emptied();
CREATE TRIGGER organisations_listing_place_venues_truncated AFTER TRUNCATE
ON organisations_venue
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_emptied();
"""

# Dropping the functions drops the triggers that run them, on all three tables.
BACKWARD = """
DROP FUNCTION organisations_listing_place_links_changed(),
    organisations_listing_place_venues_changed(), organisations_listing_place_listing_changed(),
    organisations_listing_place_emptied() CASCADE;
DROP TABLE organisations_listing_place;
"""


class Migration(migrations.Migration):
    dependencies = [("organisations", "0017_editors_venues")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
