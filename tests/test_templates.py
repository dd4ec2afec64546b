"""Templates written for people: short lines, choices compared by name, every crisis number from
one list (directory/crisis_lines.py), and fragments made compact only when they are stored."""

import re
from pathlib import Path

import pytest
from django.db import models

from directory.crisis_lines import CRISIS_LINES, Place, lines_for
from organisations import choices
from organisations.listing.fragments import compact

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    [*(ROOT / "templates").rglob("*.html"), *(ROOT / "bench" / "jinja2").glob("*.html")]
)
LONGEST_LINE = 200


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 30


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_line_is_longer_than_200_characters(path):
    long = [
        (number, len(line))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > LONGEST_LINE
    ]
    assert long == [], f"lines (number, length) over {LONGEST_LINE} characters"


def choice_values():
    return {
        value
        for name in dir(choices)
        if isinstance(enum := getattr(choices, name), type) and issubclass(enum, models.Choices)
        for value in enum.values
    }


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_compare_choices_by_name_not_by_value(path):
    """``service.cost != "not-stated"`` breaks silently when a value is renamed; a property or
    the choice's constant does not."""
    compared = re.findall(r"""[!=]=\s*["']([^"']+)["']""", path.read_text(encoding="utf-8"))
    assert set(compared) & choice_values() == set()


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_writes_a_crisis_number_itself(path):
    text = path.read_text(encoding="utf-8")
    for line in CRISIS_LINES:
        digits = line.number.replace(" ", "")
        assert line.number not in text and f"tel:{digits}" not in text, (line.slug, path.name)


def test_each_place_shows_the_lines_it_should():
    assert [line.slug for line in lines_for(Place.BANNER)] == ["emergency", "samaritans"]
    assert [line.slug for line in lines_for(Place.PANEL)] == ["emergency", "samaritans", "shout"]
    assert [line.slug for line in lines_for(Place.SHEET)] == [
        "emergency",
        "nhs-111",
        "samaritans",
        "shout",
    ]
    assert len(lines_for(Place.PAGE)) == len(CRISIS_LINES) == 7


@pytest.mark.parametrize(
    ("url", "numbers"),
    [
        ("/", ["999", "116 123", "SHOUT to 85258"]),  # banner and panel
        ("/about/", ["999", "116 123"]),
        ("/signposting/", ["999", "111", "116 123", "SHOUT to 85258"]),
        ("/urgent-help/", [line.link_text or line.number for line in CRISIS_LINES]),
        ("/no-such-page/", ["999", "116 123", "SHOUT to 85258"]),
    ],
)
def test_the_crisis_lines_reach_every_place_as_links(client, db, url, numbers):
    text = client.get(url).content.decode()
    for number in numbers:
        line = next(line for line in CRISIS_LINES if number in (line.number, line.link_text))
        assert f'href="{line.link.replace("&", "&amp;")}">{number}</a>' in text, (url, number)


def test_the_urgent_help_description_names_every_line_with_its_number(client, db):
    text = client.get("/urgent-help/").content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', text)[1]
    for line in CRISIS_LINES:
        assert line.number in description, line.slug


@pytest.mark.parametrize(
    ("written", "compacted"),
    [
        ("<dl>\n  <dt>Cost</dt>\n  <dd>Free</dd>\n</dl>", "<dl><dt>Cost</dt><dd>Free</dd></dl>"),
        # A line break inside text is a space, as a browser shows it.
        (
            "<p>\n3 of its 5 services match your choices.\n<a href=x>See</a>\n</p>",
            "<p> 3 of its 5 services match your choices. <a href=x>See</a></p>",
        ),
        (
            "<label>\n<input type=checkbox>\nUrdu\n</label>",
            "<label><input type=checkbox> Urdu</label>",
        ),
        ("<dd>Urdu, \n Bengali</dd>", "<dd>Urdu, Bengali</dd>"),
        ("<h3>One line <em>stays</em> as it is</h3>", "<h3>One line <em>stays</em> as it is</h3>"),
    ],
)
def test_fragments_are_made_compact_without_changing_what_a_browser_shows(written, compacted):
    assert compact(written) == compacted
