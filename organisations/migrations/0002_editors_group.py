"""Create the "Editors" group with exactly the permissions editors need (DESIGN.md §6).

Editors view, add and change organisations, services and the lookup tables, and may delete a
service (to remove it from an organisation). They may not delete organisations or lookups, and
have no say over users or groups.
"""

from django.db import migrations

from ._permissions import EDITORS, grant

LOOKUPS = ["servicetype", "deliverymode", "practitionergender", "audience", "area", "language"]
CODENAMES = [
    f"{action}_{model}"
    for model in ["organisation", "service", *LOOKUPS]
    for action in ["view", "add", "change"]
] + ["delete_service"]


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Undone last: the group itself goes.
        migrations.RunPython(migrations.RunPython.noop, delete_editors_group),
        grant("organisations", CODENAMES),
    ]
