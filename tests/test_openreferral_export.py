"""The Open Referral UK data package: ``manage.py export_openreferral DIR`` and the download on
/open-data/ (issue 14, item 14), validated with frictionless as a reuser would."""

import csv
import io
import json
import zipfile

import frictionless
import pytest
from django.core.management import CommandError, call_command

from organisations import models
from organisations.openreferral import exporting, licence
from tests.test_openreferral_feed import directory  # noqa: F401 (the fixture)


def read_table(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def package(tmp_path, directory):  # noqa: F811
    target = tmp_path / "package"
    output = io.StringIO()
    call_command("export_openreferral", str(target), stdout=output)
    assert output.getvalue().startswith(f"Wrote the data package into {target}: organization 72")
    return target


def test_the_package_validates_with_frictionless(package):
    report = frictionless.validate(str(package / "datapackage.json"))
    problems = report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, problems[:10]


def test_it_has_the_uk_descriptors_tables_and_columns_and_the_directorys_licence(package):
    written = json.loads((package / "datapackage.json").read_text())
    uk = json.loads(exporting.DESCRIPTOR.read_text())
    assert [r["path"] for r in written["resources"]] == [r["path"] for r in uk["resources"]]
    for resource in uk["resources"]:
        with open(package / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [field["name"] for field in resource["schema"]["fields"]]
    assert written["licenses"] == [
        {"name": "CC-BY-4.0", "path": licence.LICENCE_URL, "title": licence.LICENCE_NAME}
    ]
    assert licence.ATTRIBUTION in written["description"]


def test_it_holds_everything_public_and_nothing_else(package):
    services = read_table(package / "services.csv")
    public = models.Service.objects.public()
    assert {row["id"] for row in services} == {str(s.uuid) for s in public}
    organisations = read_table(package / "organizations.csv")
    published = models.Organisation.objects.published()
    assert {row["id"] for row in organisations} == {str(o.uuid) for o in published}
    everything = "".join(path.read_text() for path in package.glob("*.csv"))
    assert "Draft organisation" not in everything and "Service of a draft" not in everything
    attributes = read_table(package / "attribute.csv")
    assert {row["link_id"] for row in attributes} <= {row["id"] for row in services}
    counselling = models.ServiceType.objects.get(slug="counselling")
    tagged = {
        row["link_id"] for row in attributes if row["taxonomy_term_id"] == str(counselling.uuid)
    }
    assert tagged == {str(s.uuid) for s in public.filter(service_types=counselling)}
    phones = {row["number"] for row in read_table(package / "phones.csv")}
    assert phones == {s.contact_phone for s in public if s.contact_phone}


def test_export_into_a_file_is_a_clear_error(tmp_path, db):
    path = tmp_path / "a-file"
    path.write_text("")
    with pytest.raises(CommandError, match="is a file, not a directory"):
        call_command("export_openreferral", str(path))


def test_the_download_is_the_package_of_the_current_version(client, settings, tmp_path, directory):  # noqa: F811
    settings.DIRECTORY_EXPORT_DIR = tmp_path / "exports"
    response = client.get("/open-data/oruk-package.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "Set-Cookie" not in response
    assert response["Access-Control-Allow-Origin"] == "*"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "datapackage.json" in archive.namelist() and "services.csv" in archive.namelist()
    etag = response["ETag"]
    assert client.get("/open-data/oruk-package.zip", HTTP_IF_NONE_MATCH=etag).status_code == 304

    service = models.Service.objects.public().first()
    service.name = "Renamed for the download"
    service.save()
    response = client.get("/open-data/oruk-package.zip", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "Renamed for the download" in archive.read("services.csv").decode()
    assert len(list((tmp_path / "exports").glob("*.zip"))) == 1, "the old version's is removed"


def test_every_public_venue_is_a_location_with_its_address_once(package):
    venues = models.Venue.objects.filter(organisation__status="published")
    locations = read_table(package / "locations.csv")
    physical = {row["id"]: row for row in locations if row["location_type"] == "physical"}
    assert set(physical) == {str(venue.uuid) for venue in venues}
    assert len(locations) == len({row["id"] for row in locations}), "each location once"
    assert "Hidden hall" not in {row["name"] for row in locations}
    addresses = read_table(package / "address.csv")
    assert sorted(row["location_id"] for row in addresses) == sorted(physical)
    for row in addresses:
        venue = venues.get(uuid=row["location_id"])
        assert (row["address_1"], row["city"], row["postal_code"], row["country"]) == (
            venue.address_1,
            venue.town,
            venue.postcode,
            "GB",
        )
        assert float(physical[row["location_id"]]["latitude"]) == venue.latitude
    accessible = {
        row["location_id"]: row["description"] for row in read_table(package / "accessibility.csv")
    }
    assert accessible == {str(v.uuid): v.accessibility for v in venues if v.accessibility}
    assert accessible, "the directory fixture has step-free venues"
    links = read_table(package / "service_at_location.csv")
    at_venues = {
        (row["service_id"], row["location_id"]) for row in links if row["location_id"] in physical
    }
    expected = {
        (str(link.service.uuid), str(link.venue.uuid))
        for link in models.Service.venues.through.objects.filter(
            service__in=models.Service.objects.public()
        ).select_related("service", "venue")
    }
    assert at_venues == expected and len(expected) == 20
