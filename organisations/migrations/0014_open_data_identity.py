"""Identity in open data (DESIGN.md §3, §9; issue 14): a UUID for every organisation, service and
lookup value, where an imported row came from, and when each service was made and last changed.

Each UUID column is added empty, every existing row is given its own ``uuid4`` (a column added with
a default would give every row the same one), and only then made unique and required. History rows
take the UUID of the row they record, so a version restored in admin keeps its identity; history
of a row deleted since gets one of its own, as it can never be restored over a live row's.
"""

import uuid

import django.utils.timezone
from django.db import migrations, models

LIVE = [
    "servicetype",
    "practitionergender",
    "deliverymode",
    "audience",
    "area",
    "language",
    "organisation",
    "service",
]
HISTORY = {"historicalorganisation": "organisation", "historicalservice": "service"}


def identity(**options):
    return models.UUIDField(
        verbose_name="identity in open data",
        editable=False,
        help_text="Its id in the Open Referral UK feed: never changes.",
        **options,
    )


def give_every_row_its_own(apps, schema_editor):
    for name in LIVE:
        model = apps.get_model("organisations", name)
        rows = list(model.objects.only("pk"))
        for row in rows:
            row.uuid = uuid.uuid4()
        model.objects.bulk_update(rows, ["uuid"], batch_size=2000)
    for name, live_name in HISTORY.items():
        model = apps.get_model("organisations", name)
        live = dict(apps.get_model("organisations", live_name).objects.values_list("pk", "uuid"))
        rows = list(model.objects.only("pk", "id"))
        for row in rows:
            row.uuid = live.get(row.id) or uuid.uuid4()
        model.objects.bulk_update(rows, ["uuid"], batch_size=2000)


def imported_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="source",
            field=models.CharField(
                blank=True,
                help_text="The directory or feed it was imported from; empty when made here.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="source_id",
            field=models.CharField(
                blank=True,
                help_text="Its id in that source.",
                max_length=200,
                verbose_name="id at the source",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="imported",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Each field as the last import set it.",
                verbose_name="values as last imported",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("organisations", "0013_search_in_every_language")]

    operations = [
        *(
            migrations.AddField(model_name=name, name="uuid", field=identity(null=True))
            for name in [*LIVE, *HISTORY]
        ),
        migrations.RunPython(give_every_row_its_own, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name, name="uuid", field=identity(default=uuid.uuid4, unique=True)
            )
            for name in LIVE
        ),
        *(
            migrations.AlterField(
                model_name=name, name="uuid", field=identity(default=uuid.uuid4, db_index=True)
            )
            for name in HISTORY
        ),
        *(
            operation
            for name in ["organisation", "service", *HISTORY]
            for operation in imported_fields(name)
        ),
        # When each service was made and last changed (the feed's last_modified; modified_after):
        # rows there before take the moment of the migration.
        *(
            migrations.AddField(
                model_name=name,
                name=field,
                field=models.DateTimeField(
                    default=django.utils.timezone.now,
                    editable=False,
                    blank=True,
                ),
                preserve_default=False,
            )
            for name in ["service", "historicalservice"]
            for field in ["created", "updated"]
        ),
        migrations.AlterField(
            model_name="service", name="created", field=models.DateTimeField(auto_now_add=True)
        ),
        migrations.AlterField(
            model_name="service", name="updated", field=models.DateTimeField(auto_now=True)
        ),
        migrations.AlterField(
            model_name="historicalservice",
            name="created",
            field=models.DateTimeField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalservice",
            name="updated",
            field=models.DateTimeField(blank=True, editable=False),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=~models.Q(source=""),
                fields=("source", "source_id"),
                name="organisation_source_id_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=models.UniqueConstraint(
                condition=~models.Q(source=""),
                fields=("source", "source_id"),
                name="service_source_id_unique",
            ),
        ),
    ]
