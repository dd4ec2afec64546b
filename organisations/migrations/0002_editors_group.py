"""Create the "Editors" group with exactly the permissions editors need (DESIGN.md §6).

Editors view, add and change organisations, services and the lookup tables, and may delete a
service (to remove it from an organisation). They may not delete organisations or lookups, and
have no say over users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"
LOOKUPS = ["servicetype", "deliverymode", "practitionergender", "audience", "area", "language"]
CODENAMES = [
    f"{action}_{model}"
    for model in ["organisation", "service", *LOOKUPS]
    for action in ["view", "add", "change"]
] + ["delete_service"]


def create_editors_group(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    # Permissions are normally created after migrate; create this app's now so they can be granted.
    app_config = apps.get_app_config("organisations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db_alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db_alias).filter(
        content_type__app_label="organisations", codename__in=CODENAMES
    )
    missing = set(CODENAMES) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Cannot create the Editors group: no permissions {sorted(missing)}.")
    group, _ = Group.objects.using(db_alias).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
