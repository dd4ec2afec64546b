"""`make soak`: the site under load while a worker is killed and PostgreSQL restarts (issue 5).

Starts its own throwaway PostgreSQL cluster (never the shared server on 5432), migrates and seeds
it, starts gunicorn as in production (2 sync workers, DEBUG off, page cache off so that every
request reaches the database, persistent connections with health checks as in settings) on
127.0.0.1, and drives it for about 75 s with ``wrk`` (Debian's package) and, beside it, a small
Python driver that notes the time and status of each of its own requests. While the load runs it
kills one gunicorn worker with SIGKILL (gunicorn's master starts another) and later restarts
PostgreSQL with ``pg_ctl restart -m fast``. Then it prints the requests served, the errors in and
after each fault window and outside them, the time to recover, and PASS or FAIL for each target:

- no failed request outside the fault windows;
- within 5 s of PostgreSQL accepting connections again, a full second without errors;
- gunicorn's master never restarted.

A fault window runs from the fault until gunicorn has a replacement worker (worker killed), or
until 5 s after PostgreSQL accepts connections again (restart): that 5 s is the recovery target,
and errors in it are reported on their own.

Run with the project's virtualenv: ``.venv/bin/python bench/soak.py`` (or ``make soak``).
Settings, all optional: ``SOAK_PORT`` (gunicorn, default 8793), ``SOAK_PG_PORT`` (the throwaway
cluster, default 55477), ``SOAK_ORGANISATIONS`` (synthetic organisations added to the seed data,
default 1000). Exit code: 0 when every target passes, 1 when one fails or the harness could not
run, 130 when interrupted. Everything it starts it stops by process id, and it removes the cluster.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    FIRST_PUBLISHED_SLUG,
    HOST,
    RESULTS_DIR,
    ROOT,
    Gunicorn,
    HarnessError,
    base_environment,
    children_of,
    django_value,
    ensure_wrk,
    env_int,
    manage,
    port_is_free,
    run_as_script,
)

DB_NAME = "directory_soak"
RECOVERY_TARGET_SECONDS = 5.0
WRK_CONNECTIONS = 4
DRIVER_THREADS = 2
REQUEST_TIMEOUT = 10

# The schedule, in seconds from the start of the load: wrk runs in these segments back to back,
# so that its own counts say which segment each error fell in.
SEGMENTS = [("before the faults", 15), ("worker killed", 20), ("PostgreSQL restart", 25)]
SEGMENTS += [("after the faults", 15)]
KILL_AT = 18.0
RESTART_AT = 40.0


def say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The throwaway PostgreSQL cluster --------------------------------------------------------


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    if not found:
        raise HarnessError("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin.")
    return found[-1].parent


def as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    def __init__(self, port: int):
        self.port = port
        self.bin = pg_bin()
        self.dir: Path | None = None

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def ctl(self, *args: str, check=True) -> subprocess.CompletedProcess:
        command = as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args])
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise HarnessError(f"pg_ctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def start(self) -> None:
        if not port_is_free(self.port):
            raise HarnessError(
                f"Something already listens on {HOST}:{self.port}; set SOAK_PG_PORT."
            )
        self.dir = Path(tempfile.mkdtemp(prefix="directory-soak-pg."))
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        initdb = as_postgres(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
        )
        result = subprocess.run(initdb, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise HarnessError(f"initdb failed:\n{result.stdout}{result.stderr}")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off "
            "-c max_connections=50"
        )
        self.ctl("-l", str(self.dir / "log"), "-w", "-o", options, "start")

    def restart(self) -> None:
        # With the log file again: otherwise the new server keeps pg_ctl's output pipes open.
        self.ctl("-l", str(self.dir / "log"), "-w", "-m", "fast", "restart")

    def accepting(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url("postgres"), connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def url(self, dbname: str = DB_NAME) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{dbname}"

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')

    def remove(self) -> None:
        """Stop the cluster (immediately: it holds nothing to keep) and delete its files."""
        if self.dir is None:
            return
        if (self.data / "postmaster.pid").exists():
            self.ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


# --- Load -----------------------------------------------------------------------------------


@dataclass
class Sample:
    started: float  # time.monotonic()
    finished: float
    status: int  # the HTTP status, or 0 when no response came (refused, reset, timed out)

    @property
    def ok(self) -> bool:
        return self.status == 200  # every page driven answers 200 when all is well


@dataclass
class Driver:
    """Requests in a loop from a few threads, each noted with its time and status."""

    base_url: str
    paths: list[str]
    samples: list[Sample] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self, offset: int) -> None:
        index = offset
        while not self.stopping.is_set():
            url = self.base_url + self.paths[index % len(self.paths)]
            index += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as reply:
                    reply.read()
                    status = reply.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            self.samples.append(Sample(started, time.monotonic(), status))

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.run, args=(offset,), daemon=True)
            for offset in range(DRIVER_THREADS)
        ]
        for thread in threads:
            thread.start()
        return threads


WRK_SCRIPT = """
local paths = {%s}
local index = 0
request = function()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end
"""


@dataclass
class WrkSegment:
    name: str
    seconds: int
    output: str = ""

    def figures(self) -> tuple[int, int]:
        """(requests, errors): non-2xx/3xx responses and socket errors, from wrk's summary."""
        import re

        requests = re.search(r"(\d+) requests in", self.output)
        non_2xx = re.search(r"Non-2xx or 3xx responses: *(\d+)", self.output)
        sockets = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", self.output
        )
        errors = int(non_2xx.group(1)) if non_2xx else 0
        errors += sum(map(int, sockets.groups())) if sockets else 0
        return (int(requests.group(1)) if requests else 0), errors


def run_wrk_segments(wrk: str, base_url: str, script: Path, segments: list[WrkSegment]) -> None:
    for segment in segments:
        result = subprocess.run(
            [
                wrk,
                "-t1",
                f"-c{WRK_CONNECTIONS}",
                f"-d{segment.seconds}s",
                f"--timeout={REQUEST_TIMEOUT}s",
                "-s",
                str(script),
                base_url + "/",
            ],
            capture_output=True,
            text=True,
            timeout=segment.seconds + 60,
            check=False,
        )
        segment.output = result.stdout + result.stderr


# --- Analysis: pure functions ---------------------------------------------------------------


@dataclass
class Window:
    name: str
    start: float
    end: float


def in_any(sample: Sample, windows: list[Window]) -> bool:
    return any(
        window.start <= sample.finished and sample.started <= window.end for window in windows
    )


def failures(samples: list[Sample], start: float, end: float) -> int:
    """Failed requests that were in flight at any moment between ``start`` and ``end``."""
    return sum(1 for s in samples if not s.ok and start <= s.finished and s.started <= end)


def failures_after(samples: list[Sample], windows: list[Window], start: float, end: float) -> int:
    """Failed requests that started between ``start`` and ``end`` and overlap no fault window."""
    return sum(
        1 for s in samples if not s.ok and start < s.started <= end and not in_any(s, windows)
    )


def recovery(samples: list[Sample], back: float) -> tuple[float | None, float | None]:
    """From ``back`` (PostgreSQL accepting again): seconds to the first successful response that
    started after it, and to the start of the first full second with no failure (and at least one
    success) in it."""
    after = sorted((s for s in samples if s.started >= back), key=lambda s: s.started)
    first_ok = next((s.finished - back for s in after if s.ok), None)
    clean = None
    if after:
        step = 0.1
        offset = 0.0
        last = after[-1].finished - back
        while offset + 1.0 <= last:
            inside = [
                s for s in after if back + offset <= s.started and s.finished <= back + offset + 1.0
            ]
            failed = failures(samples, back + offset, back + offset + 1.0)
            if inside and not failed and all(s.ok for s in inside):
                clean = offset
                break
            offset += step
    return first_ok, clean


def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


# --- Main -----------------------------------------------------------------------------------


def prepare(cluster: Cluster, env: dict[str, str], organisations: int) -> str:
    say(f"Throwaway PostgreSQL cluster on {HOST}:{cluster.port} ({cluster.bin})")
    cluster.start()
    cluster.create_database()
    say("migrate, collectstatic, seed_directory")
    manage(["migrate", "--no-input", "--verbosity", "0"], env)
    manage(["collectstatic", "--no-input", "--verbosity", "0"], env)
    manage(["seed_directory", "--verbosity", "0"], env)
    if organisations:
        say(f"generate_synthetic_data --organisations {organisations}")
        manage(["generate_synthetic_data", "--organisations", str(organisations), "--force"], env)
    slug = django_value(FIRST_PUBLISHED_SLUG, env)
    if not slug:
        raise HarnessError("No published organisation to load the detail page of")
    return slug


def main() -> int:
    port = env_int("SOAK_PORT", 8793)
    cluster = Cluster(env_int("SOAK_PG_PORT", 55477))
    organisations = env_int("SOAK_ORGANISATIONS", 1000)
    wrk = ensure_wrk()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    env = {**base_environment(cluster.url()), "DIRECTORY_PAGE_CACHE": "0"}
    server = None
    driver = None
    try:
        slug = prepare(cluster, env, organisations)
        paths = [
            "/organisations/",
            "/organisations/?language=ur&gender=female&mode=phone",
            "/organisations/?q=anxiety+counselling",
            f"/organisations/{slug}/",
            "/organisations/?page=3",
            "/urgent-help/",
            "/healthz",
        ]
        server = Gunicorn(env, port, RESULTS_DIR / "soak-gunicorn.log")
        say(f"gunicorn on {HOST}:{port}: 2 sync workers, DEBUG off, DIRECTORY_PAGE_CACHE=0")
        server.start()
        master = server.process.pid
        base_url = f"http://{HOST}:{port}"
        script = RESULTS_DIR / "soak.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))

        segments = [WrkSegment(name, length) for name, length in SEGMENTS]
        total = sum(length for _, length in SEGMENTS)
        say(f"Load for {total} s: wrk -c{WRK_CONNECTIONS} and {DRIVER_THREADS} timed threads")
        driver = Driver(base_url, paths)
        loader = threading.Thread(
            target=run_wrk_segments, args=(wrk, base_url, script, segments), daemon=True
        )
        began = time.monotonic()
        loader.start()
        driver_threads = driver.start()

        time.sleep(max(0.0, began + KILL_AT - time.monotonic()))
        victim = server.current_workers()[0]
        kill_time = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        say(f"SIGKILL to worker {victim}")
        replaced = None
        while time.monotonic() - kill_time < 30:
            workers = children_of(master)
            if victim not in workers and len(workers) >= 2:
                replaced = time.monotonic()
                break
            time.sleep(0.02)
        say(f"Replacement worker after {seconds(replaced and replaced - kill_time)}")

        time.sleep(max(0.0, began + RESTART_AT - time.monotonic()))
        say("pg_ctl restart -m fast")
        restart_time = time.monotonic()
        cluster.restart()
        while not cluster.accepting():
            time.sleep(0.01)
        back = time.monotonic()
        say(f"PostgreSQL accepting connections again after {back - restart_time:.2f} s")

        loader.join(timeout=total + 120)
        driver.stopping.set()
        for thread in driver_threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        ended = time.monotonic()
        master_alive = server.alive() and server.process.pid == master
    finally:
        if driver is not None:
            driver.stopping.set()
        if server is not None:
            server.stop()
        cluster.remove()

    samples = driver.samples
    kill_window = Window("worker killed", kill_time, replaced or kill_time + 30)
    pg_window = Window("PostgreSQL restart", restart_time, back + RECOVERY_TARGET_SECONDS)
    windows = [kill_window, pg_window]
    outside = [s for s in samples if not s.ok and not in_any(s, windows)]
    first_ok, clean = recovery(samples, back)

    kill_failed = failures(samples, kill_window.start, kill_window.end)
    down = Window("PostgreSQL down", restart_time, back)
    back_failed = sum(
        1
        for s in samples
        if not s.ok and in_any(s, [Window("back", back, pg_window.end)]) and not in_any(s, [down])
    )
    target = RECOVERY_TARGET_SECONDS
    print()
    print("## Soak results\n")
    print(
        f"Timed driver ({DRIVER_THREADS} threads): {len(samples):,} requests, "
        f"{sum(not s.ok for s in samples):,} failed, over {ended - began:.0f} s"
    )
    for segment in segments:
        requests, errors = segment.figures()
        print(
            f"wrk -c{WRK_CONNECTIONS}, {segment.name} ({segment.seconds} s): "
            f"{requests:,} requests, {errors:,} errors"
        )
    answered = len(samples) + sum(segment.figures()[0] for segment in segments)
    failed = sum(not s.ok for s in samples) + sum(segment.figures()[1] for segment in segments)
    print(f"Requests in all: {answered:,}, of which {failed:,} failed\n")
    print(
        f"Worker killed: replacement after {seconds(replaced and replaced - kill_time)}; "
        f"timed requests failed during the window: {kill_failed}, "
        f"after it until the next fault: "
        f"{failures_after(samples, windows, kill_window.end, restart_time)}"
    )
    print(
        f"PostgreSQL restart: down {back - restart_time:.2f} s; timed requests failed while "
        f"it was down: {failures(samples, restart_time, back)}, in the {target:.0f} s "
        f"after it came back: {back_failed}, after that: "
        f"{failures_after(samples, windows, pg_window.end, ended)}"
    )
    print(
        f"Recovery from PostgreSQL accepting connections: first successful page after "
        f"{seconds(first_ok)}, first full second without errors after {seconds(clean)}"
    )
    by_status = Counter(
        "no response" if s.status == 0 else str(s.status) for s in samples if not s.ok
    )
    described = ", ".join(f"{status} × {count}" for status, count in sorted(by_status.items()))
    print(f"Failed timed requests by status: {described or 'none'}")
    print(f"Failed timed requests outside the fault windows: {len(outside)}")
    quiet_segments = [s for s in segments if s.name in ("before the faults", "after the faults")]
    wrk_outside = sum(s.figures()[1] for s in quiet_segments)
    print(f"wrk errors in the segments without a fault: {wrk_outside}\n")

    checks = [
        (
            "zero failed requests outside the fault windows",
            not outside and not wrk_outside,
            f"timed driver {len(outside)}, wrk {wrk_outside}",
        ),
        (
            f"recovery within {RECOVERY_TARGET_SECONDS:.0f} s of PostgreSQL coming back",
            clean is not None and clean <= RECOVERY_TARGET_SECONDS,
            f"first full second without errors after {seconds(clean)}",
        ),
        (
            "without restarting gunicorn",
            master_alive,
            f"master {master} " + ("served throughout" if master_alive else "did not survive"),
        ),
    ]
    for target, passed, detail in checks:
        print(f"- {'PASS' if passed else 'FAIL'} {target}: {detail}")
    print(f"\ngunicorn's log: {(RESULTS_DIR / 'soak-gunicorn.log').relative_to(ROOT)}")
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    run_as_script(main, "soak", "gunicorn and the cluster stopped.")
