"""Seed the directory from fixtures/; add only what is missing, never overwrite (DESIGN.md §5)."""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from organisations.models import Organisation, Service


def translated_name_columns(model):
    """A lookup's name columns in the languages other than English (organisations/translation.py),
    or [] for a model whose name is not translated."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return []
    if "name" not in options.fields:
        return []
    return [
        build_localized_fieldname("name", code)
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


LOOKUPS = "lookups.json"
ORGANISATIONS = "organisations.json"


class Command(BaseCommand):
    help = (
        "Load the lookup tables and organisations from fixtures/. Adds what is missing; never "
        "changes or re-creates anything already there, so an editor's changes survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=None,
            help="Folder holding lookups.json and organisations.json (default: fixtures/).",
        )
        parser.add_argument(
            "--lookups-only",
            action="store_true",
            help="Load only the lookup tables (lookups.json), no organisations.",
        )

    def handle(self, *args, fixtures_dir=None, lookups_only=False, verbosity=1, **options):
        folder = Path(fixtures_dir or Path(settings.BASE_DIR) / "fixtures")
        paths = [folder / LOOKUPS] if lookups_only else [folder / LOOKUPS, folder / ORGANISATIONS]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Fixture not found: {path}")

        self.now = timezone.now()
        self.added = Counter()
        self.already_there = Counter()
        self.translations_filled = Counter()
        self.deferred = []
        self.new_organisation_ids = set()
        self.models = []  # in the order the fixtures first name them, for a stable summary

        try:
            with transaction.atomic():
                for path in paths:
                    self.load(path)
                for obj in self.deferred:
                    obj.save_deferred_fields()
        except DeserializationError as error:
            raise CommandError(f"Nothing was saved. {error}") from error

        if verbosity >= 1:
            for line in self.summary():
                self.stdout.write(line)

    def load(self, path):
        with path.open(encoding="utf-8") as stream:
            for obj in serializers.deserialize("json", stream, handle_forward_references=True):
                model = type(obj.object)
                if model not in self.models:
                    self.models.append(model)
                if self.should_add(obj.object):
                    self.add(obj)
                    self.added[model] += 1
                else:
                    self.already_there[model] += 1
                    self.fill_translations(obj.object)

    def should_add(self, instance):
        """A row whose natural key is absent; a service only with its organisation, new now."""
        if isinstance(instance, Service):
            return instance.pk is None and instance.organisation_id in self.new_organisation_ids
        return instance.pk is None

    def fill_translations(self, instance):
        """A lookup already there gets the fixture's names in languages it has none in yet (an
        editor's translation is never replaced): a new interface language reaches an existing
        directory this way (docs/translating.md)."""
        model = type(instance)
        for column in translated_name_columns(model):
            value = getattr(instance, column)
            if value and instance.pk is not None:
                empty = Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
                if model.objects.filter(empty, pk=instance.pk).update(**{column: value}):
                    self.translations_filled[model] += 1

    def add(self, obj):
        english = build_localized_fieldname("name", settings.LANGUAGE_CODE)
        if translated_name_columns(type(obj.object)) and not getattr(obj.object, english):
            setattr(obj.object, english, obj.object.name)  # saved raw: nothing else copies it
        # A deserialized object is saved raw, which skips auto_now and auto_now_add: stamp here.
        for field in obj.object._meta.concrete_fields:
            stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if stamped and getattr(obj.object, field.attname) is None:
                setattr(obj.object, field.attname, self.now)
        # Seeding is not an editor's change: no history, facets included (a seeded row is
        # recorded as it stands before its first change; organisations/history.py).
        obj.object.skip_history_when_saving = True
        obj.save()
        if isinstance(obj.object, Organisation):
            self.new_organisation_ids.add(obj.object.pk)
        if obj.deferred_fields:
            self.deferred.append(obj)

    def summary(self):
        for model in self.models:
            label = capfirst(model._meta.verbose_name_plural)
            added, there = self.added[model], self.already_there[model]
            if model is Organisation:
                yield (
                    f"{label}: {added} added, {there} already there "
                    "(left as they are, with their services)."
                )
            elif model is Service:
                yield (
                    f"{label}: {added} added with their organisations, {there} not added "
                    "because their organisation was already there."
                )
            else:
                filled = self.translations_filled[model]
                more = f", {filled} translated names filled in" if filled else ""
                yield f"{label}: {added} added, {there} already there{more}."
