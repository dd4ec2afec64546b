"""`make backup` and `make restore` (issue 5, "Proof"): a round trip leaves every public page the
same, byte for byte, and a restore never loads over a database that has tables unless told to.

Each step runs as `manage.py` does from `make`, in its own process against its own database, so
nothing is shared with the test's database or caches: a page rendered from the restored database
is rendered afresh (each process starts with empty caches; the page cache is off).
"""

import json
import uuid
from pathlib import Path

import pytest
from django.db import connection

from . import commands
from .commands import clean_environment

ROOT = Path(__file__).resolve().parent.parent

# Renders every public page with Django's test client and prints them as JSON: url -> (status,
# body). The detail page and the sheet are of the first published organisation by name.
RENDER = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from organisations.models import Organisation, Service

setup_test_environment()
organisation = Organisation.objects.filter(status="published").order_by("name", "pk").first()
services = Service.objects.public().order_by("pk").values_list("pk", flat=True)[:3]
sheet = "&".join(f"service={pk}" for pk in services)
urls = [
    "/",
    "/organisations/",
    "/organisations/?type=counselling&mode=phone",
    "/organisations/?language=ur&sort=name",
    "/organisations/?q=counselling",
    f"/organisations/{organisation.slug}/",
    "/urgent-help/",
    "/staying-safe-online/",
    "/about/",
    "/privacy/",
    "/accessibility/",
    f"/signposting/?{sheet}",
]
client = Client()
pages = {}
for url in urls:
    response = client.get(url, secure=True)  # production settings redirect to HTTPS
    pages[url] = [response.status_code, response.content.decode()]
print("PAGES" + json.dumps(pages))
"""


def manage(database_url, *args, check=True):
    env = clean_environment(DATABASE_URL=database_url, DIRECTORY_PAGE_CACHE="0", DJANGO_DEBUG="0")
    return commands.manage(*args, env=env, check=check)


def render_pages(database_url):
    output = manage(database_url, "shell", "--no-imports", "--command", RENDER).stdout
    pages = json.loads(output[output.index("PAGES") + len("PAGES") :])
    assert all(status == 200 for status, _body in pages.values()), {
        url: status for url, (status, _body) in pages.items()
    }
    return pages


def round_trip(source_url, target_url, dump_path):
    manage(source_url, "migrate", "--no-input", "--verbosity", "0")
    manage(source_url, "seed_directory", "--verbosity", "0")
    before = render_pages(source_url)

    printed = manage(source_url, "backup_database", "--output", str(dump_path)).stdout.strip()
    assert printed == str(dump_path)
    assert dump_path.stat().st_size > 0

    restored = manage(target_url, "restore_database", str(dump_path))
    assert "Restored" in restored.stdout
    after = render_pages(target_url)

    assert list(after) == list(before)
    for url, page in before.items():
        assert after[url] == page, f"{url} differs after the round trip"

    # A second restore would load over the tables the first made: refused, with what to do.
    refused = manage(target_url, "restore_database", str(dump_path), check=False)
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert "FORCE=1" in refused.stderr
    # With --force (FORCE=1) it replaces them, and the pages are still the same.
    manage(target_url, "restore_database", str(dump_path), "--force")
    assert render_pages(target_url) == before


def test_sqlite_round_trip_keeps_every_public_page(tmp_path):
    source = tmp_path / "live.sqlite3"
    target = tmp_path / "restored.sqlite3"
    round_trip(f"sqlite:///{source}", f"sqlite:///{target}", tmp_path / "live.sqlite3.backup")


def test_backup_is_written_to_backups_with_a_timestamped_name(tmp_path):
    database = tmp_path / "site.sqlite3"
    url = f"sqlite:///{database}"
    manage(url, "migrate", "--no-input", "--verbosity", "0")
    printed = Path(manage(url, "backup_database").stdout.strip())
    try:
        assert printed.parent == ROOT / "backups"
        assert printed.name.startswith("site-") and printed.suffix == ".sqlite3"
        assert printed.read_bytes().startswith(b"SQLite format 3\x00")
    finally:
        printed.unlink(missing_ok=True)


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path):
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("hello")
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = manage(empty, "restore_database", str(not_a_dump), check=False)
    assert result.returncode != 0
    assert "is not a sqlite dump" in result.stderr
    missing = manage(f"sqlite:///{tmp_path / 'e.sqlite3'}", "restore_database", "", check=False)
    assert "make restore FILE=" in missing.stderr


@pytest.mark.postgres
def test_postgresql_round_trip_keeps_every_public_page(tmp_path):
    import psycopg

    settings = connection.settings_dict
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
    }
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    suffix = uuid.uuid4().hex[:8]
    names = [f"directory_backup_source_{suffix}", f"directory_backup_target_{suffix}"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        source_url, target_url = (
            f"postgres://{auth}@{server['host']}:{server['port']}/{name}" for name in names
        )
        round_trip(source_url, target_url, tmp_path / "directory.dump")
        assert (tmp_path / "directory.dump").read_bytes().startswith(b"PGDMP")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
