"""History and undo: every change to an organisation or a service, facets included, is recorded
with who made it and when, shown in admin, and an editor can restore an earlier version
(organisations/history.py, organisations/history_admin.py)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from organisations.history import FIRST_STATE
from organisations.models import DirectoryVersion, Organisation, Service

from .factories import OrganisationFactory, ServiceFactory, UserFactory
from .signin import sign_in_verified

pytestmark = pytest.mark.django_db


# --- Reading and sending admin's forms as a browser would ---------------------------------------


class _FormReader(HTMLParser):
    """The fields of the page's main admin form (``<form id="..._form">``), as a browser would
    send them: text inputs and textareas, ticked checkboxes, selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []
        self.in_form = False
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id", "").endswith("_form")
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            self.fields.append((name, value.removeprefix("\n")))
            self.textarea = None


def read_form(response):
    """{name: [values]} of the form on an admin page."""
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    assert data, "no form on the page"
    return data


def change_url(obj):
    return reverse(f"admin:organisations_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj):
    return reverse(f"admin:organisations_{obj._meta.model_name}_history", args=[obj.pk])


def revert_url(obj, version):
    name = f"admin:organisations_{obj._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, version.history_id])


def edit_in_admin(client, obj, **changes):
    """Open an object's change form, change some fields, save it; changes are lists of values for
    many-to-many fields and inline fields (``services-0-hours``)."""
    data = read_form(client.get(change_url(obj)))
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    return response


def restore_in_admin(client, obj, version):
    """Open a version from the history page and press "Revert", as an editor does."""
    page = client.get(revert_url(obj, version))
    assert 'value="Revert"' in page.content.decode()
    response = client.post(revert_url(obj, version), read_form(page))
    assert response.status_code == 302, response.context and response.context.get("errors")
    return page


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    return sign_in_verified(client, editor)


@pytest.fixture
def line(db, urdu, female, helpline):
    organisation = OrganisationFactory(name="Sabr Helpline", slug="sabr", phone="0300 000 0001")
    return ServiceFactory(
        organisation=organisation,
        name="Sisters' line",
        slug="sisters-line",
        hours="Mondays 10am to 2pm",
        languages=[urdu],
        practitioner_genders=[female],
        service_types=[helpline],
    )


# --- Recording ------------------------------------------------------------------------------------


def test_a_change_in_admin_is_recorded_with_the_editor_and_the_time(editor_client, editor, line):
    organisation = line.organisation

    edit_in_admin(editor_client, organisation, phone="0300 999 9999")

    latest = organisation.history.latest()
    assert latest.phone == "0300 999 9999"
    assert latest.history_user == editor
    assert latest.history_type == "~"
    earlier = latest.prev_record
    assert earlier.phone == "0300 000 0001"
    assert earlier.history_date <= latest.history_date


def test_a_service_changed_in_the_organisation_inline_is_recorded_with_the_editor(
    editor_client, editor, line, bengali
):
    edit_in_admin(
        editor_client,
        line.organisation,
        **{"services-0-hours": "Tuesdays 6pm to 9pm", "services-0-languages": [str(bengali.pk)]},
    )

    latest = line.history.latest()
    assert latest.hours == "Tuesdays 6pm to 9pm"
    assert set(latest.languages.values_list("language_id", flat=True)) == {bengali.pk}
    assert latest.history_user == editor


def test_facet_changes_are_recorded_in_each_version(
    editor_client, editor, line, urdu, male, bengali
):
    urdu_version = line.history.latest()

    edit_in_admin(
        editor_client,
        line,
        languages=[str(bengali.pk)],
        practitioner_genders=[str(male.pk)],
    )

    latest = line.history.latest()
    assert set(latest.languages.values_list("language_id", flat=True)) == {bengali.pk}
    assert set(latest.practitioner_genders.values_list("practitionergender_id", flat=True)) == {
        male.pk
    }
    assert latest.history_user == editor
    # The version before still holds the facets it had.
    assert set(urdu_version.languages.values_list("language_id", flat=True)) == {urdu.pk}
    diff = latest.diff_against(urdu_version)
    assert {"languages", "practitioner_genders"} <= set(diff.changed_fields)


def test_one_save_in_admin_is_one_version_however_many_facets_change(
    editor_client, line, male, bengali, counselling
):
    versions = line.history.count()

    edit_in_admin(
        editor_client,
        line,
        hours="Weekends only",
        languages=[str(bengali.pk)],
        practitioner_genders=[str(male.pk)],
        service_types=[str(counselling.pk)],
    )

    assert line.history.count() == versions + 1
    latest = line.history.latest()
    assert latest.hours == "Weekends only"
    assert set(latest.service_types.values_list("servicetype_id", flat=True)) == {counselling.pk}


def test_a_service_added_in_the_inline_is_recorded_once_with_its_facets(
    editor_client, editor, line, bengali
):
    data = read_form(editor_client.get(change_url(line.organisation)))
    data.update(
        {
            "services-TOTAL_FORMS": ["2"],
            "services-1-name": ["Brothers' line"],
            "services-1-slug": ["brothers-line"],
            "services-1-organisation": [str(line.organisation.pk)],
            "services-1-languages": [str(bengali.pk)],
            "services-1-is_active": ["on"],
            "services-1-cost": ["free"],
            "services-1-faith_approach": ["not-stated"],
            "services-1-referral": ["not-stated"],
        }
    )

    response = editor_client.post(change_url(line.organisation), data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    added = Service.objects.get(slug="brothers-line")
    (version,) = added.history.all()
    assert version.history_type == "+"
    assert version.history_user == editor
    assert set(version.languages.values_list("language_id", flat=True)) == {bengali.pk}


def test_admin_actions_on_the_list_are_recorded_with_the_editor(editor_client, editor):
    draft = OrganisationFactory(status=Organisation.Status.DRAFT)

    editor_client.post(
        reverse("admin:organisations_organisation_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    latest = draft.history.latest()
    assert latest.status == Organisation.Status.PUBLISHED
    assert latest.history_user == editor
    assert "Status" in latest.history_change_reason
    assert latest.prev_record.status == Organisation.Status.DRAFT


def test_a_change_made_without_a_signed_in_editor_is_recorded_without_one(line):
    line.hours = "By appointment"
    line.save()

    latest = line.history.latest()
    assert latest.hours == "By appointment"
    assert latest.history_user is None


# --- Restoring ------------------------------------------------------------------------------------


def test_restoring_a_previous_version_brings_back_the_old_values_facets_included(
    editor_client, editor, line, urdu, female, helpline, bengali, male, counselling
):
    before = line.history.latest()
    edit_in_admin(
        editor_client,
        line,
        hours="Weekends only",
        languages=[str(bengali.pk)],
        practitioner_genders=[str(male.pk)],
        service_types=[str(counselling.pk)],
    )
    line.refresh_from_db()
    assert line.hours == "Weekends only"
    assert ids(line.languages.all()) == {bengali.pk}

    page = restore_in_admin(editor_client, line, before)

    # The page showed the old facets before the editor pressed "Revert"...
    assert f'<option value="{urdu.pk}" selected>' in page.content.decode()
    # ...and the service has its old values and facets again.
    line.refresh_from_db()
    assert line.hours == "Mondays 10am to 2pm"
    assert ids(line.languages.all()) == {urdu.pk}
    assert ids(line.practitioner_genders.all()) == {female.pk}
    assert ids(line.service_types.all()) == {helpline.pk}
    # Restoring is itself a change, recorded with the editor who made it.
    latest = line.history.latest()
    assert latest.history_user == editor
    assert set(latest.languages.values_list("language_id", flat=True)) == {urdu.pk}


def test_restoring_an_organisation_brings_back_its_old_details(editor_client, line):
    organisation = line.organisation
    before = organisation.history.latest()
    edit_in_admin(editor_client, organisation, phone="0300 999 9999", summary="Changed.")

    restore_in_admin(editor_client, organisation, before)

    organisation.refresh_from_db()
    assert organisation.phone == "0300 000 0001"
    assert organisation.summary == "Sabr Helpline offers support."


def test_a_seeded_listing_can_be_restored_after_its_first_change(editor_client, editor):
    """Seeding records no history; the first change records how the listing stood before it."""
    call_command("seed_directory", verbosity=0)
    assert not Organisation.history.exists()
    assert not Service.history.exists()
    service = Service.objects.get(organisation__slug="muslim-youth-helpline", slug="helpline")
    seeded_modes = ids(service.delivery_modes.all())
    seeded_hours = service.hours
    assert len(seeded_modes) > 1

    edit_in_admin(editor_client, service, hours="Fridays 1pm", delivery_modes=[])

    first = service.history.earliest()
    assert first.history_change_reason == FIRST_STATE
    assert first.history_user is None
    assert service.history.latest().history_user == editor
    restore_in_admin(editor_client, service, first)
    service.refresh_from_db()
    assert service.hours == seeded_hours
    assert ids(service.delivery_modes.all()) == seeded_modes


def test_restoring_moves_the_directory_version_so_cached_pages_refresh(
    editor_client, line, settings, client
):
    from django.test import Client

    settings.DIRECTORY_PAGE_CACHE = True
    visitor = Client()
    before = line.history.latest()
    edit_in_admin(editor_client, line, hours="Weekends only")
    assert "Weekends only" in visitor.get("/organisations/sabr/").content.decode()
    version = DirectoryVersion.objects.get().version

    restore_in_admin(editor_client, line, before)

    assert DirectoryVersion.objects.get().version > version
    page = visitor.get("/organisations/sabr/").content.decode()
    assert "Mondays 10am to 2pm" in page
    assert "Weekends only" not in page


# --- Who may see and restore -------------------------------------------------------------------


def test_editors_see_the_history_page_with_who_changed_what(editor_client, line):
    edit_in_admin(editor_client, line, hours="Weekends only")

    page = editor_client.get(history_url(line))

    assert page.status_code == 200
    text = page.content.decode()
    assert "amina" in text
    assert "Weekends only" in text
    assert "Mondays 10am to 2pm" in text
    assert revert_url(line, line.history.latest()) in text
    organisation_page = editor_client.get(history_url(line.organisation))
    assert organisation_page.status_code == 200


def test_the_change_form_links_to_the_history(editor_client, line):
    assert (
        history_url(line.organisation)
        in editor_client.get(change_url(line.organisation)).content.decode()
    )


def test_staff_without_the_history_permissions_cannot_see_or_restore(client, line):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organisation", "view_service"])
    )
    sign_in_verified(client, viewer)

    assert client.get(history_url(line)).status_code == 403
    assert client.get(revert_url(line, line.history.latest())).status_code == 403


def test_seeing_history_does_not_allow_restoring(client, line):
    """simple-history would save a posted version for anyone allowed to see it."""
    watcher = UserFactory(is_staff=True)
    watcher.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_service", "change_service", "view_historicalservice"]
        )
    )
    sign_in_verified(client, watcher)
    version = line.history.latest()
    page = client.get(revert_url(line, version))
    assert page.status_code == 200
    assert 'value="Revert"' not in page.content.decode()
    data = read_form(page)
    data["hours"] = ["Changed by a watcher"]

    assert client.post(revert_url(line, version), data).status_code == 403
    line.refresh_from_db()
    assert line.hours == "Mondays 10am to 2pm"


# --- Deleting: archive instead ------------------------------------------------------------------


def test_an_editor_cannot_delete_an_organisation(editor_client, line):
    organisation = line.organisation
    url = reverse("admin:organisations_organisation_delete", args=[organisation.pk])

    form = editor_client.get(change_url(organisation)).content.decode()
    actions = editor_client.get(reverse("admin:organisations_organisation_changelist"))

    assert url not in form  # no "Delete" button
    assert "delete_selected" not in {
        name for name, _label in actions.context["action_form"].fields["action"].choices
    }
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_an_editor_archives_instead_and_can_undo_it(editor_client, line):
    organisation = line.organisation
    before = organisation.history.latest()

    edit_in_admin(editor_client, organisation, status=Organisation.Status.ARCHIVED)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.ARCHIVED

    restore_in_admin(editor_client, organisation, before)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PUBLISHED


def test_a_superuser_can_still_delete_and_the_history_keeps_it(client, line):
    organisation = line.organisation
    sign_in_verified(client, UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:organisations_organisation_delete", args=[organisation.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert organisation.history.latest().history_type == "-"
    assert Service.history.filter(id=line.pk).latest().history_type == "-"


# --- Bulk inserts -------------------------------------------------------------------------------


def test_synthetic_data_records_no_history(db):
    call_command("generate_synthetic_data", organisations=3, verbosity=0)

    assert Organisation.objects.count() == 3
    assert not Organisation.history.exists()
    assert not Service.history.exists()
