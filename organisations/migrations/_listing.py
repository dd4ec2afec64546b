"""The listing table's refresh function and link-table triggers (migration 0006), as SQL made from
a list of link tables, so that a migration adding a facet redefines them for the new list
(docs/architecture.md, "Adding a facet"). Each migration passes its own, frozen list:

    LINK_TABLES = [(table, lookup id column, kind), ...]   # every facet's, the new one included
"""

KEY_BASE = 100_000_000  # kind * KEY_BASE + lookup id: the listing table's keys (facets.py)


def refresh_function(link_tables):
    """(Re)define organisations_listing_refresh(ids): the listing rows of these services."""
    keys = "\n            UNION ALL ".join(
        f"SELECT {kind * KEY_BASE} + {column} FROM {table} WHERE service_id = s.id"
        for table, column, kind in link_tables
    )
    return rf"""
CREATE OR REPLACE FUNCTION organisations_listing_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM organisations_listing WHERE service_id = ANY(ids);
    INSERT INTO organisations_listing
    SELECT s.id, s.organisation_id, lower(o.name), lower(s.name), o.last_verified,
           ARRAY(
            {keys}
           )::integer[],
           s.cost, s.faith_approach, coalesce(s.search_vector, ''::tsvector)
      FROM organisations_service s
      JOIN organisations_organisation o ON o.id = s.organisation_id
     WHERE s.id = ANY(ids) AND s.is_active AND o.status = 'published';
    INSERT INTO organisations_searchword (word)
    SELECT DISTINCT word
      FROM organisations_service s
      JOIN organisations_organisation o ON o.id = s.organisation_id,
           regexp_split_to_table(
               lower(concat_ws(' ', s.name, s.description, o.name, o.summary, o.description)),
               '[^[:alnum:]]+'
           ) AS word
     WHERE s.id = ANY(ids) AND length(word) BETWEEN 3 AND 40 AND word ~ '[[:alpha:]]'
    ON CONFLICT DO NOTHING;
$$;
"""


def link_triggers(table):
    """Refresh the listing rows of services whose links in ``table`` are added or removed."""
    return f"""
CREATE TRIGGER organisations_listing_added AFTER INSERT ON {table}
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_links_changed();
CREATE TRIGGER organisations_listing_removed AFTER DELETE ON {table}
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION organisations_listing_links_changed();
"""


def drop_link_triggers(table):
    return (
        f"DROP TRIGGER IF EXISTS organisations_listing_added ON {table};\n"
        f"DROP TRIGGER IF EXISTS organisations_listing_removed ON {table};"
    )


REFRESH_EVERY_SERVICE = (
    "SELECT organisations_listing_refresh(ARRAY(SELECT id FROM organisations_service));"
)
