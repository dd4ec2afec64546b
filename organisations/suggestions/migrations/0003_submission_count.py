"""The rate limit's count of a client's submissions in its current hour, kept in the database
when Redis cannot keep it (organisations/suggestions/limits.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0002_own_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubmissionCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("client", models.CharField(help_text="A hash of the address (limits.client_id).", max_length=32)),
                ("started_at", models.DateTimeField(help_text="The first attempt of the current hour.")),
                ("attempts", models.PositiveIntegerField()),
            ],
            options={
                "ordering": ["started_at", "client"],
                "constraints": [models.UniqueConstraint(fields=("client",), name="submission_count_one_per_client")],
            },
        ),
    ]
