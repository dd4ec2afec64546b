"""Hardened admin (issue 5): a lockout after repeated failed sign-ins (django-axes), a code from an
authenticator app for every staff account (django-otp), the admin's path from DJANGO_ADMIN_URL and
Django's password validators."""

import importlib
import re
from base64 import b32encode
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.client_address import client_address

from .factories import UserFactory
from .signin import current_code, sign_in_verified, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"  # UserFactory's
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Every sign-in here checks a password: Django's real hasher takes a good part of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    user = UserFactory(username="amina", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def enrolled_editor(editor):
    totp_device(editor)
    return editor


def sign_in(client, username, password=PASSWORD, code="", address=HOME):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": code},
        REMOTE_ADDR=address,
    )


def code_for(user):
    return current_code(totp_device(user))


def fail_to_sign_in(client, username, times, address=HOME):
    return [
        sign_in(client, username, password="not-the-password", address=address).status_code
        for _ in range(times)
    ]


# --- Lockout after failed sign-ins -------------------------------------------------------------


def test_five_failed_sign_ins_lock_out_even_the_right_password(client, enrolled_editor):
    assert fail_to_sign_in(client, "amina", 5) == [200, 200, 200, 200, 429]

    response = sign_in(client, "amina", code=code_for(enrolled_editor))

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page
    assert "paused for an hour" in page
    assert client.get(reverse("admin:index")).status_code == 302  # not signed in


def test_four_failed_sign_ins_do_not_lock_out(client, enrolled_editor):
    fail_to_sign_in(client, "amina", 4)

    response = sign_in(client, "amina", code=code_for(enrolled_editor))

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_lockout_is_for_that_username_and_address_only(client, enrolled_editor):
    hana = UserFactory(username="hana", is_staff=True, is_superuser=True)
    fail_to_sign_in(client, "amina", 5, address=HOME)

    assert sign_in(client, "hana", code=code_for(hana), address=HOME).status_code == 302
    client.logout()
    from_elsewhere = sign_in(client, "amina", code=code_for(enrolled_editor), address=ELSEWHERE)
    assert from_elsewhere.status_code == 302


def test_the_lockout_lasts_an_hour_and_is_never_permanent(settings):
    cool_off = settings.AXES_COOLOFF_TIME
    assert isinstance(cool_off, timedelta)
    assert cool_off == timedelta(hours=1)
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def attempts_made_ago(minutes):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_still_locked_out_59_minutes_later(client, enrolled_editor):
    fail_to_sign_in(client, "amina", 5)
    attempts_made_ago(59)

    assert sign_in(client, "amina", code=code_for(enrolled_editor)).status_code == 429


def test_signing_in_works_again_after_an_hour(client, enrolled_editor):
    fail_to_sign_in(client, "amina", 5)
    attempts_made_ago(61)

    response = sign_in(client, "amina", code=code_for(enrolled_editor))

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_superuser_can_unlock_a_username_at_once(client, enrolled_editor):
    fail_to_sign_in(client, "amina", 5)

    call_command("axes_reset_username", "amina", stdout=StringIO())

    assert sign_in(client, "amina", code=code_for(enrolled_editor)).status_code == 302


def test_a_superuser_sees_failed_sign_ins_in_admin(client, editor):
    fail_to_sign_in(client, "amina", 2)
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)

    response = sign_in_verified(client, superuser).get(
        reverse("admin:axes_accessattempt_changelist")
    )

    assert response.status_code == 200
    attempts = list(response.context["cl"].result_list)
    assert [(a.username, a.ip_address, a.failures_since_start) for a in attempts] == [
        ("amina", HOME, 2)
    ]


def test_a_failed_sign_in_records_neither_the_password_nor_the_code(client, editor):
    sign_in(client, "amina", password="my-secret-guess-1", code="246810")

    attempt = AccessAttempt.objects.get()
    assert attempt.username == "amina"
    assert "my-secret-guess-1" not in attempt.post_data
    assert "246810" not in attempt.post_data


def test_an_editor_cannot_see_or_clear_failed_sign_ins(client, editor):
    fail_to_sign_in(client, "someone", 2)
    attempt = AccessAttempt.objects.get()
    sign_in_verified(client, editor)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert "Access attempts" not in client.get(reverse("admin:index")).content.decode()


# --- The client's address behind proxies ------------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/admin/login/", **headers)


def test_served_directly_the_address_is_the_connections(settings):
    settings.DIRECTORY_TRUSTED_PROXIES = 0

    assert client_address(request_from("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings):
    settings.DIRECTORY_TRUSTED_PROXIES = 1

    # The client wrote the first entry itself; our proxy appended the second.
    request = request_from("10.0.0.254", forwarded="192.0.2.66, 198.51.100.1")

    assert client_address(request) == "198.51.100.1"


def test_behind_a_proxy_a_missing_header_falls_back_to_the_connection(settings):
    settings.DIRECTORY_TRUSTED_PROXIES = 2

    assert client_address(request_from("10.0.0.254", forwarded="198.51.100.1")) == "10.0.0.254"


def test_behind_a_proxy_lockouts_follow_the_forwarded_address(client, enrolled_editor, settings):
    settings.DIRECTORY_TRUSTED_PROXIES = 1
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "amina", "password": "wrong", "otp_token": ""},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )

    other_client = client.post(
        reverse("admin:login"),
        {"username": "amina", "password": PASSWORD, "otp_token": code_for(enrolled_editor)},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )

    assert other_client.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"


# --- A code from an authenticator app ---------------------------------------------------------


def test_the_sign_in_page_asks_for_the_code(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert '<label for="id_otp_token">Code from your authenticator app:</label>' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'aria-describedby="otp-token-hint"' in page


def test_staff_signed_in_without_a_code_cannot_reach_admin_pages(client, editor):
    totp_device(editor)
    client.force_login(editor)  # a password-only session

    for url in [reverse("admin:index"), reverse("admin:organisations_organisation_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_right_password_without_a_code_is_refused(client, enrolled_editor):
    response = sign_in(client, "amina")

    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app." in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_wrong_code_is_refused(client, enrolled_editor):
    wrong = f"{(int(code_for(enrolled_editor)) + 1) % 1_000_000:06d}"

    response = sign_in(client, "amina", code=wrong)

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_editor_without_an_authenticator_app_cannot_sign_in(client, editor):
    response = sign_in(client, "amina", code="123456")

    assert response.status_code == 200
    assert "This account has no authenticator app yet" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_unconfirmed_device_does_not_let_an_editor_in(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="Half set up", confirmed=False)

    response = sign_in(client, "amina", code=current_code(device))

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_password_and_the_current_code_open_admin(client, enrolled_editor):
    response = sign_in(client, "amina", code=code_for(enrolled_editor))

    assert response.status_code == 302
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Keep the listings true" in index.content.decode()


# --- Enrolling an authenticator app -----------------------------------------------------------


def enrol(*args):
    output = StringIO()
    call_command("enrol_totp", *args, stdout=output)
    return output.getvalue()


def test_enrol_totp_gives_a_confirmed_device_and_prints_what_the_app_needs(editor):
    output = enrol("amina")

    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed
    secret = b32encode(device.bin_key).decode()
    address = re.search(r"otpauth://totp/\S+", output).group()
    assert address.startswith("otpauth://totp/Muslim%20Mental%20Health%20Directory%3Aamina?")
    assert f"secret={secret}" in address
    assert "issuer=Muslim%20Mental%20Health%20Directory" in address
    assert f"Secret: {secret}" in output


def test_enrol_totp_refuses_a_second_app_unless_replacing(editor):
    enrol("amina")
    first = TOTPDevice.objects.get(user=editor)

    with pytest.raises(CommandError, match="already has an authenticator app"):
        enrol("amina")
    enrol("amina", "--replace")

    assert list(TOTPDevice.objects.filter(user=editor)) != [first]
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_enrol_totp_refuses_unknown_and_non_staff_users():
    UserFactory(username="visitor", is_staff=False)

    with pytest.raises(CommandError, match="no user called"):
        enrol("nobody")
    with pytest.raises(CommandError, match="not staff"):
        enrol("visitor")
    assert not TOTPDevice.objects.exists()


def test_admin_shows_a_superuser_an_enrolled_device_but_never_its_secret(client, editor):
    enrol("amina")
    device = TOTPDevice.objects.get(user=editor)
    sign_in_verified(client, UserFactory(is_staff=True, is_superuser=True))

    listed = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert "amina" in listed.content.decode()
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert b32encode(device.bin_key).decode() not in change.content.decode()
    config = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    assert client.get(config).status_code == 403


def test_an_editor_cannot_see_authenticator_devices(client, editor):
    sign_in_verified(client, editor)

    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403


# --- Passwords and the admin's path -----------------------------------------------------------


def test_a_password_of_11_characters_is_too_short():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("tqbfjotld-7")


def test_a_password_of_12_characters_is_long_enough():
    assert validate_password("tqbfjotld-79") is None


@pytest.fixture
def admin_at_another_path(settings):
    import directory.urls

    original = settings.ADMIN_URL
    settings.ADMIN_URL = "editors-only/"
    clear_url_caches()
    importlib.reload(directory.urls)
    yield
    settings.ADMIN_URL = original
    clear_url_caches()
    importlib.reload(directory.urls)


def test_admin_lives_at_django_admin_url(client, admin_at_another_path):
    response = client.get("/editors-only/")

    assert response.status_code == 302
    assert response["Location"].startswith("/editors-only/login/")
    assert client.get("/admin/").status_code == 404
