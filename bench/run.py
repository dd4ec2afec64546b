"""`make bench`: load the directory with synthetic data and measure its public pages.

For each size (10,000 then 100,000 organisations by default) and each mode (page cache off, then
on as in production) this starts gunicorn as in production (2 sync workers, DEBUG off) on
127.0.0.1, drives every listed page with ``wrk`` at concurrency 8 from the same machine, counts
the SQL queries and HTML bytes of each page with ``manage.py count_queries``, reads each worker's
peak resident memory, prints a table per size and mode and checks the targets (issue 12), each
PASS or FAIL, with the machine's load average at the start and at the end so that a noisy run
shows.

Ratios to ``/healthz`` in the same run are the figures that count: the machine is shared and
noisy, so absolute requests per second move from run to run; ratios move much less. ``/healthz``
is measured again after every page, and each page's ratio is to the mean of the measurements just
before and just after it, so that a machine whose speed drifts during a run (between the sizes, or
while another tenant's job starts) moves each page's baseline with it.

Run with the project's virtualenv: ``.venv/bin/python bench/run.py`` (or ``make bench``).
Settings, all optional, from the environment:

    BENCH_SIZES=10000,100000   organisation counts, measured in ascending order
    BENCH_SECONDS=10           seconds of load per page
    BENCH_WARMUP_SECONDS=2     seconds of unmeasured load per page before that
    BENCH_BASELINE_SECONDS=5   seconds of /healthz after each page (the next baseline)
    BENCH_LANGUAGE_ROUNDS=5    rounds of each other language's list, between the English list's
    BENCH_KEEP_DB=1            reuse directory_bench when it already holds the data needed
    BENCH_PORT=8791            where gunicorn listens (127.0.0.1 only)

The exit code is 0 whatever the figures say; it is non-zero only when the harness itself could not
run (no wrk, no PostgreSQL, gunicorn did not start, a command failed) or was interrupted.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
DB_NAME = "directory_bench"
DATABASE_URL = f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{DB_NAME}"
REDIS_PORT = 6379
REDIS_DB = 14
REDIS_URL = f"redis://{HOST}:{REDIS_PORT}/{REDIS_DB}"

WORKERS = 2
THREADS = 2
CONNECTIONS = 8
WRK_TIMEOUT_SECONDS = 10

BASELINE = "/healthz"
BASELINE_WARMUP_SECONDS = 1  # before each /healthz measured between pages
DETAIL = "detail"  # stands for /organisations/<a real synthetic slug>/, found per size
SERVICE = "service"  # stands for /api/oruk/services/<a real public service's UUID>, found per size
FEED_FIRST_PAGE = "/api/oruk/services?page=1"
FEED_FAR_PAGE = "/api/oruk/services?page=500"
# Near a postcode district (issue 15): in-person services at venues nearest first, then the
# district's region's, then UK-wide remote ones. LS6 (Headingley, Leeds) has many venues within
# the radius in the synthetic data, Leeds's and Bradford's (VENUE_PLACES in
# generate_synthetic_data), as a real directory would.
NEAR = "/organisations/?near=LS6"
PAGES = [
    BASELINE,
    "/organisations/",
    "/organisations/?language=ur&gender=female&mode=phone",
    "/organisations/?type=counselling&area=london&cost=free",
    "/organisations/?q=anxiety+counselling",
    "/organisations/?q=anxeity+councelling",
    "/organisations/?page=50",
    NEAR,
    DETAIL,
    # The list in two other interface languages (issue 13): within LANGUAGE_MIN_FACTOR of the
    # same list in English, uncached and cached; the Arabic one is filtered, so its English
    # counterpart is too.
    "/organisations/?language=ar",
    "/ar/organisations/?language=ar",
    "/ur/organisations/",
    # The Open Referral UK feed (issue 14): a page of services, a far page, which must cost no
    # more than the first (FEED_FAR_PAGE_MIN_FACTOR), and one service in full.
    FEED_FIRST_PAGE,
    FEED_FAR_PAGE,
    SERVICE,
]
ENGLISH_LIST = "/organisations/"

MODES = ("uncached", "cached")

# The targets (issue 12; issue 3 set the first ones).
UNCACHED_MIN_RATIO = 0.2
SCALING_MIN_FACTOR = 0.8
CACHED_MIN_RATIO = 0.85
MAX_QUERIES = 10
MAX_WORKER_RSS_MB = 150
MAX_LIST_HTML_KB = 60
LANGUAGE_MIN_FACTOR = 0.9
# The language target compares two pages whose costs differ by a few per cent (in one process,
# without the network, the same: `bench/hit_path.py --languages`), and one 10 s measurement moves
# by a tenth on a shared machine: so each list in another language is measured LANGUAGE_ROUNDS
# more times, each for LANGUAGE_ROUND_SECONDS, with the same list in English before and after each
# time (English, other, English, other, ..., English). A round's factor is the other language's
# req/s over the mean of the English measurements on either side of it, so a machine whose speed
# drifts moves both alike; the language's factor is the median of its rounds' factors.
LANGUAGE_ROUNDS = 5
LANGUAGE_ROUND_SECONDS = 3
# Page 500 of the feed's services against page 1, in each mode at the target size: a page is a
# slice of ids kept per version, never an OFFSET, so the two cost the same within the noise.
FEED_FAR_PAGE_MIN_FACTOR = 0.9
TARGET_SIZE = 100_000


class HarnessError(Exception):
    """The benchmark could not run; the figures would mean nothing."""


# --- Parsing and checking: pure, unit-tested in tests/test_bench.py ----------------------------


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def describe_errors(self) -> str:
        parts = [f"non-2xx {self.non_2xx_3xx}"] if self.non_2xx_3xx else []
        parts += [f"{kind} {count}" for kind, count in self.socket_errors.items() if count]
        return ", ".join(parts)


_UNIT_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^\s*([\d.]+)\s*(us|ms|s|m|h)\s*$")


def duration_ms(text: str) -> float:
    """A duration as wrk prints it ("42.00us", "1.81ms", "1.10s", "1.00m") in milliseconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_TO_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Read requests/sec, the 50% and 99% latencies and the errors from `wrk --latency` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not rps:
        raise ValueError("no Requests/sec line in wrk's output:\n" + output.strip())
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\s*[a-z]+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise ValueError("no Latency Distribution in wrk's output (run it with --latency)")
    requests = re.search(r"^\s+(\d+) requests in ", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {}
    )
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=duration_ms(percentiles["50"]),
        p99_ms=duration_ms(percentiles["99"]),
        requests=int(requests.group(1)) if requests else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


@dataclass
class PageCount:
    """One line of `manage.py count_queries`: the repeat request's figures and the first's."""

    status: int
    queries: int
    html_bytes: int
    first_queries: int


def parse_count_queries(output: str) -> dict[str, PageCount]:
    """`URL<TAB>status<TAB>queries<TAB>bytes<TAB>first queries` lines, by URL."""
    counts = {}
    for line in output.splitlines():
        fields = line.split("\t")
        if len(fields) != 5:
            continue  # anything else a command or a warning printed
        url, *numbers = fields
        status, queries, html_bytes, first_queries = map(int, numbers)
        counts[url] = PageCount(status, queries, html_bytes, first_queries)
    return counts


@dataclass
class PageResult:
    label: str  # the path, or "detail" for the detail page
    path: str
    wrk: WrkResult | None = None
    wrk_failure: str = ""
    count: PageCount | None = None
    ratio: float | None = None
    # /healthz measured just before and just after this page: its ratio is to their mean.
    beside: list[WrkResult] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        path = self.in_english
        return path == "/organisations/" or path.startswith("/organisations/?")

    @property
    def in_english(self) -> str:
        """The same page in English: its path without the language's prefix."""
        return self.path.removeprefix(f"/{self.language}") if self.language else self.path

    @property
    def language(self) -> str:
        """The interface language's prefix ("ar" for /ar/organisations/), or "" for English."""
        first = self.path.split("/")[1] if self.path.startswith("/") else ""
        # /api/oruk/ is open data, in no interface language.
        return first if first and first not in ("organisations", "api") and len(first) <= 3 else ""

    def problems(self) -> str:
        """Why this page is flagged, or "" when its every request succeeded."""
        problems = []
        if self.wrk_failure:
            problems.append(self.wrk_failure)
        if self.wrk and not self.wrk.requests:
            problems.append("no response completed")
        if self.wrk and self.wrk.error_count:
            problems.append(self.wrk.describe_errors())
        if self.count and self.count.status != 200:
            problems.append(f"status {self.count.status}")
        return "; ".join(problems)


@dataclass
class RunResult:
    size: int
    mode: str
    pages: list[PageResult]
    worker_peak_rss_mb: list[float] = field(default_factory=list)
    worker_timeouts: int = 0  # workers gunicorn killed for a request over its 30 s timeout
    cache_backend: str = ""
    # /healthz measured again after every page: the ratios are to the mean of both, so that a
    # machine that slows down or speeds up during a run moves the baseline with the pages.
    baseline_end: WrkResult | None = None
    # The language rounds (LANGUAGE_ROUNDS): each language's req/s over its English counterpart's
    # on either side of it, round by round, by label (bracketed_factors).
    language_factors: dict[str, list[float]] = field(default_factory=dict)

    def page(self, label: str) -> PageResult | None:
        return next((page for page in self.pages if page.label == label), None)

    @property
    def peak_rss_mb(self) -> float | None:
        return max(self.worker_peak_rss_mb) if self.worker_peak_rss_mb else None


def ratio_to_baseline(page_rps: float | None, baseline_rps: float | None) -> float | None:
    if page_rps is None or not baseline_rps:
        return None
    return page_rps / baseline_rps


def baseline_rps(run: RunResult) -> float | None:
    """/healthz's requests per second: the mean of the start's and the end's when both ran."""
    baseline = run.page(BASELINE)
    measured = [
        wrk.requests_per_second
        for wrk in (baseline.wrk if baseline else None, run.baseline_end)
        if wrk is not None
    ]
    return sum(measured) / len(measured) if measured else None


def fill_ratios(run: RunResult) -> None:
    """Each page's ratio: to the mean of /healthz just before and after it when both were
    measured (what the machine could do then), else to the run's baseline."""
    baseline = baseline_rps(run)
    for page in run.pages:
        rps = page.wrk.requests_per_second if page.wrk else None
        beside = [wrk.requests_per_second for wrk in page.beside]
        page.ratio = ratio_to_baseline(rps, sum(beside) / len(beside) if beside else baseline)


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


TABLE_HEADERS = [
    "page",
    "req/s",
    "p50 ms",
    "p99 ms",
    "ratio to /healthz",
    "SQL queries (repeat / first)",
    "HTML KB",
    "errors",
]


def page_row(page: PageResult) -> list[str]:
    wrk = page.wrk
    count = page.count
    return [
        page.label if page.label == page.path else f"{page.label}: {page.path}",
        _number(wrk.requests_per_second if wrk else None, 1),
        _number(wrk.p50_ms if wrk else None, 1),
        _number(wrk.p99_ms if wrk else None, 1),
        _number(page.ratio, 3),
        f"{count.queries} / {count.first_queries}" if count else "–",
        _number(count.html_bytes / 1000 if count else None, 1),
        f"FLAG: {page.problems()}" if page.problems() else "0",
    ]


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown pipe table, padded so that it also reads well in a terminal."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    numeric = [
        index > 0 and all(re.fullmatch(r"[-–\d.,/ ]+", row[index]) for row in rows)
        for index in range(len(headers))
    ]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(cells, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (width + 1) + ":" if right else "-" * (width + 2)
        for width, right in zip(widths, numeric, strict=True)
    ]
    return "\n".join([line(headers), "|" + "|".join(rule) + "|", *map(line, rows)])


def run_title(run: RunResult) -> str:
    mode = {
        "uncached": "uncached (DIRECTORY_PAGE_CACHE=0)",
        "cached": "cached (DIRECTORY_PAGE_CACHE=1)",
    }.get(run.mode, run.mode)
    return f"{run.size:,} organisations, {mode}"


def format_run(run: RunResult) -> str:
    table = markdown_table(TABLE_HEADERS, [page_row(page) for page in run.pages])
    rss = ", ".join(f"{mb:.1f}" for mb in run.worker_peak_rss_mb) or "not read"
    backend = f"; cache: {run.cache_backend}" if run.cache_backend else ""
    baseline = run.page(BASELINE)
    beside = [wrk.requests_per_second for page in run.pages for wrk in page.beside]
    if beside:
        backend += (
            f"\n/healthz measured before and after each page: {min(beside):,.1f} to "
            f"{max(beside):,.1f} req/s; each page's ratio is to the mean of the two beside it"
        )
    elif baseline and baseline.wrk and run.baseline_end:
        backend += (
            f"\n/healthz at the start {baseline.wrk.requests_per_second:,.1f} req/s, at the end "
            f"{run.baseline_end.requests_per_second:,.1f}: ratios are to their mean"
        )
    for label, rounds in run.language_factors.items():
        listed = ", ".join(f"{factor:.3f}" for factor in rounds)
        backend += (
            f"\n{label} over the same list in English before and after it ({len(rounds)} "
            f"rounds): median {statistics.median(rounds):.3f} ({listed})"
        )
    timeouts = (
        f"\nFLAG: gunicorn killed {run.worker_timeouts} worker(s) for a request over 30 s "
        "(WORKER TIMEOUT in its log).\n"
        if run.worker_timeouts
        else ""
    )
    return (
        f"### {run_title(run)}\n\n{table}\n\n"
        f"Peak resident memory per gunicorn worker (VmHWM, MB): {rss}{backend}\n{timeouts}"
    )


@dataclass
class Check:
    target: str
    status: str  # PASS, FAIL or n/a
    detail: str


def _lowest(pages: list[PageResult]) -> str:
    measured = [page for page in pages if page.ratio is not None]
    if not measured:
        return "no page measured"
    worst = min(measured, key=lambda page: page.ratio)
    return f"lowest {worst.label} {worst.ratio:.3f}"


def _ratio_check(target: str, runs: list[RunResult], minimum: float) -> Check:
    if not runs:
        return Check(target, "n/a", "not measured")
    failing, measured = [], []
    for run in runs:
        pages = [page for page in run.pages if page.label != BASELINE]
        measured += pages
        failing += [
            f"{page.label} {_number(page.ratio, 3)} at {run.size:,}"
            for page in pages
            if page.ratio is None or page.ratio < minimum
        ]
    detail = _lowest(measured)
    if failing:
        return Check(target, "FAIL", f"{detail}; below {minimum}: " + ", ".join(failing))
    return Check(target, "PASS", f"every page ≥ {minimum}; {detail}")


def _at_target_size(runs: list[RunResult], mode: str) -> list[RunResult]:
    """The largest size's run in ``mode`` (the targets are set at TARGET_SIZE)."""
    return sorted((run for run in runs if run.mode == mode), key=lambda run: run.size)[-1:]


def _ratio_at_target_size(runs: list[RunResult], mode: str, minimum: float) -> Check:
    largest = _at_target_size(runs, mode)
    check = _ratio_check(
        f"{mode}: every page ≥ {minimum} of /healthz at {TARGET_SIZE:,}", largest, minimum
    )
    if largest and largest[0].size != TARGET_SIZE:
        check.detail += f" (measured at {largest[0].size:,} only)"
    return check


def check_uncached_ratio(runs: list[RunResult]) -> Check:
    return _ratio_at_target_size(runs, "uncached", UNCACHED_MIN_RATIO)


def check_cached_ratio(runs: list[RunResult]) -> Check:
    return _ratio_at_target_size(runs, "cached", CACHED_MIN_RATIO)


def check_scaling(runs: list[RunResult]) -> Check:
    """Cost must not grow with the directory: each page's ratio at the largest size against the
    smallest, in each mode."""
    target = f"each page's ratio at the largest size ≥ {SCALING_MIN_FACTOR} × at the smallest"
    factors, failing, compared = [], [], []
    for mode in MODES:
        in_mode = sorted((run for run in runs if run.mode == mode), key=lambda run: run.size)
        if len(in_mode) < 2 or in_mode[0].size == in_mode[-1].size:
            continue
        small, large = in_mode[0], in_mode[-1]
        compared.append(f"{large.size:,} vs {small.size:,}")
        for page in large.pages:
            before = small.page(page.label)
            if page.label == BASELINE or before is None:
                continue
            if page.ratio is None or not before.ratio:
                failing.append(f"{page.label} ({mode}) not measured")
                continue
            factor = page.ratio / before.ratio
            factors.append((factor, f"{page.label} ({mode})"))
            if factor < SCALING_MIN_FACTOR:
                failing.append(f"{page.label} ({mode}) {factor:.2f}")
    if not compared:
        return Check(target, "n/a", "needs two sizes (BENCH_SIZES)")
    sizes = compared[0]
    worst = "lowest {1} {0:.2f}".format(*min(factors)) if factors else "none measured"
    if failing:
        detail = f"{sizes}: {worst}; below {SCALING_MIN_FACTOR}: " + ", ".join(failing)
        return Check(target, "FAIL", detail)
    return Check(target, "PASS", f"{sizes}: every page ≥ {SCALING_MIN_FACTOR}; {worst}")


def bracketed_factors(english: list[float | None], other: list[float | None]) -> list[float]:
    """Round by round, ``other``'s req/s over the mean of the English measurements just before and
    just after it (``english`` has one more, measured first and between): a measurement that
    failed (None, or no request) leaves out its round, or its side of the bracket."""
    if len(english) != len(other) + 1:
        raise ValueError(f"{len(other)} rounds need {len(other) + 1} English measurements")
    factors = []
    for number, rps in enumerate(other):
        beside = [value for value in english[number : number + 2] if value]
        if rps is not None and beside:
            factors.append(rps / statistics.mean(beside))
    return factors


def language_factor(run: RunResult, page: PageResult) -> tuple[float | None, str]:
    """A page in another language over the same page in English (or the English list, when that
    was not measured): the median of its rounds' factors (bracketed_factors) when they ran, else
    the ratio of the two pages' single measurements."""
    rounds = run.language_factors.get(page.label)
    if rounds:
        return statistics.median(rounds), f"median of {len(rounds)} rounds"
    english = run.page(page.in_english) or run.page(ENGLISH_LIST)
    if page.ratio is None or english is None or not english.ratio:
        return None, ""
    return page.ratio / english.ratio, "one measurement each"


def check_languages(runs: list[RunResult]) -> Check:
    """A list in another interface language costs what the same list in English does: at least
    LANGUAGE_MIN_FACTOR × it, in every run (both sizes, both modes)."""
    target = f"a list in another language ≥ {LANGUAGE_MIN_FACTOR} × the same list in English"
    factors, failing = [], []
    for run in runs:
        for page in run.pages:
            if not page.language:
                continue
            where = f"{page.label} ({run.mode} {run.size:,})"
            factor, how = language_factor(run, page)
            if factor is None:
                failing.append(f"{where} not measured")
                continue
            factors.append((factor, f"{where}, {how}"))
            if factor < LANGUAGE_MIN_FACTOR:
                failing.append(f"{where} {factor:.2f}")
    if not factors and not failing:
        return Check(target, "n/a", "no page in another language measured")
    worst = "lowest {1} {0:.2f}".format(*min(factors)) if factors else "none measured"
    if failing:
        return Check(target, "FAIL", f"{worst}; below {LANGUAGE_MIN_FACTOR}: " + ", ".join(failing))
    return Check(target, "PASS", f"every page ≥ {LANGUAGE_MIN_FACTOR}; {worst}")


def check_feed_paging(runs: list[RunResult]) -> Check:
    """Page 500 of the feed's services costs no more than page 1: its ratio to /healthz over
    page 1's, in each mode at the target size."""
    target = f"feed: page 500 ≥ {FEED_FAR_PAGE_MIN_FACTOR} × page 1 (ratio to /healthz)"
    factors, failing = [], []
    for mode in MODES:
        for run in _at_target_size(runs, mode):
            first, far = run.page(FEED_FIRST_PAGE), run.page(FEED_FAR_PAGE)
            if first is None or far is None:
                continue
            if not first.ratio or far.ratio is None:
                failing.append(f"{mode} not measured")
                continue
            factor = far.ratio / first.ratio
            factors.append(f"{mode} {factor:.3f}")
            if factor < FEED_FAR_PAGE_MIN_FACTOR:
                failing.append(f"{mode} {factor:.3f}")
    if not factors and not failing:
        return Check(target, "n/a", "not measured")
    if failing:
        return Check(target, "FAIL", "below: " + ", ".join(failing))
    return Check(target, "PASS", ", ".join(factors))


def check_queries(runs: list[RunResult]) -> Check:
    """The steady state: a repeat request's queries. The first request's are shown beside."""
    target = f"at most {MAX_QUERIES} SQL queries per page (repeat request)"
    counted = [(page, run) for run in runs for page in run.pages if page.count is not None]
    if not counted:
        return Check(target, "n/a", "not counted")
    page, run = max(counted, key=lambda item: item[0].count.queries)
    first = max(page.count.first_queries for page, _ in counted)
    detail = (
        f"most: {page.label} {page.count.queries} ({run.mode}, {run.size:,}); "
        f"first requests at most {first}"
    )
    over = sorted(
        {
            f"{page.label} {page.count.queries} ({run.mode} {run.size:,})"
            for page, run in counted
            if page.count.queries > MAX_QUERIES
        }
    )
    if over:
        return Check(target, "FAIL", f"{detail}; over: " + ", ".join(over))
    return Check(target, "PASS", detail)


def check_memory(runs: list[RunResult]) -> Check:
    target = f"peak resident memory per worker < {MAX_WORKER_RSS_MB} MB"
    peaks = [(run.peak_rss_mb, run) for run in runs if run.peak_rss_mb is not None]
    if not peaks:
        return Check(target, "n/a", "not read")
    peak, run = max(peaks, key=lambda item: item[0])
    status = "PASS" if peak < MAX_WORKER_RSS_MB else "FAIL"
    return Check(target, status, f"max {peak:.1f} MB ({run.mode}, {run.size:,})")


def check_list_html(runs: list[RunResult]) -> Check:
    """The English list's HTML under MAX_LIST_HTML_KB. The budget was set in bytes of English,
    one byte a letter; Arabic and Urdu letters take two bytes in UTF-8 and Bengali three, so the
    same page in those languages is bigger for the same markup. Their sizes are shown beside,
    not checked against it."""
    target = f"English list page HTML < {MAX_LIST_HTML_KB} KB (1 KB = 1,000 bytes)"
    lists = [
        (page, run)
        for run in runs
        for page in run.pages
        if page.is_list and page.count is not None and page.count.status == 200
    ]
    english = [(page, run) for page, run in lists if not page.language]
    if not english:
        return Check(target, "n/a", "not measured")
    page, run = max(english, key=lambda item: item[0].count.html_bytes)
    unfiltered = run.page("/organisations/")
    detail = (
        f"/organisations/ {unfiltered.count.html_bytes / 1000:.1f} KB; "
        if unfiltered and unfiltered.count
        else ""
    ) + f"largest {page.label} {page.count.html_bytes / 1000:.1f} KB ({run.mode}, {run.size:,})"
    others = {}
    for other, _ in lists:
        if other.language:
            others[other.label] = max(others.get(other.label, 0), other.count.html_bytes)
    if others:
        detail += "; other languages, not checked: " + ", ".join(
            f"{label} {size / 1000:.1f} KB" for label, size in others.items()
        )
    status = "PASS" if page.count.html_bytes < MAX_LIST_HTML_KB * 1000 else "FAIL"
    return Check(target, status, detail)


def check_errors(runs: list[RunResult]) -> Check:
    target = "every request answered 2xx/3xx, no socket errors"
    if not runs:
        return Check(target, "n/a", "nothing ran")
    flagged = [
        f"{page.label} ({run.mode} {run.size:,}: {page.problems()})"
        for run in runs
        for page in run.pages
        if page.problems()
    ] + [
        f"{run.worker_timeouts} worker timeout(s) ({run.mode} {run.size:,})"
        for run in runs
        if run.worker_timeouts
    ]
    if flagged:
        return Check(target, "FAIL", "; ".join(flagged))
    return Check(target, "PASS", "no errors")


def check_targets(runs: list[RunResult]) -> list[Check]:
    """The targets, each PASS, FAIL or n/a (not measured in these runs), with the figures."""
    return [
        check(runs)
        for check in (
            check_uncached_ratio,
            check_scaling,
            check_cached_ratio,
            check_languages,
            check_feed_paging,
            check_queries,
            check_memory,
            check_list_html,
            check_errors,
        )
    ]


def format_checks(checks: list[Check]) -> str:
    return "\n".join(f"- **{check.status}** {check.target}: {check.detail}" for check in checks)


def parse_sizes(raw: str) -> list[int]:
    """`BENCH_SIZES`: comma-separated organisation counts ("10000,100000", "1_000"), ascending."""
    try:
        sizes = sorted({int(part.strip().replace("_", "")) for part in raw.split(",") if part})
    except ValueError:
        raise HarnessError(
            f"BENCH_SIZES must be numbers separated by commas, not {raw!r}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise HarnessError(f"BENCH_SIZES must name at least one positive size, not {raw!r}")
    return sizes


# --- Running things ----------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise HarnessError(f"{name} must be a whole number, not {raw!r}") from None


def run_command(args: list[str], env: dict[str, str] | None = None, quiet=False) -> str:
    """Run a command in the project directory; its stdout, or HarnessError with its output."""
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise HarnessError(f"`{' '.join(args)}` failed ({result.returncode}):\n{output[-3000:]}")
    if not quiet and result.stderr.strip():
        print(result.stderr.rstrip(), file=sys.stderr)
    return result.stdout


def manage(args: list[str], env: dict[str, str], quiet=False) -> str:
    return run_command([PYTHON, "manage.py", *args], env=env, quiet=quiet)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise HarnessError("wrk is not installed. Install it with: sudo apt-get install -y wrk")
    say("wrk is not installed: apt-get install -y wrk")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=apt_env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=apt_env, check=False)
        subprocess.run(install, env=apt_env, check=False)
    found = shutil.which("wrk")
    if not found:
        raise HarnessError("Could not install wrk with apt-get; install it and run again.")
    return found


def redis_call(*commands: list[str], timeout: float = 2.0) -> list[str]:
    """Send commands to Redis on 127.0.0.1 in one round trip; their one-line replies."""
    payload = b""
    for command in commands:
        payload += f"*{len(command)}\r\n".encode()
        for argument in command:
            encoded = argument.encode()
            payload += b"$%d\r\n%s\r\n" % (len(encoded), encoded)
    with socket.create_connection((HOST, REDIS_PORT), timeout=timeout) as connection:
        connection.sendall(payload)
        buffer = b""
        while buffer.count(b"\r\n") < len(commands):
            chunk = connection.recv(4096)
            if not chunk:
                break
            buffer += chunk
    return buffer.decode(errors="replace").split("\r\n")[: len(commands)]


def redis_answers() -> bool:
    try:
        return redis_call(["PING"]) == ["+PONG"]
    except OSError:
        return False


def flush_bench_redis_db() -> None:
    """Empty Redis database 14 (the benchmark's own) and nothing else."""
    replies = redis_call(["SELECT", str(REDIS_DB)], ["FLUSHDB"])
    if replies != ["+OK", "+OK"]:
        raise HarnessError(f"Redis did not flush database {REDIS_DB}: {replies}")


def pg_connect(dbname: str):
    import psycopg

    try:
        return psycopg.connect(
            host=HOST, port=PG_PORT, user=PG_USER, dbname=dbname, autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as error:
        raise HarnessError(f"PostgreSQL on {HOST}:{PG_PORT} does not answer: {error}") from None


def database_exists() -> bool:
    with pg_connect("postgres") as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        return row.fetchone() is not None


def recreate_database(env: dict[str, str]) -> None:
    say(f"Creating a fresh PostgreSQL database {DB_NAME} and migrating it")
    with pg_connect("postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage(["migrate", "--no-input", "--verbosity", "0"], env)


COUNT_ORGANISATIONS = (
    "from organisations.models import Organisation as O; "
    "print(O.objects.count(), O.objects.filter(slug__startswith='synthetic-').count())"
)
FIRST_PUBLIC_SERVICE = (
    "from organisations.models import Service as S; "
    "print(S.objects.public().order_by('pk').values_list('uuid', flat=True).first() or '')"
)
FIRST_PUBLISHED_SLUG = (
    "from organisations.models import Organisation as O; "
    "print(O.objects.published().order_by('name', 'pk')"
    ".values_list('slug', flat=True).first() or '')"
)


def django_value(code: str, env: dict[str, str]) -> str:
    """What a line of Python printed, run by `manage.py shell` against the bench database."""
    output = manage(["shell", "--no-imports", "--command", code], env, quiet=True).strip()
    return output.splitlines()[-1] if output else ""


def count_organisations(env: dict[str, str]) -> tuple[int, int]:
    total, synthetic = django_value(COUNT_ORGANISATIONS, env).split()
    return int(total), int(synthetic)


def prepare_data(size: int, env: dict[str, str]) -> None:
    """Make directory_bench hold exactly `size` synthetic organisations, appending when it can."""
    total, synthetic = count_organisations(env)
    if total != synthetic or total > size:
        say(f"{DB_NAME} holds {total:,} organisations ({synthetic:,} synthetic): starting afresh")
        recreate_database(env)
        total = 0
    if total == size:
        say(f"{DB_NAME} already holds {size:,} synthetic organisations")
        return
    missing = size - total
    say(f"Generating {missing:,} synthetic organisations ({total:,} → {size:,})")
    started = time.monotonic()
    manage(["generate_synthetic_data", "--organisations", str(missing)], env)
    # generate_synthetic_data runs ANALYZE itself, as every bulk loader must: measured here is
    # what an operator gets right after a load, with no VACUUM ANALYZE of the benchmark's own.
    say(f"Generated in {time.monotonic() - started:.0f} s")
    total, synthetic = count_organisations(env)
    if total != size:
        raise HarnessError(f"Expected {size:,} organisations after generating, found {total:,}")


_TCP_ESTABLISHED = "01"
_TCP_CLOSE_WAIT = "08"


def open_server_connections(proc_net_tcp: str, port: int) -> int:
    """Connections to `port` the server has yet to answer and close, from /proc/net/tcp.

    gunicorn's sync workers close each connection after answering it, so a connection still
    ESTABLISHED, or in CLOSE_WAIT (wrk hung up first), is a request queued or in progress.
    """
    busy = 0
    for line in proc_net_tcp.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4:
            continue
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] in (_TCP_ESTABLISHED, _TCP_CLOSE_WAIT):
            busy += 1
    return busy


def gunicorn_version() -> tuple[int, ...]:
    """The installed gunicorn's major and minor version."""
    from importlib.metadata import version

    return tuple(int(part) for part in version("gunicorn").split(".")[:2] if part.isdigit())


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) != 0


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (gunicorn's workers), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after it.
        fields = text[text.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def process_start_time(pid: int) -> str | None:
    """When a process started (field 22 of /proc/<pid>/stat), to tell it from a reused id."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()[19]


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident set size (VmHWM) in MB, or None when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


class Gunicorn:
    """gunicorn as in production, started and stopped by process id."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path):
        self.env = env
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.workers: list[int] = []
        self.peak_rss_by_worker: dict[int, float] = {}

    def start(self) -> None:
        if not port_is_free(self.port):
            raise HarnessError(f"Something already listens on {HOST}:{self.port}; set BENCH_PORT.")
        args = [
            GUNICORN,
            "directory.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
        ]
        if gunicorn_version() >= (25, 1):
            # Else it takes ~/.gunicorn/gunicorn.ctl, which a second server on the machine (the
            # soak's, a test's, a developer's) would take from it.
            args.append("--no-control-socket")
        self.log = self.log_path.open("w")
        # Its own session: Ctrl+C reaches only this script, which then stops gunicorn itself.
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"gunicorn exited at start:\n{self.log_tail()}")
            if self.healthy():
                self.workers = children_of(self.process.pid)
                if len(self.workers) >= WORKERS and all(self.healthy() for _ in range(3)):
                    return
            time.sleep(0.25)
        raise HarnessError(f"gunicorn did not answer /healthz within 60 s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=5) as reply:
                return reply.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def sample_peak_rss(self) -> None:
        """Note each worker's peak memory so far (also of workers gunicorn later replaces)."""
        for pid in self.current_workers():
            mb = peak_rss_mb(pid)
            if mb is not None:
                self.peak_rss_by_worker[pid] = max(mb, self.peak_rss_by_worker.get(pid, 0.0))

    def worker_timeouts(self) -> int:
        """How many workers gunicorn killed for taking over its timeout (30 s) on a request."""
        try:
            return self.log_path.read_text().count("WORKER TIMEOUT")
        except OSError:
            return 0

    def wait_until_idle(self, limit: float = 300.0) -> float:
        """Wait until gunicorn has answered the requests wrk left queued when it stopped.

        Otherwise a slow page's backlog would eat into the next page's measurement. Returns the
        seconds waited.
        """
        started = time.monotonic()
        quiet_checks = 0
        while quiet_checks < 3 and time.monotonic() - started < limit:
            busy = open_server_connections(Path("/proc/net/tcp").read_text(), self.port)
            quiet_checks = 0 if busy else quiet_checks + 1
            time.sleep(0.1)
        return time.monotonic() - started

    def current_workers(self) -> list[int]:
        """The workers now; gunicorn replaces any that die, so ask /proc each time."""
        if self.process is None:
            return []
        self.workers = children_of(self.process.pid) or self.workers
        return self.workers

    def stop(self) -> None:
        """SIGTERM to the master, SIGKILL after 15 s; a second Ctrl+C meanwhile cannot stop this."""
        if self.process is None:
            return
        stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {number: signal.signal(number, signal.SIG_IGN) for number in stop_signals}
        try:
            self._stop()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _stop(self) -> None:
        workers = {pid: process_start_time(pid) for pid in self.current_workers()}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid, started in workers.items():  # normally gone with their master; make sure
            if process_start_time(pid) == started:  # the same process, not a reused id
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.process = None
        self.log.close()


def run_wrk(url: str, seconds: int) -> subprocess.CompletedProcess:
    args = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT_SECONDS}s",
        "--latency",
        url,
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)


def measure_page(page: PageResult, server: Gunicorn, seconds: int, warmup: int) -> str:
    """Warm up, drain, measure, drain; wrk's own output, for the record."""
    url = f"http://{HOST}:{server.port}{page.path}"
    if warmup:
        run_wrk(url, warmup)
        drain(server)
    result = run_wrk(url, seconds)
    drain(server)
    server.sample_peak_rss()
    try:
        page.wrk = parse_wrk(result.stdout)
    except ValueError:
        page.wrk_failure = "wrk: " + (result.stdout + result.stderr).strip().replace("\n", " ")
    return f"$ wrk ... {url}\n{result.stdout}{result.stderr}"


def drain(server: Gunicorn) -> None:
    waited = server.wait_until_idle()
    if waited > 1:
        say(f"  waited {waited:.0f} s for gunicorn to answer the requests wrk left queued")


@dataclass
class Settings:
    sizes: list[int]
    seconds: int
    warmup: int
    keep_db: bool
    port: int
    baseline_seconds: int = 5
    language_rounds: int = LANGUAGE_ROUNDS

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            sizes=parse_sizes(os.environ.get("BENCH_SIZES", "10000,100000")),
            seconds=max(1, env_int("BENCH_SECONDS", 10)),
            warmup=max(0, env_int("BENCH_WARMUP_SECONDS", 2)),
            baseline_seconds=max(1, env_int("BENCH_BASELINE_SECONDS", 5)),
            language_rounds=max(0, env_int("BENCH_LANGUAGE_ROUNDS", LANGUAGE_ROUNDS)),
            keep_db=env_flag("BENCH_KEEP_DB"),
            port=env_int("BENCH_PORT", 8791),
        )


def base_environment(database_url: str = DATABASE_URL) -> dict[str, str]:
    """Production settings for what the benchmarks start: none of the caller's DJANGO_ or
    DIRECTORY_ settings, DEBUG off, a fresh secret key, ``database_url``; plain HTTP on
    127.0.0.1, so no redirect to HTTPS and plain cookies, as `make serve`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DIRECTORY_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def mode_environment(base: dict[str, str], mode: str, use_redis: bool) -> dict[str, str]:
    env = {**base, "DIRECTORY_PAGE_CACHE": "1" if mode == "cached" else "0"}
    if use_redis:
        env["REDIS_URL"] = REDIS_URL
    return env


def run_mode(
    size: int,
    mode: str,
    env: dict[str, str],
    paths: list[tuple[str, str]],
    settings: Settings,
    cache_backend: str,
) -> RunResult:
    run = RunResult(size, mode, [PageResult(label, path) for label, path in paths])
    run.cache_backend = cache_backend
    if "REDIS_URL" in env:
        flush_bench_redis_db()
    say(f"{size:,} {mode}: counting SQL queries and HTML bytes")
    counts = parse_count_queries(manage(["count_queries", *(path for _, path in paths)], env))
    for page in run.pages:
        page.count = counts.get(page.path)
    say(f"{size:,} {mode}: starting gunicorn on {HOST}:{settings.port}")
    log_path = RESULTS_DIR / f"gunicorn-{size}-{mode}.log"
    server = Gunicorn(env, settings.port, log_path)
    try:
        server.start()
        wrk_outputs = []
        before = None  # /healthz just measured: the baseline before the next page
        for page in run.pages:
            say(f"{size:,} {mode}: {page.path} ({settings.warmup} s warm-up, {settings.seconds} s)")
            wrk_outputs.append(measure_page(page, server, settings.seconds, settings.warmup))
            if not server.alive():
                raise HarnessError(f"gunicorn died during the run:\n{server.log_tail()}")
            if page.label == BASELINE:
                before = page.wrk
                continue
            # /healthz again at once, so each page is compared with what the machine could do
            # just before and after it: a shared machine's speed drifts during a run.
            again = PageResult(BASELINE, BASELINE)
            wrk_outputs.append(
                measure_page(again, server, settings.baseline_seconds, BASELINE_WARMUP_SECONDS)
            )
            page.beside = [wrk for wrk in (before, again.wrk) if wrk is not None]
            before = run.baseline_end = again.wrk
        wrk_outputs.extend(alternate_languages(run, server, settings))
        (RESULTS_DIR / f"wrk-{size}-{mode}.txt").write_text("\n".join(wrk_outputs))
        run.worker_peak_rss_mb = sorted(server.peak_rss_by_worker.values())
        run.worker_timeouts = server.worker_timeouts()
    finally:
        server.stop()
    fill_ratios(run)
    return run


def alternate_languages(run: RunResult, server: Gunicorn, settings: Settings) -> list[str]:
    """Each list in another language ``language_rounds`` times, each for LANGUAGE_ROUND_SECONDS
    after a 1 s warm-up, with the same list in English before and after each time: its factors
    are ``bracketed_factors``, so a machine's drift cancels out (LANGUAGE_ROUNDS)."""
    others = [page for page in run.pages if page.language]
    if not others or not settings.language_rounds:
        return []
    outputs = []

    def rps(path: str) -> float | None:
        again = PageResult(path, path)
        outputs.append(measure_page(again, server, LANGUAGE_ROUND_SECONDS, BASELINE_WARMUP_SECONDS))
        return again.wrk.requests_per_second if again.wrk and again.wrk.requests else None

    for page in others:
        say(
            f"{run.size:,} {run.mode}: {page.path}, {settings.language_rounds} rounds between "
            f"{page.in_english}"
        )
        english, other = [rps(page.in_english)], []
        for _ in range(settings.language_rounds):
            other.append(rps(page.path))
            english.append(rps(page.in_english))
        run.language_factors[page.label] = bracketed_factors(english, other)
    return outputs


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as uptime prints them."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


LOAD_AT_START: list[str] = []  # set by main(): the load average before anything ran


def describe_load() -> str:
    start = LOAD_AT_START[0] if LOAD_AT_START else "not read"
    return (
        f"Load average (1, 5, 15 min) at the start: {start}; at the end: {load_average()} "
        f"(on {os.cpu_count()} CPUs: much above 1 at the start means something else was running)"
    )


def describe_machine(settings: Settings) -> str:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, commit {commit or 'unknown'}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn {WORKERS} sync "
        f"workers; wrk -t{THREADS} -c{CONNECTIONS} -d{settings.seconds}s after a "
        f"{settings.warmup} s warm-up per page; /healthz for {settings.baseline_seconds} s after "
        "each page"
    )


def report(runs: list[RunResult], settings: Settings, finished: bool) -> str:
    parts = [
        "# Benchmark results" + ("" if finished else " (incomplete)"),
        "",
        describe_machine(settings),
        "",
        describe_load(),
        "",
        "Ratios to /healthz in the same run are what count; SQL queries are for a repeat request "
        "and the first one, by the Django test client; HTML KB is uncompressed (1 KB = 1,000 "
        "bytes).",
        "",
        *(format_run(run) for run in runs),
        "## Targets",
        "",
        format_checks(check_targets(runs)),
        "",
    ]
    return "\n".join(parts)


def write_report(runs: list[RunResult], settings: Settings, finished: bool) -> Path:
    path = RESULTS_DIR / "latest.md"
    path.write_text(report(runs, settings, finished))
    return path


def main() -> int:
    LOAD_AT_START[:] = [load_average()]
    settings = Settings.from_environment()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    base = base_environment()
    use_redis = redis_answers()
    if use_redis and find_spec("redis") is None:
        say("Redis answers, but the redis package is not installed: using the local-memory cache")
        use_redis = False
    cache_backend = f"Redis {REDIS_URL}" if use_redis else "local memory (per worker)"
    say(f"Sizes {settings.sizes}, {settings.seconds} s per page; cache: {cache_backend}")
    say(f"Load average at the start: {LOAD_AT_START[0]}")

    if settings.keep_db and database_exists():
        say(f"BENCH_KEEP_DB=1: reusing {DB_NAME}; migrating")
        manage(["migrate", "--no-input", "--verbosity", "0"], base)
    else:
        recreate_database(base)
    say("collectstatic")
    manage(["collectstatic", "--no-input", "--verbosity", "0"], base)

    runs: list[RunResult] = []
    for size in settings.sizes:
        prepare_data(size, base)
        slug = django_value(FIRST_PUBLISHED_SLUG, base)
        if not slug:
            raise HarnessError(f"No published organisation in {DB_NAME} for the detail page")
        service = django_value(FIRST_PUBLIC_SERVICE, base)
        if not service:
            raise HarnessError(f"No public service in {DB_NAME} for the feed's service")
        stands_for = {DETAIL: f"/organisations/{slug}/", SERVICE: f"/api/oruk/services/{service}"}
        paths = [(page, stands_for.get(page, page)) for page in PAGES]
        for mode in MODES:
            env = mode_environment(base, mode, use_redis)
            runs.append(run_mode(size, mode, env, paths, settings, cache_backend))
            write_report(runs, settings, finished=False)
            print("\n" + format_run(runs[-1]), flush=True)

    path = write_report(runs, settings, finished=True)
    print("\n" + "=" * 100)
    for run in runs:
        print("\n" + format_run(run))
    print("## Targets\n")
    print(format_checks(check_targets(runs)))
    print("\n" + describe_load())
    print(f"\nWritten to {path.relative_to(ROOT)}", flush=True)
    return 0


def stop_on_signal(signum, frame):
    raise KeyboardInterrupt  # unwinds through every `finally`, which stops gunicorn


def run_as_script(main, name, stopped="gunicorn stopped."):
    """Run a benchmark's ``main()`` as a script: exit with its status, 1 when the harness could not
    run, 130 when interrupted. Ctrl+C, kill and a closed terminal all stop what it started on the
    way out (every ``finally`` runs), even in the background of a shell that ignores SIGINT."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    try:
        sys.exit(main())
    except HarnessError as error:
        print(f"\n{name}: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"\n{name}: interrupted; {stopped}", file=sys.stderr, flush=True)
        sys.exit(130)


if __name__ == "__main__":
    run_as_script(main, "bench")
