"""Create an editor: a staff user in the Editors group, who can work in admin but not run it."""

import getpass
import os
import sys
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS_GROUP = "Editors"
PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create a staff user in the {EDITORS_GROUP} group. The password is asked for, "
        f"or read from {PASSWORD_VARIABLE} when that is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")
        parser.add_argument(
            "--add-to-group",
            action="store_true",
            help="If the user already exists, make them staff and add them to the group.",
        )

    @transaction.atomic
    def handle(self, username, email, add_to_group, **options):
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError(f"There is no {EDITORS_GROUP} group: run migrate first.") from None

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user and not add_to_group:
            raise CommandError(
                f"A user called {username!r} already exists. Use --add-to-group to make them "
                "an editor."
            )
        if user:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
            self.stdout.write(self.style.SUCCESS(f"{username} is now an editor."))
            return

        user = User(username=username, email=email, is_staff=True)
        with reported("Not a valid user"):
            user.full_clean(exclude=["password"])
        user.set_password(self.password_for(user))
        user.save()
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created the editor {username}."))
        self.stdout.write(
            "They sign in to admin with a code from an authenticator app: enrol one with "
            f"`manage.py enrol_totp {username}`."
        )

    def password_for(self, user):
        """The password from the environment, or asked for twice; checked by the validators."""
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(f"Set {PASSWORD_VARIABLE}, or run this in a terminal.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords did not match.")
        with reported("Password not accepted"):
            validate_password(password, user)
        return password


@contextmanager
def reported(heading):
    """Turn validation errors into a command error that lists them, one a line."""
    try:
        yield
    except ValidationError as error:
        raise CommandError(f"{heading}:\n  " + "\n  ".join(error.messages)) from None
