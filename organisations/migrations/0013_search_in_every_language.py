"""Search in every interface language on PostgreSQL (docs/architecture.md, Search).

A service's ``search_vector`` (migration 0004) also holds, at weight B, the names of its types in
every interface language and the names of its languages in every interface language and in their
own (``native_name``): searching the Arabic word for counselling finds counselling services, and
"اردو" finds services in Urdu. The listing table copies the vector as its document (migration
0006), so the list finds them too.

Which text-search configuration reads which name follows from how a search is read: every word of
``q`` goes through 'english' (organisations/listing/search.py), which stems words in a Latin
script and leaves the Arabic and Bengali scripts as written. So:

- Urdu, Arabic and Bengali names go through 'simple' (lower case, no stemmer, no stop words):
  there are no stemmers for them, and 'simple' keeps a word as written, which is what 'english'
  makes of the same word in a search.
- Names in a Latin script (English, Somali, and a language's own name such as "Soomaali" or
  "Français") go through 'english', as the search's words do: with 'simple' a word the English
  stemmer changes would never meet its search (Somali "Ingiriis" is 'ingirii' to a search, and
  "Arabic" is 'arab').

The columns are written out here, as migration 0012 made them, not read from settings.LANGUAGES:
a migration's SQL must not change when the settings do. A new interface language (new name_xx
columns) needs a new migration that redefines this function and these triggers with its columns
(docs/translating.md); the SQLite search reads the columns from the settings and needs nothing.
"""

from django.db import migrations

from ._listing import REFRESH_EVERY_SERVICE
from ._postgresql import on_postgresql

# Recompute every service's vector through its trigger, then refresh the listing table once: the
# listing's own trigger on the UPDATE is deferred for it (directory.defer_listing, migration
# 0006), so the listing is written once, after every vector it copies is new.
RECOMPUTE_EVERY_SERVICE = f"""
SELECT set_config('directory.defer_listing', 'on', true);
UPDATE organisations_service SET name = name;
SELECT set_config('directory.defer_listing', 'off', true);
{REFRESH_EVERY_SERVICE}
"""

FORWARD = rf"""
CREATE OR REPLACE FUNCTION organisations_service_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    org organisations_organisation%ROWTYPE;
    -- Read with 'english': its types' English and Somali names; its languages' names in English
    -- and Somali, and their own names.
    type_names text;
    language_names text;
    -- Read with 'simple': the Urdu, Arabic and Bengali names of its types and languages.
    translated_names text;
BEGIN
    SELECT * INTO org FROM organisations_organisation WHERE id = NEW.organisation_id;
    SELECT string_agg(concat_ws(' ', t.name, nullif(t.name_en_gb, t.name), t.name_so), ' '),
           string_agg(concat_ws(' ', t.name_ur, t.name_ar, t.name_bn), ' ')
      INTO type_names, translated_names
      FROM organisations_service_service_types st
      JOIN organisations_servicetype t ON t.id = st.servicetype_id
     WHERE st.service_id = NEW.id;
    SELECT string_agg(concat_ws(' ', l.name, nullif(l.name_en_gb, l.name), l.name_so,
                                l.native_name), ' '),
           concat_ws(' ', translated_names,
                     string_agg(concat_ws(' ', l.name_ur, l.name_ar, l.name_bn), ' '))
      INTO language_names, translated_names
      FROM organisations_service_languages sl
      JOIN organisations_language l ON l.id = sl.language_id
     WHERE sl.service_id = NEW.id;
    -- A: the names; B: the summary and the names of types and languages, in two configurations;
    -- C: the descriptions.
    NEW.search_vector :=
        setweight(to_tsvector('english', concat_ws(' ', NEW.name, org.name)), 'A')
     || setweight(to_tsvector('english',
                              concat_ws(' ', org.summary, type_names, language_names)), 'B')
     || setweight(to_tsvector('simple', coalesce(translated_names, '')), 'B')
     || setweight(to_tsvector('english', concat_ws(' ', NEW.description, org.description)), 'C');
    RETURN NEW;
END $$;

-- A service's languages: as its types (migration 0004), recompute the services whose links were
-- added or removed. The listing table's own triggers on this link table (migration 0006,
-- organisations_listing_added/_removed) fire first, by name, and copy the old vector; the UPDATE
-- here then fires the listing's trigger on organisations_service, which copies the new one.
CREATE FUNCTION organisations_service_languages_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations_service SET name = name
     WHERE id IN (SELECT DISTINCT service_id FROM changed);
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_service_languages_added
AFTER INSERT ON organisations_service_languages
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_service_languages_changed();

CREATE TRIGGER organisations_service_languages_removed
AFTER DELETE ON organisations_service_languages
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_service_languages_changed();

-- A type's name in any language: migration 0004's function, on more columns.
DROP TRIGGER organisations_servicetype_renamed ON organisations_servicetype;
CREATE TRIGGER organisations_servicetype_renamed
AFTER UPDATE OF name, name_en_gb, name_ur, name_ar, name_bn, name_so ON organisations_servicetype
FOR EACH ROW
WHEN ((OLD.name, OLD.name_en_gb, OLD.name_ur, OLD.name_ar, OLD.name_bn, OLD.name_so)
      IS DISTINCT FROM
      (NEW.name, NEW.name_en_gb, NEW.name_ur, NEW.name_ar, NEW.name_bn, NEW.name_so))
EXECUTE FUNCTION organisations_servicetype_renamed();

-- A language's name in any language, or its own.
CREATE FUNCTION organisations_language_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations_service SET name = name
     WHERE id IN (SELECT service_id FROM organisations_service_languages
                   WHERE language_id = NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_language_renamed
AFTER UPDATE OF name, name_en_gb, name_ur, name_ar, name_bn, name_so, native_name
ON organisations_language
FOR EACH ROW
WHEN ((OLD.name, OLD.name_en_gb, OLD.name_ur, OLD.name_ar, OLD.name_bn, OLD.name_so,
       OLD.native_name)
      IS DISTINCT FROM (NEW.name, NEW.name_en_gb, NEW.name_ur, NEW.name_ar, NEW.name_bn,
                        NEW.name_so, NEW.native_name))
EXECUTE FUNCTION organisations_language_renamed();

{RECOMPUTE_EVERY_SERVICE}
"""

# Migration 0004's function and type trigger, as they were, and every vector without the names.
BACKWARD = rf"""
DROP TRIGGER IF EXISTS organisations_language_renamed ON organisations_language;
DROP FUNCTION IF EXISTS organisations_language_renamed();
DROP TRIGGER IF EXISTS organisations_service_languages_removed ON organisations_service_languages;
DROP TRIGGER IF EXISTS organisations_service_languages_added ON organisations_service_languages;
DROP FUNCTION IF EXISTS organisations_service_languages_changed();

DROP TRIGGER organisations_servicetype_renamed ON organisations_servicetype;
CREATE TRIGGER organisations_servicetype_renamed
AFTER UPDATE OF name ON organisations_servicetype
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION organisations_servicetype_renamed();

CREATE OR REPLACE FUNCTION organisations_service_search_vector() RETURNS trigger
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

{RECOMPUTE_EVERY_SERVICE}
"""


class Migration(migrations.Migration):
    dependencies = [("organisations", "0012_lookup_name_translations")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
