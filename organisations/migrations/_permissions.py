"""For migrations that give a group permissions: editors' rights are granted only by migrations,
so that every database has the same (DESIGN.md §6)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"


def _permissions(apps, alias, app_label, codenames):
    # Permissions are normally created after migrate; create the app's now so they can be granted.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=alias)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(alias).filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Cannot grant {sorted(missing)} of {app_label}: no such permissions.")
    return permissions


def grant(app_label, codenames, group_name=EDITORS):
    """A RunPython operation that gives ``group_name`` (made if need be) these permissions of
    ``app_label``'s models; reversed, it takes them away again."""

    def forward(apps, schema_editor):
        alias = schema_editor.connection.alias
        permissions = _permissions(apps, alias, app_label, codenames)
        Group = apps.get_model("auth", "Group")
        group, _ = Group.objects.using(alias).get_or_create(name=group_name)
        group.permissions.add(*permissions)

    def backward(apps, schema_editor):
        alias = schema_editor.connection.alias
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        permissions = Permission.objects.using(alias).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        for group in Group.objects.using(alias).filter(name=group_name):
            group.permissions.remove(*permissions)

    return migrations.RunPython(forward, backward)
