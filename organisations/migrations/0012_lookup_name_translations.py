"""A column per interface language for each lookup's name (organisations/translation.py).

The English column starts as the name every lookup has; the others start empty, and
seed_directory fills the empty ones from fixtures/lookups.json (docs/translating.md).
"""

from django.db import migrations, models
from django.db.models import F

LOOKUP_MODELS = ("servicetype", "practitionergender", "deliverymode", "audience", "area", "language")


def english_names(apps, schema_editor):
    for name in LOOKUP_MODELS:
        apps.get_model("organisations", name).objects.update(name_en_gb=F("name"))


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0011_database_defaults'),
    ]

    operations = [
        migrations.AddField(
            model_name='area',
            name='name_ar',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='area',
            name='name_bn',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='area',
            name='name_en_gb',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='area',
            name='name_so',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='area',
            name='name_ur',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='audience',
            name='name_ar',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='audience',
            name='name_bn',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='audience',
            name='name_en_gb',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='audience',
            name='name_so',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='audience',
            name='name_ur',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='deliverymode',
            name='name_ar',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='deliverymode',
            name='name_bn',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='deliverymode',
            name='name_en_gb',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='deliverymode',
            name='name_so',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='deliverymode',
            name='name_ur',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='language',
            name='name_ar',
            field=models.CharField(max_length=80, null=True, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='language',
            name='name_bn',
            field=models.CharField(max_length=80, null=True, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='language',
            name='name_en_gb',
            field=models.CharField(max_length=80, null=True, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='language',
            name='name_so',
            field=models.CharField(max_length=80, null=True, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='language',
            name='name_ur',
            field=models.CharField(max_length=80, null=True, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='practitionergender',
            name='name_ar',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='practitionergender',
            name='name_bn',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='practitionergender',
            name='name_en_gb',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='practitionergender',
            name='name_so',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='practitionergender',
            name='name_ur',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='servicetype',
            name='name_ar',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='servicetype',
            name='name_bn',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='servicetype',
            name='name_en_gb',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='servicetype',
            name='name_so',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='servicetype',
            name='name_ur',
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.RunPython(english_names, migrations.RunPython.noop),
    ]
