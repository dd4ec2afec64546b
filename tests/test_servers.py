"""Several gunicorn workers and servers, as production runs them, on the test's PostgreSQL.

- The suggestions' rate limit holds across four workers, whichever store counts: the database
  without ``REDIS_URL``, Redis with it, and the database again once Redis stops.
- Two servers sharing the database and one Redis, with the page cache on: an edit made in admin
  on one server shows at once on the other, and on the first.

Each server is ``python -m gunicorn directory.wsgi`` on a free port of 127.0.0.1 with DEBUG off
and only the environment given here, stopped by its process id when the test ends. The data is
committed (``transaction=True``) so that the servers see it. Requests go through the standard
library only (http.client), a new connection each, so that gunicorn's workers share them; its
access log names the worker that answered each one.

Slow: about 35 s on two busy cores besides creating the test database, most of it gunicorn
starting and stopping (about 5 s a server).
"""

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path

import gunicorn
import pytest
import redis
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import override_settings

from organisations.models import Organisation
from organisations.suggestions.models import SubmissionCount, Suggestion

from .commands import ROOT, clean_environment
from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .redis_server import free_port
from .shared import LISTING_TABLES, limit_client_id
from .signin import current_code, totp_device

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOST = "127.0.0.1"
LIMIT = 5
POSTS = 12
COUNTING = threading.Lock()  # Visitor counts requests from several threads at once
OLD_NAME = "Sakoon Counselling"
NEW_NAME = "Noor Listening Circle"
PASSWORD = "a-long-test-password-1"
# Which worker answered: "<pid> METHOD /path status".
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(s)s"
ACCESS_LINE = re.compile(r"^<(\d+)> (\S+) (\S+) (\d+)$")


# --- gunicorn ---------------------------------------------------------------------------------


def workers_of(pid):
    """Process ids whose parent is ``pid`` (gunicorn's workers), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()  # after "pid (comm)", which may hold spaces
        if len(fields) > 1 and int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


class Server:
    """One gunicorn, started and stopped by process id; its log and access log in ``directory``."""

    def __init__(self, env, workers, directory, name):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = directory / f"gunicorn-{name}.log"
        self.access_log = directory / f"gunicorn-{name}-access.log"
        self.process = None
        self.requests = 0  # answered so far (Visitor counts them)
        self.worker_pids = []

    def start(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "directory.wsgi",
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]
        if gunicorn.version_info >= (25, 1):
            # Else every server, a benchmark's too, takes the one ~/.gunicorn/gunicorn.ctl.
            command.append("--no-control-socket")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def wait(self):
        """Until /healthz answers, then until every worker has answered it (or 20 s): a worker
        still loading the application answers nothing, so requests would all go to the first."""
        deadline = time.monotonic() + 60
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{self.log.read_text()}")
            time.sleep(0.1)
        deadline = time.monotonic() + 20
        while len(self.pids()) < self.workers and time.monotonic() < deadline:
            self.healthy()
            time.sleep(0.02)

    def healthy(self):
        try:
            return Visitor(self).get("/healthz").status == 200
        except OSError:
            return False

    def terminate(self):
        """SIGTERM to the master, which stops its workers; ``wait_stopped`` then."""
        if self.process is None or self.process.poll() is not None:
            return
        self.worker_pids = workers_of(self.process.pid)
        self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self):
        """Until the master has exited (SIGKILL after 15 s), and any worker it left behind."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for pid in self.worker_pids:  # a worker exits with its master; one left is killed
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if f"{HOST}:{self.port}".encode() in command:  # not another process since given the id
                os.kill(pid, signal.SIGKILL)

    def lines(self):
        """The access log: (pid, method, path, status) for each request answered so far. A worker
        writes its line after the response, so this waits (5 s at most) for the last ones."""
        deadline = time.monotonic() + 5
        while True:
            text = self.access_log.read_text() if self.access_log.exists() else ""
            found = [ACCESS_LINE.match(line) for line in text.splitlines()]
            lines = [(int(m[1]), m[2], m[3], int(m[4])) for m in found if m]
            if len(lines) >= self.requests or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def pids(self, method=None, path=None, since=0):
        """The workers that answered, after the first ``since`` requests."""
        return {
            pid
            for pid, m, p, _status in self.lines()[since:]
            if method in (None, m) and path in (None, p)
        }


def committed_database_url():
    """The test's PostgreSQL database, for other processes (trust authentication: no password)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_servers(transactional_db, tmp_path):
    """``start_servers(count, workers=..., **environment)``: that many gunicorn servers, started
    at once, sharing one secret key as production's servers do; stopped when the test ends."""
    started = []
    secret_key = secrets.token_urlsafe(50)
    database = committed_database_url()

    def start(count, workers, **environment):
        env = clean_environment(
            DATABASE_URL=database,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secret_key,
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            DIRECTORY_SUGGESTIONS_PER_HOUR=str(LIMIT),
            PYTHONUNBUFFERED="1",
            **environment,
        )
        servers = [Server(env, workers, tmp_path, f"{len(started) + n}") for n in range(count)]
        started.extend(servers)
        for server in servers:
            server.start()
        for server in servers:
            server.wait()
        return servers

    yield start
    for server in started:
        server.terminate()
    for server in started:
        server.wait_stopped()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LISTING_TABLES}")


# --- A visitor's browser, as much as these tests need -----------------------------------------


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Visitor:
    """Cookies kept, a new connection for each request, redirects not followed."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def request(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.server.url  # as a browser sends with a form
        connection = http.client.HTTPConnection(HOST, self.server.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        with COUNTING:
            self.server.requests += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Page(response.status, response.headers, text)


class FormFields(HTMLParser):
    """What a browser would send from one form, as it stands: (name, value) pairs of its inputs
    (checkboxes and radios only when checked), selected options (the first of a single select
    when none is), and textareas; never its buttons."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.done = False
        self.fields = []
        self.select = None  # [name, multiple, [[value, selected, text], ...]]
        self.option = None
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.in_form = self.form_id in (None, attrs.get("id"))
            return
        name = attrs.get("name")
        if not self.in_form or "disabled" in attrs:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = [name, "multiple" in attrs, []]
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select[2].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            chosen = [option for option in options if option[1]]
            if not chosen and not multiple and options:
                chosen = options[:1]
            for value, _selected, text in chosen:
                self.fields.append((name, text.strip() if value is None else value))
            self.select = None


def form_fields(page, form_id=None):
    parser = FormFields(form_id)
    parser.feed(page.text)
    parser.close()
    assert parser.done, f"no form {form_id or ''} on the page"
    return parser.fields


def replace(fields, name, value):
    assert any(field == name for field, _ in fields), f"no field {name}"
    return [(field, value if field == name else old) for field, old in fields]


# --- The rate limit across workers ------------------------------------------------------------


@pytest.fixture
def sakoon(transactional_db):
    organisation = OrganisationFactory(
        name=OLD_NAME, slug="sakoon-counselling", summary="Counselling in Urdu and English."
    )
    ServiceFactory(organisation=organisation, name="Counselling in Urdu")
    return organisation


def suggest_at_once(server, organisation, posts=POSTS, first=0, between=None):
    """``first`` valid suggestions from one visitor in a row, then ``between()``, then the rest of
    ``posts`` all at once, each on a new connection; the statuses, in the order sent.

    At once, because a sync worker answers one request at a time: with 4 workers and the posts
    in flight together, several workers must take them. One after another, the same worker could
    take every one (which worker wins a new connection is up to the kernel), and the test would
    prove nothing about workers counting apart."""
    visitor = Visitor(server)
    path = f"/organisations/{organisation.slug}/suggest-a-change/"
    form = visitor.get(path)
    assert form.status == 200
    fields = form_fields(form)
    fields += [("problems", "phone_wrong"), ("problems", "hours_wrong")]
    fields = replace(fields, "details", "The number is now 020 7946 0999")
    statuses = [visitor.post(path, fields).status for _ in range(first)]
    if between:
        between()
    with ThreadPoolExecutor(max_workers=posts - first) as pool:
        statuses += pool.map(lambda _: visitor.post(path, fields).status, range(posts - first))
    return statuses


def workers_that_took_posts(server):
    return server.pids(method="POST")


def test_the_limit_holds_across_workers_counted_in_the_database(start_servers, sakoon):
    (server,) = start_servers(1, workers=4)  # no REDIS_URL: each worker's cache is its own

    statuses = suggest_at_once(server, sakoon)

    assert sorted(statuses) == [302] * LIMIT + [429] * (POSTS - LIMIT)
    assert Suggestion.objects.count() == LIMIT
    assert SubmissionCount.objects.get().attempts == POSTS
    assert len(workers_that_took_posts(server)) > 1


def test_the_limit_holds_across_workers_counted_in_redis(start_servers, sakoon, redis_server):
    (server,) = start_servers(1, workers=4, REDIS_URL=redis_server.url)

    statuses = suggest_at_once(server, sakoon)

    assert sorted(statuses) == [302] * LIMIT + [429] * (POSTS - LIMIT)
    assert Suggestion.objects.count() == LIMIT
    assert not SubmissionCount.objects.exists()
    # Django's key: KEY_PREFIX, version 1, the limit's own key; the client is 127.0.0.1.
    key = f"directory:1:suggestions:attempts:{client_id_of(HOST, server)}"
    assert redis.Redis.from_url(redis_server.url).get(key) == str(POSTS).encode()
    assert len(workers_that_took_posts(server)) > 1


def test_the_limit_still_holds_when_redis_stops(start_servers, sakoon, redis_server):
    (server,) = start_servers(1, workers=4, REDIS_URL=redis_server.url)

    statuses = suggest_at_once(server, sakoon, first=3, between=redis_server.stop)

    # Three counted in Redis; then the count restarts in the database, which allows the limit
    # again: at most twice the limit in the hour, never everything, never an error.
    assert statuses[:3] == [302] * 3
    assert sorted(statuses[3:]) == [302] * LIMIT + [429] * (POSTS - 3 - LIMIT)
    assert Suggestion.objects.count() == 3 + LIMIT
    assert SubmissionCount.objects.get().attempts == POSTS - 3
    assert "suggestions are counted in the database" in server.log.read_text()
    assert len(workers_that_took_posts(server)) > 1


def client_id_of(address, server):
    """How ``server`` names a client at ``address``: keyed by the servers' secret key."""
    with override_settings(SECRET_KEY=server.env["DJANGO_SECRET_KEY"]):
        return limit_client_id(address)


# --- Two servers, one database, one Redis, the page cache on ----------------------------------


def every_worker_answers(server, path, check, rounds=10):
    """GET ``path`` until each of the server's workers has answered it, ``check`` each page: a
    round is as many requests at once as twice the workers (a sync worker takes one at a time,
    so several must answer), ``rounds`` rounds at most."""
    since = len(server.lines())
    for _ in range(rounds):
        with ThreadPoolExecutor(max_workers=2 * server.workers) as pool:
            pages = list(pool.map(lambda _: Visitor(server).get(path), range(2 * server.workers)))
        for page in pages:
            check(page)
        if len(server.pids(method="GET", path=path, since=since)) == server.workers:
            return
    pytest.fail(f"{path}: not every worker of {server.url} answered in {rounds} rounds")


def shows(name, gone=None):
    """A check that a page answered 200 with ``name`` in it and not ``gone``."""

    def check(page):
        assert page.status == 200
        assert name in page.text
        assert gone is None or gone not in page.text

    return check


def editor_with_an_authenticator_app():
    """A staff editor in the Editors group (remade with migration 0002's permissions: the flush
    after a transactional test removes it) and their confirmed TOTP device."""
    editors = import_module("organisations.migrations.0002_editors_group")
    group, _ = Group.objects.get_or_create(name=editors.EDITORS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="organisations", codename__in=editors.CODENAMES
        )
    )
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(group)
    return user, totp_device(user)


def sign_in(server, user, device):
    visitor = Visitor(server)
    path = "/admin/login/?next=/admin/"
    fields = form_fields(visitor.get(path), "login-form")
    fields = replace(fields, "username", user.username)
    fields = replace(fields, "password", PASSWORD)
    fields = replace(fields, "otp_token", current_code(device))
    response = visitor.post(path, fields)
    assert response.status == 302, response.text
    assert response.headers["Location"] == "/admin/"
    return visitor


def test_an_edit_in_admin_on_one_server_shows_at_once_on_the_other(
    start_servers, sakoon, redis_server
):
    a, b = start_servers(2, workers=2, REDIS_URL=redis_server.url, DIRECTORY_PAGE_CACHE="1")
    user, device = editor_with_an_authenticator_app()
    pages = [sakoon.get_absolute_url(), "/organisations/"]

    # Warm: each page in Redis, and in the memory of each worker of each server.
    for server in (a, b):
        for path in pages:
            every_worker_answers(server, path, shows(OLD_NAME))

    editor = sign_in(a, user, device)
    change = f"/admin/organisations/organisation/{sakoon.pk}/change/"
    form = editor.get(change)
    assert form.status == 200
    fields = replace(form_fields(form, "organisation_form"), "name", NEW_NAME)
    assert ("services-TOTAL_FORMS", "1") in fields  # the inline's management form goes too
    response = editor.post(change, [*fields, ("_save", "Save")])
    assert response.status == 302, response.text
    assert response.headers["Location"] == "/admin/organisations/organisation/"
    assert Organisation.objects.get(pk=sakoon.pk).name == NEW_NAME

    # Straight away, from every worker: the other server first, then the one edited on.
    for server in (b, a):
        for path in pages:
            every_worker_answers(server, path, shows(NEW_NAME, gone=OLD_NAME))
