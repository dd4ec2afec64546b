"""How many SQL queries, and how many bytes of HTML, each page takes: for `make bench`.

    python manage.py count_queries /healthz /organisations/ "/organisations/?q=anxiety"

requests each URL twice with Django's test client, through the whole middleware stack (page
cache included when it is on), and prints one tab-separated line per URL:

    URL  status  queries  bytes  first-queries

``queries``, ``status`` and ``bytes`` are the second (warm) request's, the steady state a
server reaches; ``first-queries`` is the first request's, which fills caches on the way.
"""

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print URL, status, SQL queries, HTML bytes and first-request queries for each URL."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL", help="a path such as /organisations/")
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="the Host header to send; must be in ALLOWED_HOSTS (default 127.0.0.1)",
        )

    def handle(self, *args, urls, host, **options):
        # Errors come back as their 4xx/5xx page, as a browser would see them, not as exceptions.
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        for url in urls:
            first_queries, _ = self.measure(client, url)
            queries, response = self.measure(client, url)
            size = len(response.content) if not response.streaming else 0
            self.stdout.write(f"{url}\t{response.status_code}\t{queries}\t{size}\t{first_queries}")

    @staticmethod
    def measure(client, url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(captured.captured_queries), response
