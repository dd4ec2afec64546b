"""Enrol a staff member's authenticator app: every staff account signs in to admin with a code
from one (directory/admin_site.py)."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


class Command(BaseCommand):
    help = (
        "Give a staff user a confirmed authenticator-app (TOTP) device and print what to put in "
        "the app: an otpauth:// address (paste it, or make it a QR code) and the secret itself. "
        "They are shown here once and nowhere else."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the user's existing devices first (a lost or new phone).",
        )

    @transaction.atomic
    def handle(self, username, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} is not staff: only staff sign in to admin.")
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=None)
        if devices.exists() and not replace:
            raise CommandError(
                f"{username} already has an authenticator app. Use --replace to enrol a new one "
                "(the old one stops working)."
            )
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)

        self.stdout.write(self.style.SUCCESS(f"Enrolled an authenticator app for {username}."))
        self.stdout.write(
            "Add it to the app: scan this address as a QR code, or paste it, or type the secret."
        )
        self.stdout.write(f"Address: {device.config_url}")
        self.stdout.write(f"Secret: {b32encode(device.bin_key).decode()}")
        self.stdout.write("Keep neither: the app holds the secret from now on.")
