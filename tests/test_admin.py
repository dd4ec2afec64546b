"""Editors keep the listings true in Django admin (DESIGN.md §6)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation

from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .signin import current_code, sign_in_verified, totp_device

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:organisations_organisation_changelist"
LOOKUPS = ["servicetype", "deliverymode", "practitionergender", "audience", "area", "language"]
# Session, user, the session's authenticator app (django-otp), the user's and the group's
# permissions, the sources for the source filter, the two counts, the page of results.
CHANGELIST_QUERIES = 9


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


def listed(response):
    return {organisation.name for organisation in response.context["cl"].result_list}


def run_action(client, action, organisations):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


def action_names(response):
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


@pytest.fixture
def editor(db):
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    return sign_in_verified(client, editor)


@pytest.fixture
def sakoon(db, urdu, female, counselling):
    organisation = OrganisationFactory(name="Sakoon", slug="sakoon")
    ServiceFactory(
        organisation=organisation,
        name="Counselling in Urdu",
        languages=[urdu],
        practitioner_genders=[female],
        service_types=[counselling],
    )
    ServiceFactory(organisation=organisation, name="Sisters' circle")
    return organisation


# --- What an editor can open ------------------------------------------------------------------


def test_editor_can_open_the_admin_index(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Organisations" in response.content.decode()


def test_editor_can_open_the_organisation_list(editor_client, sakoon):
    response = changelist(editor_client)

    assert response.status_code == 200
    assert listed(response) == {"Sakoon"}


def test_editor_can_open_an_organisation_with_its_services_inline(editor_client, sakoon):
    url = reverse("admin:organisations_organisation_change", args=[sakoon.pk])

    response = editor_client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Counselling in Urdu" in page
    assert "Sisters&#x27; circle" in page
    assert "Editor notes: never shown publicly" in page


def test_editor_can_open_the_add_form(editor_client):
    response = editor_client.get(reverse("admin:organisations_organisation_add"))

    assert response.status_code == 200
    assert 'name="services-TOTAL_FORMS"' in response.content.decode()


def test_editor_can_search_lookups_for_the_service_autocomplete(editor_client, urdu, english):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "organisations",
            "model_name": "service",
            "field_name": "languages",
            "term": "urd",
        },
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Urdu"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:organisations_service_changelist",
        "admin:organisations_service_add",
        "admin:organisations_language_changelist",
        "admin:organisations_area_changelist",
        "admin:organisations_servicetype_add",
    ],
)
def test_editor_can_open_services_and_lookups(editor_client, sakoon, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 200


def test_published_organisations_link_to_their_public_page(editor_client):
    OrganisationFactory(name="Published one", slug="published-one")
    OrganisationFactory(name="Draft one", slug="draft-one", status=Organisation.Status.DRAFT)

    page = changelist(editor_client).content.decode()

    assert 'href="/organisations/published-one/"' in page
    assert 'href="/organisations/draft-one/"' not in page


def test_only_a_published_organisation_offers_view_on_site(editor_client):
    published = OrganisationFactory(slug="published-one")
    draft = OrganisationFactory(status=Organisation.Status.DRAFT)

    def change_form(organisation):
        url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
        return editor_client.get(url).content.decode()

    assert 'href="/organisations/published-one/" class="viewsitelink"' in change_form(published)
    assert "viewsitelink" not in change_form(draft)


# --- Needs review and search ------------------------------------------------------------------


@pytest.fixture
def checked_at_various_times(db):
    OrganisationFactory(name="Never checked", last_verified=None)
    OrganisationFactory(name="Checked seven months ago", last_verified=days_ago(213))
    OrganisationFactory(name="Checked 184 days ago", last_verified=days_ago(184))
    OrganisationFactory(name="Checked 183 days ago", last_verified=days_ago(183))
    OrganisationFactory(name="Checked last week", last_verified=days_ago(7))


def test_needs_review_lists_never_checked_and_over_six_months(
    editor_client, checked_at_various_times
):
    response = changelist(editor_client, needs_review="yes")

    assert listed(response) == {
        "Never checked",
        "Checked seven months ago",
        "Checked 184 days ago",
    }


def test_not_needing_review_lists_recently_checked(editor_client, checked_at_various_times):
    response = changelist(editor_client, needs_review="no")

    assert listed(response) == {"Checked 183 days ago", "Checked last week"}


def test_search_finds_an_organisation_by_its_service_name_once(editor_client, sakoon):
    ServiceFactory(organisation=sakoon, name="Circle for sisters' carers")
    OrganisationFactory(name="Inspirited Minds")

    response = changelist(editor_client, q="circle")

    assert [o.name for o in response.context["cl"].result_list] == ["Sakoon"]


# --- Actions ----------------------------------------------------------------------------------


def test_mark_as_verified_today_sets_date_and_editor_on_selected_only(editor_client, editor):
    chosen = OrganisationFactory.create_batch(2, last_verified=None)
    other = OrganisationFactory(last_verified=days_ago(300))

    response = run_action(editor_client, "mark_verified_today", chosen)

    assert "Marked 2 organisations as verified today." in response.content.decode()
    for organisation in chosen:
        organisation.refresh_from_db()
        assert organisation.last_verified == timezone.localdate()
        assert organisation.verified_by == editor
    other.refresh_from_db()
    assert other.last_verified == days_ago(300)
    assert other.verified_by is None
    assert LogEntry.objects.filter(user=editor).count() == 2


def test_publish_and_unpublish(editor_client):
    draft = OrganisationFactory(status=Organisation.Status.DRAFT)
    published = OrganisationFactory(status=Organisation.Status.PUBLISHED)

    run_action(editor_client, "publish", [draft])
    run_action(editor_client, "unpublish", [published])

    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Organisation.Status.PUBLISHED
    assert published.status == Organisation.Status.DRAFT


def test_changing_the_checked_date_in_the_form_records_the_editor(editor_client, editor):
    organisation = OrganisationFactory(name="Sakoon", slug="sakoon", last_verified=None)
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    data = {
        "name": "Sakoon",
        "slug": "sakoon",
        "summary": "Counselling.",
        "status": "published",
        "last_verified": timezone.localdate().strftime("%d/%m/%Y"),
        "services-TOTAL_FORMS": "0",
        "services-INITIAL_FORMS": "0",
        "venues-TOTAL_FORMS": "0",
        "venues-INITIAL_FORMS": "0",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    organisation.refresh_from_db()
    assert organisation.last_verified == timezone.localdate()
    assert organisation.verified_by == editor


# --- What an editor may not do ----------------------------------------------------------------


def test_editor_cannot_delete_an_organisation(editor_client):
    organisation = OrganisationFactory()

    response = editor_client.get(
        reverse("admin:organisations_organisation_delete", args=[organisation.pk])
    )

    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_editor_is_not_offered_the_delete_action(editor_client, sakoon):
    names = action_names(changelist(editor_client))

    assert names == {"", "mark_verified_today", "publish", "unpublish"}


def test_superuser_keeps_the_delete_action(client, sakoon):
    sign_in_verified(client, UserFactory(is_staff=True, is_superuser=True))

    assert "delete_selected" in action_names(changelist(client))


def test_staff_outside_the_editors_group_cannot_open_the_list(client):
    sign_in_verified(client, UserFactory(is_staff=True))

    assert changelist(client).status_code == 403


def test_editors_group_has_exactly_the_permissions_editors_need():
    group = Group.objects.get(name="Editors")
    expected = {
        f"organisations.{action}_{model}"
        for model in ["organisation", "service", *LOOKUPS]
        for action in ["view", "add", "change"]
    } | {"organisations.delete_service"}
    # History: see it, and restore a version (migration 0009).
    expected |= {
        f"organisations.{action}_historical{model}"
        for model in ["organisation", "service"]
        for action in ["view", "change"]
    }
    # Suggestions from the public: read them, accept or reject them (migration 0008).
    expected |= {"suggestions.view_suggestion", "suggestions.change_suggestion"}
    # Venues: add, change and remove them, see and restore their history (migration 0017).
    expected |= {
        f"organisations.{action}_venue" for action in ["view", "add", "change", "delete"]
    } | {"organisations.view_historicalvenue", "organisations.change_historicalvenue"}

    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }

    assert granted == expected


# --- Query counts -----------------------------------------------------------------------------


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = changelist(client)
    assert response.status_code == 200
    return len(queries)


def test_organisation_list_makes_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for organisation in OrganisationFactory.create_batch(5):
        ServiceFactory.create_batch(2, organisation=organisation)

    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        changelist(editor_client)


def test_organisation_list_queries_do_not_grow_with_organisations(editor_client):
    for organisation in OrganisationFactory.create_batch(5):
        ServiceFactory(organisation=organisation)
    with_five = changelist_queries(editor_client)

    for organisation in OrganisationFactory.create_batch(45):
        ServiceFactory(organisation=organisation)
    with_fifty = changelist_queries(editor_client)

    assert with_five == with_fifty


# --- The create_editor command ----------------------------------------------------------------


def test_create_editor_makes_a_staff_user_who_can_sign_in_once_enrolled(client, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-editor-passphrase")

    output = StringIO()
    call_command("create_editor", "yusuf", "--email", "yusuf@example.org", stdout=output)
    call_command("enrol_totp", "yusuf", stdout=StringIO())

    assert "manage.py enrol_totp yusuf" in output.getvalue()
    user = get_user_model().objects.get(username="yusuf")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    response = client.post(
        reverse("admin:login"),
        {
            "username": "yusuf",
            "password": "a-long-editor-passphrase",
            "otp_token": current_code(totp_device(user)),
            "next": reverse(CHANGELIST),
        },
    )
    assert response.status_code == 302
    assert changelist(client).status_code == 200


def test_create_editor_rejects_a_short_password(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "short")

    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "yusuf")

    assert not get_user_model().objects.filter(username="yusuf").exists()


def test_create_editor_refuses_an_existing_user_unless_asked_to_add_them(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-editor-passphrase")
    user = UserFactory(username="hana", is_staff=False)

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "hana")
    call_command("create_editor", "hana", "--add-to-group", stdout=StringIO())

    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name="Editors").exists()
    assert user.check_password("a-long-test-password-1")  # the password is left alone
