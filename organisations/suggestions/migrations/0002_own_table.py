"""The suggestions' table takes the app's name (suggestions_suggestion), its rows and constraints
as they are; the model's content type moves to the new app, so that its permissions, the Editors
group's grants of them and admin's log of every change go with it; and the Editors group is
granted viewing and changing suggestions again, in case a database had lost the grant."""

from django.db import migrations

from organisations.migrations._permissions import grant


def move_content_type(apps, schema_editor, old_label="organisations", new_label="suggestions"):
    alias = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    types = ContentType.objects.using(alias)
    old = types.filter(app_label=old_label, model="suggestion").first()
    if old is None:
        return
    new = types.filter(app_label=new_label, model="suggestion").first()
    if new is None:
        old.app_label = new_label
        old.save(update_fields=["app_label"])
        return
    # Both exist (a migrate that stopped half-way made the new one): keep the new one, with the
    # old one's grants and log.
    for permission in Permission.objects.using(alias).filter(content_type=old):
        twin = Permission.objects.using(alias).filter(
            content_type=new, codename=permission.codename
        ).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(twin)
        for user in permission.user_set.all():
            user.user_permissions.add(twin)
        permission.delete()
    LogEntry.objects.using(alias).filter(content_type=old).update(content_type=new)
    old.delete()


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old_label="suggestions", new_label="organisations")


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("organisations", "0010_suggestions_app_and_listing_models"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="suggestion", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
        grant("suggestions", ["view_suggestion", "change_suggestion"]),
    ]
