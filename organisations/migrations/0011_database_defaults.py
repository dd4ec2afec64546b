"""One request, one core: the directory's database plans no parallel workers, as its default.

This was a startup option on each connection (``-c max_parallel_workers_per_gather=0``); behind
PgBouncer in transaction pooling a connection's startup options are refused or dropped, and a SET
lands on whichever server connection serves that transaction. A database default is given to
every server connection whoever opens it. ``ALTER DATABASE`` needs the database's owner: where the
role is not, this says so (a NOTICE) and the operator sets it (docs/operations.md); nothing else
depends on it but speed.
"""

from django.db import migrations

from ._postgresql import on_postgresql

SET = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET max_parallel_workers_per_gather = 0', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'Not the owner of this database: set max_parallel_workers_per_gather = 0 for it '
        'yourself (docs/operations.md, "PgBouncer").';
END
$$;
"""

RESET = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET max_parallel_workers_per_gather', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("organisations", "0010_suggestions_app_and_listing_models")]

    operations = [migrations.RunPython(on_postgresql(SET), on_postgresql(RESET), elidable=False)]
