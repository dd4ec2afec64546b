"""Editors add, change and remove venues, see their history and restore a version, as they do
services."""

from django.db import migrations

from ._permissions import grant


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0016_venues_and_postcode_districts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant(
            "organisations",
            [
                "add_venue",
                "change_venue",
                "delete_venue",
                "view_venue",
                "view_historicalvenue",
                "change_historicalvenue",
            ],
        ),
    ]
