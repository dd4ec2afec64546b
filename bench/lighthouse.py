"""`make lighthouse`: Lighthouse's four scores and the bytes transferred for four public pages.

This makes a throwaway SQLite database in a temporary directory, migrates and seeds it
(``manage.py seed_directory``: the seeded organisations are published), runs ``collectstatic``,
starts gunicorn as in production (2 sync workers, DEBUG off, a random ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS=127.0.0.1``) on 127.0.0.1:8731 and waits for ``/healthz``. Then it runs
Lighthouse (``bench/lighthouse/``, from npm: ``make lighthouse`` installs it with ``npm ci``) in
its default mode, a mid-range phone on a throttled mobile connection, with Debian's Chromium,
headless, on:

    home           /
    list           /organisations/
    detail         the first organisation the list links to
    signposting    /signposting/?service=<id>&service=<id>, two public services of the database

and prints a table: each category's score (×100), the bytes transferred (Lighthouse's
``total-byte-weight``: compressed, everything the page loads; 1 KB = 1,000 bytes), and PASS or
FAIL against the targets: 100 in performance, accessibility, best practices and SEO, and under
50 KB transferred. Below it, for every category under 100, the audits that failed, so that one
knows what to fix; the last line is "Targets: all PASS" or "Targets: FAIL (...)". Each page's
full report, JSON and HTML, is copied to ``bench/results/lighthouse/`` (not committed).

A page that does not answer 200 is reported and skipped; the others still run. Run with the
project's virtualenv: ``.venv/bin/python bench/lighthouse.py`` (or ``make lighthouse``). Settings,
all optional, from the environment:

    LIGHTHOUSE_PORT=8731          where gunicorn listens (127.0.0.1 only)
    CHROME_PATH=/usr/bin/chromium the Chrome or Chromium Lighthouse drives

The exit code is 0 whatever the scores; it is non-zero only when something could not run (no
Lighthouse or Chromium, gunicorn did not start, a command failed, Lighthouse wrote no report) or
the run was interrupted. gunicorn is stopped by its process id and the temporary directory removed
on the way out, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `bench` is then not importable otherwise

from bench.run import (  # noqa: E402  (after the path is set)
    HOST,
    Gunicorn,
    HarnessError,
    base_environment,
    env_int,
    manage,
    markdown_table,
    port_is_free,
    run_as_script,
)

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
DEFAULT_CHROME = "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHTHOUSE_TIMEOUT_SECONDS = 300
REPORTS_DIR = ROOT / "bench" / "results" / "lighthouse"  # bench/.gitignore keeps it out of git

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The targets.
MIN_SCORE = 100
MAX_TRANSFER_KB = 50  # 1 KB = 1,000 bytes, as everywhere in the benchmarks

# Audits that carry no pass or fail of their own.
NOT_SCORED = {"informative", "notApplicable", "manual"}

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # "[text](url)" in Lighthouse's warnings
DETAIL_LINK = re.compile(r'href="(/organisations/[^/"?#]+/)"')

PUBLISHED_COUNTS = (
    "from organisations.models import Organisation as O, Service as S; "
    "print(O.objects.published().count(), S.objects.public().count())"
)
TWO_PUBLIC_SERVICES = (
    "from organisations.models import Service as S; "
    "print(*S.objects.public().order_by('pk').values_list('pk', flat=True)[:2])"
)


# --- Reading Lighthouse's reports: pure ----------------------------------------------------------


@dataclass
class PageResult:
    label: str
    path: str
    status: int | None = None  # the HTTP status the page answered before Lighthouse ran
    scores: dict[str, int | None] = field(default_factory=dict)  # 0–100, None if not scored
    transfer_bytes: float | None = None
    failing: dict[str, list[str]] = field(default_factory=dict)  # category: audit descriptions
    error: str = ""  # why the page was not measured, or what Lighthouse reported
    warnings: list[str] = field(default_factory=list)  # Lighthouse's, e.g. a CPU too busy
    seconds: float = 0.0

    @property
    def measured(self) -> bool:
        return not self.error and bool(self.scores)

    @property
    def transfer_kb(self) -> float | None:
        return None if self.transfer_bytes is None else self.transfer_bytes / 1000

    def misses(self) -> list[str]:
        """The targets this page misses ("performance 93", "62.4 KB"); [] when it meets all."""
        if not self.measured:
            return [f"not measured: {self.error or 'no scores'}"]
        misses = [
            f"{category} {'–' if score is None else score}"
            for category, score in self.scores.items()
            if score is None or score < MIN_SCORE
        ]
        if self.transfer_kb is None:
            misses.append("transfer size not reported")
        elif self.transfer_kb >= MAX_TRANSFER_KB:
            misses.append(f"{self.transfer_kb:.1f} KB")
        return misses


def audit_description(audit: dict) -> str:
    """An audit's title, with what it measured when it says ("Largest Contentful Paint: 2.9 s")."""
    title = audit.get("title") or audit.get("id", "?")
    if audit.get("scoreDisplayMode") == "error" or audit.get("score") is None:
        return f"{title} (the audit failed to run: {audit.get('errorMessage') or 'no score'})"
    shown = audit.get("displayValue")
    score = f"score {round(audit['score'] * 100)}"
    return f"{title}: {shown} ({score})" if shown else f"{title} ({score})"


def failing_audits(lhr: dict, category: str) -> list[str]:
    """The audits of `category` that did not pass (score < 1), weighted ones first."""
    refs = lhr.get("categories", {}).get(category, {}).get("auditRefs", [])
    audits = lhr.get("audits", {})
    failing = []
    for ref in sorted(refs, key=lambda ref: -ref.get("weight", 0)):
        audit = audits.get(ref.get("id"), {})
        if audit.get("scoreDisplayMode") in NOT_SCORED:
            continue
        score = audit.get("score")
        if score is None or score < 1:
            failing.append(audit_description(audit))
    return failing


def read_report(page: PageResult, lhr: dict) -> None:
    """Fill `page` from a Lighthouse result (the JSON report, `lhr`)."""
    runtime_error = lhr.get("runtimeError")
    if runtime_error:
        page.error = (
            f"Lighthouse: {runtime_error.get('code', 'error')}: {runtime_error.get('message', '')}"
        ).strip()
    categories = lhr.get("categories", {})
    for category in CATEGORIES:
        score = categories.get(category, {}).get("score")
        page.scores[category] = None if score is None else round(score * 100)
        if score is None or score < 1:
            page.failing[category] = failing_audits(lhr, category)
    page.warnings = [
        MARKDOWN_LINK.sub(r"\1", str(warning)) for warning in lhr.get("runWarnings", [])
    ]
    weight = lhr.get("audits", {}).get("total-byte-weight", {}).get("numericValue")
    page.transfer_bytes = float(weight) if weight is not None else None


def first_detail_path(list_html: str) -> str | None:
    """The first organisation's page the list links to, e.g. /organisations/some-charity/."""
    match = DETAIL_LINK.search(list_html)
    return match.group(1) if match else None


def _cell(value: int | float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


TABLE_HEADERS = ["page", *CATEGORIES, "KB transferred", "targets"]


def page_row(page: PageResult) -> list[str]:
    misses = page.misses()
    if not page.measured:
        verdict = f"FAIL: {page.error}"
    else:
        verdict = "FAIL: " + ", ".join(misses) if misses else "PASS"
    return [
        f"{page.label}: {page.path}",
        *(_cell(page.scores.get(category)) for category in CATEGORIES),
        _cell(page.transfer_kb, 1),
        verdict,
    ]


def format_failing(pages: list[PageResult]) -> str:
    """For each page and each category under 100, the audits that failed."""
    lines = []
    for page in pages:
        for category in CATEGORIES:
            score = page.scores.get(category)
            if not page.measured or (score is not None and score >= MIN_SCORE):
                continue
            audits = page.failing.get(category) or ["(no failing audit named)"]
            lines.append(f"{page.label} ({page.path}), {category} {_cell(score)}:")
            lines += [f"  - {audit}" for audit in audits]
    return "\n".join(lines)


def format_warnings(pages: list[PageResult]) -> str:
    """Lighthouse's own warnings: "a slower CPU than Lighthouse expects" means a busy machine."""
    return "\n".join(
        f"{page.label}: {' '.join(warning.split())}" for page in pages for warning in page.warnings
    )


def targets_line(pages: list[PageResult]) -> str:
    misses = [f"{page.label}: {', '.join(page.misses())}" for page in pages if page.misses()]
    return "Targets: FAIL (" + "; ".join(misses) + ")" if misses else "Targets: all PASS"


# --- Running things ------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[lighthouse {time.strftime('%H:%M:%S')}] {message}", flush=True)


def lighthouse_version() -> str:
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "unknown"


def check_tools(chrome: str) -> None:
    if not LIGHTHOUSE.exists():
        raise HarnessError(
            f"Lighthouse is not installed in {LIGHTHOUSE_DIR.relative_to(ROOT)}: run `make "
            "lighthouse` (it runs `npm ci` there), or `npm ci --no-audit --no-fund` in that folder."
        )
    if not shutil.which("node"):
        raise HarnessError("Lighthouse needs Node.js (18.16 or newer) on the PATH.")
    if not (shutil.which(chrome) or os.access(chrome, os.X_OK)):
        raise HarnessError(
            f"No Chrome or Chromium at {chrome}: install Debian's (apt-get install chromium) or "
            "set CHROME_PATH."
        )


def django_value(code: str, env: dict[str, str]) -> str:
    """What a line of Python printed, run by `manage.py shell` against the throwaway database."""
    output = manage(["shell", "--no-imports", "--command", code], env, quiet=True).strip()
    return output.splitlines()[-1] if output else ""


def fetch(url: str) -> tuple[int, str]:
    """A page's HTTP status and body (error pages too); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, urllib.error.URLError) as error:
        return 0, str(error)


def run_lighthouse(url: str, output: Path, chrome: str, scratch: Path) -> subprocess.Popen:
    """Lighthouse on `url`, writing `output`.report.json and `output`.report.html."""
    args = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=" + " ".join(CHROME_FLAGS),
        "--quiet",
    ]
    # TMPDIR: Chrome's profile goes in the scratch directory too, and is removed with it.
    env = {**os.environ, "CHROME_PATH": chrome, "TMPDIR": str(scratch)}
    return subprocess.Popen(
        args,
        cwd=LIGHTHOUSE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl+C reaches this script, which then stops Lighthouse
    )


def stop_lighthouse(process: subprocess.Popen) -> None:
    """SIGINT first (Lighthouse then closes its Chrome), SIGKILL after 15 s; by process id."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def measure(page: PageResult, base_url: str, out_dir: Path, chrome: str) -> None:
    """Run Lighthouse on one page; once more if Lighthouse's own trace failed (it says "Please
    run Lighthouse again": NO_NAVSTART, seen about once in 15 pages here). The retry is printed
    with the warnings. HarnessError when Lighthouse itself could not run."""
    url = base_url + page.path
    page.status, _ = fetch(url)
    if page.status != 200:
        page.error = f"HTTP {page.status}" if page.status else "no answer"
        say(f"{page.label}: {page.path} answered {page.error}: not measured")
        return
    say(f"{page.label}: {page.path}")
    _run_once(page, url, out_dir, chrome)
    if page.error.startswith("Lighthouse:"):
        first_error = page.error
        page.error, page.scores, page.failing = "", {}, {}
        say("  running Lighthouse once more")
        _run_once(page, url, out_dir, chrome)
        page.warnings.insert(0, f"measured on a second run; the first failed: {first_error}")


def _run_once(page: PageResult, url: str, out_dir: Path, chrome: str) -> None:
    started = time.monotonic()
    process = run_lighthouse(url, out_dir / page.label, chrome, out_dir)
    try:
        log, _ = process.communicate(timeout=LIGHTHOUSE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise HarnessError(
            f"Lighthouse took over {LIGHTHOUSE_TIMEOUT_SECONDS} s on {url}; stopped."
        ) from None
    finally:
        stop_lighthouse(process)
    page.seconds = time.monotonic() - started
    try:
        lhr = json.loads((out_dir / f"{page.label}.report.json").read_text())
    except (OSError, ValueError):
        # No report at all: Chrome did not start, or Lighthouse failed before the page.
        raise HarnessError(
            f"Lighthouse wrote no report for {url} (exit {process.returncode}):\n"
            + (log or "").strip()[-3000:]
        ) from None
    read_report(page, lhr)
    if page.error:
        say(f"  {page.error}")
    keep_reports(out_dir, page.label)


def keep_reports(out_dir: Path, label: str) -> None:
    """Copy a page's reports to bench/results/lighthouse/ (not committed) to read later."""
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    for report in out_dir.glob(f"{label}.report.*"):
        shutil.copyfile(report, REPORTS_DIR / report.name)


def prepare_database(env: dict[str, str]) -> None:
    say("Throwaway SQLite database: migrate, seed_directory, collectstatic")
    manage(["migrate", "--no-input", "--verbosity", "0"], env)
    manage(["seed_directory"], env, quiet=True)
    manage(["collectstatic", "--no-input", "--verbosity", "0"], env)
    organisations, services = map(int, django_value(PUBLISHED_COUNTS, env).split())
    if not organisations or not services:
        raise HarnessError(
            f"After seeding, {organisations} published organisations and {services} public "
            "services: nothing for the list to show."
        )
    say(f"{organisations} published organisations, {services} public services")


def main() -> int:
    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    chrome = os.environ.get("CHROME_PATH") or DEFAULT_CHROME
    port = env_int("LIGHTHOUSE_PORT", 8731)
    check_tools(chrome)
    if not port_is_free(port):
        raise HarnessError(f"Something already listens on {HOST}:{port}; set LIGHTHOUSE_PORT.")
    scratch = Path(tempfile.mkdtemp(prefix="directory-lighthouse-"))
    server = None
    try:
        env = base_environment(f"sqlite:///{scratch / 'db.sqlite3'}")
        prepare_database(env)
        service_ids = django_value(TWO_PUBLIC_SERVICES, env).split()

        say(f"Starting gunicorn on {HOST}:{port}")
        server = Gunicorn(env, port, scratch / "gunicorn.log")
        server.start()
        base_url = f"http://{HOST}:{port}"

        status, list_html = fetch(base_url + "/organisations/")
        detail = first_detail_path(list_html) if status == 200 else None
        if detail is None:
            raise HarnessError(
                f"/organisations/ answered {status} and links to no organisation: no detail page."
            )
        pages = [
            PageResult("home", "/"),
            PageResult("list", "/organisations/"),
            PageResult("detail", detail),
            PageResult(
                "signposting",
                "/signposting/?" + "&".join(f"service={pk}" for pk in service_ids),
            ),
        ]
        if len(service_ids) < 2:
            pages[-1].error = f"the database has {len(service_ids)} public services, not 2"

        say(f"Lighthouse {lighthouse_version()}, mobile (default), Chromium at {chrome}")
        for old in REPORTS_DIR.glob("*.report.*"):
            old.unlink()  # a page not measured this time must not leave last run's report
        for page in pages:
            if not page.error:
                measure(page, base_url, scratch, chrome)
            if not server.alive():
                raise HarnessError(f"gunicorn died during the run:\n{server.log_tail()}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    print(markdown_table(TABLE_HEADERS, [page_row(page) for page in pages]))
    print(
        f"\nScores ×100; KB transferred is Lighthouse's total-byte-weight (1 KB = 1,000 bytes). "
        f"Targets: {MIN_SCORE} in each category, under {MAX_TRANSFER_KB} KB per page."
    )
    warnings = format_warnings(pages)
    if warnings:
        print("\nLighthouse's warnings (a busy CPU lowers performance scores):\n" + warnings)
    failing = format_failing(pages)
    if failing:
        print("\nFailing audits (categories under 100):\n" + failing)
    print(
        f"\nFull reports (JSON and HTML): {REPORTS_DIR.relative_to(ROOT)}/. "
        f"Took {time.monotonic() - started:.0f} s; load average at the start "
        f"{load_at_start:.1f} on {os.cpu_count()} CPUs (a busy machine lowers performance scores)."
    )
    print(targets_line(pages), flush=True)
    return 0


if __name__ == "__main__":
    run_as_script(main, "lighthouse")
