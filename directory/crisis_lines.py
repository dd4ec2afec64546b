"""The crisis lines, written once (DESIGN.md §4): every page's banner, the panel on the home,
error and form pages, the signposting sheet and /urgent-help/ all read this list, through one
include (templates/includes/crisis_lines.html, by ``{% crisis_lines place %}``), and prose that
mentions a number links it with ``{% crisis_number slug %}`` (directory/templatetags/crisis.py).

Only lines whose details the research verified (shared data, organisation-facts.json, crisis_lines).
Left out on purpose: CALM (number not verified), Mind Infoline (not verified), PAPYRUS opening hours
and text number (the research doubts them). Check with the source before adding anything here: a
wrong helpline number can hurt someone.

In the texts, ``{number}`` becomes the line's number as a link, ``{email}`` its email address and
``{website}`` its website, so that no number sits inside a sentence.
"""

import enum
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html


class Place(enum.Enum):
    BANNER = "banner"  # at the top of every page: the fewest words
    PANEL = "panel"  # "Need help now?" in the body of a page
    SHEET = "sheet"  # the signposting sheet, printed
    PAGE = "page"  # /urgent-help/, every line in full


# How a number's link is styled in each place (static/css/site.css).
LINK_CLASSES = {
    Place.BANNER: "app-urgent__number",
    Place.PANEL: "app-nowrap",
    Place.SHEET: "app-nowrap",
    Place.PAGE: "app-line__number",
}


@dataclass(frozen=True, kw_only=True)
class CrisisLine:
    slug: str
    name: str  # the heading on /urgent-help/
    known_as: str  # in a list of lines: "Samaritans"
    number: str  # as a person dials it: "116 123"
    lead: str  # the first line on /urgent-help/: "Call {number}, 24 hours a day, every day."
    details: tuple = ()  # further paragraphs on /urgent-help/
    link_text: str = ""  # the link's words when not the number: "SHOUT to 85258"
    href: str = ""  # when not tel: the number
    email: str = ""
    website: str = ""
    website_text: str = ""
    summary: str = ""  # one line for the panel and the sheet, or "" for neither
    on_panel: bool = False  # the panel has the fewest lines; the sheet every line with a summary
    banner: str = ""  # its words in the banner, or "" when it is not there
    emergency: bool = False

    @property
    def link(self):
        return self.href or "tel:" + self.number.replace(" ", "")

    def number_link(self, place=Place.PANEL):
        return format_html(
            '<a class="{}" href="{}">{}</a>',
            LINK_CLASSES[place],
            self.link,
            self.link_text or self.number,
        )

    def say(self, text, place):
        """``text`` as HTML, with its number, email and website as links."""
        return format_html(
            conditional_escape(text),
            number=self.number_link(place),
            email=format_html('<a href="mailto:{}">{}</a>', self.email, self.email),
            website=format_html('<a href="{}">{}</a>', self.website, self.website_text),
        )


CRISIS_LINES = (
    CrisisLine(
        slug="emergency",
        known_as="999",
        name="In an emergency: 999",
        number="999",
        lead="Call {number} or go to A&E if a life is at risk, "
        "or if someone has seriously harmed themselves.",
        summary="In danger or can’t keep yourself safe: call {number} or go to A&E.",
        on_panel=True,
        banner="In danger or can’t keep yourself safe? Call {number}.",
        emergency=True,
    ),
    CrisisLine(
        slug="nhs-111",
        known_as="NHS 111",
        name="NHS 111, mental health option",
        number="111",
        lead="Call {number} and choose the mental health option (it used to be option 2).",
        details=(
            "Open 24 hours a day, for people of all ages. Mental-health professionals will talk "
            "with you about what is happening and what help you need now. It is for a crisis, "
            "not for routine referrals or questions about medication.",
            "This service is in England. Scotland and Wales have similar services.",
        ),
        summary="NHS 111, mental health option (England), 24 hours a day: call {number}.",
    ),
    CrisisLine(
        slug="samaritans",
        known_as="Samaritans",
        name="Samaritans",
        number="116 123",
        lead="Call {number}, 24 hours a day, every day.",
        details=(
            "Free from landlines and mobiles, including pay-as-you-go phones with no credit. "
            "The call does not show on your phone bill.",
            "You can also email {email}. Email is free, but the reply is not immediate.",
        ),
        email="jo@samaritans.org",
        summary="Samaritans, 24 hours a day, free: call {number}.",
        on_panel=True,
        banner="Samaritans, any time: {number}.",
    ),
    CrisisLine(
        slug="shout",
        known_as="Shout",
        name="Shout",
        number="85258",
        link_text="SHOUT to 85258",
        href="sms:85258?&body=SHOUT",
        lead="Text {number}, 24 hours a day.",
        details=(
            "Free and anonymous, for anyone of any age living in the UK. It is for a crisis, "
            "not ongoing support.",
        ),
        summary="Shout, 24 hours a day, free: text {number}.",
        on_panel=True,
    ),
    CrisisLine(
        slug="childline",
        known_as="Childline",
        name="Childline",
        number="0800 1111",
        lead="Call {number}. For children and young people under 19.",
        details=("Free, and the number does not show on your phone bill.",),
    ),
    CrisisLine(
        slug="papyrus",
        known_as="PAPYRUS",
        name="PAPYRUS HOPELINE247",
        number="0800 068 4141",
        lead="Call {number}.",
        details=(
            "For young people up to the age of 35 who are having thoughts of suicide, and for "
            "anyone worried about a young person.",
            "You can also email {email}.",
        ),
        email="pat@papyrus-uk.org",
    ),
    CrisisLine(
        slug="domestic-abuse",
        known_as="the National Domestic Abuse Helpline",
        name="National Domestic Abuse Helpline",
        number="0808 2000 247",
        lead="Call {number}, 24 hours a day. Free and confidential. Run by Refuge.",
        details=(
            "On {website} you can ask for a safe time to be called. Live chat is open Monday to "
            "Friday, 3pm to 10pm.",
        ),
        website="https://www.nationaldahelpline.org.uk",
        website_text="the helpline’s website",
    ),
)
BY_SLUG = {line.slug: line for line in CRISIS_LINES}


def in_a_list():
    """Every line by the name it is known by, with its number: "999, NHS 111, Samaritans 116 123,
    … and the National Domestic Abuse Helpline 0808 2000 247"."""
    named = [
        line.known_as if line.number in line.known_as else f"{line.known_as} {line.number}"
        for line in CRISIS_LINES
    ]
    return f"{', '.join(named[:-1])} and {named[-1]}"


def lines_for(place):
    """The lines a place shows, in the list's order."""
    if place == Place.BANNER:
        return [line for line in CRISIS_LINES if line.banner]
    if place == Place.PANEL:
        return [line for line in CRISIS_LINES if line.on_panel]
    if place == Place.SHEET:
        return [line for line in CRISIS_LINES if line.summary]
    return list(CRISIS_LINES)
