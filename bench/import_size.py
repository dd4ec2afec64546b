"""``make bench-import``: how ``manage.py import_openreferral`` copes with a large file.

For each size (``BENCH_IMPORT_SIZES``, default 5,000 and 50,000 services, two services to an
organisation) it writes one NDJSON file of services as a council's feed might send them (HTML
descriptions, phone numbers in text, mapped and unmapped terms, languages, areas), imports it
into a fresh PostgreSQL database, then imports it again (every record unchanged), and prints:
seconds, services a second, and the importing process's peak resident memory. Memory that is
bounded stays about the same from the smaller size to the larger; it also checks that the
import ANALYZEd the tables it loaded (this machine's PostgreSQL runs with autovacuum off, so
nothing else would).

Only figures are printed; what they mean is written down in docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PYTHON, base_environment, markdown_table, pg_connect  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "directory_bench_import"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
SIZES = [int(size) for size in os.environ.get("BENCH_IMPORT_SIZES", "5000,50000").split(",")]
TERMS = ["Counselling", "Helpline", "Peer support", "Young people", "Women", "Zumba", "Bereavement"]
AREAS = ["E12000007", "E12000002", "E12000003", "Bristol", "K02000001"]
LANGUAGES = [("ur", "Urdu"), ("bn", "Bengali"), ("so", "Somali"), ("ar", "Arabic"), ("en", "")]


def say(message):
    print(message, flush=True)


def uuid_of(kind, n):
    return f"{kind:08x}-0000-4000-8000-{n:012d}"


def area(n):
    """A region by its ONS code, or a place by its name (Bristol, which maps to no region)."""
    value = AREAS[n % len(AREAS)]
    return {"extent": value} if value[1:].isdigit() else {"name": value}


def service(n):
    organisation = n // 2
    return {
        "id": uuid_of(2, n),
        "name": f"Listening service {n}",
        "description": f"<h2>About</h2><p>Support for people in area {n % 97}.</p>"
        f"<p>Call 0117 {n % 1000:03d} {n % 10000:04d} &amp; ask for the team.</p>",
        "url": f"https://service{n}.example.org.uk/",
        "email": f"team{n}@service{organisation}.example.org.uk",
        "status": "active" if n % 50 else "inactive",
        "last_modified": "2025-09-02T12:06:15.654",
        "minimum_age": -1,
        "maximum_age": -1,
        "organization_id": uuid_of(1, organisation),
        "organization": {
            "id": uuid_of(1, organisation),
            "name": f"Community organisation {organisation}",
            "description": f"Community organisation {organisation} works across the city.",
            "website": f"https://org{organisation}.example.org.uk/",
        },
        "contacts": [{"phones": [{"number": f"0800 {n % 1000:03d} {n % 10000:04d}"}]}],
        "attributes": [
            {"taxonomy_term": {"id": uuid_of(3, (n + k) % 7), "name": TERMS[(n + k) % 7]}}
            for k in range(2)
        ],
        "languages": [{"code": code, "name": name} for code, name in LANGUAGES[: 1 + n % 3]],
        "service_areas": [area(n)],
        "pc_metadata": {"vendor": "ignored"},
    }


def write_file(path, size):
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(size):
            handle.write(json.dumps(service(n)) + "\n")


def manage(args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def fresh_database(env):
    with pg_connect("postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage(["migrate", "--no-input", "--verbosity", "0"], env)
    manage(["seed_directory", "--lookups-only", "--verbosity", "0"], env)


def timed_import(path, env):
    """(seconds, peak RSS in MB of the import's process, its summary line)."""
    script = (
        "import resource, sys, time\n"
        "from django.core.management import call_command\n"
        "start = time.perf_counter()\n"
        f"call_command('import_openreferral', {str(path)!r}, '--source=bench')\n"
        "seconds = time.perf_counter() - start\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'BENCH {seconds:.1f} {rss:.0f}', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    figures = [line for line in result.stderr.splitlines() if line.startswith("BENCH ")]
    _, seconds, rss = figures[-1].split()
    return float(seconds), float(rss), result.stdout.strip().splitlines()[-1]


def analysed():
    with pg_connect(DB_NAME) as connection:
        rows = connection.execute(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname IN ('organisations_organisation', 'organisations_service')"
        ).fetchall()
    return all(done for _name, done in rows) and len(rows) == 2


def main():
    env = base_environment(DATABASE_URL)
    say(f"Load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"services-{size}.ndjson"
            write_file(path, size)
            megabytes = path.stat().st_size / 1e6
            say(f"{size:,} services: {megabytes:.0f} MB of NDJSON; importing into a fresh database")
            fresh_database(env)
            for run in ("first", "again"):
                seconds, rss, summary = timed_import(path, env)
                say(f"  {run}: {summary}")
                rows.append(
                    [
                        f"{size:,}",
                        run,
                        f"{seconds:.1f}",
                        f"{size / seconds:,.0f}",
                        f"{rss:.0f}",
                        ("yes" if analysed() else "NO") if run == "first" else "",
                    ]
                )
    headers = ["services", "run", "seconds", "services/s", "peak RSS (MB)", "ANALYZEd"]
    say("")
    say(markdown_table(headers, rows))
    say(f"Load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with pg_connect("postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
