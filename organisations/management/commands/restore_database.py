"""`make restore FILE=...`: load a dump made by ``backup_database`` into an empty database.

The target is the database ``DATABASE_URL`` names; it must have no tables, so that a restore can
never quietly mix two directories, unless ``--force`` (``FORCE=1``) says to replace what is there.
Then ``migrate`` runs (a dump from an older release gets the newer migrations), the planner gets
statistics for what was loaded (``refresh_statistics``), and Django's cache is emptied: cached
pages belong to the directory that was there before.
"""

import sqlite3
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections

from organisations.services import refresh_statistics

from .backup_database import postgres_arguments, postgres_program, run

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class Command(BaseCommand):
    help = "Load a dump from `make backup` into the (empty) database DATABASE_URL names."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A dump written by `make backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it even though the database has tables: what they hold is replaced.",
        )
        parser.add_argument("--database", default="default", help="Which database (settings).")

    def handle(self, *args, file, force=False, database="default", **options):
        path = Path(file) if file else None
        if not path or not path.is_file():
            raise CommandError(f"No dump at {file!r}. Usage: make restore FILE=backups/<file>")
        connection = connections[database]
        head = path.read_bytes()[:16] if path.stat().st_size else b""
        expected = {"postgresql": PG_MAGIC, "sqlite": SQLITE_MAGIC}.get(connection.vendor)
        if expected is None:
            raise CommandError(f"Cannot restore into a {connection.vendor} database.")
        if not head.startswith(expected):
            raise CommandError(
                f"{path} is not a {connection.vendor} dump from `make backup`, and the target "
                f"database ({connection.settings_dict['NAME']}) is {connection.vendor}."
            )
        try:
            tables = connection.introspection.table_names()
        except OperationalError as error:
            raise CommandError(
                f"Cannot reach the database {connection.settings_dict['NAME']}: {error}\n"
                "Create the empty database first (PostgreSQL: createdb), then run this again."
            ) from None
        if tables and not force:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} is not empty "
                f"({len(tables)} tables). Restore into an empty database, or add FORCE=1 "
                "(--force) to replace what it holds."
            )
        if connection.vendor == "postgresql":
            self.restore_postgres(connection, path, replace=bool(tables))
        else:
            self.restore_sqlite(connection, path)
        connection.close()  # the next query sees the restored schema
        call_command("migrate", database=database, interactive=False, verbosity=0)
        refresh_statistics(database)  # statistics for the planner, as after every bulk load
        cache.clear()
        self.stdout.write(f"Restored {path} into {connection.settings_dict['NAME']}.")

    def restore_postgres(self, connection, path, replace):
        config = connection.settings_dict
        connection_args, env = postgres_arguments(config)
        connection.close()
        run(
            [
                postgres_program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *(["--clean", "--if-exists"] if replace else []),
                "--dbname",
                config["NAME"],
                *connection_args,
                str(path),
            ],
            env,
        )

    def restore_sqlite(self, connection, path):
        """SQLite's backup API the other way round: every page of the target is replaced."""
        connection.ensure_connection()
        with sqlite3.connect(path) as dump:
            dump.backup(connection.connection)
        dump.close()
