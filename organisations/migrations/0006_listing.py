"""A narrow listing table for the public list on PostgreSQL, and a vocabulary for misspellings.

``organisations_listing`` has one row per *public* service (active, of a published organisation):
its organisation, the organisation's name in sort order, its last check, every facet as one
integer array (``keys``: kind * 100,000,000 + lookup id, see organisations/listing.py), cost, faith
approach and the weighted search document. A row is about 700 bytes where a service row is
1.6 KB, and its covering B-tree indexes hold everything a filter needs, so a filtered page of the
list is one index-only walk in name order that stops after the rows it needs, whatever the size of
the directory (docs/performance.md).

``organisations_searchword`` holds every word of the directory's names and texts, trigram-indexed,
so a misspelled search is corrected word by word ("anxeity" -> "anxiety") and searched again.

Statement-level triggers keep both true whatever changes the source rows: admin, seeding, bulk
loads, COPY, raw SQL. A bulk load may set ``directory.defer_listing`` to ``on`` for its
transaction and call ``organisations_listing_refresh`` once for all it wrote (the synthetic data
command does). Nothing here exists on SQLite, where the list queries the models directly.
"""

from django.db import migrations

from ._listing import (
    KEY_BASE,
    REFRESH_EVERY_SERVICE,
    drop_link_triggers,
    link_triggers,
    refresh_function,
)
from ._postgresql import on_postgresql

LINK_TABLES = [
    ("organisations_service_service_types", "servicetype_id", 1),
    ("organisations_service_delivery_modes", "deliverymode_id", 2),
    ("organisations_service_languages", "language_id", 3),
    ("organisations_service_practitioner_genders", "practitionergender_id", 4),
    ("organisations_service_audiences", "audience_id", 5),
    ("organisations_service_areas", "area_id", 6),
]
REFRESH_FUNCTION = refresh_function(LINK_TABLES)

FORWARD = rf"""
DROP INDEX IF EXISTS organisations_service_name_trgm;
DROP INDEX IF EXISTS organisations_organisation_name_trgm;

CREATE TABLE organisations_listing (
    service_id bigint PRIMARY KEY,
    organisation_id bigint NOT NULL,
    sort_name text NOT NULL,
    service_sort_name text NOT NULL,
    last_verified date,
    keys integer[] NOT NULL,
    cost varchar(20) NOT NULL,
    faith_approach varchar(20) NOT NULL,
    document tsvector NOT NULL
);

CREATE TABLE organisations_searchword (word text PRIMARY KEY);

{REFRESH_FUNCTION}
CREATE FUNCTION organisations_listing_deferred() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('directory.defer_listing', true), '') = 'on'
$$;

-- Services: their own rows.
CREATE FUNCTION organisations_listing_services_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT organisations_listing_deferred() THEN
        PERFORM organisations_listing_refresh(ARRAY(SELECT id FROM changed));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_listing_service_inserted AFTER INSERT ON organisations_service
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_services_changed();
CREATE TRIGGER organisations_listing_service_updated AFTER UPDATE ON organisations_service
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_services_changed();
CREATE TRIGGER organisations_listing_service_deleted AFTER DELETE ON organisations_service
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_services_changed();

-- Organisations: every service of one that changed (status, name, last check).
CREATE FUNCTION organisations_listing_organisations_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM organisations_listing
         WHERE organisation_id IN (SELECT id FROM changed);
    ELSIF NOT organisations_listing_deferred() THEN
        PERFORM organisations_listing_refresh(ARRAY(
            SELECT s.id FROM organisations_service s
             WHERE s.organisation_id IN (SELECT id FROM changed)));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_listing_organisation_updated AFTER UPDATE ON organisations_organisation
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_organisations_changed();
CREATE TRIGGER organisations_listing_organisation_deleted AFTER DELETE ON organisations_organisation
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_organisations_changed();

-- Facets: the services whose links were added or removed.
CREATE FUNCTION organisations_listing_links_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT organisations_listing_deferred() THEN
        PERFORM organisations_listing_refresh(ARRAY(SELECT DISTINCT service_id FROM changed));
    END IF;
    RETURN NULL;
END $$;
"""

for _table, _column, _kind in LINK_TABLES:
    FORWARD += link_triggers(_table)

FORWARD += f"""
{REFRESH_EVERY_SERVICE}

-- A page in name order, or in order of last check: index-only walks that stop early.
CREATE INDEX organisations_listing_by_name ON organisations_listing
    (sort_name, organisation_id) INCLUDE (keys, cost, faith_approach);
CREATE INDEX organisations_listing_by_verified ON organisations_listing
    (last_verified DESC NULLS LAST, sort_name, organisation_id)
    INCLUDE (keys, cost, faith_approach);
-- Rare combinations of facets, and search.
CREATE INDEX organisations_listing_keys ON organisations_listing USING gin (keys);
CREATE INDEX organisations_listing_document ON organisations_listing USING gin (document);
-- The services of one page's organisations.
CREATE INDEX organisations_listing_organisation ON organisations_listing (organisation_id);
CREATE INDEX organisations_searchword_trgm ON organisations_searchword
    USING gin (word gin_trgm_ops);
"""

BACKWARD = "\n".join(
    [
        *(drop_link_triggers(table) for table, _column, _kind in LINK_TABLES),
        "DROP TRIGGER IF EXISTS organisations_listing_organisation_updated "
        "ON organisations_organisation;",
        "DROP TRIGGER IF EXISTS organisations_listing_organisation_deleted "
        "ON organisations_organisation;",
        "DROP TRIGGER IF EXISTS organisations_listing_service_inserted ON organisations_service;",
        "DROP TRIGGER IF EXISTS organisations_listing_service_updated ON organisations_service;",
        "DROP TRIGGER IF EXISTS organisations_listing_service_deleted ON organisations_service;",
        "DROP FUNCTION IF EXISTS organisations_listing_links_changed();",
        "DROP FUNCTION IF EXISTS organisations_listing_organisations_changed();",
        "DROP FUNCTION IF EXISTS organisations_listing_services_changed();",
        "DROP FUNCTION IF EXISTS organisations_listing_deferred();",
        "DROP FUNCTION IF EXISTS organisations_listing_refresh(bigint[]);",
        "DROP TABLE IF EXISTS organisations_searchword;",
        "DROP TABLE IF EXISTS organisations_listing;",
        "CREATE INDEX IF NOT EXISTS organisations_service_name_trgm "
        "ON organisations_service USING gin (name gin_trgm_ops);",
        "CREATE INDEX IF NOT EXISTS organisations_organisation_name_trgm "
        "ON organisations_organisation USING gin (name gin_trgm_ops);",
    ]
)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_list_indexes")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
