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

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from .templatetags.languages import as_written


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

# The facts the sentences hold, kept out of the translations: no translation holds a digit, so no
# translator can change a fact by mistake. Each sentence names them by placeholder ({hours}), and
# ``CrisisLine.facts`` says which a line's sentences hold.
HOURS_A_DAY = 24
NHS_111_OLD_OPTION = 2  # the keypad option the mental health option used to be
CHILDLINE_UNDER = 19  # Childline is for children and young people under this age
PAPYRUS_UP_TO = 35  # PAPYRUS HOPELINE247 is for young people up to this age
# The domestic abuse helpline's live chat, Monday to Friday, 3pm to 10pm: the hour of each, on a
# 12-hour clock, in words a translation chooses (a Django time format would say "3 p.m.").

# Translators: the time the live chat of a helpline opens: {hour} is its hour, on a 12-hour clock
# (three in the afternoon, 15:00).
CHAT_OPENS = format_lazy(pgettext_lazy("the time a live chat opens", "{hour}pm"), hour=3)
# Translators: the time the live chat of a helpline closes: {hour} is its hour, on a 12-hour clock
# (ten at night, 22:00).
CHAT_CLOSES = format_lazy(pgettext_lazy("the time a live chat closes", "{hour}pm"), hour=10)
# Names with digits in them, the same in every language.
EMERGENCY = "999"
NHS_111 = "NHS 111"
PAPYRUS_HOPELINE = "PAPYRUS HOPELINE247"
SHOUT_KEYWORD = "SHOUT"  # the word to text: the service reads it, so it is never translated

# Translators: between the items of a list: "999, NHS 111, Samaritans 116 123".
LIST_SEPARATOR = pgettext_lazy("list separator", ", ")
# Translators: the end of a list: {items} is its first items, with commas between them, and {last}
# its last item: "999, NHS 111 and Samaritans 116 123".
LIST_END = _("{items} and {last}")
# Translators: a crisis line in a list of them: {name} is its name, such as Samaritans, and
# {number} its phone number.
NAME_AND_NUMBER = pgettext_lazy("a crisis line in a list", "{name} {number}")


@dataclass(frozen=True, kw_only=True)
class CrisisLine:
    """A crisis line. Its words are lazy translations, each text in the language active when it
    is shown; names that are the same in every language (Samaritans, NHS 111) are plain."""

    slug: str
    name: str  # the heading on /urgent-help/
    known_as: str  # in a list of lines, and {name} in its texts: "Samaritans"
    number: str  # as a person dials it: "116 123"
    lead: str  # the first line on /urgent-help/: "Call {number}, {hours} hours a day, every day."
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
    facts: tuple = ()  # (placeholder, value) pairs its texts hold: (("hours", HOURS_A_DAY),)

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
        """``text`` as HTML, with its number, email and website as links, its name and its facts."""
        return format_html(
            conditional_escape(text),
            number=self.number_link(place),
            email=format_html('<a href="mailto:{}">{}</a>', self.email, self.email),
            website=format_html('<a href="{}">{}</a>', self.website, self.website_text),
            name=self.known_as if isinstance(self.known_as, Promise) else as_written(self.known_as),
            **dict(self.facts),
        )


# In every text, {number} becomes the line's number as a link, {email} its email address and
# {website} a link to its website; {name} is the name it is known by (``known_as``), and the other
# placeholders its ``facts``. A crisis line's facts must never change in translation: a visitor may
# be in danger.
CRISIS_LINES = (
    CrisisLine(
        slug="emergency",
        known_as=EMERGENCY,
        # Translators: a heading: {number} is the UK's emergency number, 999.
        name=format_lazy(_("In an emergency: {number}"), number=EMERGENCY),
        number=EMERGENCY,
        lead=_(
            # Translators: A&E is a hospital's accident and emergency department.
            "Call {number} or go to A&E if a life is at risk, "
            "or if someone has seriously harmed themselves."
        ),
        # Translators: {number} is 999, the UK's emergency number; A&E a hospital's accident and
        # emergency department.
        summary=_("In danger or can’t keep yourself safe: call {number} or go to A&E."),
        on_panel=True,
        # Translators: in the banner at the top of every page: {number} is 999, the UK's emergency
        # number.
        banner=_("In danger or can’t keep yourself safe? Call {number}."),
        emergency=True,
    ),
    CrisisLine(
        slug="nhs-111",
        known_as=NHS_111,
        # Translators: a heading: {name} is NHS 111, the National Health Service's number for
        # urgent help that is not an emergency.
        name=format_lazy(_("{name}, mental health option"), name=NHS_111),
        number="111",
        lead=_(
            # Translators: {option} is the number a caller once pressed on the keypad for it.
            "Call {number} and choose the mental health option (it used to be option {option})."
        ),
        details=(
            ngettext_lazy(
                # Translators: {hours} is 24: the line is open all day and all night.
                "Open {hours} hour a day, for people of all ages. Mental-health professionals "
                "will talk with you about what is happening and what help you need now. It is for "
                "a crisis, not for routine referrals or questions about medication.",
                "Open {hours} hours a day, for people of all ages. Mental-health professionals "
                "will talk with you about what is happening and what help you need now. It is for "
                "a crisis, not for routine referrals or questions about medication.",
                HOURS_A_DAY,
            ),
            _("This service is in England. Scotland and Wales have similar services."),
        ),
        summary=ngettext_lazy(
            # Translators: {name} is NHS 111; {hours} is 24 (a day).
            "{name}, mental health option (England), {hours} hour a day: call {number}.",
            "{name}, mental health option (England), {hours} hours a day: call {number}.",
            HOURS_A_DAY,
        ),
        facts=(("hours", HOURS_A_DAY), ("option", NHS_111_OLD_OPTION)),
    ),
    CrisisLine(
        slug="samaritans",
        known_as="Samaritans",
        name="Samaritans",
        number="116 123",
        lead=ngettext_lazy(
            # Translators: {hours} is 24 (a day).
            "Call {number}, {hours} hour a day, every day.",
            "Call {number}, {hours} hours a day, every day.",
            HOURS_A_DAY,
        ),
        details=(
            _(
                "Free from landlines and mobiles, including pay-as-you-go phones with no credit. "
                "The call does not show on your phone bill."
            ),
            _("You can also email {email}. Email is free, but the reply is not immediate."),
        ),
        email="jo@samaritans.org",
        summary=ngettext_lazy(
            # Translators: {name} is Samaritans; {hours} is 24 (a day).
            "{name}, {hours} hour a day, free: call {number}.",
            "{name}, {hours} hours a day, free: call {number}.",
            HOURS_A_DAY,
        ),
        on_panel=True,
        # Translators: in the banner at the top of every page: {name} is Samaritans.
        banner=_("{name}, any time: {number}."),
        facts=(("hours", HOURS_A_DAY),),
    ),
    CrisisLine(
        slug="shout",
        known_as="Shout",
        name="Shout",
        number="85258",
        # Translators: the words of a link that starts a text message: {keyword} is SHOUT, the
        # word to send, and {number} the number to send it to. The sentences below put it in
        # place of their {number}: "Text SHOUT to 85258, 24 hours a day."
        link_text=format_lazy(_("{keyword} to {number}"), keyword=SHOUT_KEYWORD, number="85258"),
        href="sms:85258?&body=SHOUT",
        lead=ngettext_lazy(
            # Translators: {number} is the link "SHOUT to 85258": send the word SHOUT to that
            # number. {hours} is 24 (a day).
            "Text {number}, {hours} hour a day.",
            "Text {number}, {hours} hours a day.",
            HOURS_A_DAY,
        ),
        details=(
            _(
                "Free and anonymous, for anyone of any age living in the UK. It is for a crisis, "
                "not ongoing support."
            ),
        ),
        summary=ngettext_lazy(
            # Translators: {name} is Shout; {number} the link "SHOUT to 85258"; {hours} is 24 (a
            # day).
            "{name}, {hours} hour a day, free: text {number}.",
            "{name}, {hours} hours a day, free: text {number}.",
            HOURS_A_DAY,
        ),
        on_panel=True,
        facts=(("hours", HOURS_A_DAY),),
    ),
    CrisisLine(
        slug="childline",
        known_as="Childline",
        name="Childline",
        number="0800 1111",
        lead=ngettext_lazy(
            # Translators: {age} is 19, an age in years: Childline is for those younger.
            "Call {number}. For children and young people under {age}.",
            "Call {number}. For children and young people under {age}.",
            CHILDLINE_UNDER,
        ),
        details=(_("Free, and the number does not show on your phone bill."),),
        facts=(("age", CHILDLINE_UNDER),),
    ),
    CrisisLine(
        slug="papyrus",
        known_as="PAPYRUS",
        name=PAPYRUS_HOPELINE,
        number="0800 068 4141",
        lead=_("Call {number}."),
        details=(
            ngettext_lazy(
                # Translators: {age} is 35, an age in years: the line is for young people up to it.
                "For young people up to the age of {age} who are having thoughts of suicide, and "
                "for anyone worried about a young person.",
                "For young people up to the age of {age} who are having thoughts of suicide, and "
                "for anyone worried about a young person.",
                PAPYRUS_UP_TO,
            ),
            _("You can also email {email}."),
        ),
        email="pat@papyrus-uk.org",
        facts=(("age", PAPYRUS_UP_TO),),
    ),
    CrisisLine(
        slug="domestic-abuse",
        # Translators: a helpline's name in a list of helplines and their numbers: "…, PAPYRUS
        # and the National Domestic Abuse Helpline".
        known_as=_("the National Domestic Abuse Helpline"),
        # Translators: a heading: the name of a helpline, run by the charity Refuge.
        name=_("National Domestic Abuse Helpline"),
        number="0808 2000 247",
        lead=ngettext_lazy(
            # Translators: Refuge is the name of the charity that runs the helpline; {hours} is
            # 24 (a day).
            "Call {number}, {hours} hour a day. Free and confidential. Run by Refuge.",
            "Call {number}, {hours} hours a day. Free and confidential. Run by Refuge.",
            HOURS_A_DAY,
        ),
        details=(
            _(
                # Translators: {website} is a link to the helpline's website, whose words are
                # "the helpline’s website" below; {opens} and {closes} are the times the live
                # chat opens and closes, 3pm and 10pm.
                "On {website} you can ask for a safe time to be called. Live chat is open Monday "
                "to Friday, {opens} to {closes}."
            ),
        ),
        website="https://www.nationaldahelpline.org.uk",
        # Translators: the words of the link in "On {website} you can ask for a safe time to be
        # called.", and only there: write them as that sentence needs them.
        website_text=_("the helpline’s website"),
        facts=(("hours", HOURS_A_DAY), ("opens", CHAT_OPENS), ("closes", CHAT_CLOSES)),
    ),
)
BY_SLUG = {line.slug: line for line in CRISIS_LINES}


def in_a_list():
    """Every line by the name it is known by, with its number: "999, NHS 111, Samaritans 116 123,
    … and the National Domestic Abuse Helpline 0808 2000 247", in the active language."""
    named = [
        str(line.known_as)
        if line.number in str(line.known_as)
        else NAME_AND_NUMBER.format(name=line.known_as, number=line.number)
        for line in CRISIS_LINES
    ]
    return LIST_END.format(items=LIST_SEPARATOR.join(named[:-1]), last=named[-1])


def lines_for(place):
    """The lines a place shows, in the list's order."""
    if place == Place.BANNER:
        return [line for line in CRISIS_LINES if line.banner]
    if place == Place.PANEL:
        return [line for line in CRISIS_LINES if line.on_panel]
    if place == Place.SHEET:
        return [line for line in CRISIS_LINES if line.summary]
    return list(CRISIS_LINES)
