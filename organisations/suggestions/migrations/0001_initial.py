"""Suggestions become their own app. Their table stays as migration organisations 0008 made it:
this only tells Django, in its record of the models, that the model is now here (the next
migration renames the table and moves permissions and admin's log with the model)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0009_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Suggestion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("phone_wrong", models.BooleanField(default=False, verbose_name="phone number")),
                        ("website_wrong", models.BooleanField(default=False, verbose_name="website")),
                        ("email_wrong", models.BooleanField(default=False, verbose_name="email address")),
                        ("hours_wrong", models.BooleanField(default=False, verbose_name="opening hours")),
                        ("services_wrong", models.BooleanField(default=False, verbose_name="services")),
                        ("closed", models.BooleanField(default=False, verbose_name="has closed")),
                        ("other_wrong", models.BooleanField(default=False, verbose_name="something else")),
                        ("details", models.CharField(blank=True, max_length=2000)),
                        ("organisation_name", models.CharField(blank=True, max_length=200, verbose_name="name of the organisation to add")),
                        ("organisation_website", models.URLField(blank=True, max_length=300, verbose_name="website of the organisation to add")),
                        ("contact_email", models.EmailField(blank=True, max_length=254)),
                        ("contact_consent", models.BooleanField(default=False, help_text="An email address is only kept when the visitor ticked this.", verbose_name="agreed to be contacted")),
                        ("status", models.CharField(choices=[("new", "New"), ("accepted", "Accepted"), ("rejected", "Rejected")], default="new", max_length=10)),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                        ("handled_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("organisation", models.ForeignKey(blank=True, help_text="Empty when the visitor suggests an organisation to add.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="suggestions", to="organisations.organisation")),
                    ],
                    options={
                        "db_table": "organisations_suggestion",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("status__in", ["new", "accepted", "rejected"])), name="suggestion_status_valid"),
                            models.CheckConstraint(condition=models.Q(("contact_email", ""), ("contact_consent", True), _connector="OR"), name="suggestion_email_needs_consent"),
                            models.CheckConstraint(condition=models.Q(models.Q(("organisation__isnull", False), models.Q(("phone_wrong", True), ("website_wrong", True), ("email_wrong", True), ("hours_wrong", True), ("services_wrong", True), ("closed", True), ("other_wrong", True), _connector="OR")), models.Q(("organisation__isnull", True), models.Q(("organisation_name", ""), _negated=True)), _connector="OR"), name="suggestion_says_what"),
                        ],
                    },
                ),
            ],
        ),
    ]
