"""The hand-written stylesheet, static/css/site.css: its colours live in one place.

Every colour is a custom property declared in the ``:root`` block and used through ``var()``, and
the contents in the opening comment list the section headings (``/* == 3. Forms == */``) in the
order they come. Read from disk: no database, no Django.
"""

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"
CSS = STYLESHEET.read_text(encoding="utf-8")
RULES = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)  # the comments may mention var(--...)

ROOT_BLOCK = re.compile(r"^:root\s*\{[^}]*\}", re.MULTILINE)
COLOUR_LITERAL = re.compile(r"#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\(", re.IGNORECASE)
DECLARATION = re.compile(r"(--[\w-]+)\s*:")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
SECTION_HEADING = re.compile(r"^/\* == (\d+)\. (.+?) == \*/$", re.MULTILINE)
CONTENTS_ENTRY = re.compile(r"^\s*(\d+)\. (.+?)\s*$", re.MULTILINE)


def root_block(text=CSS):
    match = ROOT_BLOCK.search(text)
    assert match, "site.css has no :root { ... } block"
    return match


def declared():
    return set(DECLARATION.findall(root_block(RULES).group()))


def used():
    return set(VAR.findall(RULES))


def test_colours_are_written_only_in_root():
    match = root_block()
    outside = CSS[: match.start()] + "\n" * match.group().count("\n") + CSS[match.end() :]
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(outside.splitlines(), start=1)
        if COLOUR_LITERAL.search(line)
    ]
    assert found == [], "colours outside :root (use var(--app-colour-...)):\n" + "\n".join(found)


def test_root_declares_custom_properties():
    assert declared(), ":root declares no custom property"


def test_every_var_is_declared_in_root():
    assert used() - declared() == set()


def test_every_custom_property_in_root_is_used():
    assert declared() - used() == set()


def test_contents_list_the_section_headings_in_order():
    opening_comment = re.match(r"\s*/\*(.*?)\*/", CSS, re.DOTALL)
    assert opening_comment, "site.css does not open with a comment"
    contents = CONTENTS_ENTRY.findall(opening_comment.group(1))
    headings = SECTION_HEADING.findall(CSS)
    assert headings, "site.css has no /* == 1. Name == */ section headings"
    assert contents == headings
