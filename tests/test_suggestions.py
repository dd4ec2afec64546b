"""The public suggests changes and organisations; editors review them; nothing is published."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from organisations.suggestions.models import Suggestion

from .factories import OrganisationFactory, UserFactory
from .signin import sign_in_verified

pytestmark = pytest.mark.django_db

NEW_ORGANISATION = "/suggest-an-organisation/"
SENT = "/suggestion-sent/"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def change_url(organisation):
    return f"/organisations/{organisation.slug}/suggest-a-change/"


@pytest.fixture
def sakoon(db):
    return OrganisationFactory(
        name="Sakoon", slug="sakoon", phone="020 7946 0000", website="https://sakoon.example"
    )


@pytest.fixture
def editor(db):
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    return sign_in_verified(client, editor)


@pytest.fixture
def counted_in_the_database(settings):
    """No Redis, whatever the tests run with: the rate limit counts in the database
    (organisations/suggestions/limits.py; tests/test_limits.py tests both places)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def field_error(response, name):
    """The error shown under a field, as a visitor reads it, or None."""
    match = re.search(
        rf'<p class="app-field__error" id="id_{name}_error">'
        r'<span class="app-visually-hidden">Error:</span> (.*?)</p>',
        response.content.decode(),
    )
    return match.group(1) if match else None


# --- The forms --------------------------------------------------------------------------------


def test_every_organisation_page_links_to_its_suggest_a_change_form(client, sakoon):
    page = client.get(sakoon.get_absolute_url()).content.decode()
    assert f'href="{change_url(sakoon)}"' in page


def test_every_page_links_to_suggest_an_organisation(client):
    for url in ("/", "/about/", "/organisations/"):
        assert f'href="{NEW_ORGANISATION}"' in client.get(url).content.decode(), url


def test_suggest_a_change_form_renders_for_the_organisation(client, sakoon):
    response = client.get(change_url(sakoon))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Suggest a change to Sakoon" in page
    assert 'name="csrfmiddlewaretoken"' in page
    for label in ("Phone number", "Opening hours", "It has closed", "Something else"):
        assert label in page
    # The honeypot is there for robots, hidden from people by a class, never an inline style.
    assert '<div class="app-suggest__trap" aria-hidden="true">' in page
    assert "style=" not in page
    assert "no-store" in response["Cache-Control"]
    # The page carries a CSRF token, so it tells the browser to send its origin with the post.
    assert response["Referrer-Policy"] == "same-origin"


def test_suggest_an_organisation_form_renders(client):
    response = client.get(NEW_ORGANISATION)
    assert response.status_code == 200
    assert "Name of the organisation" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_only_the_form_pages_set_a_cookie(client, sakoon, settings):
    assert not client.get(sakoon.get_absolute_url()).cookies
    assert not client.get("/privacy/").cookies
    assert list(client.get(change_url(sakoon)).cookies) == [settings.CSRF_COOKIE_NAME]


@pytest.mark.parametrize("status", [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED])
def test_no_suggestions_for_organisations_that_are_not_published(client, status):
    hidden = OrganisationFactory(slug="hidden", status=status)
    assert client.get(change_url(hidden)).status_code == 404
    response = client.post(change_url(hidden), {"problems": ["phone_wrong"]})
    assert response.status_code == 404
    assert not Suggestion.objects.exists()


def test_unknown_organisation_is_not_found(client):
    assert client.get("/organisations/no-such-place/suggest-a-change/").status_code == 404


# --- Sending a suggestion ---------------------------------------------------------------------


def test_a_suggested_change_is_saved_for_editors_and_not_published(client, sakoon):
    before = client.get(sakoon.get_absolute_url()).content
    response = client.post(
        change_url(sakoon),
        {"problems": ["phone_wrong", "hours_wrong"], "details": "The number is now 020 7946 0999"},
    )
    assert response.status_code == 302
    assert response["Location"] == SENT

    suggestion = Suggestion.objects.get()
    assert suggestion.organisation == sakoon
    assert suggestion.status == Suggestion.Status.NEW
    assert suggestion.problem_labels() == ["Phone number", "Opening hours"]
    assert suggestion.details == "The number is now 020 7946 0999"
    assert suggestion.contact_email == ""
    assert suggestion.handled_by is None

    sakoon.refresh_from_db()
    assert sakoon.phone == "020 7946 0000"
    assert client.get(sakoon.get_absolute_url()).content == before


def test_the_thank_you_page_says_what_happens_next(client):
    response = client.get(SENT)
    assert response.status_code == 200
    assert "An editor will read it" in response.content.decode()
    assert not response.cookies


def test_a_suggested_organisation_is_saved(client):
    response = client.post(
        NEW_ORGANISATION,
        {
            "organisation_name": "Nur Wellbeing",
            "organisation_website": "nur.example.org",
            "details": "Counselling for young people in Bradford",
        },
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.organisation is None
    assert suggestion.organisation_name == "Nur Wellbeing"
    assert suggestion.organisation_website == "https://nur.example.org"
    assert suggestion.status == Suggestion.Status.NEW
    assert not Organisation.objects.filter(name="Nur Wellbeing").exists()


def test_email_is_kept_with_consent(client, sakoon):
    client.post(
        change_url(sakoon),
        {"problems": ["email_wrong"], "contact_email": "me@example.org", "contact_consent": "on"},
    )
    suggestion = Suggestion.objects.get()
    assert (suggestion.contact_email, suggestion.contact_consent) == ("me@example.org", True)


def test_email_without_consent_is_refused(client, sakoon):
    response = client.post(
        change_url(sakoon), {"problems": ["email_wrong"], "contact_email": "me@example.org"}
    )
    assert response.status_code == 200
    assert field_error(response, "contact_consent") == (
        "Tick this box if we may email you, or leave the email address empty."
    )
    assert not Suggestion.objects.exists()


def test_consent_without_an_email_is_not_stored(client, sakoon):
    client.post(change_url(sakoon), {"problems": ["closed"], "contact_consent": "on"})
    assert Suggestion.objects.get().contact_consent is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "problems", "Choose at least one thing that is wrong or out of date."),
        ({"problems": ["price"]}, "problems", "Choose from the options listed."),
        ({"problems": ["other_wrong"]}, "details", "Tell us what else is wrong."),
        (
            {"problems": ["phone_wrong"], "details": "x" * 2001},
            "details",
            "Details must be 2,000 characters or fewer (you wrote 2001).",
        ),
        (
            {"problems": ["phone_wrong"], "contact_email": "not an email", "contact_consent": "on"},
            "contact_email",
            "Enter an email address like name@example.com, or leave it empty.",
        ),
    ],
)
def test_invalid_change_shows_the_error_at_the_field_and_saves_nothing(
    client, sakoon, data, field, message
):
    response = client.post(change_url(sakoon), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert page.count(message) == 2  # in the summary at the top, and at the field
    assert "There is a problem" in page
    assert "<title>Error: " in page
    if field != "problems":  # a group of checkboxes is described on its fieldset
        assert re.search(rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_error', page) or (
            re.search(rf'aria-describedby="[^"]*id_{field}_error[^"]*"[^>]*id="id_{field}"', page)
        )
    else:
        assert re.search(r'<fieldset [^>]*aria-describedby="[^"]*id_problems_error', page)
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"organisation_name": "   "}, "organisation_name", "Enter the name of the organisation."),
        (
            {"organisation_name": "n" * 201},
            "organisation_name",
            "This must be 200 characters or fewer (you wrote 201).",
        ),
        (
            {"organisation_name": "Nur", "organisation_website": "not a web address"},
            "organisation_website",
            "Enter a web address like https://www.example.org, or leave it empty.",
        ),
    ],
)
def test_invalid_organisation_shows_the_error_and_saves_nothing(client, data, field, message):
    response = client.post(NEW_ORGANISATION, data)
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not Suggestion.objects.exists()


def test_what_a_visitor_typed_is_kept_on_an_invalid_form_and_escaped(client, sakoon):
    response = client.post(
        change_url(sakoon), {"details": HOSTILE, "contact_email": "a@example.org"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_hostile_input_is_saved_as_text_and_escaped_for_editors(client, editor_client, sakoon):
    visitor = Client()
    visitor.post(change_url(sakoon), {"problems": ["other_wrong"], "details": HOSTILE})
    suggestion = Suggestion.objects.get()
    assert suggestion.details == HOSTILE
    page = editor_client.get(
        reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page


def test_junk_form_bodies_never_cause_an_error(client, sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 100
    for data in (
        {"problems": ["phone_wrong"] * 50, "details": "\x00"},
        {"problems": "", "contact_email": "@" * 300, "contact_consent": "maybe"},
    ):
        assert client.post(change_url(sakoon), data).status_code in (200, 302)
        assert client.post(NEW_ORGANISATION, data).status_code in (200, 302)
    # Bytes that are not UTF-8 (a lone surrogate, 0xFF) in a raw form body.
    body = "organisation_name=%ED%A0%80&details=%FF&problems=%FF"
    for url in (change_url(sakoon), NEW_ORGANISATION):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 302)
    assert all("\x00" not in suggestion.details for suggestion in Suggestion.objects.all())


# --- Abuse resistance -------------------------------------------------------------------------


def test_a_filled_in_honeypot_is_thanked_and_nothing_saved(client, sakoon):
    response = client.post(
        change_url(sakoon),
        {"problems": ["phone_wrong"], "details": "Buy now", "homepage": "https://spam.example"},
    )
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert not Suggestion.objects.exists()


def test_a_post_without_a_csrf_token_is_refused(sakoon):
    client = Client(enforce_csrf_checks=True)
    response = client.post(change_url(sakoon), {"problems": ["phone_wrong"]})
    assert response.status_code == 403
    response = client.post(NEW_ORGANISATION, {"organisation_name": "Nur"})
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_a_post_with_the_forms_csrf_token_is_accepted(sakoon):
    client = Client(enforce_csrf_checks=True)
    page = client.get(change_url(sakoon)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        change_url(sakoon), {"problems": ["closed"], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1


def test_the_sixth_submission_in_an_hour_is_refused_with_429(client, sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 5
    for _ in range(5):
        assert client.post(change_url(sakoon), {"problems": ["phone_wrong"]}).status_code == 302
    response = client.post(NEW_ORGANISATION, {"organisation_name": "Nur"})
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Suggestion.objects.count() == 5
    assert not Suggestion.objects.filter(organisation_name="Nur").exists()


def test_invalid_attempts_count_towards_the_limit(client, sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 2
    assert client.post(change_url(sakoon), {}).status_code == 200
    assert client.post(change_url(sakoon), {}).status_code == 200
    assert client.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 429
    assert not Suggestion.objects.exists()


def test_the_limit_is_per_client(sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 1
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert first.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302
    assert first.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 429
    assert second.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302
    # Addresses in one IPv6 /64 network are one client.
    one = Client(REMOTE_ADDR="2001:db8:1:2::1")
    same_network = Client(REMOTE_ADDR="2001:db8:1:2::ffff")
    assert one.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302
    assert same_network.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 429


def test_the_limit_is_forgotten_after_an_hour(
    client, sakoon, settings, monkeypatch, counted_in_the_database
):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 1
    assert client.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302
    assert client.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 429
    later = timezone.now() + timedelta(seconds=3601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302


def test_showing_the_forms_does_not_count(client, sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 1
    for _ in range(3):
        assert client.get(change_url(sakoon)).status_code == 200
    assert client.post(change_url(sakoon), {"problems": ["closed"]}).status_code == 302


# --- Queries ----------------------------------------------------------------------------------


def test_the_forms_make_few_queries(
    client, sakoon, django_assert_num_queries, counted_in_the_database
):
    with django_assert_num_queries(1):  # the organisation
        client.get(change_url(sakoon))
    with django_assert_num_queries(0):
        client.get(NEW_ORGANISATION)
    # The organisation; the count (limits.py, in the database without Redis): a savepoint, the
    # UPDATE that finds no row yet, a savepoint for the row's INSERT and its release, the release;
    # the form checks the email-and-consent constraint in the database (a savepoint, the check,
    # its release); the insert. (The test runs in a transaction; served, the outer savepoint
    # and its release are the count's own transaction instead.)
    with django_assert_num_queries(11):
        client.post(change_url(sakoon), {"problems": ["closed"]})
    # Counted on the row now: a savepoint, the UPDATE, the read of the count, the release.
    with django_assert_num_queries(9):
        client.post(change_url(sakoon), {"problems": ["closed"]})


# --- Editors ----------------------------------------------------------------------------------


def make_suggestion(organisation=None, **fields):
    if organisation is None:
        fields.setdefault("organisation_name", "Nur Wellbeing")
    else:
        fields.setdefault("phone_wrong", True)
    return Suggestion.objects.create(organisation=organisation, **fields)


def test_editors_see_suggestions_filtered_by_status(editor_client, sakoon):
    make_suggestion(sakoon, details="new number")
    make_suggestion(status=Suggestion.Status.REJECTED)
    url = reverse("admin:suggestions_suggestion_changelist")
    page = editor_client.get(url).content.decode()
    assert "Sakoon" in page
    assert "Phone number" in page
    assert "New organisation: Nur Wellbeing" in page
    new_only = editor_client.get(url, {"status__exact": "new"}).content.decode()
    assert "Sakoon" in new_only
    assert "Nur Wellbeing" not in new_only


@pytest.mark.parametrize(
    ("action", "status"),
    [("accept", Suggestion.Status.ACCEPTED), ("reject", Suggestion.Status.REJECTED)],
)
def test_accepting_or_rejecting_records_who_and_when(editor_client, editor, sakoon, action, status):
    suggestion = make_suggestion(sakoon)
    before = timezone.now()
    response = editor_client.post(
        reverse("admin:suggestions_suggestion_changelist"),
        {"action": action, "_selected_action": [suggestion.pk]},
        follow=True,
    )
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == status
    assert suggestion.handled_by == editor
    assert suggestion.handled_at >= before
    sakoon.refresh_from_db()
    assert sakoon.phone == "020 7946 0000"  # nothing about the listing changes


def test_changing_the_status_on_the_form_records_who_and_cannot_change_what_was_sent(
    editor_client, editor, sakoon
):
    suggestion = make_suggestion(sakoon, details="as sent")
    url = reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
    response = editor_client.post(url, {"status": "rejected", "details": "rewritten"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.handled_by) == (Suggestion.Status.REJECTED, editor)
    assert suggestion.details == "as sent"


def test_editors_cannot_add_or_delete_suggestions(editor_client, sakoon):
    suggestion = make_suggestion(sakoon)
    assert editor_client.get(reverse("admin:suggestions_suggestion_add")).status_code == 403
    delete = reverse("admin:suggestions_suggestion_delete", args=[suggestion.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()


# --- Keeping and deleting ---------------------------------------------------------------------


def test_purge_deletes_only_suggestions_older_than_the_set_period(sakoon, settings):
    settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS = 180
    now = timezone.now()
    old = make_suggestion(sakoon, created_at=now - timedelta(days=181))
    old_handled = make_suggestion(created_at=now - timedelta(days=200), status="accepted")
    recent = make_suggestion(sakoon, created_at=now - timedelta(days=179))
    out = StringIO()
    call_command("purge_suggestions", stdout=out)
    assert out.getvalue().splitlines()[0] == "Deleted 2 suggestions older than 180 days."
    assert list(Suggestion.objects.all()) == [recent]
    assert not Suggestion.objects.filter(pk__in=[old.pk, old_handled.pk]).exists()


def test_purge_takes_another_period(sakoon):
    make_suggestion(sakoon, created_at=timezone.now() - timedelta(days=10))
    out = StringIO()
    call_command("purge_suggestions", "--days", "30", stdout=out)
    assert "Deleted 0 suggestions" in out.getvalue()
    call_command("purge_suggestions", "--days", "7", stdout=out)
    assert "Deleted 1 suggestion older than 7 days." in out.getvalue()
    assert not Suggestion.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_suggestions", "--days", "-1")


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, settings):
    settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS = 90
    page = client.get("/privacy/").content.decode()
    assert "deleted 90 days after it was sent" in page
    assert "only if you give it and tick the box" in page


# --- The database keeps suggestions sound ------------------------------------------------------


def test_the_database_refuses_what_no_form_would_save(sakoon):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_suggestion(sakoon, contact_email="me@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_suggestion(sakoon, status="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.create(organisation=sakoon)  # says nothing is wrong
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.create(organisation=None)  # names no organisation
