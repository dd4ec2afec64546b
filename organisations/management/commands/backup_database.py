"""`make backup`: a dump of the database ``DATABASE_URL`` names, in ``backups/``.

PostgreSQL: ``pg_dump`` in its custom format (``backups/<database>-<timestamp>.dump``), which
``pg_restore`` (``make restore``) loads. SQLite: a consistent copy made with SQLite's online
backup API (``backups/<file name>-<timestamp>.sqlite3``), safe while the site is serving.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"


def postgres_program(name):
    """The newest installed server version's program (pg_dump must be as new as the server),
    else the one on PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if not on_path:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return on_path


def postgres_arguments(database):
    """Connection options for pg_dump and pg_restore, and the environment with the password."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [option, str(database[key])]
    env = {"PGPASSWORD": database["PASSWORD"]} if database.get("PASSWORD") else {}
    return args, env


def run(args, env=None):
    result = subprocess.run(
        args, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    if result.returncode != 0:
        raise CommandError(
            f"{Path(args[0]).name} failed:\n{(result.stdout + result.stderr)[-3000:]}"
        )
    return result


def database_label(database):
    name = str(database["NAME"])
    return Path(name).stem if database["ENGINE"].endswith("sqlite3") else name


class Command(BaseCommand):
    help = "Write a dump of the database DATABASE_URL names to backups/ and print its path."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Write the dump to this file instead of backups/.")
        parser.add_argument("--database", default="default", help="Which database (settings).")

    def handle(self, *args, output=None, database="default", **options):
        connection = connections[database]
        config = connection.settings_dict
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "postgresql":
            suffix = ".dump"
        elif connection.vendor == "sqlite":
            suffix = ".sqlite3"
        else:
            raise CommandError(f"Cannot back up a {connection.vendor} database.")
        path = Path(output) if output else BACKUP_DIR / f"{database_label(config)}-{stamp}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise CommandError(f"{path} already exists; choose another --output.")
        if connection.vendor == "postgresql":
            connection_args, env = postgres_arguments(config)
            run(
                [
                    postgres_program("pg_dump"),
                    "--format=custom",
                    "--file",
                    str(path),
                    *connection_args,
                    config["NAME"],
                ],
                env,
            )
        else:
            self.copy_sqlite(connection, path)
        self.stdout.write(str(path))

    def copy_sqlite(self, connection, path):
        """SQLite's online backup from Django's own connection: page by page, consistent even
        while the site writes (and it works for an in-memory database too)."""
        name = connection.settings_dict["NAME"]
        if not connection.is_in_memory_db() and not Path(name).is_file():
            raise CommandError(f"No SQLite database at {name}: nothing to back up.")
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
