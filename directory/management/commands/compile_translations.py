"""`make messages`' second half: compile every ``<locale path>/<lang>/LC_MESSAGES/django.po``
(settings.LOCALE_PATHS: locale/) into the ``django.mo`` beside it, in pure Python with polib, so
that no machine needs GNU gettext's msgfmt (docs/translating.md).

As msgfmt does, the compiled catalogue leaves out fuzzy, obsolete and untranslated entries (a
plural entry with any form empty among them), so Django shows the English for those; the header
is always kept. The output is deterministic (entries sorted, no timestamps): compiling an
unchanged .po gives the same bytes, and an unchanged .mo is not rewritten.

``--check`` compiles nothing: it fails if any committed .mo is missing or holds other messages
than its .po compiles to (a .po edited without recompiling, a .mo from an older .po). It compares
what the files say, not their bytes, so a .mo written by msgfmt passes too.
tests/test_translations.py runs the same check.

polib is a test dependency (pyproject.toml's ``test`` extra, ``make install-test``), not a
runtime one: the site reads only the .mo files.
"""

import struct
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DOMAIN = "django"
MO_MAGIC = 0x950412DE


def polib():
    try:
        import polib
    except ImportError:
        raise CommandError(
            "compile_translations needs polib, a test dependency: make install-test "
            "(or pip install 'polib>=1.2,<2')."
        ) from None
    return polib


def catalogues(locales=None):
    """Every ``<locale path>/<lang>/LC_MESSAGES/django.po`` (only ``locales``' if given), in
    order."""
    found = []
    for root in settings.LOCALE_PATHS:
        for po in sorted(Path(root).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            if not locales or po.parent.parent.name in locales:
                found.append(po)
    return found


def mo_path(po):
    return Path(po).with_suffix(".mo")


def read_po(po):
    """The parsed catalogue; CommandError for one polib cannot read or that msgfmt would
    refuse (an entry twice)."""
    lib = polib()
    try:
        catalogue = lib.pofile(str(po))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CommandError(f"{po}: cannot be read: {error}") from error
    seen = Counter((entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete)
    twice = [msgid for (_, msgid), times in seen.items() if times > 1]
    if twice:
        listed = "\n".join(f"  {msgid!r}" for msgid in twice)
        raise CommandError(f"{po}: entries given more than once (msgfmt refuses these):\n{listed}")
    return catalogue


def compile_po(po):
    """The .mo bytes ``po`` compiles to: translated, non-fuzzy entries and the header."""
    return read_po(po).to_binary()


def mo_messages(data):
    """A .mo file's messages: {original: translation} as bytes, the header under b""; what
    gettext reads, whatever wrote the file. ValueError if it is not a .mo file."""
    if len(data) < 20:
        raise ValueError("too short to be a .mo file")
    for order in ("<", ">"):
        if struct.unpack(f"{order}I", data[:4])[0] == MO_MAGIC:
            break
    else:
        raise ValueError("not a .mo file (wrong magic number)")
    _, count, originals, translations = struct.unpack(f"{order}4I", data[4:20])
    messages = {}
    try:
        for index in range(count):
            length, offset = struct.unpack_from(f"{order}2I", data, originals + 8 * index)
            original = data[offset : offset + length]
            length, offset = struct.unpack_from(f"{order}2I", data, translations + 8 * index)
            messages[original] = data[offset : offset + length]
    except struct.error as error:
        raise ValueError(f"truncated .mo file: {error}") from error
    return messages


def header_fields(header):
    """A header's ``Name: value`` lines as a dict, so that order and spacing do not count."""
    fields = {}
    for line in header.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip():
            fields[name.strip()] = value.strip()
    return fields


def describe(key):
    """A .mo key for a person: msgctxt and msgid (and msgid_plural) as text."""
    text = key.decode("utf-8", "replace")
    context, _, text = text.rpartition("\x04")
    singular, _, plural = text.partition("\x00")
    if len(singular) > 80:
        singular = singular[:77] + "..."
    described = repr(singular) + (" (plural)" if plural else "")
    return f"{described} [context {context!r}]" if context else described


def stale(po):
    """What is wrong with the .mo beside ``po``: an empty list when it holds exactly what ``po``
    compiles to."""
    mo = mo_path(po)
    if not mo.exists():
        return [f"{mo} is missing: run make messages (or manage.py compile_translations)"]
    try:
        committed = mo_messages(mo.read_bytes())
    except ValueError as error:
        return [f"{mo} is not a catalogue: {error}"]
    wanted = mo_messages(compile_po(po))
    problems = []
    if header_fields(committed.pop(b"", b"")) != header_fields(wanted.pop(b"", b"")):
        problems.append("the header differs")
    for key in sorted(wanted.keys() - committed.keys()):
        problems.append(f"missing from the .mo: {describe(key)}")
    for key in sorted(committed.keys() - wanted.keys()):
        problems.append(
            f"in the .mo, not (or not translated, or fuzzy) in the .po: {describe(key)}"
        )
    for key in sorted(wanted.keys() & committed.keys()):
        if wanted[key] != committed[key]:
            problems.append(f"translation differs from the .po: {describe(key)}")
    if problems:
        problems.insert(0, f"{mo} does not match {po.name}: run make messages")
    return problems


class Command(BaseCommand):
    help = (
        "Compile each locale/<lang>/LC_MESSAGES/django.po into django.mo with polib (no GNU "
        "gettext needed); --check fails if a committed .mo does not match its .po."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compile nothing; exit non-zero if any .mo is missing or differs from its .po.",
        )
        parser.add_argument(
            "--locale",
            "-l",
            action="append",
            default=[],
            help="Only this language (repeatable); every catalogue by default.",
        )

    def handle(self, *args, check=False, locale=(), **options):
        found = catalogues(locale)
        if not found:
            where = ", ".join(str(path) for path in settings.LOCALE_PATHS) or "no LOCALE_PATHS"
            raise CommandError(f"No */LC_MESSAGES/{DOMAIN}.po catalogues under {where}.")
        if check:
            problems = [problem for po in found for problem in stale(po)]
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write(f"{len(found)} compiled catalogue(s) match their .po files.")
            return
        for po in found:
            data = compile_po(po)
            mo = mo_path(po)
            count = len(mo_messages(data)) - 1  # not the header
            if mo.exists() and mo.read_bytes() == data:
                self.stdout.write(f"{mo}: unchanged ({count} messages)")
                continue
            mo.write_bytes(data)
            self.stdout.write(f"{mo}: compiled ({count} messages)")
