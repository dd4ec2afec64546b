"""The raw SQL of the list on PostgreSQL, each statement named once.

finders.ListingTableFinder fills these in: ``{where}`` with conditions built from the parts below
(never from user input: values always travel as parameters), ``{joins}`` with ``WORD_JOIN``s.
The tables are migrations 0006 and 0007's (listing/models.py); docs/performance.md shows the
plans these statements get at 100,000 organisations and why each is written as it is.
"""

# --- Conditions on a listing row ------------------------------------------------------------------

# One value each of several facets: all of them, in one @> the GIN index and the walks answer.
HAS_EVERY_KEY = "keys @> %s::integer[]"
# Several values of one facet: any of them.
HAS_ANY_KEY = "keys && %s::integer[]"
# A choice facet's column (facets.ChoiceFacet.field_name, never user input): any of the values.
CHOICE_IS_ANY = "{column} = ANY(%s)"
MATCHES_TEXT = "document @@ to_tsquery('english', %s)"
NAMES_MATCH_TEXT = "names @@ to_tsquery('english', %s)"
NOTHING_ELSE = "TRUE"

# --- A page of organisations, in order, and stopping at the page ----------------------------------

BY_NAME = (
    "SELECT organisation_id FROM organisations_listing WHERE {where} "
    "GROUP BY sort_name, organisation_id "
    "ORDER BY sort_name, organisation_id LIMIT %s"
)
BY_LAST_CHECK = (
    "SELECT organisation_id FROM organisations_listing WHERE {where} "
    "GROUP BY last_verified, sort_name, organisation_id "
    "ORDER BY last_verified DESC NULLS LAST, sort_name, organisation_id LIMIT %s"
)

# --- A search in order of relevance: three groups, each in name order (migration 0007) ------------

# The first group, read first and alone, is BY_NAME with NAMES_MATCH_TEXT when no searched word is
# one exact lexeme; otherwise a merge of each exact word's run of organisations_listing_word_walk,
# which stops at the page's last organisation. Parameters: one per WORD_JOIN, then the first word.
NAMED_BY_WORDS = (
    "SELECT w0.organisation_id FROM organisations_listing_word w0{joins} "
    "WHERE w0.word = %s GROUP BY w0.sort_name, w0.organisation_id "
    "ORDER BY w0.sort_name, w0.organisation_id LIMIT %s"
)
# One more exact word of the first group ({n} counts from 1).
WORD_JOIN = (
    " JOIN organisations_listing_word w{n} ON w{n}.word = %s"
    " AND w{n}.sort_name = w0.sort_name AND w{n}.organisation_id = w0.organisation_id"
    " AND w{n}.service_id = w0.service_id"
)
# Facets, and words that are not one exact lexeme, checked on each candidate's listing row in
# the merge's order: a LATERAL ... LIMIT 1 keeps the planner from reading every match to hash them.
CHECKED_ON_THE_LISTING = (
    " CROSS JOIN LATERAL (SELECT 1 FROM organisations_listing"
    " WHERE service_id = w0.service_id AND {where} LIMIT 1) checked"
)
# The second and third groups: services whose {within} part of the document matches, and
# whose {better} part does not (those are in an earlier group). Parameters: the conditions,
# the search twice, the limit.
LATER_GROUP = (
    "SELECT organisation_id FROM organisations_listing WHERE {where} "
    "AND {within} @@ to_tsquery('english', %s) GROUP BY sort_name, organisation_id "
    "HAVING NOT bool_or({better} @@ to_tsquery('english', %s)) "
    "ORDER BY sort_name, organisation_id LIMIT %s"
)
NAMES = "names"  # weight A of the document: the organisation's and the service's names
OUTLINE = "ts_filter(document, '{a,b}')"  # names, summary and type names
DOCUMENT = "document"
# The second and third groups, read when the first did not fill the page, in turn: PostgreSQL
# runs UNION ALL's parts in order, and parallel plans are off (migration 0011), so the reading
# stops when the page is full.
LATER_GROUPS = "SELECT organisation_id FROM (({outlined}) UNION ALL ({anywhere})) later LIMIT %s"

# --- The page's organisations: their matching services and their size ----------------------------

MATCHING_SERVICES = (
    "SELECT organisation_id, count(*), "
    "array_agg(service_id ORDER BY service_sort_name, service_id) FILTER (WHERE {where}) "
    "FROM organisations_listing WHERE organisation_id = ANY(%s) GROUP BY organisation_id"
)

# --- Words (search.py) ----------------------------------------------------------------------------

# For each word searched for (with its part of the search, search.word_query): its lexemes;
# whether any listed service's document matches it (a GIN look-up; a stop word needs nothing);
# and the directory's most alike word (by pg_trgm, above its similarity threshold) when the
# directory does not have the word itself, with its lexemes.
WORDS_AND_NEAREST = (
    "SELECT s.word, tsvector_to_array(to_tsvector('english', s.word)), "
    "numnode(to_tsquery('english', s.query)) = 0 OR EXISTS ("
    "SELECT 1 FROM organisations_listing l WHERE l.document @@ to_tsquery('english', s.query)), "
    "n.word, tsvector_to_array(to_tsvector('english', n.word)) "
    "FROM unnest(%s::text[], %s::text[]) AS s(word, query) LEFT JOIN LATERAL ("
    "SELECT w.word FROM organisations_searchword w "
    "WHERE w.word %% s.word AND NOT EXISTS ("
    "SELECT 1 FROM organisations_searchword v WHERE v.word = s.word) "
    "ORDER BY similarity(w.word, s.word) DESC, w.word LIMIT 1) n ON TRUE"
)

# --- Near a postcode district (listing/near.py) ---------------------------------------------------

# The haversine distance in miles from the centre to a venue ``v``. Parameters: twice the earth's
# radius, the centre's latitude in radians, the cosine of that latitude, its longitude in radians.
MILES = (
    "(%s * asin(sqrt(power(sin((radians(v.latitude) - %s) / 2), 2) + "
    "%s * cos(radians(v.latitude)) * power(sin((radians(v.longitude) - %s) / 2), 2))))"
)
# A venue inside the box around the centre (the place rows' location index). Parameters: the
# latitudes' and longitudes' ranges.
IN_THE_BOX = "v.latitude BETWEEN %s AND %s AND v.longitude BETWEEN %s AND %s"
# The listed services' venues: migration 0018's rows, one per service at a venue, with the venue's
# location and place and the service's listing row's organisation, order and facets (the
# conditions' columns), ``organisation_id`` null while the service is not listed. A search needs
# the listing rows' documents too.
PLACES = "organisations_listing_place v"
PLACES_AND_TEXT = (
    "(SELECT p.*, l.document, l.names FROM organisations_listing_place p "
    "JOIN organisations_listing l ON l.service_id = p.service_id) v"
)
LISTED_PLACE = "v.organisation_id IS NOT NULL"
# The first group: organisations with a matching service at a venue within the radius. Parameters:
# MILES's, IN_THE_BOX's, the conditions', the radius, the limit.
NEAR_ORGANISATIONS = (
    "SELECT organisation_id FROM (SELECT v.organisation_id, v.sort_name, v.last_verified, "
    f"min({MILES}) AS miles FROM {{places}} WHERE {LISTED_PLACE} AND {IN_THE_BOX} AND {{where}} "
    "GROUP BY v.organisation_id, v.sort_name, v.last_verified) near WHERE miles <= %s "
    "ORDER BY {order} LIMIT %s"
)
BY_DISTANCE = "miles, organisation_id"
# Nearest first, in rings: the organisations whose nearest venue is within a quarter of a mile,
# then a quarter to half a mile, and so on out to the radius, each ring in distance order, so a
# page near a town centre reads the venues of its first rings only, not every venue within the
# radius. One statement, planned once: the ring query is a LATERAL subquery run for each
# ring of an unnest() in turn (a nested loop keeps their order), and the LIMIT stops the loop when
# the page is full. Parameters: the rings' inner and outer distances and their boxes' latitude
# and longitude ranges (six arrays), MILES's, the conditions', the limit.
NEAREST_BY_RINGS = (
    "SELECT near.organisation_id FROM unnest(%s::float8[], %s::float8[], %s::float8[], "
    "%s::float8[], %s::float8[], %s::float8[]) AS ring(inner_miles, outer_miles, lat_from, "
    "lat_to, lon_from, lon_to) CROSS JOIN LATERAL (SELECT organisation_id FROM ("
    f"SELECT v.organisation_id, min({MILES}) AS miles FROM {{places}} WHERE {LISTED_PLACE} "
    "AND v.latitude BETWEEN ring.lat_from AND ring.lat_to "
    "AND v.longitude BETWEEN ring.lon_from AND ring.lon_to AND {where} "
    "GROUP BY v.organisation_id) r WHERE miles > ring.inner_miles AND miles <= ring.outer_miles "
    "ORDER BY miles, organisation_id) near LIMIT %s"
)
NEAR_BY_NAME = "sort_name, organisation_id"
NEAR_BY_LAST_CHECK = "last_verified DESC NULLS LAST, sort_name, organisation_id"
# The later groups leave out the organisations of the groups before them (at most a page's).
NOT_ALREADY_LISTED = "NOT organisation_id = ANY(%s)"
# The cards' services near a postcode, in one statement: each listed service of the page's
# organisations in name order, whether it meets the page's other choices, whether its areas put it
# in the region or remote group, and its nearest venue within the radius (a look-up of its place
# rows), if any. Parameters: the conditions', the region's, the nation's and the remote modes'
# keys, MILES's, IN_THE_BOX's, the radius, the organisations.
NEAR_CARD_SERVICES = (
    f"SELECT l.organisation_id, l.service_id, {{where}} AS holds, {HAS_ANY_KEY} AS in_region, "
    f"({HAS_ANY_KEY} AND {HAS_ANY_KEY}) AS remote, n.town, n.postcode, "
    "n.location_is_approximate, n.miles FROM organisations_listing l LEFT JOIN LATERAL ("
    "SELECT town, postcode, location_is_approximate, miles FROM (SELECT v.venue_id, v.town, "
    f"v.postcode, v.location_is_approximate, {MILES} AS miles FROM organisations_listing_place v "
    f"WHERE v.service_id = l.service_id AND {IN_THE_BOX}) place WHERE miles <= %s "
    "ORDER BY miles, venue_id LIMIT 1) n ON TRUE WHERE l.organisation_id = ANY(%s) "
    "ORDER BY l.organisation_id, l.service_sort_name, l.service_id"
)
