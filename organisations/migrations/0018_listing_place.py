"""One row per link of a service to a venue, with the venue's location and place, for "near me"
on PostgreSQL (listing/sql.py).

``organisations_listing_place`` is the service–venue links table joined to the venues, kept
by statement-level triggers on both, as the listing table is (migration 0006): the rings of the
near page's first group are then one index range scan on ``(latitude, longitude)`` joined to the
listing rows, instead of a venue index scan, a link look-up for each venue and a listing look-up
for each link (docs/performance.md, "Near me at 100,000"). Either side may be written first: a
bulk load adds links before their venues in one transaction (the links' foreign key is deferred),
so adding a venue adds its links' rows too. Nothing here exists on SQLite, where near me reads the
models.
"""

from django.db import migrations

from ._postgresql import on_postgresql

PLACE = """
SELECT sv.service_id, v.id, v.latitude, v.longitude, v.town, v.postcode, v.location_is_approximate
"""

FORWARD = f"""
CREATE TABLE organisations_listing_place (
    service_id bigint NOT NULL,
    venue_id bigint NOT NULL,
    latitude double precision,
    longitude double precision,
    town text NOT NULL,
    postcode text NOT NULL,
    location_is_approximate boolean NOT NULL,
    PRIMARY KEY (service_id, venue_id)
);
INSERT INTO organisations_listing_place
{PLACE} FROM organisations_service_venues sv JOIN organisations_venue v ON v.id = sv.venue_id;
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
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_listing_place_link_inserted AFTER INSERT
ON organisations_service_venues REFERENCING NEW TABLE AS new_links
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_links_changed();
CREATE TRIGGER organisations_listing_place_link_updated AFTER UPDATE
ON organisations_service_venues REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_links_changed();
CREATE TRIGGER organisations_listing_place_link_deleted AFTER DELETE
ON organisations_service_venues REFERENCING OLD TABLE AS old_links
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_links_changed();

-- Venues: a new venue's links (added before it), a moved or renamed venue's rows, a removed one's.
CREATE FUNCTION organisations_listing_place_venues_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO organisations_listing_place
        {PLACE} FROM new_venues v JOIN organisations_service_venues sv ON sv.venue_id = v.id
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

CREATE TRIGGER organisations_listing_place_venue_inserted AFTER INSERT
ON organisations_venue REFERENCING NEW TABLE AS new_venues
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_venues_changed();
CREATE TRIGGER organisations_listing_place_venue_updated AFTER UPDATE
ON organisations_venue REFERENCING NEW TABLE AS new_venues
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_venues_changed();
CREATE TRIGGER organisations_listing_place_venue_deleted AFTER DELETE
ON organisations_venue REFERENCING OLD TABLE AS old_venues
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_place_venues_changed();

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

BACKWARD = """
DROP TRIGGER organisations_listing_place_link_inserted ON organisations_service_venues;
DROP TRIGGER organisations_listing_place_link_updated ON organisations_service_venues;
DROP TRIGGER organisations_listing_place_link_deleted ON organisations_service_venues;
DROP TRIGGER organisations_listing_place_links_truncated ON organisations_service_venues;
DROP TRIGGER organisations_listing_place_venue_inserted ON organisations_venue;
DROP TRIGGER organisations_listing_place_venue_updated ON organisations_venue;
DROP TRIGGER organisations_listing_place_venue_deleted ON organisations_venue;
DROP TRIGGER organisations_listing_place_venues_truncated ON organisations_venue;
DROP FUNCTION organisations_listing_place_links_changed();
DROP FUNCTION organisations_listing_place_venues_changed();
DROP FUNCTION organisations_listing_place_emptied();
DROP TABLE organisations_listing_place;
"""


class Migration(migrations.Migration):
    dependencies = [("organisations", "0017_editors_venues")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
