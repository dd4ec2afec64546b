"""The interface's catalogues (docs/translating.md, "Rules the tests enforce"): for each translated
language (settings.LANGUAGES but the default), locale/<lang>/LC_MESSAGES/django.po has every entry
translated and none fuzzy; each translation keeps the English's placeholders, numbers and markup;
the plural rule is the language's; the committed django.mo is what the .po compiles to;
locale/review.toml says whether a native speaker has checked it; and, where GNU gettext is
installed (CI, a developer's machine), the catalogue holds every string the source marks.

Each check is a function of a catalogue entry giving what is wrong with it, tried first on small
entries made here (so each provably fails on its defect), then on every entry of every catalogue;
a failure lists the language, the English and what is wrong.
"""

import contextlib
import gettext
import html.parser
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.utils import is_ignored_path
from django.test import override_settings

from directory import languages
from directory.languages import translated_languages
from directory.management.commands import compile_translations

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = translated_languages()

TWO_FORMS = "nplurals=2; plural=(n != 1);"
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
    "ur": TWO_FORMS,
    "bn": TWO_FORMS,
    "so": TWO_FORMS,
}


def catalogue_path(lang):
    return Path(settings.LOCALE_PATHS[0]) / lang / "LC_MESSAGES" / "django.po"


def catalogue(lang):
    """The language's parsed catalogue; the test fails (not skips) when there is none."""
    path = catalogue_path(lang)
    if not path.exists():
        pytest.fail(
            f"{lang}: no catalogue at {path}: make one with "
            f"`manage.py makemessages -l {lang}` (docs/translating.md, Adding a language)",
            pytrace=False,
        )
    return polib.pofile(str(path))


def entries(po):
    """The entries a catalogue is checked on: all but the obsolete ones (#~)."""
    return [entry for entry in po if not entry.obsolete]


def named(entry):
    """The entry for a person: its English (shortened), its context and its plural."""
    text = entry.msgid if len(entry.msgid) <= 80 else entry.msgid[:77] + "..."
    described = repr(text)
    if entry.msgid_plural:
        described += " (plural)"
    if entry.msgctxt:
        described += f" [context {entry.msgctxt!r}]"
    return described


def fail_listing(lang, what, problems):
    """Fail with one line per problem: language, English, what is wrong."""
    if problems:
        lines = "\n".join(f"  {lang}: {problem}" for problem in problems)
        pytest.fail(f"{len(problems)} {what} in {catalogue_path(lang)}:\n{lines}", pytrace=False)


def per_entry(lang, check, **options):
    """Every non-obsolete entry of ``lang``'s catalogue through ``check``, as readable lines."""
    po = catalogue(lang)
    return [
        f"{named(entry)}: {problem}" for entry in entries(po) for problem in check(entry, **options)
    ]


def forms(entry):
    """(label, plural form or None, translation, the English it translates) for each of the
    entry's translations: the msgstr against the msgid, or each msgstr[i] against the
    msgid_plural."""
    if entry.msgid_plural:
        return [
            (f"msgstr[{index}]", index, text, entry.msgid_plural)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [("msgstr", None, entry.msgstr, entry.msgid)]


def is_python_format(entry):
    return "python-format" in entry.flags


# a. Translated, and nothing fuzzy.


def untranslated(entry):
    if entry.obsolete:
        return []
    problems = []
    if entry.fuzzy:
        problems.append("fuzzy: check the translation and remove the fuzzy flag")
    if entry.msgid_plural:
        if not entry.msgstr_plural or not any(entry.msgstr_plural.values()):
            problems.append("not translated")
        else:
            empty = [f"msgstr[{i}]" for i, text in sorted(entry.msgstr_plural.items()) if not text]
            if empty:
                problems.append(f"not translated: {', '.join(empty)} empty")
    elif not entry.msgstr:
        problems.append("not translated")
    return problems


# b. Placeholders: python-format %(name)s and %s, brace {name}, and a blocktranslate's
# {{ variable }}, which its msgid holds as %(variable)s.

PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
NAMED_PERCENT = re.compile(
    r"%\((?P<name>[^)]*)\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]"
)
BRACE = re.compile(r"\{(?P<name>[A-Za-z_]\w*|\d*)(?:\.\w+|\[\w+\])*(?:![rsa])?(?::[^{}]*)?\}")
# Names a plural entry's count goes by ({% blocktranslate count counter=... %}, ngettext's
# %(count)d), when its English does not show which it is. A form for one number only ("one
# entry") may leave the count out.
COUNT_NAMES = {"count", "counter", "n"}


def placeholder_matches(text, python_format):
    """Every placeholder in ``text``: (the placeholder, its name or None for a positional one,
    where it ends). In a python-format string %% is a percent sign, not a placeholder; in any
    other string only %(name)s counts (a lone % is just a percent sign)."""
    found = []
    pattern = PERCENT if python_format else NAMED_PERCENT
    for match in pattern.finditer(text):
        if match.group() != "%%":
            found.append((match.group(), match["name"], match.end()))
    # {{ and }} are braces, not placeholders: blanked, keeping every other character's place.
    for match in BRACE.finditer(text.replace("{{", "  ").replace("}}", "  ")):
        found.append((match.group(), match["name"] or None, match.end()))
    return found


def placeholders(text, python_format=True):
    return Counter(token for token, _, _ in placeholder_matches(text, python_format))


def without_placeholders(text, python_format=True):
    text = (PERCENT if python_format else NAMED_PERCENT).sub(" ", text)
    return BRACE.sub(" ", text.replace("{{", "  ").replace("}}", "  "))


def count_placeholders(entry):
    """The placeholders of a plural entry that carry its count, which a form for one number may
    leave out: the one named placeholder only the plural has ("one entry", "%(n)s entries");
    else the one just before the word the plural changes ("{hours} hour", "{hours} hours");
    else those named count, counter or n; else the plural's only named one. Never a positional
    one (``"one" % n`` fails)."""
    if not entry.msgid_plural:
        return set()
    python_format = is_python_format(entry)
    singular, plural_text = entry.msgid, entry.msgid_plural
    plural = placeholder_matches(plural_text, python_format)
    named_tokens = {token for token, name, _ in plural if name}
    only_plural = named_tokens - set(placeholders(singular, python_format))
    if len(only_plural) == 1:
        return only_plural
    if singular != plural_text:
        same = next(
            (i for i, (a, b) in enumerate(zip(singular, plural_text, strict=False)) if a != b),
            min(len(singular), len(plural_text)),
        )
        before = [
            (end, token)
            for token, name, end in plural
            if name and end <= same and re.fullmatch(r"\s*\w*", plural_text[end:same])
        ]
        if before:
            return {max(before)[1]}
    counts = {token for token, name, _ in plural if name in COUNT_NAMES}
    if counts:
        return counts
    return named_tokens if len(named_tokens) == 1 else set()


def plural_rule(po):
    """(nplurals, plural(n)) from a catalogue's Plural-Forms header; ValueError if unreadable."""
    header = po.metadata.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    if not match:
        raise ValueError(f"Plural-Forms {header!r} is not 'nplurals=N; plural=EXPRESSION;'")
    try:
        return int(match[1]), gettext.c2py(match[2])
    except (ValueError, SyntaxError, RecursionError) as error:
        raise ValueError(f"Plural-Forms {header!r}: {error}") from error


def single_number_forms(po):
    """The plural forms that stand for one number only (Arabic's 0, 1 and 2, the others' 1):
    they may leave the count out. None when the header cannot say (then every form may)."""
    try:
        _, plural = plural_rule(po)
    except ValueError:
        return None
    numbers = Counter(plural(n) for n in range(1000))
    return {form for form, times in numbers.items() if times == 1}


def placeholder_problems(entry, single_forms=None):
    """Each translation's placeholders, counted, are the English's: none missing, none added,
    none renamed or of another type; but a form for one number (``single_forms``; any form when
    None) may leave out the count. In a python-format entry a lone % is an error (%% is one)."""
    if entry.obsolete or entry.fuzzy:
        return []
    python_format = is_python_format(entry)
    counts = count_placeholders(entry)
    problems = []
    for label, form, text, english in forms(entry):
        if not text:
            continue  # not translated: untranslated() says so
        wanted = placeholders(english, python_format)
        found = placeholders(text, python_format)
        missing = wanted - found
        if form is not None and (single_forms is None or form in single_forms):
            missing = Counter({token: n for token, n in missing.items() if token not in counts})
        added = found - wanted
        if missing:
            problems.append(f"{label} lacks {', '.join(sorted(missing.elements()))}")
        if added:
            problems.append(
                f"{label} has {', '.join(sorted(added.elements()))}, which the English has not"
            )
        if python_format and "%" in PERCENT.sub("", text) and "%" not in PERCENT.sub("", english):
            problems.append(f"{label} has a lone % (a percent sign is written %%)")
    return problems


# c. Numbers: every number in the English is in the translation (in any script's digits), and
# no number is in the English at all: numbers belong in placeholders.

TAG = re.compile(r"</?[A-Za-z][^>]*>")
ENTITY = re.compile(r"&#?\w+;")
DIGITS = re.compile(r"\d+")  # any script's decimal digits: ٣, ৩ and 3 alike


def numbers(text, python_format=True):
    """The numbers written in ``text`` outside placeholders, tags and entities (h2, &#160;), as
    ASCII digits: ۱۲ and 12 are the same number."""
    text = ENTITY.sub(" ", TAG.sub(" ", without_placeholders(text, python_format)))
    return Counter(
        "".join(str(unicodedata.decimal(digit)) for digit in run) for run in DIGITS.findall(text)
    )


def number_problems(entry):
    if entry.obsolete or entry.fuzzy:
        return []
    python_format = is_python_format(entry)
    problems = []
    for label, _, text, english in forms(entry):
        if not text:
            continue
        found = numbers(text, python_format)
        missing = numbers(english, python_format) - found
        if missing:
            has = f" (it has {', '.join(sorted(found.elements()))})" if found else ""
            problems.append(
                f"{label} lacks or alters the number {', '.join(sorted(missing.elements()))}{has}"
            )
    return problems


def source_number_problems(entry):
    """A number in the English itself: it belongs in a placeholder the code fills in, so that
    translations cannot get it wrong and changing it needs no translator."""
    if entry.obsolete:
        return []
    python_format = is_python_format(entry)
    found = numbers(entry.msgid, python_format) + numbers(entry.msgid_plural, python_format)
    if not found:
        return []
    return [
        f"the English has the number {', '.join(sorted(set(found.elements())))}: put it in a "
        "placeholder (a source problem, for whoever marked the string)"
    ]


# d. Markup: the same tags, each translation balanced, placeholders kept in their attributes.

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class Markup(html.parser.HTMLParser):
    """The tags of a piece of text: how many of each (``<a>``, ``</a>``), whether they nest, and
    the placeholders in each tag's attributes."""

    def __init__(self, text, python_format=True):
        super().__init__(convert_charrefs=True)
        self.python_format = python_format
        self.tags = Counter()
        self.attribute_placeholders = Counter()
        self.problems = []
        self.open = []
        self.feed(text)
        self.close()
        for tag in reversed(self.open):
            self.problems.append(f"<{tag}> is never closed")

    def _attributes(self, tag, attrs):
        for name, value in attrs:
            for token in placeholders(value or "", self.python_format).elements():
                self.attribute_placeholders[f"{token} in <{tag} {name}>"] += 1

    def handle_starttag(self, tag, attrs):
        self.tags[f"<{tag}>"] += 1
        self._attributes(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[f"<{tag}>"] += 1
        self._attributes(tag, attrs)
        if tag not in VOID:
            self.tags[f"</{tag}>"] += 1

    def handle_endtag(self, tag):
        self.tags[f"</{tag}>"] += 1
        if tag in VOID:
            return
        if self.open and self.open[-1] == tag:
            self.open.pop()
        elif tag in self.open:
            index = len(self.open) - 1 - self.open[::-1].index(tag)
            inner = ", ".join(f"<{name}>" for name in self.open[index + 1 :])
            self.problems.append(f"</{tag}> closes before {inner}")
            del self.open[index:]
        else:
            self.problems.append(f"</{tag}> closes nothing")


def markup_problems(entry):
    if entry.obsolete or entry.fuzzy:
        return []
    python_format = is_python_format(entry)
    problems = []
    for label, _, text, english in forms(entry):
        if not text:
            continue
        source, translation = Markup(english, python_format), Markup(text, python_format)
        missing, added = source.tags - translation.tags, translation.tags - source.tags
        if missing:
            problems.append(f"{label} lacks the tag(s) {' '.join(sorted(missing.elements()))}")
        if added:
            problems.append(
                f"{label} has the tag(s) {' '.join(sorted(added.elements()))}, "
                "which the English has not"
            )
        problems += [f"{label}: {problem}" for problem in translation.problems]
        lost = source.attribute_placeholders - translation.attribute_placeholders
        if lost:
            problems.append(f"{label} must keep {'; '.join(sorted(lost.elements()))}")
    return problems


# e. The plural rule.


def plural_header_problems(po, lang):
    """The catalogue's Plural-Forms is the language's (PLURAL_FORMS: the same count of forms and
    the same form for every n, however it is written)."""
    expected = PLURAL_FORMS.get(lang)
    if expected is None:
        return [f"no plural rule for {lang!r} in PLURAL_FORMS (tests/test_translations.py): add it"]
    header = po.metadata.get("Plural-Forms", "")
    wanted_count, wanted = plural_rule(_with_header(expected))
    try:
        count, plural = plural_rule(po)
    except ValueError as error:
        return [f"{error}; it should be {expected!r}"]
    if count != wanted_count:
        return [f"Plural-Forms {header!r} has nplurals={count}; it should be {expected!r}"]
    differs = [n for n in range(1000) if plural(n) != wanted(n)]
    if differs:
        n = differs[0]
        return [
            f"Plural-Forms {header!r} gives form {plural(n)} for n={n}, not {wanted(n)}; "
            f"it should be {expected!r}"
        ]
    return []


def _with_header(plural_forms):
    po = polib.POFile()
    po.metadata = {"Plural-Forms": plural_forms}
    return po


def plural_count_problems(entry, nplurals):
    """A plural entry has msgstr[0] to msgstr[nplurals - 1], no more, no fewer."""
    if entry.obsolete or not entry.msgid_plural:
        return []
    indices = sorted(entry.msgstr_plural)
    if indices != list(range(nplurals)):
        return [
            f"has msgstr{indices} but the plural rule has {nplurals} forms "
            f"(msgstr[0] to msgstr[{nplurals - 1}])"
        ]
    return []


# h. Up to date with the source: the strings `make messages` would extract, with its ignores.

MAKEFILE = ROOT / "Makefile"
# makemessages' own: it always leaves these out.
DEFAULT_IGNORES = ["CVS", ".*", "*~", "*.pyc"]
EXTENSIONS = {".html", ".txt", ".py"}  # makemessages' for the django domain


def makefile_ignores():
    """The --ignore patterns of the Makefile's MESSAGES_IGNORE, which make messages uses."""
    text = MAKEFILE.read_text(encoding="utf-8")
    match = re.search(r"^MESSAGES_IGNORE\s*:?=((?:.*\\\n)*.*)$", text, re.M)
    assert match, "the Makefile has no MESSAGES_IGNORE"
    return [
        quoted or bare
        for quoted, bare in re.findall(r"--ignore='([^']*)'|--ignore=(\S+)", match[1])
    ]


def key(entry):
    """An entry's identity, in the order entries are listed: (msgid, msgctxt, msgid_plural)."""
    return (entry.msgid, entry.msgctxt or "", entry.msgid_plural or "")


def describe_key(msgid, msgctxt, msgid_plural):
    return named(polib.POEntry(msgctxt=msgctxt or None, msgid=msgid, msgid_plural=msgid_plural))


def freshness_problems(source, po):
    """What the catalogue ``po`` lacks of ``source`` (the strings extracted now), and holds that
    the source no longer marks."""
    wanted = {key(entry) for entry in source if entry.msgid and not entry.obsolete}
    have = {key(entry) for entry in entries(po)}
    return [
        f"{describe_key(*found)}: marked in the source, missing from the catalogue"
        for found in sorted(wanted - have)
    ] + [
        f"{describe_key(*found)}: no longer marked in the source (make messages drops it)"
        for found in sorted(have - wanted)
    ]


def copy_sources(destination):
    """The files makemessages reads (.py, .html, .txt), minus what make messages ignores."""
    patterns = DEFAULT_IGNORES + makefile_ignores()

    def ignored(directory, names):
        relative = Path(directory).relative_to(ROOT)
        return {
            name
            for name in names
            if (name == "locale" and relative == Path("."))  # the real catalogues: not copied
            or is_ignored_path(str(relative / name), patterns)
            or ((Path(directory) / name).is_file() and Path(name).suffix not in EXTENSIONS)
        }

    shutil.copytree(ROOT, destination, ignore=ignored)


@pytest.fixture(scope="module")
def source_strings(tmp_path_factory):
    """The .pot makemessages makes now, from a copy of the source (the real locale/ untouched).
    Skipped without GNU gettext (a fresh machine), unless DIRECTORY_REQUIRE_GETTEXT=1 (CI), which
    makes it fail instead."""
    missing = [p for p in ("xgettext", "msgmerge", "msguniq", "msgattrib") if not shutil.which(p)]
    if missing:
        reason = (
            f"GNU gettext is not installed ({', '.join(missing)} not on PATH): the catalogues' "
            "freshness is checked where it is (CI; apt-get install gettext)"
        )
        if os.environ.get("DIRECTORY_REQUIRE_GETTEXT") == "1":
            pytest.fail(f"DIRECTORY_REQUIRE_GETTEXT is set and {reason}", pytrace=False)
        pytest.skip(reason)
    copy = tmp_path_factory.mktemp("source") / "project"
    copy_sources(copy)
    (copy / "locale").mkdir()
    with (
        override_settings(LOCALE_PATHS=[str(copy / "locale")]),
        contextlib.chdir(copy),
    ):
        call_command(
            "makemessages",
            locale=[LANGUAGES[0]],
            keep_pot=True,
            ignore_patterns=makefile_ignores(),
            verbosity=0,
        )
    return polib.pofile(str(copy / "locale" / "django.pot"))


# The checks, on small entries made here: each passes a good entry and fails its defect.


def entry(msgid, msgstr="", *, plural=None, msgstrs=(), flags=("python-format",), **more):
    made = polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags), **more)
    if plural is not None:
        made.msgid_plural = plural
        made.msgstr_plural = dict(enumerate(msgstrs))
    return made


def po_with(plural_forms, *made):
    po = _with_header(plural_forms)
    po.extend(made)
    return po


ALL_CHECKS = (untranslated, placeholder_problems, number_problems, markup_problems)


@pytest.mark.parametrize(
    "good",
    [
        entry("Hello %(name)s", "سلام %(name)s"),
        entry("Plain text", "سادہ متن", flags=()),
        entry("%(share)s%% off", "%(share)s%% رعایت"),
        entry('<a href="%(url)s">Read it</a> now.', '<a href="%(url)s">اسے پڑھیں</a> ابھی۔'),
        entry("Line<br>break", "لائن<br/>وقفہ", flags=()),
        entry("Hello {name}", "سلام {name}", flags=("python-brace-format",)),
        entry("<h2>Help</h2>", "<h2>مدد</h2>", flags=()),
    ],
    ids=lambda made: made.msgid,
)
def test_a_good_entry_passes_every_check(good):
    assert [problem for check in ALL_CHECKS for problem in check(good)] == []
    assert source_number_problems(good) == []


def test_untranslated_and_fuzzy_entries_fail_and_obsolete_ones_are_ignored():
    assert untranslated(entry("Search", "")) == ["not translated"]
    fuzzy = entry("Search", "تلاش", flags=("fuzzy",))
    assert untranslated(fuzzy) == ["fuzzy: check the translation and remove the fuzzy flag"]
    half = entry("%(n)s entry", plural="%(n)s entries", msgstrs=["%(n)s", ""])
    assert untranslated(half) == ["not translated: msgstr[1] empty"]
    none = entry("%(n)s entry", plural="%(n)s entries", msgstrs=["", ""])
    assert untranslated(none) == ["not translated"]
    assert untranslated(entry("Gone", "", obsolete=True)) == []
    po = po_with(TWO_FORMS, entry("Gone", "", obsolete=True), entry("Here", "یہاں"))
    assert [made.msgid for made in entries(po)] == ["Here"]


@pytest.mark.parametrize(
    "msgstr, problem",
    [
        ("سلام", "msgstr lacks %(name)s"),
        ("سلام %(name)s %(place)s", "msgstr has %(place)s, which the English has not"),
        ("سلام %(naam)s", "msgstr lacks %(name)s"),
        ("سلام %(name)d", "msgstr lacks %(name)s"),
        ("سلام %(name)s %(name)s", "msgstr has %(name)s, which the English has not"),
        ("سلام %(name)s 5%", "msgstr has a lone % (a percent sign is written %%)"),
    ],
)
def test_a_missing_added_or_changed_placeholder_fails(msgstr, problem):
    assert problem in placeholder_problems(entry("Hello %(name)s", msgstr))


def test_a_brace_placeholder_is_checked_too():
    made = entry("Hello {name}", "سلام {nam}", flags=("python-brace-format",))
    assert placeholder_problems(made) == [
        "msgstr lacks {name}",
        "msgstr has {nam}, which the English has not",
    ]


def test_a_blocktranslate_variable_is_a_placeholder():
    """{% blocktranslate with english_url=... %}<a href="{{ english_url }}"> is
    %(english_url)s in the msgid."""
    made = entry('<a href="%(english_url)s">Read this page in English</a>.', "<a>انگریزی</a>")
    assert placeholder_problems(made) == ["msgstr lacks %(english_url)s"]


ARABIC = PLURAL_FORMS["ar"]


def test_a_form_for_one_number_may_leave_out_only_the_count():
    po = po_with(ARABIC)
    single = single_number_forms(po)
    assert single == {0, 1, 2}
    assert single_number_forms(po_with(TWO_FORMS)) == {0}
    good = entry(
        "%(counter)s entry",
        plural="%(counter)s entries",
        msgstrs=["لا إدخالات", "إدخال واحد", "إدخالان", *["%(counter)s إدخالات"] * 3],
    )
    assert placeholder_problems(good, single) == []
    many_without = entry(
        "%(counter)s entry",
        plural="%(counter)s entries",
        msgstrs=["لا إدخالات", "إدخال واحد", "إدخالان", "إدخالات", *["%(counter)s"] * 2],
    )
    assert placeholder_problems(many_without, single) == ["msgstr[3] lacks %(counter)s"]
    named_not_count = entry(
        "%(name)s has %(count)d entry",
        plural="%(name)s has %(count)d entries",
        msgstrs=["إدخال واحد", "%(name)s %(count)d"],
    )
    assert placeholder_problems(named_not_count, {0}) == ["msgstr[0] lacks %(name)s"]
    added = entry("%(n)s entry", plural="%(n)s entries", msgstrs=["%(m)s", "%(n)s"])
    assert placeholder_problems(added, {0}) == ["msgstr[0] has %(m)s, which the English has not"]
    positional = entry("%d entry", plural="%d entries", msgstrs=["one", "%d"])
    assert placeholder_problems(positional, {0}) == ["msgstr[0] lacks %d"]


def test_the_count_is_found_by_name_or_as_the_plurals_own():
    assert count_placeholders(entry("one", plural="%(counter)s")) == {"%(counter)s"}
    assert count_placeholders(entry("%(who)s: one", plural="%(who)s: %(how_many)d")) == {
        "%(how_many)d"
    }
    assert count_placeholders(entry("%(a)s %(b)s", plural="%(a)s %(b)s")) == set()
    assert count_placeholders(entry("%(a)s %(count)s", plural="%(a)s %(count)s")) == {"%(count)s"}
    hours = entry(
        "{name}, {hours} hour a day: call {number}.",
        plural="{name}, {hours} hours a day: call {number}.",
        flags=("python-brace-format",),
    )
    assert count_placeholders(hours) == {"{hours}"}  # not {number}, a telephone number
    items = entry("{name}: {n_items} entry", plural="{name}: {n_items} entries")
    assert count_placeholders(items) == {"{n_items}"}


@pytest.mark.parametrize(
    "msgid, msgstr, problem",
    [
        ("Call 999 now", "ابھی کال کریں", "msgstr lacks or alters the number 999"),
        ("Call 999 now", "ابھی 998 کال کریں", "msgstr lacks or alters the number 999 (it has 998)"),
        ("Open 24 hours", "24 گھنٹے", None),
        ("Open 24 hours", "۲۴ گھنٹے", None),  # Extended Arabic-Indic digits
        ("Open 24 hours", "২৪ ঘণ্টা", None),  # Bengali digits
    ],
)
def test_a_number_the_translation_lacks_or_alters_fails(msgid, msgstr, problem):
    found = number_problems(entry(msgid, msgstr, flags=()))
    assert found == ([problem] if problem else [])


def test_a_number_in_the_english_is_a_source_problem_but_not_in_placeholders_or_tags():
    assert source_number_problems(entry("Call 116 123", flags=())) == [
        "the English has the number 116, 123: put it in a placeholder (a source problem, for "
        "whoever marked the string)"
    ]
    in_placeholders = entry("<h2>Call %(number_1)s</h2> &#160; {line2}")
    assert source_number_problems(in_placeholders) == []
    assert number_problems(entry("%(n1)s", "%(n1)s")) == []


@pytest.mark.parametrize(
    "msgstr, problem",
    [
        ("<b>بولڈ</b> اور عام", None),
        ("بولڈ اور عام", "msgstr lacks the tag(s) </b> <b>"),
        ("<b>بولڈ</b> <i>اور</i> عام", "msgstr has the tag(s) </i> <i>, which the English has not"),
        ("<b>بولڈ اور عام", "msgstr lacks the tag(s) </b>"),
        ("<b>بولڈ اور عام", "msgstr: <b> is never closed"),
        ("</b>بولڈ<b> اور عام", "msgstr: </b> closes nothing"),
        ("<strong>بولڈ</strong> اور عام", "msgstr lacks the tag(s) </b> <b>"),
    ],
)
def test_tags_lost_added_or_unbalanced_fail(msgstr, problem):
    found = markup_problems(entry("<b>Bold</b> and plain", msgstr, flags=()))
    assert (problem in found) if problem else found == []


def test_crossed_tags_fail():
    made = entry("<b><i>Both</i></b>", "<b><i>دونوں</b></i>", flags=())
    assert "msgstr: </b> closes before <i>" in markup_problems(made)


def test_a_placeholder_must_stay_in_its_attribute():
    made = entry('<a href="%(url)s">Read it</a>', '<a href="">%(url)s پڑھیں</a>')
    assert markup_problems(made) == ["msgstr must keep %(url)s in <a href>"]
    assert placeholder_problems(made) == []  # still there, but no longer a link's address


def test_the_plural_header_must_be_the_languages():
    assert plural_header_problems(po_with(ARABIC), "ar") == []
    # Django's own Arabic rule, written differently, gives the same forms.
    django_arabic = (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;"
    )
    assert plural_header_problems(po_with(django_arabic), "ar") == []
    assert plural_header_problems(po_with("nplurals=2; plural=n != 1;"), "ur") == []
    assert "has nplurals=2" in plural_header_problems(po_with(TWO_FORMS), "ar")[0]
    wrong = plural_header_problems(po_with("nplurals=2; plural=(n > 1);"), "so")
    assert wrong[0].startswith("Plural-Forms 'nplurals=2; plural=(n > 1);' gives form 0 for n=0")
    unfilled = plural_header_problems(po_with("nplurals=INTEGER; plural=EXPRESSION;"), "bn")
    assert "is not 'nplurals=N; plural=EXPRESSION;'" in unfilled[0]
    assert "no plural rule for 'xx'" in plural_header_problems(po_with(TWO_FORMS), "xx")[0]


def test_a_plural_entry_needs_one_translation_per_form():
    made = entry("%(n)s entry", plural="%(n)s entries", msgstrs=["%(n)s", "%(n)s"])
    assert plural_count_problems(made, 2) == []
    assert plural_count_problems(made, 6) == [
        "has msgstr[0, 1] but the plural rule has 6 forms (msgstr[0] to msgstr[5])"
    ]


def test_freshness_lists_strings_missing_from_the_catalogue_and_dropped_from_the_source():
    source = po_with(TWO_FORMS, entry("Search"), entry("Open", msgctxt="door"), entry("New"))
    po = po_with(TWO_FORMS, entry("Search", "تلاش"), entry("Open", "کھولیں"), entry("Old", "پرانا"))
    po.append(entry("Gone", "", obsolete=True))
    assert freshness_problems(source, po) == [
        "'New': marked in the source, missing from the catalogue",
        "'Open' [context 'door']: marked in the source, missing from the catalogue",
        "'Old': no longer marked in the source (make messages drops it)",
        "'Open': no longer marked in the source (make messages drops it)",
    ]


def test_the_makefile_says_what_make_messages_ignores():
    ignores = makefile_ignores()
    assert {"bench", "tests", "staticfiles", "*.egg-info"} <= set(ignores)
    recipe = MAKEFILE.read_text(encoding="utf-8")
    assert "makemessages --all --no-obsolete --add-location=file $(MESSAGES_IGNORE)" in recipe
    assert "$(MANAGE) compile_translations" in recipe


# compile_translations, on a throwaway catalogue.

THROWAWAY_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ur\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Search"
msgstr "تلاش"

#, fuzzy
msgid "Close"
msgstr "بند"

msgid "Untranslated"
msgstr ""

msgctxt "door"
msgid "Open"
msgstr "کھولیں"

#, python-format
msgid "%(counter)s entry"
msgid_plural "%(counter)s entries"
msgstr[0] "%(counter)s اندراج"
msgstr[1] "%(counter)s اندراجات"

#~ msgid "Gone"
#~ msgstr "گیا"
"""


@pytest.fixture
def throwaway(tmp_path, settings):
    """locale/ur/LC_MESSAGES/django.po in a temporary directory, which LOCALE_PATHS names."""
    po = tmp_path / "locale" / "ur" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(THROWAWAY_PO, encoding="utf-8")
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    return po


def read_mo(mo):
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)


def test_compiling_writes_a_mo_that_leaves_out_fuzzy_and_untranslated_entries(throwaway):
    call_command("compile_translations", verbosity=0)
    mo = throwaway.with_suffix(".mo")
    compiled = read_mo(mo)
    assert compiled.gettext("Search") == "تلاش"
    assert compiled.gettext("Close") == "Close"  # fuzzy: left out, so English
    assert compiled.gettext("Untranslated") == "Untranslated"
    assert compiled.gettext("Gone") == "Gone"
    assert compiled.pgettext("door", "Open") == "کھولیں"
    assert compiled.ngettext("%(counter)s entry", "%(counter)s entries", 1) == "%(counter)s اندراج"
    assert (
        compiled.ngettext("%(counter)s entry", "%(counter)s entries", 5) == "%(counter)s اندراجات"
    )
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


def test_compiling_is_deterministic_and_leaves_an_unchanged_mo_alone(throwaway, capsys):
    call_command("compile_translations")
    mo = throwaway.with_suffix(".mo")
    first, written = mo.read_bytes(), mo.stat().st_mtime_ns
    assert compile_translations.compile_po(throwaway) == first
    call_command("compile_translations")
    assert mo.read_bytes() == first and mo.stat().st_mtime_ns == written
    assert "unchanged (3 messages)" in capsys.readouterr().out


def test_check_passes_a_matching_mo_and_fails_a_stale_or_missing_one(throwaway):
    mo = throwaway.with_suffix(".mo")
    with pytest.raises(CommandError, match="django.mo is missing"):
        call_command("compile_translations", "--check")
    call_command("compile_translations", verbosity=0)
    call_command("compile_translations", "--check", verbosity=0)
    throwaway.write_text(
        THROWAWAY_PO.replace('msgstr "تلاش"', 'msgstr "ڈھونڈیں"')
        .replace('msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr "نیا"')
        .replace('msgctxt "door"\nmsgid "Open"\nmsgstr "کھولیں"\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as raised:
        call_command("compile_translations", "--check")
    message = str(raised.value)
    assert "does not match django.po: run make messages" in message
    assert "translation differs from the .po: 'Search'" in message
    assert "missing from the .mo: 'Untranslated'" in message
    assert "in the .mo, not (or not translated, or fuzzy) in the .po: 'Open' [context 'door']" in (
        message
    )
    assert compile_translations.stale(throwaway)  # what the catalogue test below calls
    mo.write_bytes(b"not a catalogue at all")
    assert "is not a catalogue" in compile_translations.stale(throwaway)[0]


def test_check_compares_what_the_mo_says_not_its_bytes(throwaway):
    """A .mo written by GNU msgfmt (with a hash table polib does not write) holds the same."""
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("GNU gettext's msgfmt is not installed")
    mo = throwaway.with_suffix(".mo")
    subprocess.run([msgfmt, "-o", str(mo), str(throwaway)], check=True)
    assert mo.read_bytes() != compile_translations.compile_po(throwaway)
    assert compile_translations.stale(throwaway) == []
    assert compile_translations.mo_messages(mo.read_bytes()).keys() == (
        compile_translations.mo_messages(compile_translations.compile_po(throwaway)).keys()
    )


def test_an_entry_given_twice_is_refused(throwaway):
    throwaway.write_text(THROWAWAY_PO + '\nmsgid "Search"\nmsgstr "ڈھونڈیں"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="more than once"):
        call_command("compile_translations", verbosity=0)


def test_no_catalogue_is_an_error(tmp_path, settings):
    settings.LOCALE_PATHS = [str(tmp_path)]
    with pytest.raises(CommandError, match="No \\*/LC_MESSAGES/django.po catalogues"):
        call_command("compile_translations")


# locale/review.toml, read by directory/languages.py.

REVIEW = """\
[ur]
status = "reviewed"
reviewed_by = "Amina Khan"
reviewed_on = "2025-01-15"

[ar]
status = "draft"
reviewed_by = ""
reviewed_on = ""
"""


@pytest.fixture
def review_file(tmp_path, monkeypatch, settings):
    settings.LANGUAGES = [("en-gb", "English"), ("ur", "اردو"), ("ar", "العربية")]
    settings.LANGUAGE_CODE = "en-gb"
    path = tmp_path / "review.toml"
    path.write_text(REVIEW, encoding="utf-8")
    monkeypatch.setattr(languages, "REVIEW_FILE", path)
    languages.review_status.cache_clear()
    yield path
    languages.review_status.cache_clear()


def test_a_valid_review_file_is_read(review_file):
    reviews = languages.review_status()
    assert reviews["ur"] == languages.Review("ur", "reviewed", "Amina Khan", date(2025, 1, 15))
    assert reviews["ar"] == languages.Review("ar", "draft", "", None)
    assert languages.is_draft("ar") is True
    assert languages.is_draft("ur") is False
    assert languages.is_draft("en-gb") is False
    assert languages.is_draft("fr") is False  # not an interface language
    assert languages.review_problems() == []


@pytest.mark.parametrize(
    "change, problem",
    [
        (('status = "draft"', 'status = "done"'), ("ar", "status must be one of draft, reviewed")),
        (('reviewed_by = "Amina Khan"', 'reviewed_by = ""'), ("ur", 'status "reviewed" needs')),
        (('reviewed_on = "2025-01-15"', 'reviewed_on = ""'), ("ur", 'status "reviewed" needs')),
        (('"2025-01-15"', '"15/01/2025"'), ("ur", "reviewed_on must be a date YYYY-MM-DD")),
        (('"2025-01-15"', '"2025-02-30"'), ("ur", "reviewed_on must be a date YYYY-MM-DD")),
        (('"2025-01-15"', '"2999-01-01"'), ("ur", "reviewed_on 2999-01-01 is in the future")),
        (("[ar]", "[bn]"), ("ar", "no table: every enabled language needs one")),
        (('reviewed_by = ""', 'reviewer = ""'), ("ar", "unknown key 'reviewer'")),
        (("[ar]", "[ar"), (None, "not valid TOML")),
    ],
)
def test_an_invalid_review_file_fails(review_file, change, problem):
    review_file.write_text(REVIEW.replace(*change), encoding="utf-8")
    problems = languages.review_problems()
    assert any(code == problem[0] and problem[1] in message for code, message in problems), problems
    with pytest.raises(languages.ReviewFileError):
        languages.review_status()


def test_a_toml_date_is_accepted(review_file):
    review_file.write_text(REVIEW.replace('"2025-01-15"', "2025-01-15"), encoding="utf-8")
    assert languages.review_status()["ur"].reviewed_on == date(2025, 1, 15)


# The catalogues themselves, for each translated language.


def test_there_are_languages_to_check():
    assert LANGUAGES, "settings.LANGUAGES has no language but the default"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    fail_listing(lang, "untranslated or fuzzy entries", per_entry(lang, untranslated))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_english_placeholders(lang):
    single = single_number_forms(catalogue(lang))
    found = per_entry(lang, placeholder_problems, single_forms=single)
    fail_listing(lang, "placeholder problems", found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_english_numbers(lang):
    fail_listing(lang, "number problems", per_entry(lang, number_problems))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_english_has_no_numbers_outside_placeholders(lang):
    fail_listing(lang, "source strings with numbers", per_entry(lang, source_number_problems))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_english_markup(lang):
    fail_listing(lang, "markup problems", per_entry(lang, markup_problems))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plural_rule_is_the_languages(lang):
    po = catalogue(lang)
    problems = [f"header: {problem}" for problem in plural_header_problems(po, lang)]
    with contextlib.suppress(ValueError):
        nplurals, _ = plural_rule(po)
        problems += per_entry(lang, plural_count_problems, nplurals=nplurals)
    fail_listing(lang, "plural problems", problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_is_what_the_po_compiles_to(lang):
    catalogue(lang)
    fail_listing(
        lang, "compiled-catalogue problems", compile_translations.stale(catalogue_path(lang))
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_review_toml_has_a_valid_entry(lang):
    problems = [
        f"locale/review.toml: {message}"
        for code, message in languages.review_problems()
        if code in (None, lang)
    ]
    fail_listing(lang, "review problems", problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_has_every_string_the_source_marks(lang, source_strings):
    fail_listing(lang, "entries out of date", freshness_problems(source_strings, catalogue(lang)))
