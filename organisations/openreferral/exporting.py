"""The UK tabular data package of everything public: ``datapackage.json`` and one CSV per table.

The tables, their file names and their columns are the UK descriptor's (standard/datapackage.json),
in its order. Their rows are the feed's own objects (serialise.py) laid flat, so the package and
the feed cannot disagree: the same ids, the same contact details, the same taxonomies, with every
service tagged through ``attribute.csv``. Every public venue is a location, with its address
and its accessibility notes; each service reached remotely has its virtual location; and each
link of a service to a location is a row of ``service_at_location.csv``. A table the directory has
nothing for (funding) is written with its header only.

Organisations and venues are read in order of primary key and services in chunks of
``CHUNK``, each table's file written as it goes, so memory stays flat whatever the size of the
directory.

``package_zip(version)`` is the download on /open-data/: the package for the directory's current
version, built once into ``DIRECTORY_EXPORT_DIR`` and kept until the version moves.
"""

import csv
import json
import os
import tempfile
import zipfile
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..choices import Status
from ..models import Venue
from . import licence
from .serialise import Shapes, public_organisations, public_services, vocabulary_at
from .vocabulary import TAXONOMIES

DESCRIPTOR = Path(__file__).parent / "standard" / "datapackage.json"
CHUNK = 500


def descriptor():
    """The UK descriptor, described as this directory's package under its licence."""
    package = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    package.update(
        {
            "name": "muslim-mental-health-directory",
            "title": "Muslim Mental Health Directory: Open Referral UK data package",
            "description": (
                "Every published organisation and active service of the Muslim Mental Health "
                "Directory, in the Open Referral UK profile of HSDS 3.0. " + licence.ATTRIBUTION
            ),
            "created": timezone.now().isoformat(timespec="seconds"),
            "licenses": [
                {
                    "name": licence.LICENCE_ID,
                    "path": licence.LICENCE_URL,
                    "title": licence.LICENCE_NAME,
                }
            ],
        }
    )
    package.pop("license", None)  # the standard's own licence (CC BY-SA 4.0), not the data's
    return package


class Tables:
    """One CSV writer per table of the descriptor, each writing only its own columns."""

    def __init__(self, directory, package, stack):
        self.columns = {}
        self.writers = {}
        for resource in package["resources"]:
            name = resource["name"]
            columns = [field["name"] for field in resource["schema"]["fields"]]
            path = directory / resource["path"]
            handle = stack.enter_context(open(path, "w", encoding="utf-8", newline=""))  # noqa: SIM115
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            self.columns[name] = columns
            self.writers[name] = writer
        self.counts = dict.fromkeys(self.columns, 0)

    def add(self, name, row):
        self.writers[name].writerow([_cell(row.get(column)) for column in self.columns[name]])
        self.counts[name] += 1


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_package(directory, version, base):
    """Write the package into ``directory`` (made if need be); the rows written per table."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    package = descriptor()
    shapes = Shapes(version, base)
    with ExitStack() as stack:
        tables = Tables(directory, package, stack)
        _taxonomies(tables, shapes)
        _organisations(tables, shapes)
        _venues(tables, shapes)
        _services(tables, shapes)
    (directory / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return tables.counts


def _taxonomies(tables, shapes):
    for taxonomy in TAXONOMIES:
        tables.add("taxonomy", shapes.taxonomy(taxonomy))
    for term in vocabulary_at(shapes.version).terms:
        tables.add("taxonomy_term", shapes.term(term))


def _organisations(tables, shapes):
    organisations = public_organisations().order_by("pk")
    last = 0
    while True:
        chunk = list(organisations.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        for organisation in chunk:
            shape = shapes.organisation_summary(organisation)
            tables.add("organization", shape)
            for identifier in shape.get("organization_identifiers", []):
                tables.add("organization_identifier", identifier)
        last = chunk[-1].pk


def _venues(tables, shapes):
    """Every public venue once, as a location with its address and accessibility."""
    venues = Venue.objects.filter(organisation__status=Status.PUBLISHED).order_by("pk")
    last = 0
    while True:
        chunk = list(venues.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        for venue in chunk:
            location = shapes.location(venue)
            tables.add("location", location)
            for address in location["addresses"]:
                tables.add("address", address)
            for accessibility in location.get("accessibility", []):
                tables.add("accessibility", accessibility)
        last = chunk[-1].pk


def _services(tables, shapes):
    ids = list(public_services().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        for service in shapes.load(ids[start : start + CHUNK], venues=True):
            shape = shapes.service(service)
            tables.add("service", shape)
            for name, many in (
                ("attribute", "attributes"),
                ("schedule", "schedules"),
                ("service_area", "service_areas"),
                ("language", "languages"),
                ("cost_option", "cost_options"),
                ("contact", "contacts"),
            ):
                for row in shape.get(many, []):
                    tables.add(name, row)
            for contact in shape.get("contacts", []):
                for phone in contact["phones"]:
                    tables.add("phone", phone)
            for at in shape.get("service_at_locations", []):
                tables.add("service_at_location", at)
                if at["location"]["location_type"] == "virtual":  # venues are written once
                    tables.add("location", at["location"])


# --- the download ------------------------------------------------------------------------------


def package_zip(version, base):
    """The path of the zipped package for ``version``: built now if this version has none yet."""
    directory = Path(settings.DIRECTORY_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"oruk-package-{version}.zip"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=directory) as building:
        tables = Path(building) / "package"
        write_package(tables, version, base)
        partial = Path(building) / "package.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(tables.iterdir()):
                archive.write(path, path.name)
        os.replace(partial, target)  # atomic: a reader sees all of it or none
    for old in directory.glob("oruk-package-*.zip"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
