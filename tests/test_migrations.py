"""Suggestions moved to their own app by migration (organisations/suggestions/migrations): a
database from before keeps every suggestion, the admin log of each, and the Editors group's right
to review them; and the move can be undone. Run on a database of its own, made for the test."""

import json
import uuid

import pytest
from django.db import connection

from . import commands
from .commands import clean_environment

BEFORE_THE_MOVE = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO organisations_suggestion (phone_wrong, website_wrong, email_wrong, "
        "hours_wrong, services_wrong, closed, other_wrong, details, organisation_name, "
        "organisation_website, contact_email, contact_consent, status, created_at) VALUES "
        "(false, false, false, false, false, false, false, 'Please list us', 'Noor Trust', '', "
        "'', false, 'new', CURRENT_TIMESTAMP)"
    )
    cursor.execute("SELECT id FROM organisations_suggestion")
    suggestion = cursor.fetchone()[0]
    cursor.execute(
        "SELECT id FROM django_content_type WHERE app_label = 'organisations' "
        "AND model = 'suggestion'"
    )
    content_type = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO django_admin_log (action_time, object_id, object_repr, action_flag, "
        "change_message, content_type_id, user_id) SELECT CURRENT_TIMESTAMP, %s, 'Noor Trust', 2, "
        "'[]', %s, id FROM auth_user",
        [str(suggestion), content_type],
    )
print(json.dumps({"suggestion": suggestion, "content_type": content_type}))
"""

AFTER_THE_MOVE = """
import json
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from organisations.suggestions.models import Suggestion
content_type = ContentType.objects.get_for_model(Suggestion)
print(json.dumps({
    "suggestions": list(Suggestion.objects.values_list("id", "organisation_name", "details")),
    "content_type": content_type.id,
    "old_content_type_left": ContentType.objects.filter(
        app_label="organisations", model="suggestion").exists(),
    "logged": list(LogEntry.objects.values_list("content_type_id", "object_id")),
    "editors_may": sorted(
        Group.objects.get(name="Editors").permissions
        .filter(content_type=content_type).values_list("codename", flat=True)),
}))
"""


@pytest.fixture
def database(tmp_path):
    """A database of the test's own: an SQLite file, or a new PostgreSQL database beside the test
    database when the suite runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    name = f"directory_migrations_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    options = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def manage(database, *args):
    env = clean_environment(DATABASE_URL=database, DJANGO_DEBUG="0")
    return commands.manage(*args, env=env, check=True).stdout


def run(database, code):
    return json.loads(manage(database, "shell", "--no-imports", "--command", code).splitlines()[-1])


def test_a_database_from_before_keeps_its_suggestions_log_and_editors_rights(database):
    manage(database, "migrate", "--no-input", "organisations", "0009_history")
    manage(database, "migrate", "--no-input", "admin")
    manage(
        database,
        "shell",
        "--no-imports",
        "--command",
        "from django.contrib.auth.models "
        "import User; User.objects.create_user('amina', password='a-long-password-1')",
    )
    before = run(database, BEFORE_THE_MOVE)

    manage(database, "migrate", "--no-input")
    after = run(database, AFTER_THE_MOVE)

    assert after["suggestions"] == [[before["suggestion"], "Noor Trust", "Please list us"]]
    # The same content type, now the new app's: permissions, grants and the log follow it.
    assert after["content_type"] == before["content_type"]
    assert not after["old_content_type_left"]
    assert after["logged"] == [[before["content_type"], str(before["suggestion"])]]
    assert after["editors_may"] == ["change_suggestion", "view_suggestion"]


def test_the_move_can_be_undone_and_done_again(database):
    manage(database, "migrate", "--no-input")
    manage(
        database,
        "shell",
        "--no-imports",
        "--command",
        "from organisations.suggestions.models "
        "import Suggestion; Suggestion.objects.create(organisation_name='Sakina Circle')",
    )

    manage(database, "migrate", "--no-input", "suggestions", "zero")
    back = run(
        database,
        "import json; from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT organisation_name FROM organisations_suggestion')\n"
        "    print(json.dumps(c.fetchall()))",
    )
    assert back == [["Sakina Circle"]]

    manage(database, "migrate", "--no-input")
    again = run(database, AFTER_THE_MOVE)
    assert [name for _id, name, _details in again["suggestions"]] == ["Sakina Circle"]
    assert again["editors_may"] == ["change_suggestion", "view_suggestion"]


IDENTITIES = """
import json
from organisations import models
from organisations.models import Organisation, Service
tables = [models.ServiceType, models.PractitionerGender, models.DeliveryMode, models.Audience,
          models.Area, models.Language, Organisation, Service]
identities = {model.__name__: [str(u) for u in model.objects.values_list("uuid", flat=True)]
              for model in tables}
print(json.dumps({
    "identities": identities,
    "history": [[str(Organisation.objects.get(pk=h.id).uuid), str(h.uuid)]
                for h in Organisation.history.all()],
}))
"""


def test_the_identity_migration_gives_every_existing_row_its_own_uuid(database):
    """Migration 0014 on a directory that existed before it: every organisation, service and
    lookup value gets a UUID of its own, and history records take their row's."""
    manage(database, "migrate", "--no-input")
    manage(database, "seed_directory")
    manage(
        database,
        "shell",
        "--no-imports",
        "--command",
        "from organisations.models import Organisation\n"
        "for o in Organisation.objects.all()[:3]:\n"
        "    o.summary += ' Edited.'\n"
        "    o.save()",
    )
    manage(database, "migrate", "--no-input", "organisations", "0013_search_in_every_language")
    manage(database, "migrate", "--no-input")
    after = run(database, IDENTITIES)
    counts = {name: len(identities) for name, identities in after["identities"].items()}
    assert counts["Organisation"] == 12 and counts["Service"] == 18 and counts["Language"] > 10
    every = [identity for identities in after["identities"].values() for identity in identities]
    assert len(every) == len(set(every)), "no two rows share a UUID"
    assert all(identity != "None" for identity in every)
    assert len(after["history"]) >= 6  # each edited organisation: as it stood, and after
    assert all(live == recorded for live, recorded in after["history"])


PLACES_AGAINST_THE_SOURCE = """
import json
from django.db import connection
PLACES = (
    "SELECT service_id, venue_id, latitude, longitude, town, postcode, location_is_approximate, "
    "organisation_id, sort_name, last_verified, keys, cost, faith_approach "
    "FROM organisations_listing_place"
)
SOURCE = (
    "SELECT sv.service_id, v.id, v.latitude, v.longitude, v.town, v.postcode, "
    "v.location_is_approximate, l.organisation_id, l.sort_name, l.last_verified, l.keys, l.cost, "
    "l.faith_approach FROM organisations_service_venues sv "
    "JOIN organisations_venue v ON v.id = sv.venue_id "
    "LEFT JOIN organisations_listing l ON l.service_id = sv.service_id"
)
with connection.cursor() as cursor:
    counts = {}
    for name, query in (
        ("places", PLACES), ("listed", PLACES + " WHERE organisation_id IS NOT NULL"),
        ("links", "SELECT 1 FROM organisations_service_venues"),
        ("only_in_places", f"({PLACES}) EXCEPT ({SOURCE})"),
        ("only_in_source", f"({SOURCE}) EXCEPT ({PLACES})"),
    ):
        cursor.execute(f"SELECT count(*) FROM ({query}) q")
        counts[name] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


@pytest.mark.postgres
def test_the_place_rows_migration_fills_them_from_the_links_there_are(database):
    """Migration 0018 on a directory with venues: a row for every link, each true to its venue
    and its service's listing; and it can be undone and done again."""
    manage(database, "migrate", "--no-input")
    manage(database, "generate_synthetic_data", "--organisations", "60")
    manage(database, "migrate", "--no-input", "organisations", "0017_editors_venues")
    manage(database, "migrate", "--no-input")
    counts = run(database, PLACES_AGAINST_THE_SOURCE)
    assert counts["places"] == counts["links"] > 0
    assert 0 < counts["listed"] <= counts["places"]
    assert counts["only_in_places"] == counts["only_in_source"] == 0
