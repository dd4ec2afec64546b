"""Reading Open Referral input for the importer (importing.py): every way a council's directory
hands its data over, turned into one stream of records.

- JSON (ORUK, HSDS 3.0): a page of a list as a feed returns it (``{"contents": [...]}``), a
  single object, or a list of them; an organisation's services come with it.
- NDJSON (``.ndjson``, ``.jsonl``; the feed's ``/services?format=ndjson``): one object a line,
  read a line at a time, so a file of any size streams in bounded memory.
- A tabular data package: a directory or a ``.zip`` with ``datapackage.json`` and CSVs. A table
  is found under the descriptor's file name, its singular or plural variant, or the path the
  package's own descriptor gives; a table left out is empty. Lines may end ``\\r\\n`` or, as in
  the UK examples, ``\\r\\r\\n``, and files may start with a byte-order mark. Each service is put
  together from its rows into the shape the JSON feed gives, so one mapping reads both. Every
  table but ``services.csv`` is held in memory, grouped by what it belongs to; services stream.
- A directory or a ``.zip`` of any of these.

Each record is named by where it came from (``services.json#/contents/2``, ``services.ndjson
line 7``, ``services.csv line 3``), for the report. What cannot be read at all (a missing file,
a file that is not JSON) is a ``Problem``; a line of NDJSON that is not JSON is one record's.
"""

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

JSON_SUFFIXES = {".json"}
NDJSON_SUFFIXES = {".ndjson", ".jsonl"}
DESCRIPTOR = "datapackage.json"
ORGANISATION = "organization"
SERVICE = "service"
TERM = "taxonomy_term"
TAXONOMY = "taxonomy"


@dataclass
class Record:
    kind: str  # SERVICE, ORGANISATION, TERM or TAXONOMY; "" when it could not be told
    data: dict | None  # None: the record could not be read (``error`` says why)
    where: str
    error: str = ""


@dataclass
class Problem:
    """An input that could not be read at all."""

    where: str
    error: str


# --- What a JSON object is --------------------------------------------------------------------


def kind_of(data):
    """Whether an object is a service, an organisation, a taxonomy or one of its terms."""
    if not isinstance(data, dict):
        return ""
    if "service" in data and "location" in data and isinstance(data["service"], dict):
        return "service_at_location"
    if "organization_id" in data or "organization" in data or "status" in data:
        return SERVICE
    if "taxonomy_terms" in data or ("version" in data and "uri" in data and "term" not in data):
        return TAXONOMY
    if "term" in data or "term_uri" in data or "taxonomy_id" in data:
        return TERM
    if "services" in data or "website" in data or "organization_identifiers" in data:
        return ORGANISATION
    if "name" in data and ("service_areas" in data or "contacts" in data or "schedules" in data):
        return SERVICE
    return ""


def records_of(value, where):
    """The records in a parsed JSON document."""
    if isinstance(value, dict) and isinstance(value.get("contents"), list):
        for index, item in enumerate(value["contents"]):
            yield from _one(item, f"{where}#/contents/{index}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _one(item, f"{where}#/{index}")
    else:
        yield from _one(value, f"{where}#")


def _one(item, where):
    kind = kind_of(item)
    if kind == "service_at_location":  # a service delivered somewhere: the service, there
        service = item["service"]
        if not isinstance(service.get("service_at_locations"), list):
            at = {name: value for name, value in item.items() if name != "service"}
            service = {**service, "service_at_locations": [at]}
        yield Record(SERVICE, service, f"{where}/service")
    elif kind:
        yield Record(kind, item, where)
    else:
        yield Record("", None, where, "not an Open Referral service, organisation or taxonomy")


# --- Files ------------------------------------------------------------------------------------


class Source:
    """Input that is a file, a directory or a zip: ``paths()`` lists what it holds, ``open(name)``
    opens one of them as bytes, ``name`` is how the report names it."""

    def __init__(self, name):
        self.name = name


class FolderSource(Source):
    def __init__(self, root):
        super().__init__(str(root))
        self.root = Path(root)

    def paths(self):
        return sorted(
            str(path.relative_to(self.root)) for path in self.root.rglob("*") if path.is_file()
        )

    def open(self, name):
        return open(self.root / name, "rb")  # noqa: SIM115 (the caller closes it)

    def where(self, name):
        return str(self.root / name)


class ZipSource(Source):
    def __init__(self, path):
        super().__init__(str(path))
        self.archive = zipfile.ZipFile(path)

    def paths(self):
        return sorted(
            info.filename
            for info in self.archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        )

    def open(self, name):
        return self.archive.open(name)

    def where(self, name):
        return f"{self.name}:{name}"


def read(paths):
    """Every record in ``paths``, then nothing; a ``Problem`` for each input that cannot be read,
    in the same stream. Lazily: nothing is read before it is asked for."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from _folder(FolderSource(path))
        elif not path.exists():
            yield Problem(str(path), "no such file or directory")
        elif path.suffix.lower() == ".zip":
            try:
                source = ZipSource(path)
            except (zipfile.BadZipFile, OSError) as error:
                yield Problem(str(path), f"not a readable zip file ({error})")
                continue
            yield from _folder(source)
        else:
            # Opened by _file, in a with block.
            opener = lambda path=path: open(path, "rb")  # noqa: E731, SIM115
            yield from _file(path.suffix.lower(), str(path), opener)


def _folder(source):
    """A directory or zip: a data package if it holds a descriptor, else each JSON file in it."""
    try:
        names = source.paths()
    except OSError as error:
        yield Problem(source.name, f"could not be read ({error})")
        return
    descriptors = sorted(
        (name for name in names if PurePosixPath(name).name == DESCRIPTOR),
        key=lambda name: (name.count("/"), name),
    )
    packages = [PurePosixPath(name).parent for name in descriptors]
    for descriptor in descriptors:
        yield from Package(source, descriptor, names).records()
    readable = [
        name
        for name in names
        if PurePosixPath(name).suffix.lower() in JSON_SUFFIXES | NDJSON_SUFFIXES
        and not any(_within(name, package) for package in packages)
    ]
    if not readable and not descriptors:
        yield Problem(source.name, "holds no JSON, NDJSON or data package (datapackage.json)")
    for name in readable:
        suffix = PurePosixPath(name).suffix.lower()
        yield from _file(suffix, source.where(name), lambda name=name: source.open(name))


def _within(name, folder):
    """Whether ``name`` is in ``folder`` or below it (a package's own files)."""
    return str(folder) == "." or PurePosixPath(name).is_relative_to(folder)


def _file(suffix, where, opener):
    try:
        handle = opener()
    except OSError as error:
        yield Problem(where, f"could not be opened ({error})")
        return
    with handle:
        if suffix in NDJSON_SUFFIXES:
            yield from _ndjson(handle, where)
            return
        try:
            value = json.loads(handle.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            yield Problem(where, f"is not UTF-8 text ({error.reason} at byte {error.start})")
            return
        except json.JSONDecodeError as error:
            yield Problem(where, f"is not JSON ({error.msg}, line {error.lineno})")
            return
        yield from records_of(value, where)


def _ndjson(handle, where):
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline=None)
    number = 0
    try:
        for number, line in enumerate(text, start=1):  # noqa: B007 (number is read after)
            if not line.strip():
                continue
            here = f"{where} line {number}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield Record("", None, here, f"not JSON ({error.msg})")
                continue
            yield from _one(value, here)
    except UnicodeDecodeError as error:
        yield Problem(f"{where} line {number + 1}", f"is not UTF-8 text ({error.reason})")


# --- Tabular data packages --------------------------------------------------------------------

# The UK descriptor's tables (standard/datapackage.json) by resource name, each with the column
# that ties a row to what it belongs to.
CHILD_TABLES = {
    "contact": "service_id",
    "phone": "contact_id",
    "schedule": "service_id",
    "service_area": "service_id",
    "language": "service_id",
    "cost_option": "service_id",
    "attribute": "link_id",
    "organization_identifier": "organization_id",
    "service_at_location": "service_id",
    "address": "location_id",
    "accessibility": "location_id",
}
KEYED_TABLES = ("organization", "taxonomy_term", "taxonomy", "location")
UK_PATHS = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "attribute": "attribute.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "address": "address.csv",
    "schedule": "schedule.csv",
    "service_area": "service_areas.csv",
    "language": "languages.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "cost_option": "cost_options.csv",
    "organization_identifier": "organization_identifiers.csv",
    "taxonomy": "taxonomies.csv",
}


def plural(word):
    if word.endswith("y"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x")):
        return word + "es"
    return word + "s"


def file_names(resource, declared=None):
    """The names a table may go by: the package's own path, the UK descriptor's, and the
    singular and plural of the table's name (``schedule.csv``, ``schedules.csv``)."""
    names = [declared, UK_PATHS.get(resource), f"{resource}.csv", f"{plural(resource)}.csv"]
    seen = []
    for name in names:
        if name and name.lower() not in seen:
            seen.append(name.lower())
    return seen


class Package:
    """A tabular data package at ``descriptor`` in ``source``."""

    def __init__(self, source, descriptor, names):
        self.source = source
        self.descriptor = descriptor
        self.folder = str(PurePosixPath(descriptor).parent)
        prefix = "" if self.folder == "." else self.folder + "/"
        self.files = {
            name[len(prefix) :].lower(): name
            for name in names
            if name.startswith(prefix) and "/" not in name[len(prefix) :]
        }
        self.declared = {}

    def where(self, name):
        return self.source.where(name)

    def records(self):
        try:
            with self.source.open(self.descriptor) as handle:
                package = json.loads(handle.read().decode("utf-8-sig"))
            resources = package.get("resources", []) if isinstance(package, dict) else []
            self.declared = {
                resource["name"]: resource["path"]
                for resource in resources
                if isinstance(resource, dict)
                and isinstance(resource.get("name"), str)
                and isinstance(resource.get("path"), str)
            }
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            # A broken descriptor still leaves the CSVs under their standard names.
            self.declared = {}
            yield Problem(
                self.where(self.descriptor), f"was not read ({error}); tables found by name"
            )
        if not self.found("service") and not self.found("organization"):
            yield Problem(
                self.where(self.descriptor), "the package has no services or organisations"
            )
            return
        tables = {}
        for resource in KEYED_TABLES:
            tables[resource] = {
                row["id"]: row for row, _where in self.rows(resource) if row.get("id")
            }
        for resource, column in CHILD_TABLES.items():
            grouped = defaultdict(list)
            for row, _where in self.rows(resource):
                if row.get(column):
                    grouped[row[column]].append(row)
            tables[resource] = grouped
        for row, where in self.rows("organization"):
            yield Record(ORGANISATION, organisation_of(row, tables), where)
        for row, where in self.rows("service"):
            yield Record(SERVICE, service_of(row, tables), where)

    def found(self, resource):
        """The files that hold a table (both, where a package has ``schedule.csv`` and
        ``schedules.csv``)."""
        names = file_names(resource, self.declared.get(resource))
        return [self.files[name] for name in names if name in self.files]

    def rows(self, resource):
        """(row, where) for each row of a table, with empty cells left out; rows with an id
        seen in an earlier file of the same table are left out."""
        seen = set()
        for name in self.found(resource):
            with self.source.open(name) as handle:
                text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
                reader = csv.reader(text)
                header = None
                for cells in reader:
                    if not any(cell.strip() for cell in cells):
                        continue  # the blank line a \r\r\n ending leaves
                    if header is None:
                        header = [cell.strip() for cell in cells]
                        continue
                    row = {
                        column: cell.strip()
                        for column, cell in zip(header, cells, strict=False)
                        if cell.strip()
                    }
                    if row.get("id") and row["id"] in seen:
                        continue
                    seen.add(row.get("id"))
                    yield row, f"{self.where(name)} line {reader.line_num}"


def organisation_of(row, tables):
    organisation = dict(row)
    identifiers = tables["organization_identifier"].get(row.get("id"), [])
    if identifiers:
        organisation["organization_identifiers"] = identifiers
    return organisation


def service_of(row, tables):
    """A service's rows put together in the shape the JSON feed gives it."""
    service = dict(row)
    sid = row.get("id")
    organisation = tables["organization"].get(row.get("organization_id"))
    if organisation:
        service["organization"] = organisation_of(organisation, tables)
    contacts = []
    for contact in tables["contact"].get(sid, []):
        contacts.append({**contact, "phones": tables["phone"].get(contact.get("id"), [])})
    for name, many in (
        ("schedule", "schedules"),
        ("service_area", "service_areas"),
        ("language", "languages"),
        ("cost_option", "cost_options"),
    ):
        if tables[name].get(sid):
            service[many] = tables[name][sid]
    if contacts:
        service["contacts"] = contacts
    attributes = []
    for attribute in tables["attribute"].get(sid, []):
        term = tables["taxonomy_term"].get(attribute.get("taxonomy_term_id"))
        if term:
            taxonomy = tables["taxonomy"].get(term.get("taxonomy_id"))
            term = {**term, "taxonomy_detail": taxonomy} if taxonomy else term
            attribute = {**attribute, "taxonomy_term": term}
        attributes.append(attribute)
    if attributes:
        service["attributes"] = attributes
    at = [
        {**link, "location": location_of(tables["location"][link["location_id"]], tables)}
        for link in tables["service_at_location"].get(sid, [])
        if link.get("location_id") in tables["location"]
    ]
    if at:
        service["service_at_locations"] = at
    return service


def location_of(row, tables):
    """A location's rows in the shape the JSON feed gives it."""
    location = dict(row)
    for name, many in (("address", "addresses"), ("accessibility", "accessibility")):
        if tables[name].get(row.get("id")):
            location[many] = tables[name][row["id"]]
    return location
