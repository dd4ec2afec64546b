"""The practitioner's signposting sheet: which services a ``?service=<id>&service=<id>`` link names.

The link is the sheet: a practitioner copies it into an email or a letter, so it must keep working
when a service is later removed, and must never fail on what a mail client did to it. Every value
that is not the id of a public service is left out with a notice saying so.
"""

from dataclasses import dataclass, field

from .models import Service

MOST_SERVICES = 10  # a sheet a client can read, on one or two A4 pages
# Values looked at, at most: a link with thousands of them is not a sheet anyone made.
MOST_VALUES = 50
_MOST_DIGITS = 18  # any larger number is no service id (ids are 64-bit)


@dataclass
class Chosen:
    ids: list = field(default_factory=list)  # understood ids, in the order given, at most ten
    notices: list = field(default_factory=list)


def read_ids(values):
    """The service ids in ``values`` (query-string strings), in order, without repeats."""
    chosen = Chosen()
    malformed = []
    for raw in values[:MOST_VALUES]:
        value = raw.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= _MOST_DIGITS):
            malformed.append(raw)
            continue
        pk = int(value)
        if pk not in chosen.ids:
            chosen.ids.append(pk)
    for raw in malformed[:3]:
        chosen.notices.append(f"“{raw[:20]}” is not a service number, so it was left out.")
    if len(malformed) > 3:
        chosen.notices.append(f"{len(malformed) - 3} more values that are not service numbers.")
    if len(chosen.ids) > MOST_SERVICES or len(values) > MOST_VALUES:
        chosen.notices.append(
            f"A sheet holds at most {MOST_SERVICES} services, so only the first "
            f"{MOST_SERVICES} are on it."
        )
        chosen.ids = chosen.ids[:MOST_SERVICES]
    return chosen


def public_services(chosen):
    """The public services among ``chosen.ids``, in the order chosen; a notice for the rest."""
    found = Service.objects.public().select_related("organisation").in_bulk(chosen.ids)
    missing = [pk for pk in chosen.ids if pk not in found]
    if missing:
        numbers = ", ".join(str(pk) for pk in missing)
        chosen.notices.append(
            f"Service{'s' if len(missing) > 1 else ''} {numbers} "
            f"{'are' if len(missing) > 1 else 'is'} not listed in the directory now, so "
            f"{'they were' if len(missing) > 1 else 'it was'} left out. "
            "A service can be removed when it closes or changes."
        )
    return [found[pk] for pk in chosen.ids if pk in found]
