"""`make bench-engines`: Django's template language against Jinja2 for the list's cards.

Cards are most of a list page (about 47 KB of 59 KB). This renders the same 20 cards, from the same
objects read once from the database in ``DATABASE_URL`` (use the benchmark's: ``make bench``
leaves ``directory_bench``), with Django's cached loader (``DEBUG`` off) and with Jinja2
(``bench/jinja2/card.html``, a line-for-line port), checks that both give the same HTML, and prints
the time per page of 20 cards for each, the best of several rounds.

    make bench-engines    # DATABASE_URL defaults to the benchmark's database
"""

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
PAGES_PER_ROUND = 50


def page_of_cards():
    """The first 20 published organisations, each with its services as cards show them."""
    from organisations.listing.fragments import SERVICES_PER_CARD
    from organisations.lookups import attach_facets, load_lookups
    from organisations.models import Organisation

    lookups = load_lookups()
    organisations = list(Organisation.objects.published().for_detail().order_by("name")[:20])
    for organisation in organisations:
        services = organisation.listed_services
        attach_facets(services, lookups)
        organisation.shown_services = services[:SERVICES_PER_CARD]
        organisation.matching_count = len(services)
        organisation.public_service_count = len(services)
    return organisations


def best_ms_per_page(render, organisations):
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(PAGES_PER_ROUND):
            for organisation in organisations:
                render(organisation)
        best = min(best, (time.perf_counter() - started) / PAGES_PER_ROUND)
    return best * 1000


def renderers():
    """(Django's card renderer, Jinja2's): each takes an organisation and returns its card."""
    import jinja2
    from django.template import loader

    from organisations.listing.fragments import CARD_TEMPLATE, compact

    django_template = loader.get_template(CARD_TEMPLATE)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "bench" / "jinja2"), autoescape=True
    )
    jinja_template = environment.get_template("card.html")

    def with_django(organisation):
        return compact(django_template.render({"organisation": organisation}))

    def with_jinja2(organisation):
        return compact(jinja_template.render(organisation=organisation))

    return with_django, with_jinja2


def comparable(html):
    """The same markup whichever engine escaped it: Django writes ' and " as &#x27; and &quot;,
    markupsafe as &#39; and &#34;; white space between tags does not count."""
    html = html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    return re.sub(r">\s+<", "><", html)


def disagreements(organisations):
    """The cards the two engines render differently."""
    with_django, with_jinja2 = renderers()
    pairs = [(comparable(with_django(o)), comparable(with_jinja2(o))) for o in organisations]
    return [(ours, theirs) for ours, theirs in pairs if ours != theirs]


def main():
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    organisations = page_of_cards()
    if len(organisations) < 20:
        sys.exit("Needs at least 20 published organisations: run make bench first.")
    for ours, theirs in disagreements(organisations):
        sys.exit(f"The two engines disagree:\n{ours}\n---\n{theirs}")
    with_django, with_jinja2 = renderers()
    size = sum(len(with_django(o).encode()) for o in organisations)
    django_ms = best_ms_per_page(with_django, organisations)
    jinja_ms = best_ms_per_page(with_jinja2, organisations)
    print(f"20 cards, {size:,} bytes of HTML, the same from both engines; best of {ROUNDS} rounds")
    print("| engine | ms per page of 20 cards | pages per second |")
    print("|---|---|---|")
    for name, ms in (("Django (cached loader)", django_ms), ("Jinja2", jinja_ms)):
        print(f"| {name} | {ms:.2f} | {1000 / ms:,.0f} |")
    print(f"Jinja2 takes {jinja_ms / django_ms:.2f} of Django's time.")


if __name__ == "__main__":
    main()
