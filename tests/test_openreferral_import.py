"""Importing Open Referral UK / HSDS 3.0 data as drafts: ``manage.py import_openreferral`` and
admin's upload page (issue 14, items 8 to 14; DESIGN.md §9)."""

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisations import models
from organisations.caching.versioning import current_state
from organisations.facets import LOOKUP_FACETS
from organisations.lookups import load_lookups
from organisations.openreferral import importing, reading, vocabulary

from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .signin import sign_in_verified

DATA = Path(__file__).parent / "data" / "oruk"
FEEDS = DATA / "feeds"
EXAMPLES = DATA / "examples"
ORG = "11111111-1111-4111-8111-111111111111"
Status = models.Organisation.Status


@pytest.fixture
def lookups(db):
    call_command("seed_directory", "--lookups-only", verbosity=0)


def run(*paths, source="test", dry_run=False):
    """The command's output, as lines."""
    out = io.StringIO()
    options = ["--dry-run"] if dry_run else []
    call_command(
        "import_openreferral", *map(str, paths), f"--source={source}", *options, stdout=out
    )
    return out.getvalue().splitlines()


def sid(n):
    return f"00000000-0000-4000-8000-{n:012d}"


def service(n, organisation=None, **fields):
    organisation = organisation or {"id": ORG, "name": "Harbour Counselling"}
    record = {
        "id": sid(n),
        "name": f"Service {n}",
        "status": "active",
        "organization_id": organisation["id"],
        "organization": organisation,
    }
    record.update(fields)
    return record


def ndjson(folder, records, name="services.ndjson"):
    path = Path(folder) / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def term(taxonomy, name, term_id=None, **more):
    return {
        "taxonomy_term": {"id": term_id or sid(9000), "name": name, "taxonomy": taxonomy, **more}
    }


def keys(service_row, relation):
    return sorted(getattr(item, item.KEY_FIELD) for item in getattr(service_row, relation).all())


# --- Bristol's real feed ------------------------------------------------------------------------


def test_bristols_feed_imports_as_drafts_never_checked_with_source_and_note(lookups):
    lines = run(FEEDS, source="Bristol")
    assert lines[-1] == (
        "Services: 3 created, 0 updated, 0 unchanged, 1 skipped. "
        "Organisations: 3 created, 0 updated, 0 unchanged, 0 skipped."
    )
    # The page repeats the service the single response gave: the first one read counts.
    assert any(
        line.startswith(f"Skipped {FEEDS / 'bristol-services-page1.json'}#/contents/0")
        and "was read already" in line
        for line in lines
    )
    organisations = models.Organisation.objects.all()
    assert organisations.count() == 3
    for organisation in organisations:
        assert organisation.status == Status.DRAFT
        assert organisation.last_verified is None
        assert organisation.source == "Bristol"
        assert organisation.source_id
        assert organisation.editor_notes.startswith("Import: from Bristol on ")
        assert f"where its id is {organisation.source_id}" in organisation.editor_notes
    assert not models.Organisation.objects.published().exists()
    assert not models.Service.objects.public().exists()


def test_bristols_quirks_html_placeholder_emails_numbers_in_text_ages_and_vendor_fields(lookups):
    lines = run(FEEDS, source="Bristol")
    people = models.Service.objects.get(name="1625 Independent People")
    # HTML became plain paragraphs.
    assert people.description.startswith("About Us\n\n1625 Independent People works with")
    assert "<" not in people.description and "&nbsp;" not in people.description
    # "Bristol Youth MAPS: 0117 332 7111": the number taken out of its text; one phone kept,
    # the other for an editor to see.
    assert people.phone == "0800 0354213"
    notes = people.organisation.editor_notes
    assert "the source gives other numbers too: 0117 332 7111" in notes
    assert "its description gives the number(s) 0117 969 5763: check them" in notes
    # "…@noemail.invalid" is not an address: dropped, and counted.
    health = models.Service.objects.get(name="A Picture of Health")
    assert health.email == ""
    assert "Dropped placeholder email: 1." in lines
    # A service area named by its region.
    assert keys(people, "areas") == ["south-west"]
    # Ages of -1, pc_metadata and last_modified without a time zone: no error, nothing kept.
    assert not any(
        line.startswith("Skipped") and "page1.json#/contents/0" not in line for line in lines
    )
    assert "pc_metadata" not in json.dumps(people.imported)


def test_a_second_run_of_the_same_input_changes_nothing(lookups):
    run(FEEDS, source="Bristol")
    state = current_state()
    updated = dict(models.Organisation.objects.values_list("pk", "updated"))
    services_updated = dict(models.Service.objects.values_list("pk", "updated"))
    history = models.Organisation.history.count(), models.Service.history.count()
    lines = run(FEEDS, source="Bristol")
    assert lines[-1] == (
        "Services: 0 created, 0 updated, 3 unchanged, 1 skipped. "
        "Organisations: 0 created, 0 updated, 3 unchanged, 0 skipped."
    )
    assert current_state().version == state.version
    assert dict(models.Organisation.objects.values_list("pk", "updated")) == updated
    assert dict(models.Service.objects.values_list("pk", "updated")) == services_updated
    assert (models.Organisation.history.count(), models.Service.history.count()) == history


def test_another_source_with_the_same_ids_is_a_different_listing_flagged_as_a_duplicate(lookups):
    run(FEEDS, source="Bristol")
    lines = run(FEEDS, source="Bristol again")
    assert models.Organisation.objects.count() == 6
    again = models.Organisation.objects.filter(source="Bristol again")
    assert all(row.possible_duplicate_of is not None for row in again)
    assert sum(line.startswith("Possible duplicate:") for line in lines) == 3


# --- The profile's examples ---------------------------------------------------------------------


def test_the_examples_import_the_one_service_once_and_report_the_rest(lookups):
    lines = run(EXAMPLES, source="examples")
    assert lines[-1].startswith("Services: 1 created, 0 updated, 0 unchanged, 4 skipped.")
    assert "Organisations: 1 created" in lines[-1]
    skipped = [line for line in lines if line.startswith("Skipped /")]  # not its location
    assert len(skipped) == 4 and all("was read already" in line for line in skipped)
    assert any(line.startswith(f"Skipped {EXAMPLES / 'service_full.json'}#:") for line in skipped)
    # The example's service area is a paragraph, not a place: reported once, with its count.
    unmapped = [line for line in lines if line.startswith("Unmapped term")]
    assert len(unmapped) == 1 and unmapped[0].endswith(": 1 time.")
    imported = models.Service.objects.get()
    assert imported.name == "Community Counselling"
    assert imported.email == ""  # the examples' addresses are all placeholders
    assert imported.organisation.status == Status.DRAFT


def package_copy(tmp_path, rename=None, drop=(), line_end=None, bom=False):
    """The examples' CSV package, changed as other exporters write theirs."""
    target = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", target)
    for name in drop:
        (target / name).unlink()
    for old, new in (rename or {}).items():
        (target / old).rename(target / new)
    for path in target.glob("*.csv"):
        content = path.read_bytes()
        if line_end is not None:
            content = content.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n")
            content = content.replace(b"\n", line_end)
        if bom and not content.startswith(b"\xef\xbb\xbf"):
            content = b"\xef\xbb\xbf" + content
        path.write_bytes(content)
    return target


def imported_example():
    row = models.Service.objects.get(name="Community Counselling")
    return row.organisation.name, row.description[:40], row.url


def test_the_csv_example_imports_as_the_json_one_does(lookups, tmp_path):
    lines = run(EXAMPLES / "csv", source="csv")
    assert lines[-1].startswith("Services: 1 created, 0 updated, 0 unchanged, 0 skipped.")
    first = imported_example()
    models.Organisation.objects.all().delete()
    run(EXAMPLES / "service_full.json", source="json")
    assert imported_example() == first


@pytest.mark.parametrize(
    "change",
    [
        {"line_end": b"\r\n"},
        {"line_end": b"\r\r\n"},
        {"line_end": b"\n", "bom": True},
        {"rename": {"services.csv": "service.csv", "organizations.csv": "organization.csv"}},
        {"drop": ["schedules.csv", "languages.csv", "service_areas.csv", "attribute.csv"]},
    ],
    ids=["crlf", "cr-crlf", "bom", "singular-names", "tables-left-out"],
)
def test_packages_as_other_exporters_write_them(lookups, tmp_path, change):
    package = package_copy(tmp_path, **change)
    lines = run(package, source="csv")
    assert lines[-1].startswith("Services: 1 created, 0 updated, 0 unchanged, 0 skipped.")
    assert models.Service.objects.get().name == "Community Counselling"


def test_a_zipped_package_imports(lookups, tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (EXAMPLES / "csv").iterdir():
            zipped.write(path, f"export/{path.name}")
    lines = run(archive, source="zip")
    assert lines[-1].startswith("Services: 1 created")


# --- Per-record errors --------------------------------------------------------------------------


def test_bad_records_are_skipped_with_where_and_why_and_the_rest_import(lookups, tmp_path):
    path = tmp_path / "services.ndjson"
    good = service(1)
    lines_in = [
        json.dumps(good),
        json.dumps(service(2, name="")),
        json.dumps(service(3, organization_id=sid(999), organization=None)),
        json.dumps(service(4, id="not-a-uuid")),
        json.dumps(service(5, status="sort of open")),
        "{this is not json",
        "",
        json.dumps(service(6)),
    ]
    path.write_text("\n".join(lines_in) + "\n", encoding="utf-8")
    lines = run(path)
    where = f"{path} line"
    assert f"Skipped {where} 2: the service has no name." in lines
    assert any(
        line.startswith(f"Skipped {where} 3: its organization_id {sid(999)} points to no")
        for line in lines
    )
    assert f"Skipped {where} 4: the service id “not-a-uuid” is not a UUID." in lines
    assert f"Skipped {where} 5: the status “sort of open” is not one of HSDS's." in lines
    assert any(line.startswith(f"Skipped {where} 6: not JSON") for line in lines)
    assert lines[-1] == (
        "Services: 2 created, 0 updated, 0 unchanged, 5 skipped. "
        "Organisations: 1 created, 0 updated, 0 unchanged, 0 skipped."
    )
    assert sorted(models.Service.objects.values_list("name", flat=True)) == [
        "Service 1",
        "Service 6",
    ]


def test_a_bad_record_in_a_json_list_is_named_by_its_pointer(lookups, tmp_path):
    path = tmp_path / "page.json"
    page = {"total_items": 2, "contents": [service(1), service(2, organization={"id": ORG})]}
    path.write_text(json.dumps(page), encoding="utf-8")
    lines = run(path)
    assert f"Skipped {path}#/contents/1/organization: the organisation has no name." in lines


def test_an_inactive_service_imports_inactive(lookups, tmp_path):
    run(ndjson(tmp_path, [service(1, status="inactive")]))
    assert models.Service.objects.get().is_active is False


def test_exit_status_is_non_zero_only_when_nothing_could_be_read(lookups, tmp_path):
    not_json = tmp_path / "services.json"
    not_json.write_text("<html>Not found</html>", encoding="utf-8")
    with pytest.raises(CommandError, match="No input could be read"):
        run(not_json)
    with pytest.raises(CommandError, match="No input could be read"):
        run(tmp_path / "missing.ndjson")
    # One readable file among unreadable ones: the run completes.
    lines = run(not_json, ndjson(tmp_path, [service(1)]))
    assert f"Could not read {not_json}: is not JSON (Expecting value, line 1)." in lines
    assert lines[-1].startswith("Services: 1 created")


def test_garbage_of_every_shape_is_reported_never_raised(lookups, tmp_path):
    shapes = [
        [],
        {},
        "a string",
        7,
        None,
        {"contents": "not a list"},
        {"id": sid(1), "name": ["a", "list"], "organization_id": {"x": 1}},
        service(2, contacts="none", attributes=[None, 3, {"taxonomy_term": "x"}], languages={}),
        service(3, service_areas=[{"name": None}], cost_options=[{"amount": "lots"}]),
        service(4, schedules=[{"description": ["x"]}], last_modified=12, description={"a": 1}),
        service(5, organization={"id": ORG, "name": "X", "organization_identifiers": "x"}),
    ]
    path = tmp_path / "odd.ndjson"
    path.write_text("".join(json.dumps(s) + "\n" for s in shapes), encoding="utf-8")
    lines = run(path)
    assert lines[-1].startswith("Services: 4 created")


# --- Taxonomies ---------------------------------------------------------------------------------


def test_terms_map_through_the_directorys_own_taxonomies_the_term_map_and_english_names(
    lookups, tmp_path
):
    own = vocabulary.BY_PARAM["type"]
    records = [
        service(
            1,
            attributes=[
                # This directory's own taxonomy, as its feed and export give it.
                {
                    "taxonomy_term": {
                        "id": sid(8001),
                        "taxonomy_id": str(own.id),
                        "term": "helpline",
                    }
                },
                # A council's term, in the mapping kept in the repository.
                term("Council services", "Talking therapies"),
                # Named exactly as one of our values in English.
                term("Council audiences", "Young people"),
                # Our own URI.
                term("Elsewhere", "Zzz", term_uri="https://x.example/organisations/?mode=video"),
            ],
            languages=[{"name": "Urdu", "code": "ur"}, {"name": "Bengali"}],
            service_areas=[{"name": "London"}, {"extent": "E12000002"}],
        ),
    ]
    lines = run(ndjson(tmp_path, records))
    assert not [line for line in lines if line.startswith("Unmapped")]
    row = models.Service.objects.get()
    assert keys(row, "service_types") == ["counselling", "helpline"]
    assert keys(row, "audiences") == ["young-people"]
    assert keys(row, "delivery_modes") == ["video"]
    assert keys(row, "languages") == ["bn", "ur"]
    assert keys(row, "areas") == ["london", "north-west"]


def test_cost_and_faith_come_from_terms_and_cost_options(lookups, tmp_path):
    records = [
        service(1, cost_options=[{"option": "Free", "amount": 0}]),
        service(2, cost_options=[{"amount": 40, "amount_description": "£40 a session"}]),
        service(3, attributes=[term("Fees", "Low cost")]),
    ]
    run(ndjson(tmp_path, records))
    cost = dict(models.Service.objects.values_list("name", "cost"))
    assert cost == {"Service 1": "free", "Service 2": "paid", "Service 3": "low-cost"}
    assert models.Service.objects.get(name="Service 2").cost_note == "£40 a session"


def test_unmapped_terms_are_reported_once_each_with_their_counts(lookups, tmp_path):
    records = [
        service(n, attributes=[term("Council", "Bereavement cafe"), term("Council", "Zumba")])
        for n in range(1, 4)
    ] + [service(4, attributes=[term("Council", "Zumba")])]
    lines = run(ndjson(tmp_path, records))
    unmapped = [line for line in lines if line.startswith("Unmapped")]
    assert unmapped == [
        "Unmapped term “Council: Zumba”: 4 times.",
        "Unmapped term “Council: Bereavement cafe”: 3 times.",
    ]


def test_every_entry_of_the_term_map_names_one_of_the_directorys_values(lookups):
    mapping = json.loads(importing.TERM_MAP.read_text(encoding="utf-8"))
    current = load_lookups()
    valid = {facet.param: {item.key for item in current[facet.param]} for facet in LOOKUP_FACETS}
    valid |= {param: set(choice.values) for param, choice in importing.CHOICE_FIELDS.items()}
    wrong = {}
    for section in ("uris", "names"):
        for name, value in mapping[section].items():
            param, _, key = value.partition(":")
            if key not in valid.get(param, ()):
                wrong[name] = value
    assert mapping["names"] and not wrong


# --- Editors win --------------------------------------------------------------------------------


def test_a_changed_record_updates_only_what_no_editor_has_changed(lookups, tmp_path):
    run(ndjson(tmp_path, [service(1, description="Talking help.", url="https://a.example.org")]))
    row = models.Service.objects.get()
    row.description = "Counselling in Urdu and English, by women counsellors."  # an editor
    row.save()
    changed = service(1, description="Talking help, now online.", url="https://b.example.org")
    lines = run(ndjson(tmp_path, [changed]))
    row.refresh_from_db()
    assert row.description == "Counselling in Urdu and English, by women counsellors."
    assert row.url == "https://b.example.org"
    conflicts = [line for line in lines if line.startswith("Conflict:")]
    assert len(conflicts) == 1 and ", description (" in conflicts[0]
    assert "Kept the editor's." in conflicts[0]
    assert lines[-1].startswith("Services: 0 created, 1 updated")
    # Reported once: the same input again is quiet, and changes nothing.
    again = run(ndjson(tmp_path, [changed]))
    assert not [line for line in again if line.startswith("Conflict:")]
    assert again[-1].startswith("Services: 0 created, 0 updated, 1 unchanged")


def test_an_editors_facet_change_is_kept(lookups, tmp_path):
    tagged = service(1, attributes=[term("Council", "Counselling")])
    run(ndjson(tmp_path, [tagged]))
    row = models.Service.objects.get()
    row.service_types.set(models.ServiceType.objects.filter(slug="helpline"))
    retagged = service(1, attributes=[term("Council", "Counselling"), term("Council", "Advocacy")])
    lines = run(ndjson(tmp_path, [retagged]))
    assert keys(row, "service_types") == ["helpline"]
    assert any(line.startswith("Conflict:") and "type" in line for line in lines)


def test_on_a_published_listing_a_new_contact_detail_is_held_for_an_editor(lookups, tmp_path):
    run(ndjson(tmp_path, [service(1, url="https://old.example.org")]))
    organisation = models.Organisation.objects.get()
    organisation.status = Status.PUBLISHED
    organisation.save()
    lines = run(ndjson(tmp_path, [service(1, url="https://new.example.org", description="New.")]))
    row = models.Service.objects.get()
    assert row.url == "https://old.example.org"
    assert row.description == "New."  # not a contact detail
    held = [line for line in lines if line.startswith("Held for an editor:")]
    assert len(held) == 1 and "https://new.example.org" in held[0]
    organisation.refresh_from_db()
    assert "now gives Service 1 (Harbour Counselling)'s url as" in organisation.editor_notes
    assert "check it before putting it on the published listing" in organisation.editor_notes


# --- Duplicates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "incoming", "why"),
    [
        ({"charity_number": "1123456"}, {"organization_identifiers": [
            {"identifier_scheme": "GB-CHC", "identifier": "1123456"}]}, "the same charity number"),
        ({"website": "https://www.harbour.org.uk/"}, {"website": "http://harbour.org.uk/about"},
         "the same website, harbour.org.uk"),
        ({"name": "Harbour Counselling Ltd"}, {}, "the same name"),
        ({"name": "Harbour Counseling Service"}, {"name": "Harbour Counselling Services"},
         "a very similar name in the same area"),
    ],
    ids=["charity-number", "website", "same-name", "similar-name"],
)  # fmt: skip
def test_likely_duplicates_are_flagged_never_created_in_silence(
    lookups, tmp_path, existing, incoming, why
):
    here = OrganisationFactory(**{"name": "Somewhere else", **existing})
    organisation = {"id": ORG, "name": "Harbour Counselling", **incoming}
    lines = run(ndjson(tmp_path, [service(1, organisation=organisation)]))
    made = models.Organisation.objects.get(source="test")
    assert made.possible_duplicate_of == here
    assert made.status == Status.DRAFT
    flagged = [line for line in lines if line.startswith("Possible duplicate:")]
    assert len(flagged) == 1 and why in flagged[0]
    assert f"it may be the same as “{here.name}” ({why}" in made.editor_notes


def test_a_shared_website_or_a_similar_name_elsewhere_is_no_duplicate(lookups, tmp_path, london):
    facebook = OrganisationFactory(name="Other", website="https://www.facebook.com/other")
    similar = OrganisationFactory(name="Harbour Counseling Service")
    ServiceFactory(organisation=similar, areas=[london])
    organisation = {
        "id": ORG,
        "name": "Harbour Counselling Services",
        "website": "https://facebook.com/harbour",
    }
    records = [service(1, organisation=organisation, service_areas=[{"extent": "E12000002"}])]
    lines = run(ndjson(tmp_path, records))
    assert models.Organisation.objects.get(source="test").possible_duplicate_of is None
    assert not [line for line in lines if line.startswith("Possible duplicate:")]
    assert facebook.pk  # there all along


# --- Dry run, streaming, size -------------------------------------------------------------------


def test_a_dry_run_reports_everything_and_writes_nothing(lookups):
    before = current_state().version
    lines = run(FEEDS, source="Bristol", dry_run=True)
    assert "Dry run: nothing was written." in lines
    assert lines[-1].startswith("Services: 3 created")
    assert not models.Organisation.objects.exists()
    assert not models.Service.objects.exists()
    assert not models.Organisation.history.exists()
    assert current_state().version == before


def test_records_stream_and_each_chunk_is_its_own_transaction(lookups, tmp_path, monkeypatch):
    path = ndjson(tmp_path, [service(n) for n in range(1, 8)])
    yielded = []
    real_read = reading.read

    def counting_read(paths):
        for item in real_read(paths):
            yielded.append(item)
            yield item

    monkeypatch.setattr(reading, "read", counting_read)
    seen = []
    real_write = importing.Importer.write

    def write(self, chunk):
        from django.db import connection

        seen.append((len(chunk), len(yielded), connection.in_atomic_block))
        real_write(self, chunk)

    monkeypatch.setattr(importing.Importer, "write", write)
    analysed = []
    monkeypatch.setattr(importing, "refresh_statistics", lambda: analysed.append(True))
    report = importing.Importer("test", chunk=3).run([path])
    # Read three at a time, never all at once; each chunk written inside its own transaction.
    assert [(size, read) for size, read, _atomic in seen] == [(3, 3), (3, 6), (1, 7)]
    assert all(atomic for _size, _read, atomic in seen)
    assert report.services.created == 7
    assert analysed == [True]  # the loaded tables' statistics, once, at the end


def test_a_failing_chunk_leaves_the_chunks_before_it(lookups, tmp_path, monkeypatch):
    path = ndjson(tmp_path, [service(n) for n in range(1, 6)])
    real = importing.Importer.write
    calls = []

    def write(self, chunk):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        real(self, chunk)

    monkeypatch.setattr(importing.Importer, "write", write)
    with pytest.raises(RuntimeError):
        importing.Importer("test", chunk=2).run([path])
    assert models.Service.objects.count() == 2


# --- Round trip ---------------------------------------------------------------------------------


def facts():
    """Each public service by its names, with its facets and choices."""
    out = {}
    services = models.Service.objects.filter(is_active=True).select_related("organisation")
    for row in services.prefetch_related(*(facet.relation for facet in LOOKUP_FACETS)):
        out[(row.organisation.name, row.name)] = (
            row.cost,
            row.faith_approach,
            row.referral,
            {facet.param: keys(row, facet.relation) for facet in LOOKUP_FACETS},
        )
    return out


def test_the_export_round_trips_through_the_importer_into_an_empty_directory(db, tmp_path):
    call_command("seed_directory", verbosity=0)
    models.Organisation.objects.update(status=Status.PUBLISHED)
    call_command("export_openreferral", str(tmp_path / "package"), stdout=io.StringIO())
    exported = facts()
    assert len(exported) > 10
    models.Organisation.objects.all().delete()
    lines = run(tmp_path / "package", source="ourselves")
    assert lines[-1].startswith(f"Services: {len(exported)} created, 0 updated, 0 unchanged, 0")
    assert not [line for line in lines if line.startswith(("Unmapped", "Skipped"))]
    assert facts() == exported
    assert not models.Organisation.objects.exclude(status=Status.DRAFT).exists()


# --- Admin --------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, lookups, settings, tmp_path):
    settings.DIRECTORY_EXPORT_DIR = tmp_path / "exports"
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return sign_in_verified(client, user)


def upload_file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


IMPORT_URL = "/admin/organisations/organisation/import/"


def test_the_organisations_list_links_to_the_import_page(editor_client):
    assert reverse("admin:organisations_organisation_import") == IMPORT_URL
    response = editor_client.get(reverse("admin:organisations_organisation_changelist"))
    assert f'href="{IMPORT_URL}"' in response.content.decode()
    page = editor_client.get(IMPORT_URL)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_an_upload_is_a_dry_run_first_then_import(editor_client, settings):
    content = (FEEDS / "bristol-services-page1.json").read_bytes()
    response = editor_client.post(
        IMPORT_URL, {"file": upload_file("bristol.json", content), "source": "Bristol"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: nothing was written." in html
    assert "Services: 3 created" in html
    assert "Skipped" not in html
    assert str(settings.DIRECTORY_EXPORT_DIR) not in html  # the file as the editor named it
    assert not models.Organisation.objects.exists()
    token = response.context["token"]
    imported = editor_client.post(IMPORT_URL, {"token": token})
    assert "Services: 3 created" in imported.content.decode()
    assert models.Organisation.objects.filter(source="Bristol", status=Status.DRAFT).count() == 3
    # The same upload cannot be imported twice, nor a token be forged.
    assert editor_client.post(IMPORT_URL, {"token": token}).context["expired"]
    assert editor_client.post(IMPORT_URL, {"token": "../../etc/passwd"}).context["expired"]
    # The imports wait in the "needs review" queue, filtered by source.
    listed = editor_client.get(
        reverse("admin:organisations_organisation_changelist"),
        {"needs_review": "yes", "source": "Bristol"},
    )
    assert listed.context["cl"].result_count == 3


def test_a_bad_upload_gets_a_clear_message(editor_client):
    wrong = editor_client.post(
        IMPORT_URL, {"file": upload_file("list.xlsx", b"PK"), "source": "Bristol"}
    )
    assert wrong.status_code == 200
    assert "Upload a .json, .ndjson or .zip file." in wrong.content.decode()
    broken = editor_client.post(
        IMPORT_URL, {"file": upload_file("feed.zip", b"not a zip"), "source": "Bristol"}
    )
    assert broken.status_code == 200
    assert "not a readable zip file" in broken.content.decode()
    assert "token" not in broken.context or not broken.context["token"]
    nameless = editor_client.post(IMPORT_URL, {"file": upload_file("a.json", b"[]"), "source": " "})
    assert "Say which directory the file comes from." in nameless.content.decode()


def test_only_editors_who_may_add_organisations_can_import(client, lookups):
    assert client.get(IMPORT_URL).status_code == 302  # to sign in
    reader = UserFactory(username="reader", is_staff=True)
    sign_in_verified(client, reader)
    assert client.get(IMPORT_URL).status_code == 403


def test_admin_shows_where_an_import_came_from_and_a_possible_duplicate(editor_client, tmp_path):
    here = OrganisationFactory(name="Harbour Counselling")
    run(ndjson(tmp_path, [service(1)]), source="Bristol")
    made = models.Organisation.objects.get(source="Bristol")
    page = editor_client.get(reverse("admin:organisations_organisation_change", args=[made.pk]))
    html = page.content.decode()
    assert "Bristol" in html and made.source_id in html
    # The autocomplete's select holds the duplicate, chosen (both are named Harbour Counselling).
    select = re.search(r'<select name="possible_duplicate_of".*?</select>', html, re.DOTALL)
    assert select and f'<option value="{here.pk}" selected>' in select.group()
    listed = editor_client.get(
        reverse("admin:organisations_organisation_changelist"), {"possible_duplicate": "yes"}
    )
    assert listed.context["cl"].result_count == 1


def test_source_filter_lists_each_source_and_what_was_made_here(editor_client, tmp_path):
    OrganisationFactory(name="Made here")
    run(ndjson(tmp_path, [service(1)]), source="Bristol")
    changelist = reverse("admin:organisations_organisation_changelist")
    assert editor_client.get(changelist, {"source": "-"}).context["cl"].result_count == 1
    assert editor_client.get(changelist, {"source": "Bristol"}).context["cl"].result_count == 1


def test_a_service_that_cannot_be_saved_takes_nothing_of_its_organisation_with_it(
    lookups, tmp_path, monkeypatch
):
    real = models.Service.full_clean

    def full_clean(self, *args, **kwargs):
        if self.name == "Service 1":
            from django.core.exceptions import ValidationError

            raise ValidationError("the database says no")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(models.Service, "full_clean", full_clean)
    other = {"id": sid(77), "name": "Quay Counselling"}
    lines = run(ndjson(tmp_path, [service(1), service(2), service(3, organisation=other)]))
    assert any(line.startswith("Skipped") and "could not be saved" in line for line in lines)
    assert lines[-1] == (
        "Services: 2 created, 0 updated, 0 unchanged, 1 skipped. "
        "Organisations: 2 created, 0 updated, 0 unchanged, 0 skipped."
    )
    harbour = models.Organisation.objects.get(name="Harbour Counselling")
    assert [row.name for row in harbour.services.all()] == ["Service 2"]
    assert harbour.possible_duplicate_of is None


# --- Venues (issue 15) --------------------------------------------------------------------------

LS6 = (53.8188, -1.5705)  # the district's middle, as the shipped table has it


def address(postcode="LS6 2PY", **fields):
    return {
        "id": sid(6000),
        "address_1": "12 Woodhouse Street",
        "city": "Leeds",
        "state_province": "England",
        "postal_code": postcode,
        "country": "GB",
        "address_type": "physical",
        **fields,
    }


def at(n, *addresses, **location):
    """A service-at-location of location ``n``: physical, with ``addresses``."""
    location = {"id": sid(8000 + n), "location_type": "physical", **location}
    if addresses:
        location["addresses"] = list(addresses)
    return {"id": sid(7000 + n), "location_id": location["id"], "location": location}


def hyde_park(**fields):
    return service(
        1,
        service_at_locations=[
            at(1, address(), name="Hyde Park Centre", latitude=53.8139, longitude=-1.566,
               accessibility=[{"id": sid(6100), "description": "Step-free entrance."},
                              {"id": sid(6101), "details": "A women's entrance at the side."}]),
            at(2, address("LS2 7EW", address_1="3 Park Lane", address_2="Second floor")),
            {"id": sid(7003), "location": {"id": sid(8003), "location_type": "virtual",
                                           "url": "https://harbour.example.org.uk/chat"}},
        ],
        **fields,
    )  # fmt: skip


def test_physical_locations_become_draft_venues_of_the_services_organisation(lookups, tmp_path):
    lines = run(ndjson(tmp_path, [hyde_park()]), source="Leeds")
    assert "Venues: 2 created, 0 updated, 0 unchanged, 0 skipped." in lines
    assert not [line for line in lines if line.startswith("Skipped")], "virtual is no venue"
    row = models.Service.objects.get()
    office, centre = row.venues.order_by("address_1")
    assert (office.name, office.address_1, office.town, office.postcode) == (
        "Hyde Park Centre",
        "12 Woodhouse Street",
        "Leeds",
        "LS6 2PY",
    )
    assert (office.latitude, office.longitude, office.location_is_approximate) == (
        53.8139,
        -1.566,
        False,
    )
    assert office.accessibility == "Step-free entrance.\n\nA women's entrance at the side."
    assert (office.source, office.source_id) == ("Leeds", sid(8001))
    # No coordinates given: the district's middle, said to be approximate.
    assert (centre.address_1, centre.address_2, centre.postcode) == (
        "3 Park Lane",
        "Second floor",
        "LS2 7EW",
    )
    assert centre.location_is_approximate and round(centre.latitude, 1) == 53.8
    assert {office.organisation, centre.organisation} == {row.organisation}
    assert row.organisation.status == Status.DRAFT
    assert not models.Venue.objects.filter(organisation__status=Status.PUBLISHED).exists()


def test_a_second_run_makes_no_venue_and_changes_none(lookups, tmp_path):
    path = ndjson(tmp_path, [hyde_park(), service(2, service_at_locations=[at(1, address())])])
    run(path)
    state = current_state()
    venues = dict(models.Venue.objects.values_list("pk", "updated"))
    links = sorted(models.Service.venues.through.objects.values_list("service_id", "venue_id"))
    history = models.Venue.history.count(), models.Service.history.count()
    lines = run(path)
    assert "Venues: 0 created, 0 updated, 2 unchanged, 0 skipped." in lines
    assert dict(models.Venue.objects.values_list("pk", "updated")) == venues
    assert len(venues) == 2, "a location two services share is one venue"
    assert (
        sorted(models.Service.venues.through.objects.values_list("service_id", "venue_id")) == links
    )
    assert len(links) == 3
    assert (models.Venue.history.count(), models.Service.history.count()) == history
    assert current_state().version == state.version


@pytest.mark.parametrize(
    ("location", "why"),
    [
        (at(1, address("ABC 1234")), "its postcode “ABC 1234” is not a UK postcode"),
        (at(1, address("")), "its address has no postcode"),
        (at(1, address("GY1 1AA")), "outside the directory's coverage"),
        (at(1, address(address_1="")), "its address has no first line (address_1)"),
        (at(1, address(city="")), "its address has no town or city"),
        (at(1, address("ZZ9 9ZZ")), "in no postcode district the directory knows"),
        (at(1), "the location has no address"),
        (at(1, address(), id="not-a-uuid"), "the location id “not-a-uuid” is not a UUID"),
        ({"id": sid(7001), "location_id": sid(8001)}, "no location is given, only its id"),
    ],
    ids=["not-uk", "no-postcode", "guernsey", "no-line", "no-town", "unknown-district",
         "no-address", "bad-id", "id-only"],
)  # fmt: skip
def test_a_location_that_cannot_be_placed_is_skipped_and_named(lookups, tmp_path, location, why):
    path = ndjson(tmp_path, [service(1, service_at_locations=[location, at(2, address())])])
    lines = run(path)
    skipped = [line for line in lines if line.startswith("Skipped")]
    assert len(skipped) == 1
    assert skipped[0].startswith(
        f"Skipped the location {path} line 1/service_at_locations/0/location: "
    )
    assert why in skipped[0]
    assert "Venues: 1 created, 0 updated, 0 unchanged, 1 skipped." in lines
    assert lines[-1].startswith("Services: 1 created")
    assert models.Service.objects.get().venues.get().source_id == sid(8002)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(100, 101), (0, 0), (40.7, -74.0), ("53.8", None), ("north", "west"), (True, False)],
    ids=["out-of-range", "null-island", "abroad", "one-only", "words", "booleans"],
)
def test_coordinates_that_are_no_place_in_the_uk_are_dropped(
    lookups, tmp_path, latitude, longitude
):
    location = at(1, address(), latitude=latitude, longitude=longitude)
    lines = run(ndjson(tmp_path, [service(1, service_at_locations=[location])]))
    venue = models.Venue.objects.get()
    assert venue.location_is_approximate
    assert (venue.latitude, venue.longitude) == LS6
    assert [line for line in lines if line.startswith("Dropped location")]


def test_coordinates_in_csv_cells_are_read(lookups, tmp_path):
    location = at(1, address(), latitude="53.8139", longitude="-1.566")
    run(ndjson(tmp_path, [service(1, service_at_locations=[location])]))
    venue = models.Venue.objects.get()
    assert (venue.latitude, venue.longitude, venue.location_is_approximate) == (
        53.8139,
        -1.566,
        False,
    )


def test_older_feeds_physical_addresses_are_read_and_a_postal_one_is_the_last_resort(
    lookups, tmp_path
):
    older = at(1)
    older["location"]["postal_addresses"] = [address("LS2 7EW", address_1="PO Box 12")]
    older["location"]["physical_addresses"] = [address()]
    postal_only = at(2, address("LS2 7EW", address_1="PO Box 12", address_type="postal"))
    run(ndjson(tmp_path, [service(1, service_at_locations=[older, postal_only])]))
    assert dict(models.Venue.objects.values_list("source_id", "address_1")) == {
        sid(8001): "12 Woodhouse Street",
        sid(8002): "PO Box 12",
    }


def test_a_location_two_organisations_share_is_a_venue_of_each(lookups, tmp_path):
    other = {"id": "22222222-2222-4222-8222-222222222222", "name": "Leeds Listening"}
    records = [
        service(1, service_at_locations=[at(1, address())]),
        service(2, organisation=other, service_at_locations=[at(1, address())]),
    ]
    run(ndjson(tmp_path, records))
    run(ndjson(tmp_path, records))
    venues = models.Venue.objects.order_by("pk")
    assert [venue.organisation.name for venue in venues] == ["Harbour Counselling", other["name"]]
    assert [venue.source_id for venue in venues] == [sid(8001), f"{sid(8001)}/{other['id']}"]
    for row in models.Service.objects.all():
        assert row.venues.get().organisation == row.organisation


def test_on_a_published_listing_a_new_venue_or_a_new_address_is_held(lookups, tmp_path):
    run(ndjson(tmp_path, [service(1, service_at_locations=[at(1, address())])]))
    organisation = models.Organisation.objects.get()
    organisation.status = Status.PUBLISHED
    organisation.save()
    moved = at(1, address(address_1="14 Woodhouse Street"))
    lines = run(ndjson(tmp_path, [service(1, service_at_locations=[moved, at(2, address())])]))
    assert models.Venue.objects.get().address_1 == "12 Woodhouse Street"
    assert models.Service.objects.get().venues.count() == 1
    held = [line for line in lines if line.startswith("Held for an editor:")]
    assert len(held) == 2
    assert "address_1" in held[0] and "“14 Woodhouse Street”" in held[0]
    assert "the venue 12 Woodhouse Street, Leeds" in held[1]
    organisation.refresh_from_db()
    assert "lists a new venue of Harbour Counselling" in organisation.editor_notes


def test_a_source_change_to_a_drafts_venue_is_made_and_an_editors_is_kept(lookups, tmp_path):
    run(ndjson(tmp_path, [service(1, service_at_locations=[at(1, address())])]))
    venue = models.Venue.objects.get()
    venue.name = "Hyde Park Centre (side door)"
    venue.save()
    changed = at(1, address(address_1="14 Woodhouse Street"), name="Hyde Park Centre")
    changed["location"].update(latitude=53.8139, longitude=-1.566)
    lines = run(ndjson(tmp_path, [service(1, service_at_locations=[changed])]))
    venue.refresh_from_db()
    assert venue.address_1 == "14 Woodhouse Street"
    assert (venue.latitude, venue.longitude, venue.location_is_approximate) == (
        53.8139,
        -1.566,
        False,
    )
    assert venue.name == "Hyde Park Centre (side door)"
    assert any(line.startswith("Conflict:") and ", name (" in line for line in lines)
    assert "Venues: 0 created, 1 updated, 0 unchanged, 0 skipped." in lines


def test_an_editors_unlinking_of_a_venue_is_kept(lookups, tmp_path):
    path = ndjson(tmp_path, [service(1, service_at_locations=[at(1, address())])])
    run(path)
    row = models.Service.objects.get()
    row.venues.clear()
    run(path)
    assert not row.venues.exists()
    assert models.Venue.objects.count() == 1


def test_the_examples_one_location_is_skipped_for_its_placeholder_address(lookups):
    """The profile's example location is at "1-30 Main Street, MyCity, ABC 1234" (US), at
    latitude 100 and longitude 101: no UK place. It is named, and the service imports."""
    lines = run(EXAMPLES, source="examples")
    unplaced = [line for line in lines if line.startswith("Skipped the location")]
    assert len(unplaced) == 1 and "its postcode “ABC 1234” is not a UK postcode" in unplaced[0]
    assert not models.Venue.objects.exists()
    assert lines[-1].startswith("Services: 1 created")


def test_the_csv_examples_location_with_a_uk_address_is_a_venue(lookups, tmp_path):
    """The CSV package's location, address and accessibility tables, with the example's
    placeholder address put in Leeds."""
    package = package_copy(tmp_path)
    for name in ("address.csv", "addresses.csv"):
        path = package / name
        content = path.read_text(encoding="utf-8").replace("ABC 1234", "LS6 2PY")
        path.write_text(content.replace("MyCity", "Leeds"), encoding="utf-8")
    lines = run(package, source="csv")
    assert "Venues: 1 created, 0 updated, 0 unchanged, 0 skipped." in lines
    assert "Dropped location outside the UK or out of range: 1." in lines  # 100, 101
    venue = models.Service.objects.get(name="Community Counselling").venues.get()
    assert (venue.name, venue.address_1, venue.town, venue.postcode) == (
        "MyCity Civic Center",
        "1-30 Main Street",
        "Leeds",
        "LS6 2PY",
    )
    assert venue.source_id == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    assert venue.accessibility.startswith("The building is equipped with induction loops")
    assert "Switch hearing aid to T-coil" in venue.accessibility
    assert (venue.latitude, venue.longitude) == LS6 and venue.location_is_approximate


def test_the_export_round_trips_its_venues(db, tmp_path):
    call_command("seed_directory", verbosity=0)
    models.Organisation.objects.update(status=Status.PUBLISHED)
    services = list(models.Service.objects.public().order_by("pk")[:3])
    leeds = models.Venue.objects.create(
        organisation=services[0].organisation,
        name="Hyde Park Centre",
        address_1="12 Woodhouse Street",
        town="Leeds",
        postcode="LS6 2PY",
        latitude=53.8139,
        longitude=-1.566,
        accessibility="Step-free entrance.",
    )
    london = models.Venue.objects.create(
        organisation=services[1].organisation,
        address_1="1 Upper Street",
        town="London",
        postcode="N1 0AA",
    )
    services[0].venues.add(leeds)
    services[1].venues.add(london)

    def venue_facts():
        return sorted(
            (
                service.organisation.name,
                service.name,
                venue.name,
                venue.address_1,
                venue.town,
                venue.postcode,
                venue.latitude,
                venue.longitude,
                venue.location_is_approximate,
                venue.accessibility,
            )
            for service in models.Service.objects.filter(is_active=True)
            for venue in service.venues.all()
        )

    exported = venue_facts()
    assert len(exported) == 2
    call_command("export_openreferral", str(tmp_path / "package"), stdout=io.StringIO())
    models.Organisation.objects.all().delete()
    lines = run(tmp_path / "package", source="ourselves")
    assert not [line for line in lines if line.startswith(("Unmapped", "Skipped"))]
    assert "Venues: 2 created, 0 updated, 0 unchanged, 0 skipped." in lines
    assert venue_facts() == exported
