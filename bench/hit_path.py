"""`make bench-hit-path`: where a request's time goes inside Django, without the network.

Calls Django's WSGI application in this process, as gunicorn would (no socket, no HTTP parsing),
with the production settings (``DEBUG`` off, the page cache on), against the database in
``DATABASE_URL`` (by default the benchmark's ``directory_bench``, which ``make bench`` leaves) and
the Redis in ``REDIS_URL`` when set. Two things:

1. **What each middleware costs.** For ``/healthz`` and for cached pages, microseconds per request
   spent in each middleware's own code, in Django's handler outside them and in the view, timed
   by shims put between the middleware (shim k wraps middleware k and everything inside it, so
   middleware k's own time is shim k's less shim k + 1's), over 2,000 requests of each page.
   A cache hit is answered by the first middleware, so the rest show nothing for it.
2. **A profile of a cache hit** (``--profile PATH``): cProfile over many requests for one page,
   the functions that took the most time, with and without what they call.
3. **Each list in another language beside the same list in English** (``--languages``, page
   cache off): the CPU time of a request, for a client that does not ask for compression (as
   ``make bench``'s wrk) and for one that asks for gzip (as a browser), best of alternating rounds.
   This is the language target of ``make bench`` (issue 13) without the network and the machine's
   other tenants, whose noise is larger than the difference.

    make bench-hit-path                                    # the middleware table
    .venv/bin/python bench/hit_path.py --profile /organisations/
    .venv/bin/python bench/hit_path.py --uncached --profile "/organisations/?q=anxiety"
    .venv/bin/python bench/hit_path.py --languages

Figures here are per request in one process, so they add up differently from wrk's throughput
(which includes gunicorn, the kernel and wrk itself); compare them with each other.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5
REQUESTS_PER_ROUND = 400


def configure(page_cache=True):
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/directory_bench")
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DIRECTORY_PAGE_CACHE="1" if page_cache else "0",
        DJANGO_SETTINGS_MODULE="directory.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def environ_for(path: str, gzip: bool = True) -> dict:
    path_info, _, query = path.partition("?")
    accept = {"HTTP_ACCEPT_ENCODING": "gzip"} if gzip else {}
    return accept | {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def application(middleware: list[str]):
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    settings.MIDDLEWARE = middleware
    return WSGIHandler()


def request(app, path: str, gzip: bool = True) -> str:
    status = []

    def start_response(line, headers, exc_info=None):
        status.append(line)

    body = app(environ_for(path, gzip), start_response)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return status[0]


def microseconds_per_request(app, path: str) -> float:
    for _ in range(50):  # fill every cache this page uses
        request(app, path)
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS_PER_ROUND):
            request(app, path)
        best = min(best, (time.perf_counter() - started) / REQUESTS_PER_ROUND)
    return best * 1e6


def pages() -> list[tuple[str, str]]:
    from organisations.models import Organisation

    slug = (
        Organisation.objects.published().order_by("name", "pk").values_list("slug", flat=True)
    ).first()
    found = [
        ("/healthz", "/healthz"),
        ("list", "/organisations/"),
        ("filtered", "/organisations/?type=counselling&area=london&cost=free"),
        ("search", "/organisations/?q=anxiety+counselling"),
        ("urgent help", "/urgent-help/"),
    ]
    if slug:
        found.insert(4, ("detail", f"/organisations/{slug}/"))
    return found


# Timing shims put between the middleware: shim k wraps middleware k and everything inside it,
# so what middleware k itself costs is shim k's time less shim k + 1's.
SPENT: dict[int, float] = {}


def _make_shim(k: int):
    class Shim:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            started = time.perf_counter()
            response = self.get_response(request)
            SPENT[k] = SPENT.get(k, 0.0) + time.perf_counter() - started
            return response

    Shim.__name__ = Shim.__qualname__ = f"Shim{k}"
    globals()[Shim.__name__] = Shim
    return f"{__name__}.{Shim.__name__}"


def middleware_table() -> str:
    """Microseconds per request spent in each middleware itself (its own code, on the way in and
    out), in Django's handler outside them, and in the view (with URL resolution and the
    process_view hooks, which Django runs after the middleware chain)."""
    from django.conf import settings

    full = list(settings.MIDDLEWARE)
    shimmed = []
    for k, name in enumerate(full):
        shimmed += [_make_shim(k), name]
    shimmed.append(_make_shim(len(full)))
    measured = pages()
    columns = []
    app = application(shimmed)
    for _label, path in measured:
        status = request(app, path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}: nothing to measure")
        for _ in range(50):
            request(app, path)
        SPENT.clear()
        started = time.perf_counter()
        for _ in range(REQUESTS_PER_ROUND * ROUNDS):
            request(app, path)
        count = REQUESTS_PER_ROUND * ROUNDS
        total = (time.perf_counter() - started) / count * 1e6
        spent = {k: SPENT.get(k, 0.0) / count * 1e6 for k in range(len(full) + 1)}
        own = [spent[k] - spent.get(k + 1, 0.0) for k in range(len(full))]
        columns.append([total, total - spent[0], *own, spent[len(full)]])
    settings.MIDDLEWARE = full
    labels = [
        "whole request",
        "Django's handler, outside the middleware",
        *(name.rsplit(".", 1)[-1] for name in full),
        "the view (and URL resolution, process_view hooks)",
    ]
    rows = [[label, *(f"{column[n]:,.0f}" for column in columns)] for n, label in enumerate(labels)]
    headers = ["µs per request", *(label for label, _ in measured)]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        padded = [
            str(cell).ljust(widths[0]) if n == 0 else str(cell).rjust(widths[n])
            for n, cell in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|" + "-" * (widths[0] + 2) + "|" + "|".join("-" * (w + 1) + ":" for w in widths[1:]) + "|"
    )
    return "\n".join([line(headers), rule, *map(line, rows)])


LANGUAGE_ROUNDS = 9
LANGUAGE_REQUESTS_PER_ROUND = 100


def language_pairs() -> list[tuple[str, str]]:
    """Each list in another language that `make bench` measures, after the same list in English:
    (English, other), from bench/run.py's pages."""
    from bench.run import PAGES, PageResult

    pages = [PageResult(path, path) for path in PAGES]
    return [(page.in_english, page.path) for page in pages if page.language]


def languages_table() -> str:
    """CPU µs per request of each list in another language and the same list in English, each
    the best of LANGUAGE_ROUNDS rounds taken in turn (English, other, English, other, ...), and
    the English one's over the other's: the factor ``make bench``'s language target measures."""
    from django.conf import settings

    from bench.run import markdown_table

    app = application(list(settings.MIDDLEWARE))
    rows = []
    for gzip in (False, True):
        for english, other in language_pairs():
            best = {}
            for path in (english, other):
                status = request(app, path, gzip)
                if not status.startswith("200"):
                    raise SystemExit(f"{path} answered {status}: nothing to measure")
                for _ in range(30):
                    request(app, path, gzip)
            for _ in range(LANGUAGE_ROUNDS):
                for path in (english, other):
                    started = time.process_time()
                    for _ in range(LANGUAGE_REQUESTS_PER_ROUND):
                        request(app, path, gzip)
                    spent = (time.process_time() - started) / LANGUAGE_REQUESTS_PER_ROUND * 1e6
                    best[path] = min(best.get(path, spent), spent)
            encoding = "gzip" if gzip else "none"
            factor = best[english] / best[other]
            rows.append(
                [other, encoding, f"{best[english]:,.0f}", f"{best[other]:,.0f}", f"{factor:.3f}"]
            )
    headers = ["page", "compression", "English µs", "this language µs", "factor"]
    note = (
        f"CPU time per request in this process, best of {LANGUAGE_ROUNDS} rounds of "
        f"{LANGUAGE_REQUESTS_PER_ROUND}, page cache off; factor = English µs / this language µs "
        "(above 1: this language costs less)"
    )
    return markdown_table(headers, rows) + "\n" + note


def profile(path: str, count: int = 2000) -> str:
    from django.conf import settings

    app = application(list(settings.MIDDLEWARE))
    for _ in range(50):
        request(app, path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        request(app, path)
    profiler.disable()
    elapsed = (time.perf_counter() - started) / count * 1e6
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)
    return f"{path}: {elapsed:,.0f} µs per request under the profiler, {count} requests\n" + (
        out.getvalue()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", metavar="PATH", help="profile cache hits of this page")
    parser.add_argument("--requests", type=int, default=2000, help="how many to profile")
    parser.add_argument(
        "--uncached", action="store_true", help="with the page cache off (DIRECTORY_PAGE_CACHE=0)"
    )
    parser.add_argument(
        "--languages",
        action="store_true",
        help="each list in another language beside the same list in English (page cache off)",
    )
    arguments = parser.parse_args()
    configure(page_cache=not (arguments.uncached or arguments.languages))
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"Database {settings.DATABASES['default']['NAME']}; cache {backend}; load average "
        f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}"
    )
    if arguments.languages:
        print(languages_table())
    elif arguments.profile:
        print(profile(arguments.profile, arguments.requests))
    else:
        print(middleware_table())
    print(f"Load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
