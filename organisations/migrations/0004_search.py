"""Full-text and similar-word search on PostgreSQL (organisations/listing/search.py); nothing on SQLite.

Each service keeps a weighted ``search_vector``: A = service and organisation names, B =
organisation summary and the names of the service's types, C = descriptions. Triggers keep it
true whatever changes the rows (admin, seeding, bulk loads, raw SQL): a service's own insert or
update, its organisation's texts, its types, and a type's name. The column is not a model field,
so ordinary queries never fetch it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from ._postgresql import on_postgresql

FORWARD = r"""
ALTER TABLE organisations_service ADD COLUMN search_vector tsvector;

CREATE FUNCTION organisations_service_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    org organisations_organisation%ROWTYPE;
    type_names text;
BEGIN
    SELECT * INTO org FROM organisations_organisation WHERE id = NEW.organisation_id;
    SELECT string_agg(t.name, ' ') INTO type_names
      FROM organisations_service_service_types st
      JOIN organisations_servicetype t ON t.id = st.servicetype_id
     WHERE st.service_id = NEW.id;
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.name, '') || ' ' || coalesce(org.name, '')), 'A')
     || setweight(to_tsvector('english', coalesce(org.summary, '') || ' ' || coalesce(type_names, '')), 'B')
     || setweight(to_tsvector('english', coalesce(NEW.description, '') || ' ' || coalesce(org.description, '')), 'C');
    RETURN NEW;
END $$;

CREATE TRIGGER organisations_service_search_vector
BEFORE INSERT OR UPDATE OF name, description, organisation_id ON organisations_service
FOR EACH ROW EXECUTE FUNCTION organisations_service_search_vector();

-- Touching a service's name recomputes its vector through the trigger above.
CREATE FUNCTION organisations_organisation_search_texts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations_service SET name = name WHERE organisation_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_organisation_search_texts
AFTER UPDATE OF name, summary, description ON organisations_organisation
FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name
      OR OLD.summary IS DISTINCT FROM NEW.summary
      OR OLD.description IS DISTINCT FROM NEW.description)
EXECUTE FUNCTION organisations_organisation_search_texts();

CREATE FUNCTION organisations_service_types_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations_service SET name = name
     WHERE id IN (SELECT DISTINCT service_id FROM changed);
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_service_types_added
AFTER INSERT ON organisations_service_service_types
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_service_types_changed();

CREATE TRIGGER organisations_service_types_removed
AFTER DELETE ON organisations_service_service_types
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_service_types_changed();

CREATE FUNCTION organisations_servicetype_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations_service SET name = name
     WHERE id IN (SELECT service_id FROM organisations_service_service_types
                   WHERE servicetype_id = NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_servicetype_renamed
AFTER UPDATE OF name ON organisations_servicetype
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION organisations_servicetype_renamed();

UPDATE organisations_service SET name = name;

CREATE INDEX organisations_service_search_vector_gin
    ON organisations_service USING gin (search_vector);
CREATE INDEX organisations_service_name_trgm
    ON organisations_service USING gin (name gin_trgm_ops);
CREATE INDEX organisations_organisation_name_trgm
    ON organisations_organisation USING gin (name gin_trgm_ops);
"""

BACKWARD = r"""
DROP INDEX IF EXISTS organisations_organisation_name_trgm;
DROP INDEX IF EXISTS organisations_service_name_trgm;
DROP TRIGGER IF EXISTS organisations_servicetype_renamed ON organisations_servicetype;
DROP FUNCTION IF EXISTS organisations_servicetype_renamed();
DROP TRIGGER IF EXISTS organisations_service_types_removed ON organisations_service_service_types;
DROP TRIGGER IF EXISTS organisations_service_types_added ON organisations_service_service_types;
DROP FUNCTION IF EXISTS organisations_service_types_changed();
DROP TRIGGER IF EXISTS organisations_organisation_search_texts ON organisations_organisation;
DROP FUNCTION IF EXISTS organisations_organisation_search_texts();
DROP TRIGGER IF EXISTS organisations_service_search_vector ON organisations_service;
DROP FUNCTION IF EXISTS organisations_service_search_vector();
ALTER TABLE organisations_service DROP COLUMN IF EXISTS search_vector;
"""


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_directory_version")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
