"""Signing in to admin in tests: every staff account needs a password and a code from an
authenticator app (directory/admin_site.py), so a test client signs in as a user whose session
was verified with their confirmed TOTP device, as the sign-in form leaves it."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user):
    """The user's confirmed authenticator-app device, enrolled now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def sign_in_verified(client, user):
    """Sign the client in as ``user`` with a session verified by their authenticator app."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device):
    """The 6-digit code the user's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
