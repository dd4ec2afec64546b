"""The interface in every language (issue 13): English at today's URLs, Urdu and Arabic right to
left, Bengali and Somali, in a real browser.

- axe finds nothing (the rules of test_accessibility.py) on every page type in every language, at
  320 and 1280 px: one test per language and width, one browser context, every page type in a loop
  and every violation reported at once;
- every page type in every language has one h1, the right ``<html lang dir>``, what organisations
  wrote marked as English, no sideways scrolling at 320 px, and a language switcher whose links
  say their language;
- Tab moves through an Arabic page in reading order, which runs right to left, and the layout is
  mirrored: the site's name on the right, the quick exit on the left, as in English the other way;
- a Somali-speaking mother on a phone finds a Somali women's service and its number, in Somali;
- a practitioner makes an Arabic sheet of ten services and prints it on at most two A4 pages, in a
  real Arabic font, its titles set from the right, and the same sheet in Bengali.

A language's pages show English until its catalogue (locale/<code>/LC_MESSAGES/django.mo) is
compiled; the tests that need translated words say so when they are missing.
"""

import os
import re
import shutil
import subprocess
from itertools import pairwise

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import expect

from organisations.models import (
    Audience,
    DeliveryMode,
    Language,
    Organisation,
    PractitionerGender,
    Service,
)

from ..factories import OrganisationFactory, ServiceFactory
from .conftest import browser_required
from .site import printable_service
from .test_accessibility import AXE_OPTIONS, violations_report

pytestmark = pytest.mark.browser

# Interface languages: code (settings.LANGUAGES) → the page's lang, and whether it is right to left.
LANGUAGES = {"en-gb": "en-GB", "ur": "ur", "ar": "ar", "bn": "bn", "so": "so"}
RIGHT_TO_LEFT = {"ur", "ar"}
ENGLISH = "en-gb"
WIDTHS = [320, 1280]
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
# A4 less the sheet's 10 mm margins (site.css, @page), in CSS pixels: the width a printed line has.
A4_PRINTED_LINE = {"width": 718, "height": 1047}

# Every page type, by its English path (a language's is the same under its prefix). "detail",
# "signposting-sheet" and "suggest-a-change" need the data (Site.path); "form-with-errors" is
# the suggestion form sent empty.
PAGE_TYPES = [
    ("home", "/", 200),
    ("list", "/organisations/", 200),
    ("list-filtered", "/organisations/?language=ur&gender=female", 200),
    ("list-with-no-results", "/organisations/?type=helpline&language=so", 200),
    ("list-near-a-postcode", "/organisations/?near=E1", 200),
    ("detail", None, 200),
    ("signposting-sheet", None, 200),
    ("urgent-help", "/urgent-help/", 200),
    ("staying-safe-online", "/staying-safe-online/", 200),
    ("about", "/about/", 200),
    ("privacy", "/privacy/", 200),
    ("accessibility", "/accessibility/", 200),
    ("open-data", "/open-data/", 200),
    ("suggest-a-change", "/organisations/roshni-listening-service/suggest-a-change/", 200),
    ("suggest-an-organisation", "/suggest-an-organisation/", 200),
    ("form-with-errors", "/suggest-an-organisation/", 200),
    ("page-not-found", "/organisations/no-such-organisation/", 404),
]
# Pages that show what organisations wrote, and how many such texts (each in an element of its
# own on a page in another language than English) each shows at least.
WRITTEN_AT_LEAST = {"list": 20, "list-filtered": 2, "detail": 5, "signposting-sheet": 4}


def in_language(path, code):
    return path if code == ENGLISH else f"/{code}{path}"


def ui(code, message):
    """``message`` as the site says it in ``code``: the compiled catalogue's translation."""
    with translation.override(code):
        return translation.gettext(message)


def translated(code, message):
    """``message`` in ``code``, failing clearly while the catalogue has no translation of it."""
    text = ui(code, message)
    assert text != message, (
        f"locale/{code}/LC_MESSAGES/django.mo has no translation of “{message}” "
        "(not compiled yet, or the entry is empty): the page would show English"
    )
    return text


@pytest.fixture
def suggestions_unlimited(settings):
    """Each language's pass sends the suggestion form once (empty, for its errors)."""
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 1000


def open_page_type(page, site, code, name):
    """Open page type ``name`` in language ``code``; the response's status is checked."""
    path, status = next((path, status) for n, path, status in PAGE_TYPES if n == name)
    if path is None:
        path = site.path(name)
    response = page.goto(in_language(path, code))
    assert response.status == status, f"{page.url} answered {response.status}, not {status}"
    if name == "form-with-errors":
        with page.expect_navigation():
            page.locator("form.app-suggest button[type=submit]").click()
        expect(page.locator(".app-error-summary")).to_be_visible()


# --- 1. axe, every page type in every language, at 320 and 1280 px ----------------------------


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("code", LANGUAGES)
def test_axe_finds_nothing_on_any_page_type(new_context, site, suggestions_unlimited, code, width):
    axe = Axe()
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    reports = []
    for name, _path, _status in PAGE_TYPES:
        open_page_type(page, site, code, name)
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            reports.append(f"[{name}] " + violations_report(violations, page.url))
    assert not reports, (
        f"{len(reports)} of {len(PAGE_TYPES)} page types in {code} at {width} px have "
        "accessibility violations:\n" + "\n".join(reports)
    )


# --- 2. Structure, every page type in every language ------------------------------------------

STRUCTURE = """(written) => {
  const collapse = (text) => text.replace(/\\s+/g, " ").trim();
  const describe = (el) => el.tagName.toLowerCase()
    + (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const names = new Set(written.names);
  const anywhere = new Set(written.anywhere);
  const html = document.documentElement;

  // What organisations wrote: their names, services' names (not among the facts, whose values
  // may be a lookup of the same name), summaries, descriptions and hours.
  const marked = [];
  const unmarked = [];
  const main = document.querySelector("main");
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = collapse(node.textContent);
    const el = node.parentElement;
    if (!text || el.closest(".app-filters, .app-chosen, .app-notice, select")) continue;
    if (!(anywhere.has(text) || (names.has(text) && !el.closest("dd")))) continue;
    const holder = el.closest("[lang]");
    const lang = holder ? holder.getAttribute("lang") : null;
    (lang === "en-GB" ? marked : unmarked).push(
      describe(el) + " “" + text.slice(0, 50) + "” (lang=" + lang + ")");
  }

  const switcher = document.querySelector("nav.app-language-switcher");
  const links = switcher ? Array.from(switcher.querySelectorAll("a")) : [];
  const current = switcher ? switcher.querySelector("[aria-current]") : null;
  return {
    lang: html.getAttribute("lang"),
    dir: html.getAttribute("dir"),
    h1s: Array.from(document.querySelectorAll("h1")).map((h) => collapse(h.textContent)),
    marked: marked.length,
    unmarked: unmarked,
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: Array.from(document.body.querySelectorAll("*"))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
        || el.getBoundingClientRect().left < -0.5)
      .filter((el) => !el.closest(".app-skip-link, .app-visually-hidden"))
      .slice(0, 6).map((el) => describe(el) + " “" + collapse(el.textContent).slice(0, 30) + "”"),
    switcher: Boolean(switcher),
    current: current ? current.getAttribute("lang") : null,
    links: links.map((a) => ({
      text: collapse(a.textContent),
      href: a.getAttribute("href"),
      lang: a.getAttribute("lang"),
      hreflang: a.getAttribute("hreflang"),
    })),
    draftNotice: Boolean(document.querySelector("main .app-draft-notice")),
  };
}"""


def written_by_organisations():
    """Every text an organisation wrote, as the pages show it (whitespace collapsed)."""

    def collapse(text):
        return " ".join(text.split())

    names, anywhere = set(), set()
    for organisation in Organisation.objects.all():
        names.add(collapse(organisation.name))
        anywhere.add(collapse(organisation.summary))
        anywhere.update(collapse(line) for line in organisation.description.splitlines())
    for service in Service.objects.all():
        names.add(collapse(service.name))
        anywhere.add(collapse(service.hours))
        anywhere.update(collapse(line) for line in service.description.splitlines())
    return {"names": sorted(names - {""}), "anywhere": sorted(anywhere - {""})}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_type_is_marked_up_for_its_language(
    new_context, site, suggestions_unlimited, code
):
    page = new_context(viewport=PHONE).new_page()
    written = written_by_organisations()
    tag = LANGUAGES[code]
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    others = {other: LANGUAGES[other] for other in LANGUAGES if other != code}
    problems = []
    for name, _path, _status in PAGE_TYPES:
        open_page_type(page, site, code, name)
        found = page.evaluate(STRUCTURE, written)

        def problem(message, name=name):
            problems.append(f"[{name}] {page.url}: {message}")

        if (found["lang"], found["dir"]) != (tag, direction):
            problem(f'<html lang="{found["lang"]}" dir="{found["dir"]}">, not {tag} {direction}')
        if len(found["h1s"]) != 1:
            problem(f"{len(found['h1s'])} h1 elements, not one: {found['h1s']}")
        if code != ENGLISH and found["unmarked"]:
            problem(f"what an organisation wrote is not marked lang=en-GB: {found['unmarked']}")
        if code != ENGLISH and found["marked"] < WRITTEN_AT_LEAST.get(name, 0):
            problem(f"only {found['marked']} texts written by organisations marked lang=en-GB")
        if found["scrollWidth"] > found["innerWidth"]:
            problem(
                f"{found['scrollWidth']} px wide on a {found['innerWidth']} px screen; "
                f"past its edges: {found['wide']}"
            )
        if not found["switcher"] or found["current"] != tag:
            problem(f"no language switcher naming {tag} as the current language")
        linked = {link["hreflang"]: link for link in found["links"]}
        if sorted(linked) != sorted(others.values()) or len(found["links"]) != len(others):
            problem(f"the switcher links to {sorted(linked)}, not {sorted(others.values())}")
        for link in found["links"]:
            if not link["lang"] or link["lang"] != link["hreflang"]:
                problem(f"switcher link {link} has no lang equal to its hreflang")
        for other, other_tag in others.items():
            link = linked.get(other_tag)
            prefix = "/" if other == ENGLISH else f"/{other}/"
            if link and not (link["href"] or "").startswith(prefix):
                problem(f"the {other_tag} link goes to {link['href']}, outside {prefix}")
        if found["draftNotice"] != (code != ENGLISH):
            problem(
                "the draft-translation notice is "
                + ("shown" if found["draftNotice"] else "missing")
                + " in <main>"
            )
    assert not problems, f"{len(problems)} problem(s) in {code}:\n" + "\n".join(problems)


# --- 3. Keyboard order and a mirrored layout in Arabic ----------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const rect = el.getBoundingClientRect();
  return {
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), el),
    what: el.tagName.toLowerCase() + " “" + (el.innerText || "").trim().slice(0, 40) + "”",
    skip: el.classList.contains("app-skip-link"),
    quickExit: el.hasAttribute("data-quick-exit"),
    switcher: Boolean(el.closest("nav.app-language-switcher")),
    siteName: el.classList.contains("app-header__name"),
    headerLink: el.classList.contains("app-header__link"),
    left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom,
  };
}"""
MOST_TABS = 40


def tab_through_the_header(page):
    """Press Tab from the top until the last link of the header's navigation has focus."""
    last_link = page.locator(".app-header__link").count()
    focused = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(FOCUSED))
        if sum(item["headerLink"] for item in focused) == last_link:
            return focused
    pytest.fail(f"{MOST_TABS} presses of Tab never reached the header's last link")


def moves_towards_the_start(items, rtl):
    """Each next item is further along the line (leftwards in RTL, rightwards in LTR) on the
    same row, or on a lower row. Returns what breaks it, or None."""
    for before, after in pairwise(items):
        if after["top"] >= before["bottom"] - 2:
            continue  # on a lower row
        if rtl:
            onwards = after["right"] <= before["left"] + 1
        else:
            onwards = after["left"] >= before["right"] - 1
        if not onwards:
            return f"{after['what']} is not {'left' if rtl else 'right'} of {before['what']}"
    return None


def centre(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box["x"] + box["width"] / 2


def test_tab_follows_the_reading_order_right_to_left_in_arabic(new_context, site):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto("/ar/organisations/")
    focused = tab_through_the_header(page)
    order = "\n".join(f"  {n}. {item['what']}" for n, item in enumerate(focused, 1))

    indexes = [item["index"] for item in focused]
    assert indexes == sorted(set(indexes)), f"Focus left document order:\n{order}"
    assert focused[0]["skip"], f"The first Tab is not the skip link:\n{order}"
    assert focused[1]["quickExit"], f"The second Tab is not the quick exit:\n{order}"

    switcher = [item for item in focused if item["switcher"]]
    header = [item for item in focused if item["siteName"] or item["headerLink"]]
    assert len(switcher) == len(LANGUAGES) - 1, order
    assert header[0]["siteName"], f"The site's name is not the header's first link:\n{order}"
    for group in (switcher, header):
        wrong = moves_towards_the_start(group, rtl=True)
        assert not wrong, f"In Arabic, {wrong}:\n{order}"

    # Mirrored: in Arabic the site's name is on the right and the quick exit on the left...
    half = DESKTOP["width"] / 2
    assert centre(page, ".app-header__name") > half, "The site's name is not on the right in Arabic"
    assert centre(page, "[data-quick-exit]") < half, "The quick exit is not on the left in Arabic"

    # ...and in English the other way round, its switcher and header moving left to right.
    page.goto("/organisations/")
    english = tab_through_the_header(page)
    assert centre(page, ".app-header__name") < half, "The site's name is not on the left in English"
    assert centre(page, "[data-quick-exit]") > half, "The quick exit is not on the right in English"
    for group in (
        [item for item in english if item["switcher"]],
        [item for item in english if item["siteName"] or item["headerLink"]],
    ):
        wrong = moves_towards_the_start(group, rtl=False)
        assert not wrong, f"In English, {wrong}"


# --- 4a. A Somali-speaking mother on her phone ------------------------------------------------

SOMALI_LINE_PHONE = "020 7946 0789"  # in Ofcom's range for drama: never a real number


@pytest.fixture
def somali_womens_line(site):
    """A Somali women's service with a number to call. The seed has one Somali service for women
    (Midaye's Hope project, a pilot that ended) but no number for it."""
    organisation = OrganisationFactory(
        name="Nabad Women's Wellbeing",
        slug="nabad-womens-wellbeing",
        summary="Emotional support for Somali women and mothers, by phone.",
    )
    return ServiceFactory(
        organisation=organisation,
        name="Hooyo support line",
        slug="hooyo-support-line",
        phone=SOMALI_LINE_PHONE,
        languages=list(Language.objects.filter(code__in=["so", "en"])),
        audiences=[Audience.objects.get(slug="women")],
        delivery_modes=[DeliveryMode.objects.get(slug="phone")],
        practitioner_genders=[PractitionerGender.objects.get(slug="female")],
        hours="Monday to Friday, 9am to 5pm",
    )


def open_facet(page, param):
    group = page.locator(f"details#filter-{param}")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    return group


def test_a_somali_speaking_mother_finds_a_womens_line_and_its_number(
    new_context, site, somali_womens_line
):
    find_support = translated("so", "Find support")
    show_results = translated("so", "Show results")
    with translation.override("so"):
        women = Audience.objects.get(slug="women").name
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    html = page.locator("html")

    page.goto("/so/")
    expect(html).to_have_attribute("lang", "so")
    page.locator("header nav").get_by_role("link", name=find_support, exact=True).click()

    expect(page).to_have_url(re.compile(r"/so/organisations/$"))
    expect(html).to_have_attribute("lang", "so")
    expect(page.get_by_role("heading", level=1)).to_have_text(find_support)
    open_facet(page, "language").get_by_label(re.compile("Soomaali")).check()
    open_facet(page, "audience").get_by_label(women, exact=True).check()
    page.get_by_role("button", name=show_results).click()

    expect(page).to_have_url(re.compile(r"/so/organisations/\?"))
    for chosen in ["language=so", "audience=women"]:
        assert chosen in page.url
    expect(html).to_have_attribute("lang", "so")
    card = page.locator(".app-card", has=page.get_by_role("link", name="Nabad Women's Wellbeing"))
    expect(card).to_be_visible()
    expect(card.get_by_text("Hooyo support line")).to_be_visible()
    expect(card.locator(".app-card__title a")).to_have_attribute("lang", "en-GB")
    card.locator(".app-card__title a").click()

    expect(page).to_have_url(re.compile(r"/so/organisations/nabad-womens-wellbeing/$"))
    expect(html).to_have_attribute("lang", "so")
    call = page.locator("main a[href^='tel:']")
    expect(call).to_have_count(1)
    call.scroll_into_view_if_needed()
    expect(call).to_be_visible()
    expect(call).to_have_text(SOMALI_LINE_PHONE)
    expect(call).to_have_attribute("href", "tel:" + SOMALI_LINE_PHONE.replace(" ", ""))


# --- 4b and 5. An Arabic sheet of ten services, printed ---------------------------------------

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
BENGALI_SCRIPT = re.compile("[\u0980-\u09ff]")


def installed_fonts(language):
    """The families fontconfig has for ``language`` (`fc-list :lang=ar family`)."""
    if shutil.which("fc-list") is None:
        return set()
    listed = subprocess.run(
        ["fc-list", f":lang={language}", "family"], capture_output=True, text=True, check=False
    ).stdout
    return {family.strip() for line in listed.splitlines() for family in line.split(",")} - {""}


def fonts_for(language):
    """The installed fonts for ``language``; skipped without any, failed in CI (CI set, or
    DIRECTORY_REQUIRE_BROWSER as .ci/run sets it, which installs fonts-noto-core)."""
    fonts = installed_fonts(language)
    if not fonts:
        reason = (
            f"no font for {language} is installed (`fc-list :lang={language}` lists none), so its "
            "text would print as empty boxes: `apt-get install fonts-noto-core`"
        )
        if os.environ.get("CI") or browser_required():
            pytest.fail(f"in CI (CI or DIRECTORY_REQUIRE_BROWSER set) and {reason}", pytrace=False)
        pytest.skip(reason)
    return fonts


def rendered_fonts(page, selector):
    """The fonts Chromium drew the text of ``selector`` with (DevTools' platform fonts)."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def assert_drawn_in_a_font_for(page, selector, language, preferred):
    installed = fonts_for(language)
    drawn = rendered_fonts(page, selector)
    assert drawn, f"Chromium reports no font for {selector}"
    assert set(drawn) <= installed, (
        f"{selector} is drawn in {drawn}, not only in fonts for {language} ({sorted(installed)})"
    )
    if preferred in installed:
        main_font = max(drawn, key=drawn.get)
        assert main_font == preferred, f"{selector} is drawn in {drawn}, not in {preferred}"


def printed_pages(page):
    pdf = page.pdf(format="A4")
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def sheet_titles(page):
    return [" ".join(text.split()) for text in page.locator(".app-sheet__title").all_inner_texts()]


TITLE_TEXT_AND_BOX = """() => {
  const service = document.querySelector(".app-sheet__service");
  const title = service.querySelector(".app-sheet__title");
  const range = document.createRange();
  range.selectNodeContents(title);
  const text = range.getBoundingClientRect();
  const box = service.getBoundingClientRect();
  return {textLeft: text.left, textRight: text.right, left: box.left, right: box.right,
          direction: getComputedStyle(title).direction};
}"""


@pytest.fixture
def ten_services(site):
    """Ten services with every fact the sheet prints, as tests/browser/test_signposting.py's
    print test has them, each from its own organisation, all in Bengali among other languages."""
    return [
        printable_service(
            n,
            organisation=OrganisationFactory(
                name=f"Sheet organisation {n}", slug=f"sheet-organisation-{n}"
            ),
        )
        for n in range(10)
    ]


def test_a_practitioner_prints_an_arabic_sheet_of_ten_services_and_a_bengali_one(
    page, site, ten_services
):
    sheet_heading = translated("ar", "Signposting sheet")
    urgent_heading = translated("ar", "If you need help urgently")
    bengali_heading = translated("bn", "Signposting sheet")

    # On the English list, narrowed to Bengali speakers, tick the ten and choose Arabic.
    page.goto("/organisations/")
    open_facet(page, "language").locator('input[name="language"][value="bn"]').check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r"/organisations/\?.*language=bn"))
    for service in ten_services:
        page.get_by_role("checkbox", name=service.name, exact=True).check()
    page.get_by_label("Language of the sheet").select_option("ar")
    page.get_by_role("button", name="Make a signposting sheet").click()

    chosen = "&".join(f"service={service.pk}" for service in ten_services)
    expect(page).to_have_url(re.compile(r"/ar/signposting/\?(service=\d+&){9}service=\d+$"))
    assert sorted(page.url.split("?", 1)[1].split("&")) == sorted(chosen.split("&"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(sheet_heading)
    assert ARABIC_SCRIPT.search(sheet_heading)
    expect(page.locator("#sheet-urgent-title")).to_have_text(urgent_heading)
    practitioner = page.locator(".app-sheet__practitioner")
    expect(practitioner).to_have_attribute("lang", "en-GB")
    expect(practitioner).to_contain_text("For the practitioner: this sheet is in Arabic.")
    expect(practitioner.get_by_role("link", name="This sheet in English")).to_have_attribute(
        "href", f"/signposting/?{chosen}"
    )
    assert len(sheet_titles(page)) == 10
    assert_drawn_in_a_font_for(page, "h1", "ar", preferred="Noto Naskh Arabic")

    # Printed: two A4 pages at most, the titles set from the right, as Arabic reads.
    page.emulate_media(media="print")
    pages = printed_pages(page)
    assert 1 <= pages <= 2, f"the Arabic sheet of ten services printed on {pages} A4 pages"
    page.set_viewport_size(A4_PRINTED_LINE)
    title = page.evaluate(TITLE_TEXT_AND_BOX)
    assert title["direction"] == "rtl", title
    assert abs(title["right"] - title["textRight"]) <= 2, (
        f"The first service's title is not set from the right in print: {title}"
    )
    assert title["textLeft"] - title["left"] > 50, f"The first title fills its line: {title}"

    # The same sheet in Bengali, from the sheet's own language switcher.
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)
    page.locator("nav.app-language-switcher").get_by_role("link", name="বাংলা").click()
    expect(page).to_have_url(re.compile(r"/bn/signposting/\?(service=\d+&){9}service=\d+$"))
    expect(html).to_have_attribute("lang", "bn")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali_heading)
    assert BENGALI_SCRIPT.search(bengali_heading)
    expect(page.locator(".app-sheet__practitioner")).to_contain_text("this sheet is in Bengali.")
    assert len(sheet_titles(page)) == 10
    assert_drawn_in_a_font_for(page, "h1", "bn", preferred="Noto Sans Bengali")

    page.emulate_media(media="print")
    pages = printed_pages(page)
    assert 1 <= pages <= 2, f"the Bengali sheet of ten services printed on {pages} A4 pages"
    page.set_viewport_size(A4_PRINTED_LINE)
    title = page.evaluate(TITLE_TEXT_AND_BOX)
    assert abs(title["textLeft"] - title["left"]) <= 2, (
        f"The first service's title is not set from the left in Bengali: {title}"
    )


# Urdu's Nastaliq prints ten services on three pages (site.css, the sheet's Urdu line height): a
# known bug, open until a designer chooses between a tighter Nastaliq and Naskh on paper. Strict:
# the test says so the day it passes.
PRINT_PAGES_BUG = pytest.mark.xfail(
    strict=True, reason="Urdu (Nastaliq) prints ten services on three A4 pages, not two"
)


@pytest.mark.parametrize(
    "code",
    [pytest.param(code, marks=PRINT_PAGES_BUG) if code == "ur" else code for code in LANGUAGES],
)
def test_ten_services_print_on_two_a4_pages_in_every_language(page, site, ten_services, code):
    """The print budget in each language, not only the two the practitioner's journey makes."""
    query = "&".join(f"service={service.pk}" for service in ten_services)
    page.emulate_media(media="print")
    page.goto(in_language(f"/signposting/?{query}", code))
    assert len(sheet_titles(page)) == 10
    pages = printed_pages(page)
    assert 1 <= pages <= 2, f"the {code} sheet of ten services printed on {pages} A4 pages"
