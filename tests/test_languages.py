"""The interface in every language (issue 13, DESIGN.md §8): English at today's URLs and each other
language under its prefix (/ur/, /ar/, /bn/, /so/), decided by the URL alone; the switcher and the
alternate links; the page's words, the lookups' names, the counts and the dates in the page's
language, with nothing left in English but what organisations wrote; the caches keyed by
language; the same queries in every language; the signposting sheet in the language chosen for
the client; and numbers and addresses kept left to right on a right-to-left page.

Tests that need a language's words need its compiled catalogue (locale/<lang>/LC_MESSAGES/
django.mo): without it they are skipped on a developer's machine and fail in CI (``CI`` set), so
that a missing catalogue never hides a regression there.
"""

import datetime
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import polib
import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from directory.crisis_lines import BY_SLUG
from directory.languages import translated_languages
from organisations import views
from organisations.facets import FACETS
from organisations.listing import fragments
from organisations.listing.pagination import COUNT_AT_LEAST

from .factories import (
    AreaFactory,
    AudienceFactory,
    DeliveryModeFactory,
    LanguageFactory,
    OrganisationFactory,
    PractitionerGenderFactory,
    ServiceFactory,
    ServiceTypeFactory,
)
from .html import card_titles
from .test_signposting import SHEET_QUERIES, SHEET_QUERIES_FIRST
from .test_views import (
    DETAIL_QUERIES,
    DETAIL_QUERIES_FIRST,
    LIST_QUERIES,
    LIST_QUERIES_FIRST,
    LIST_QUERIES_REUSED,
    SEARCH_LATER_GROUPS,
    SEARCH_WORDS,
)

ENGLISH = settings.LANGUAGE_CODE  # "en-gb"
CODES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = translated_languages()  # ur, ar, bn, so
RTL = ["ur", "ar"]
# <html lang dir> of a page in each language.
HTML_LANGUAGE = {
    "en-gb": ("en-GB", "ltr"),
    "ur": ("ur", "rtl"),
    "ar": ("ar", "rtl"),
    "bn": ("bn", "ltr"),
    "so": ("so", "ltr"),
}
# The practitioner's English line names the sheet's language in English.
ENGLISH_NAMES = {"ur": "Urdu", "ar": "Arabic", "bn": "Bengali", "so": "Somali"}
STATIC_PAGES = ["/", "/urgent-help/", "/staying-safe-online/", "/about/", "/privacy/"]
STATIC_PAGES += ["/accessibility/"]
LIST_URL = "/organisations/"
SHEET_URL = "/signposting/"
# A page of text with the page cache off reads the directory's version (for its ETag), nothing
# else: no page has a query of its own in any language.
STATIC_PAGE_QUERIES = 1


def prefixed(language, path):
    """``path`` (an English URL) in ``language``: /ar/organisations/."""
    return path if language == ENGLISH else f"/{language}{path}"


def catalogue_file(language, suffix="mo"):
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{suffix}"


def require_catalogue(language):
    """Skip the test when ``language`` has no compiled catalogue yet; in CI, fail instead."""
    mo = catalogue_file(language)
    if mo.exists():
        return
    message = f"{language}: no compiled catalogue at {mo} (make messages, docs/translating.md)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must have every language's catalogue", pytrace=False)
    pytest.skip(message)


def require_routing(language):
    """Django routes a language's prefix only once it finds a catalogue for it (Django has none
    for Somali): until then /so/... is a 404, so the test needs ours."""
    if not translation.check_for_language(language):
        require_catalogue(language)


def translated(language, function, *args):
    """What ``function`` (gettext, ngettext, ...) gives in ``language``."""
    with translation.override(language):
        return function(*args)


def catalogue_entry(language, msgid, msgctxt=None):
    po = polib.pofile(str(catalogue_file(language, "po")))
    entry = po.find(msgid, msgctxt=msgctxt) if msgctxt else po.find(msgid)
    assert entry is not None, f"{language}: no entry for {msgid!r}"
    return entry


@pytest.fixture(autouse=True)
def english_between_requests():
    """Test data is made in English: modeltranslation saves ``name`` to the active language's
    column, whatever page a test asked for before."""
    translation.activate(ENGLISH)
    yield
    translation.activate(ENGLISH)


# --- Reading pages --------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []  # Elements and strings, in order

    def text(self):
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag, **attrs):
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and all(element.attrs.get(name.replace("_", "-")) == v for name, v in attrs.items())
        ]

    def find(self, tag, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def has_class(self, name):
        return name in self.attrs.get("class", "").split()

    def ancestors(self):
        element = self
        while element is not None:
            yield element
            element = element.parent


class Document(HTMLParser):
    """A page as a tree of Elements (``root``), enough for these tests."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self._open = self.root
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self._open)
        self._open.children.append(element)
        if tag not in VOID:
            self._open = element

    def handle_endtag(self, tag):
        for element in self._open.ancestors():
            if element.tag == tag:
                self._open = element.parent
                return

    def handle_data(self, data):
        self._open.children.append(data)


def page(response):
    return Document(response.content.decode()).root


def html_language(root):
    element = root.find("html")
    return element.attrs.get("lang"), element.attrs.get("dir")


def h1(root):
    return root.find("h1").text()


def switcher(root):
    return root.find("nav", **{"class": "app-language-switcher app-width"})


def page_text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- Test data ------------------------------------------------------------------------------------

# Each lookup's name in every interface language, as editors give them in admin.
LOOKUP_NAMES = {
    "urdu": {"name_ur": "اردو", "name_ar": "الأردية", "name_bn": "উর্দু", "name_so": "Urduu"},
    "somali": {
        "name_ur": "صومالی",
        "name_ar": "الصومالية",
        "name_bn": "সোমালি",
        "name_so": "Soomaali",
    },
    "female": {
        "name_ur": "خواتین معالج دستیاب ہیں",
        "name_ar": "تتوفر معالجات من النساء",
        "name_bn": "নারী পেশাদার আছেন",
        "name_so": "Xirfadlayaal dumar ah ayaa jira",
    },
    "male": {
        "name_ur": "مرد معالج دستیاب ہیں",
        "name_ar": "يتوفر معالجون من الرجال",
        "name_bn": "পুরুষ পেশাদার আছেন",
        "name_so": "Xirfadlayaal rag ah ayaa jira",
    },
    "london": {"name_ur": "لندن", "name_ar": "لندن", "name_bn": "লন্ডন", "name_so": "London"},
    "uk-wide": {
        "name_ur": "پورا برطانیہ",
        "name_ar": "كل المملكة المتحدة",
        "name_bn": "সমগ্র যুক্তরাজ্য",
        "name_so": "Boqortooyada oo dhan",
    },
    "phone": {"name_ur": "فون", "name_ar": "الهاتف", "name_bn": "ফোন", "name_so": "Telefoon"},
    "counselling": {
        "name_ur": "مشاورت اور تھراپی",
        "name_ar": "الإرشاد والعلاج النفسي",
        "name_bn": "কাউন্সেলিং ও থেরাপি",
        "name_so": "La-talin iyo daaweyn",
    },
    "women": {"name_ur": "خواتین", "name_ar": "النساء", "name_bn": "নারী", "name_so": "Haweenka"},
}


def lookups():
    """Every facet's lookups, each named in every language."""
    return {
        "urdu": LanguageFactory(
            code="ur", name="Urdu", native_name="اردو", is_rtl=True, **LOOKUP_NAMES["urdu"]
        ),
        "somali": LanguageFactory(
            code="so", name="Somali", native_name="Soomaali", **LOOKUP_NAMES["somali"]
        ),
        "female": PractitionerGenderFactory(slug="female", **LOOKUP_NAMES["female"]),
        "male": PractitionerGenderFactory(slug="male", **LOOKUP_NAMES["male"]),
        "london": AreaFactory(slug="london", name="London", **LOOKUP_NAMES["london"]),
        "uk-wide": AreaFactory(
            slug="uk-wide", name="UK-wide", is_national=True, **LOOKUP_NAMES["uk-wide"]
        ),
        "phone": DeliveryModeFactory(slug="phone", name="Phone", **LOOKUP_NAMES["phone"]),
        "counselling": ServiceTypeFactory(
            slug="counselling", name="Counselling and therapy", **LOOKUP_NAMES["counselling"]
        ),
        "women": AudienceFactory(slug="women", name="Women", **LOOKUP_NAMES["women"]),
    }


# What the organisation below wrote: never translated, marked as English on other pages.
SUMMARY = "Counselling in Urdu with women counsellors."


@pytest.fixture
def directory(db):
    """An organisation with one service that states everything and one that states nothing, and
    two more organisations, so that the list has two pages of two."""
    found = lookups()
    organisation = OrganisationFactory(
        name="Sakoon Test Counselling",
        slug="sakoon-test",
        summary=SUMMARY,
        description="We have offered counselling in east London since 2009.",
        phone="020 7946 0000",
        email="hello@example.org",
        website="https://example.org/sakoon",
        charity_number="1234567",
        is_alliance_member=True,
        last_verified=datetime.date(2025, 3, 3),
    )
    service = ServiceFactory(
        organisation=organisation,
        name="Women's counselling",
        slug="womens-counselling",
        description="Weekly sessions with a woman counsellor.",
        languages=[found["urdu"], found["somali"]],
        practitioner_genders=[found["female"]],
        areas=[found["london"]],
        delivery_modes=[found["phone"]],
        service_types=[found["counselling"]],
        audiences=[found["women"]],
        cost="low-cost",
        cost_note="£10 a session",
        faith_approach="islamic",
        referral="self",
        hours="Mondays 10am to 4pm",
        phone="020 7946 0001",
        email="women@example.org",
        url="https://example.org/sakoon/women",
    )
    ServiceFactory(organisation=organisation, name="Drop-in group", slug="drop-in")
    for name in ("Noor Family Support", "Amal Helpline"):
        ServiceFactory(
            organisation=OrganisationFactory(name=name, summary="Support for families."),
            languages=[found["somali"]],
            practitioner_genders=[found["female"]],
        )
    return {"organisation": organisation, "service": service, **found}


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(views.OrganisationListView, "page_size", 2)


# --- 1. URLs --------------------------------------------------------------------------------------

PREFIXED = [
    ("/ur/", "ur"),
    ("/ar/organisations/", "ar"),
    ("/bn/about/", "bn"),
    ("/so/urgent-help/", "so"),
]


@pytest.mark.parametrize(("url", "language"), PREFIXED)
def test_a_prefixed_url_is_the_page_in_that_language(client, db, url, language):
    require_routing(language)
    response = client.get(url)
    assert response.status_code == 200
    assert html_language(page(response)) == HTML_LANGUAGE[language]
    assert response["Content-Language"] == language


@pytest.mark.parametrize("url", ["/", LIST_URL, "/about/", "/urgent-help/", SHEET_URL])
def test_english_urls_are_unchanged(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert html_language(page(response)) == ("en-GB", "ltr")
    assert response["Content-Language"] == ENGLISH


def test_english_has_no_prefix_and_the_others_have_theirs():
    assert reverse("organisations:organisation-list") == LIST_URL
    for language in TRANSLATED:
        with translation.override(language):
            assert reverse("organisations:organisation-list") == f"/{language}{LIST_URL}"
            assert reverse("about") == f"/{language}/about/"


def test_english_has_one_url_only(client, db):
    assert client.get(f"/{ENGLISH}{LIST_URL}").status_code == 404


@pytest.mark.parametrize("url", [LIST_URL, "/", "/about/"])
def test_the_browser_language_is_ignored(client, db, url):
    response = client.get(url, headers={"Accept-Language": "ar,ur;q=0.9"})
    assert html_language(page(response)) == ("en-GB", "ltr")
    assert response["Content-Language"] == ENGLISH
    assert "Accept-Language" not in response.get("Vary", "")  # one URL is one page


def test_the_browser_language_is_ignored_on_a_prefixed_page_too(client, db):
    response = client.get("/ar/organisations/", headers={"Accept-Language": "ur"})
    assert html_language(page(response)) == ("ar", "rtl")


def public_urls(directory):
    organisation = directory["organisation"]
    return [
        "/",
        LIST_URL,
        f"{LIST_URL}?language=ur&page=2",
        f"{LIST_URL}?language=xx",
        f"{LIST_URL}?near=LS6",
        organisation.get_absolute_url(),
        f"{SHEET_URL}?service={directory['service'].pk}",
        SHEET_URL,
        *STATIC_PAGES[1:],
        "/open-data/",
        "/suggestion-sent/",
        "/organisations/no-such-organisation/",
    ]


@pytest.mark.parametrize("language", CODES)
def test_no_public_page_sets_a_cookie_in_any_language(client, directory, language):
    require_routing(language)
    for url in public_urls(directory):
        response = client.get(prefixed(language, url))
        assert response.status_code in (200, 404), url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
    assert not client.cookies


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_forms_set_only_their_csrf_cookie(client, directory, language):
    """The suggestion forms set the one cookie that protects them (the footer says so), and never
    one for the language."""
    require_routing(language)
    slug = directory["organisation"].slug
    for url in [f"/organisations/{slug}/suggest-a-change/", "/suggest-an-organisation/"]:
        response = client.get(prefixed(language, url))
        assert response.status_code == 200
        assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME}, url
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_a_prefixed_page_is_not_remembered(client, db):
    assert html_language(page(client.get("/ar/organisations/"))) == ("ar", "rtl")
    after = client.get(LIST_URL)
    assert html_language(page(after)) == ("en-GB", "ltr")
    assert after["Content-Language"] == ENGLISH
    assert not after.cookies and not client.cookies


def test_set_language_is_not_mounted(client, db):
    with pytest.raises(NoReverseMatch):
        reverse("set_language")
    assert client.get("/i18n/setlang/").status_code == 404
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 404
    assert not response.cookies


def test_healthz_and_admin_stay_unprefixed(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/ar/healthz").status_code == 404
    login = f"/{settings.ADMIN_URL}login/"
    response = client.get(login, headers={"Accept-Language": "ar"})
    assert response.status_code == 200
    assert response["Content-Language"] == ENGLISH
    assert client.get(f"/ar{login}").status_code == 404


def test_an_unknown_prefix_gets_the_english_404_page(client, db):
    response = client.get("/xx/organisations/")
    assert response.status_code == 404
    root = page(response)
    assert html_language(root) == ("en-GB", "ltr")
    assert h1(root) == "Page not found"


# --- 2. The switcher and the alternate links ------------------------------------------------------


def switcher_links(root):
    """{language tag: (href, link attributes)} of the switcher's links."""
    return {a.attrs["lang"]: a for a in switcher(root).find_all("a")}


def split(url):
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)


FILTERS = {"gender": ["female"], "language": ["so"], "page": ["2"]}


@pytest.mark.parametrize("language", CODES)
def test_the_switcher_keeps_the_understood_filters_and_nothing_else(
    client, directory, two_a_page, language
):
    require_routing(language)
    response = client.get(
        prefixed(language, LIST_URL), {"language": "so", "gender": "female", "page": 2, "junk": "1"}
    )
    assert response.status_code == 200
    assert len(card_titles(response)) == 1  # page 2 of the three Somali services
    root = page(response)
    links = switcher_links(root)
    others = [code for code in CODES if code != language]
    assert sorted(links) == sorted(HTML_LANGUAGE[code][0] for code in others)
    for code in others:
        link = links[HTML_LANGUAGE[code][0]]
        assert split(link.attrs["href"]) == (prefixed(code, LIST_URL), FILTERS)
        assert link.attrs["hreflang"] == HTML_LANGUAGE[code][0]
        assert link.attrs["rel"] == "alternate"
        assert link.attrs.get("dir") == ("rtl" if code in RTL else None)
    current = [span for span in switcher(root).find_all("span") if "aria-current" in span.attrs]
    assert [(span.attrs["aria-current"], span.attrs["lang"]) for span in current] == [
        ("true", HTML_LANGUAGE[language][0])
    ]
    assert "junk" not in str(response.content)


def test_every_pages_addresses_are_escaped_in_the_kept_switcher_and_alternates(client, directory):
    """The switcher, the alternates and the draft notice are kept per language, with the page's
    address filled in on each request: escaped, and never another page's."""
    response = client.get('/ar/no-such-page-"<b>/')  # the 404 page links to the same path
    assert response.status_code == 404
    content = response.content.decode()
    assert "<b>" not in content and "&lt;b&gt;" in content
    search = "a\"<b>&'c"
    for query in [{"q": search}, {"gender": "female"}]:
        response = client.get("/ar/organisations/", query)
        content = response.content.decode()
        assert "<b>" not in content and "\x00" not in content
        root = page(response)
        expected = split(f"/organisations/?{urlencode(query)}")
        assert split(switcher_links(root)["en-GB"].attrs["href"]) == expected
        alternates = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in root.find_all("link", rel="alternate")
        }
        assert split(alternates["x-default"]) == expected
        assert split(alternates["ur"]) == (f"/ur{expected[0]}", expected[1])
        notice = root.find("div", **{"class": "app-draft-notice"})
        assert [split(a.attrs["href"]) for a in notice.find_all("a")] == [expected, expected]


def test_the_switcher_drops_a_value_the_list_did_not_recognise(client, directory):
    response = client.get("/ar/organisations/", {"language": "xx", "gender": "female"})
    assert "xx" in page_text(response)  # named in the notice
    for link in switcher_links(page(response)).values():
        assert split(link.attrs["href"])[1] == {"gender": ["female"]}


def test_the_switcher_on_a_page_of_text_ignores_the_query(client, db):
    root = page(client.get("/ar/about/", {"utm_source": "x"}))
    assert {a.attrs["href"] for a in switcher(root).find_all("a")} == {
        "/about/",
        "/ur/about/",
        "/bn/about/",
        "/so/about/",
    }


def test_the_switcher_on_the_sheet_keeps_only_the_services(client, directory):
    pk = directory["service"].pk
    response = client.get("/ar/signposting/", {"service": [pk, "abc"], "utm_source": "x"})
    for link in switcher_links(page(response)).values():
        assert split(link.attrs["href"])[1] == {"service": [str(pk)]}


@pytest.mark.parametrize("language", CODES)
def test_the_head_links_every_language_and_x_default(client, directory, two_a_page, language):
    require_routing(language)
    query = "?gender=female&language=so&page=2"
    response = client.get(prefixed(language, LIST_URL) + query)
    alternates = [
        (link.attrs["hreflang"], link.attrs["href"])
        for link in page(response).find("head").find_all("link", rel="alternate")
    ]
    assert alternates == [
        *((HTML_LANGUAGE[code][0], prefixed(code, LIST_URL) + query) for code in CODES),
        ("x-default", LIST_URL + query),
    ]


# --- 3. Translation reaches the page --------------------------------------------------------------


def test_the_arabic_list_is_headed_in_arabic(client, db):
    require_catalogue("ar")
    heading = h1(page(client.get("/ar/organisations/")))
    assert heading != "Find support"
    assert heading == catalogue_entry("ar", "Find support").msgstr
    assert heading == translated("ar", gettext, "Find support")


def test_lookup_names_show_in_the_pages_language(client, directory):
    counselling = directory["counselling"]
    counselling.name_ar = "إرشاد وعلاج"
    counselling.save()
    english = client.get(LIST_URL).content.decode()
    arabic = client.get("/ar/organisations/").content.decode()
    assert "> Counselling and therapy" in english and "إرشاد وعلاج" not in english
    assert "> إرشاد وعلاج" in arabic and "Counselling and therapy" not in arabic


def test_a_lookup_without_a_translation_shows_its_english_name(client, directory):
    counselling = directory["counselling"]
    counselling.name_ar = ""
    counselling.save()
    assert "Counselling and therapy" in client.get("/ar/organisations/").content.decode()


def test_an_unknown_value_is_named_in_arabic(client, directory):
    require_catalogue("ar")
    response = client.get("/ar/organisations/", {"language": "xx"})
    language = next(facet for facet in FACETS if facet.param == "language")
    with translation.override("ar"):
        notice = str(language.unknown_value) % {"value": "xx"}
    english = "We did not recognise the language “xx”, so it was ignored."
    assert notice != english
    notices = page(response).find("ul", **{"class": "app-notice__list"}).find_all("li")
    assert [li.text() for li in notices] == [notice]


# Arabic's six plural forms (tests/test_translations.py checks the catalogue's rule): for 3 to 10
# the fourth, for 11 to 99 the fifth; 1 and 2 their own.
ARABIC_PLURAL = {1: 1, 2: 2, 3: 3, 11: 4}


@pytest.mark.parametrize(("count", "form"), ARABIC_PLURAL.items())
def test_the_count_uses_the_arabic_plural_form(client, db, count, form):
    require_catalogue("ar")
    for _ in range(count):
        ServiceFactory()
    entry = catalogue_entry("ar", "%(count)s organisation")
    expected = entry.msgstr_plural[form] % {"count": count}
    assert expected == translated(
        "ar", ngettext, "%(count)s organisation", "%(count)s organisations", count
    ) % {"count": count}
    count_line = page(client.get("/ar/organisations/")).find("p", **{"class": "app-result-count"})
    assert count_line.find("strong").text() == expected


def test_dates_use_the_arabic_month(client, directory):
    require_catalogue("ar")
    response = client.get("/ar/organisations/sakoon-test/")
    last_checked = page(response).find("p", **{"class": "app-last-checked"}).text()
    with translation.override("ar"):
        day = date_format(directory["organisation"].last_verified)
        sentence = gettext("Details last checked on %(date)s") % {"date": day}
        march = gettext("March")
    assert march != "March" and march in day
    assert last_checked == sentence
    assert "March" not in last_checked


def test_the_404_page_in_arabic(client, db):
    require_catalogue("ar")
    response = client.get("/ar/organisations/no-such-slug/")
    assert response.status_code == 404
    root = page(response)
    assert html_language(root) == ("ar", "rtl")
    assert h1(root) == translated("ar", gettext, "Page not found") != "Page not found"


# --- 4. Nothing in English left on a translated page ----------------------------------------------

# Names that stay in Latin letters in every language: a text that is one of these alone is no
# untranslated English.
PROPER_NAMES = {
    "Samaritans",
    "Shout",
    "SHOUT",
    "Childline",
    "PAPYRUS",
    "PAPYRUS HOPELINE247",
    "NHS",
    "NHS 111",
    "A&E",
    "Muslim Mental Health Alliance",
}
_ADDRESSES = re.compile(r"\S+@\S+\.\S+|(?:https?://|www\.)\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Attributes a visitor reads or hears.
READ_ATTRIBUTES = ("aria-label", "alt", "placeholder", "title")


def visible_texts(root, skip_marked):
    """Every text a visitor meets on the page: text nodes, <title>, the meta description and the
    attributes read out, each with its whitespace collapsed. With ``skip_marked``, not what is
    inside an element marked English (lang="en-GB": what organisations wrote, the English half of
    the draft notice, the practitioner's line) or translate="no"."""
    texts = []

    def add(text):
        text = " ".join((text or "").split())
        if text:
            texts.append(text)

    def walk(element):
        if element.tag in ("script", "style"):
            return
        lang = element.attrs.get("lang", "").lower()
        if skip_marked and element.tag != "html" and (lang.split("-")[0] == "en"):
            return
        if skip_marked and element.attrs.get("translate") == "no":
            return
        if element.tag == "meta" and element.attrs.get("name") == "description":
            add(element.attrs.get("content"))
        for name in READ_ATTRIBUTES:
            add(element.attrs.get(name))
        for child in element.children:
            if isinstance(child, str):
                add(child)
            else:
                walk(child)

    walk(root)
    return texts


def words(text):
    return _WORD.findall(_ADDRESSES.sub(" ", text))


def left_in_english(english_root, translated_root, written=()):
    """The texts of three or more words that the translated page shows exactly as the English
    one does: English left untranslated. ``written`` is what organisations wrote that the page
    cannot mark as English (the meta description of an organisation's page)."""
    english = set(visible_texts(english_root, skip_marked=False))
    return sorted(
        {
            text
            for text in visible_texts(translated_root, skip_marked=True)
            if text in english
            and len(words(text)) >= 3
            and text.strip(" .,:;!?") not in PROPER_NAMES
            and text not in written
        }
    )


def test_left_in_english_finds_english_and_nothing_else():
    english = Document(
        '<html lang="en-GB"><head><title>Find support – Directory</title>'
        '<meta name="description" content="Find support in the UK."></head><body>'
        "<p>Leave this site</p><p>Call <a>116 123</a> now</p><p>Samaritans</p>"
        '<p>Sakoon Test Counselling</p><p>Read this page in English</p><p translate="no">A B C'
        "</p><p>https://example.org/a/b/c</p><p>Muslim Mental Health Alliance</p></body></html>"
    ).root
    arabic = Document(
        '<html lang="ar" dir="rtl"><head><title>Find support – الدليل</title>'
        '<meta name="description" content="Find support in the UK."></head><body>'
        '<p>Leave this site</p><p>اتصل <a>116 123</a> الآن</p><p>Samaritans</p><p lang="en-GB"'
        ' dir="ltr">Sakoon Test Counselling</p><div lang="en-GB"><p>Read this page in English</p>'
        '</div><p translate="no">A B C</p><p>https://example.org/a/b/c</p>'
        "<p>Muslim Mental Health Alliance</p><p>Read this page in English</p></body></html>"
    ).root
    assert left_in_english(english, arabic) == [
        "Find support in the UK.",
        "Leave this site",
        "Read this page in English",
    ]


def _sheet(directory):
    return f"{SHEET_URL}?service={directory['service'].pk}"


def _suggest_change(directory):
    return f"/organisations/{directory['organisation'].slug}/suggest-a-change/"


# (name, method, the English URL given the directory fixture's data)
PAGE_TYPES = [
    ("home", "get", lambda d: "/"),
    ("list", "get", lambda d: LIST_URL),
    ("list, page 2", "get", lambda d: f"{LIST_URL}?page=2"),
    ("list with a filter", "get", lambda d: f"{LIST_URL}?language=ur&gender=female"),
    ("list with a search", "get", lambda d: f"{LIST_URL}?q=counselling"),
    ("list with no match", "get", lambda d: f"{LIST_URL}?gender=male"),
    ("list with a notice", "get", lambda d: f"{LIST_URL}?language=xx&page=99"),
    ("list near a postcode", "get", lambda d: f"{LIST_URL}?near=LS6&radius=10"),
    ("list near a district outside the data", "get", lambda d: f"{LIST_URL}?near=JE2"),
    ("detail", "get", lambda d: d["organisation"].get_absolute_url()),
    ("sheet", "get", _sheet),
    ("sheet with a notice", "get", lambda d: f"{_sheet(d)}&service=abc&service=999999"),
    ("sheet, empty", "get", lambda d: SHEET_URL),
    ("urgent help", "get", lambda d: "/urgent-help/"),
    ("staying safe online", "get", lambda d: "/staying-safe-online/"),
    ("about", "get", lambda d: "/about/"),
    ("privacy", "get", lambda d: "/privacy/"),
    ("accessibility", "get", lambda d: "/accessibility/"),
    ("open data", "get", lambda d: "/open-data/"),
    ("suggest a change", "get", _suggest_change),
    ("suggest a change, not filled in", "post", _suggest_change),
    ("suggest an organisation", "get", lambda d: "/suggest-an-organisation/"),
    ("suggest an organisation, not filled in", "post", lambda d: "/suggest-an-organisation/"),
    ("suggestion sent", "get", lambda d: "/suggestion-sent/"),
    ("404", "get", lambda d: "/organisations/no-such-organisation/"),
]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize(("name", "method", "url"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_nothing_is_left_in_english(client, directory, two_a_page, language, name, method, url):
    require_catalogue(language)
    english_url = url(directory)
    english = getattr(client, method)(english_url)
    other = getattr(client, method)(prefixed(language, english_url))
    assert other.status_code == english.status_code
    root = page(other)
    assert html_language(root) == HTML_LANGUAGE[language]
    left = left_in_english(page(english), root, written={SUMMARY})
    assert not left, f"{language} {name}: {len(left)} texts in English:\n" + "\n".join(left)


# --- 5. Caches keyed by language ------------------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.DIRECTORY_PAGE_CACHE = True


def test_each_language_has_its_own_cached_page(
    client, directory, page_cache_on, django_assert_num_queries
):
    english = client.get(LIST_URL)
    arabic = client.get("/ar/organisations/")
    again = client.get(LIST_URL)
    assert html_language(page(english)) == html_language(page(again)) == ("en-GB", "ltr")
    assert h1(page(again)) == "Find support"
    assert html_language(page(arabic)) == ("ar", "rtl")
    assert again.content == english.content
    with django_assert_num_queries(1):  # both kept: the version, nothing else
        assert client.get("/ar/organisations/").content == arabic.content
    with django_assert_num_queries(1):
        assert client.get(LIST_URL).content == english.content


def test_each_language_has_its_own_etag(client, directory, page_cache_on):
    english = client.get(LIST_URL)["ETag"]
    arabic = client.get("/ar/organisations/")["ETag"]
    assert english != arabic
    assert client.get("/ar/organisations/", headers={"If-None-Match": english}).status_code == 200
    assert client.get("/ar/organisations/", headers={"If-None-Match": arabic}).status_code == 304
    assert client.get(LIST_URL, headers={"If-None-Match": arabic}).status_code == 200


def test_pieces_rendered_in_english_are_not_reused_in_arabic(
    client, directory, django_assert_num_queries
):
    """Cards, the filter form and an organisation's services are kept per language: after English,
    the Arabic pages render their own (the lookups, the same in every language, are reused)."""
    client.get(LIST_URL)
    client.get("/organisations/sakoon-test/")
    with django_assert_num_queries(LIST_QUERIES):  # the cards rendered again, not the lookups
        arabic = client.get("/ar/organisations/").content.decode()
    cards = re.findall(r'<article class="app-card">.*?</article>', arabic, re.S)
    assert cards and "الصومالية" in cards[0] and "Somali" not in cards[0]
    form = arabic[arabic.index('<form class="app-filters"') :]
    assert "> الصومالية" in form and "> Somali" not in form
    with django_assert_num_queries(DETAIL_QUERIES_FIRST - 1):  # the services rendered again
        detail = client.get("/ar/organisations/sakoon-test/").content.decode()
    assert "تتوفر معالجات من النساء" in detail and "Female practitioners" not in detail


def test_cards_and_pagination_rendered_in_english_carry_arabic_labels(
    client, directory, two_a_page
):
    require_catalogue("ar")
    client.get(LIST_URL)
    root = page(client.get("/ar/organisations/"))
    labels = {dt.text() for card in root.find_all("article") for dt in card.find_all("dt")}
    with translation.override("ar"):
        expected = {str(facet.label) for facet in FACETS if facet.param in ("language", "gender")}
        pagination = gettext("Pagination")
    assert expected <= labels
    assert not labels & {"Languages", "Practitioners"}
    nav = root.find("nav", **{"class": "app-pagination"})
    assert nav.attrs["aria-label"] == pagination != "Pagination"


def test_the_crisis_banner_in_arabic_after_english(client, db):
    require_catalogue("ar")
    banner = BY_SLUG["emergency"].banner
    english = str(banner).split("{number}")[0].strip()
    with translation.override("ar"):
        arabic = str(banner).split("{number}")[0].strip()
    assert arabic != english
    assert english in page(client.get(LIST_URL)).find("aside").text()
    text = page(client.get("/ar/organisations/")).find("aside").text()
    assert arabic in text and english not in text


# --- 6. The same queries in every language --------------------------------------------------------


@pytest.fixture
def two_organisations(db):
    urdu = LanguageFactory(code="ur", name="Urdu", native_name="اردو")
    female = PractitionerGenderFactory(slug="female")
    for _ in range(2):
        organisation = OrganisationFactory()
        for _ in range(3):
            ServiceFactory(
                organisation=organisation, languages=[urdu], practitioner_genders=[female]
            )
    return organisation


# On PostgreSQL a search whose first group does not fill the page reads the other two groups too
# (tests/test_views.py): two organisations never fill it.
LATER = SEARCH_LATER_GROUPS if COUNT_AT_LEAST >= 2 else 0
LIST_CASES = [
    ("plain", {}, LIST_QUERIES, LIST_QUERIES_REUSED),
    (
        "filtered",
        {"language": "ur", "gender": "female", "page": 1},
        LIST_QUERIES,
        LIST_QUERIES_REUSED,
    ),
    (
        "search",
        {"q": "organisation"},
        LIST_QUERIES + SEARCH_WORDS + LATER,
        LIST_QUERIES_REUSED + LATER,
    ),
    (
        "filtered search",
        {"language": "ur", "gender": "female", "q": "organisation"},
        LIST_QUERIES + SEARCH_WORDS + LATER,
        LIST_QUERIES_REUSED + LATER,
    ),
]


@pytest.mark.parametrize("language", CODES)
def test_the_first_list_makes_the_same_queries_in_every_language(
    client, two_organisations, django_assert_num_queries, language
):
    require_routing(language)
    with django_assert_num_queries(LIST_QUERIES_FIRST):
        client.get(prefixed(language, LIST_URL))
    with django_assert_num_queries(LIST_QUERIES_REUSED):
        client.get(prefixed(language, LIST_URL))


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize(
    ("params", "first", "repeat"),
    [case[1:] for case in LIST_CASES],
    ids=[case[0] for case in LIST_CASES],
)
def test_the_list_makes_the_same_queries_in_every_language(
    client, two_organisations, django_assert_num_queries, language, params, first, repeat
):
    require_routing(language)
    client.get(prefixed(language, LIST_URL))  # the lookups read
    fragments.KEPT.clear()
    with django_assert_num_queries(first):
        assert len(card_titles(client.get(prefixed(language, LIST_URL), params))) == 2
    with django_assert_num_queries(repeat):
        assert len(card_titles(client.get(prefixed(language, LIST_URL), params))) == 2


@pytest.mark.parametrize("language", CODES)
def test_the_detail_page_makes_the_same_queries_in_every_language(
    client, two_organisations, django_assert_num_queries, language
):
    require_routing(language)
    url = prefixed(language, two_organisations.get_absolute_url())
    with django_assert_num_queries(DETAIL_QUERIES_FIRST):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("url", STATIC_PAGES)
def test_pages_of_text_make_the_same_queries_in_every_language(
    client, db, django_assert_num_queries, language, url
):
    require_routing(language)
    for _ in range(2):
        with django_assert_num_queries(STATIC_PAGE_QUERIES):
            assert client.get(prefixed(language, url)).status_code == 200


@pytest.mark.parametrize("language", CODES)
def test_the_sheet_makes_the_same_queries_in_every_language(
    client, two_organisations, django_assert_num_queries, language
):
    require_routing(language)
    ids = [str(service.pk) for service in two_organisations.services.all()]
    with django_assert_num_queries(SHEET_QUERIES_FIRST):
        assert client.get(prefixed(language, SHEET_URL), {"service": ids[0]}).status_code == 200
    with django_assert_num_queries(SHEET_QUERIES):
        assert client.get(prefixed(language, SHEET_URL), {"service": ids}).status_code == 200


# --- 7. The signposting sheet ---------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_sheet_form_sends_the_practitioner_to_the_sheet_in_the_language_chosen(
    client, directory, language
):
    require_catalogue(language)
    pk = directory["service"].pk
    response = client.get(SHEET_URL, {"service": [pk, "abc"], "lang": language})
    assert response.status_code == 302
    # The services as given: the sheet itself names what it cannot use, in its language.
    assert response["Location"] == f"/{language}{SHEET_URL}?service={pk}&service=abc"
    assert not response.cookies
    sheet = client.get(response["Location"])
    assert html_language(page(sheet)) == HTML_LANGUAGE[language]
    with translation.override(language):
        notice = gettext("“%(value)s” is not a service number, so it was left out.") % {
            "value": "abc"
        }
    assert html.escape(notice) in sheet.content.decode()


def test_a_sheet_in_english_from_an_arabic_page(client, directory):
    pk = directory["service"].pk
    response = client.get("/ar/signposting/", {"service": pk, "lang": ENGLISH})
    assert response.status_code == 302
    assert response["Location"] == f"{SHEET_URL}?service={pk}"


@pytest.mark.parametrize("language", CODES)
def test_the_pages_own_language_goes_to_the_sheets_own_url_without_lang(
    client, directory, language
):
    require_routing(language)
    pk = directory["service"].pk
    sheet = prefixed(language, SHEET_URL)
    response = client.get(sheet, {"service": pk, "lang": language})
    assert response.status_code == 302
    assert response["Location"] == f"{sheet}?service={pk}"
    assert html_language(page(client.get(response["Location"]))) == HTML_LANGUAGE[language]


def test_the_services_carried_to_the_sheet_are_bounded(client, directory):
    given = ["1" * 30, *[str(n) for n in range(1, 80)]]
    response = client.get(SHEET_URL, {"service": given, "lang": "ar"})
    carried = parse_qs(urlsplit(response["Location"]).query)["service"]
    assert carried[0] == "1" * 20  # still no service number: the sheet still says so
    assert len(carried) == 51  # one more than a sheet reads, so that it says it stopped


def test_the_arabic_sheet(client, directory):
    require_catalogue("ar")
    service = directory["service"]
    response = client.get("/ar/signposting/", {"service": service.pk})
    root = page(response)
    assert html_language(root) == ("ar", "rtl")
    with translation.override("ar"):
        expected = {
            "title": gettext("Signposting sheet"),
            "labels": {gettext("Phone"), gettext("Hours"), gettext("Referral")},
            "urgent": gettext("If you need help urgently"),
            "day": date_format(response.context["today"]),
            "month": gettext(response.context["today"].strftime("%B")),
        }
    assert h1(root) == expected["title"] != "Signposting sheet"
    service_section = root.find("section", **{"class": "app-sheet__service"})
    labels = {dt.text() for dt in service_section.find_all("dt")}
    assert expected["labels"] <= labels and "Phone" not in labels
    urgent = root.find("section", **{"aria-labelledby": "sheet-urgent-title"})
    assert urgent.find("h2").text() == expected["urgent"] != "If you need help urgently"
    assert root.find("time").text() == expected["day"]
    assert expected["month"] in expected["day"]
    lead = root.find("p", **{"class": "app-lead"}).text()
    assert response.context["today"].strftime("%B") not in lead
    # What the service wrote is marked as English.
    title = root.find("h2", **{"class": "app-sheet__title"})
    names = [(s.attrs.get("lang"), s.attrs.get("dir"), s.text()) for s in title.find_all("span")]
    assert ("en-GB", "ltr", "Women's counselling") in names
    assert ("en-GB", "ltr", "Sakoon Test Counselling") in names


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_sheet_in_another_language_has_an_english_line_for_the_practitioner(
    client, directory, language
):
    require_routing(language)
    pk = directory["service"].pk
    root = page(client.get(prefixed(language, SHEET_URL), {"service": pk}))
    (line,) = root.find_all("p", **{"class": "app-sheet__practitioner"})
    assert (line.attrs["lang"], line.attrs["dir"]) == ("en-GB", "ltr")
    assert f"this sheet is in {ENGLISH_NAMES[language]}" in line.text()
    link = line.find("a")
    assert link.attrs["href"] == f"{SHEET_URL}?service={pk}"
    assert link.attrs["hreflang"] == "en-GB"


def test_an_english_sheet_has_no_practitioner_line(client, directory):
    root = page(client.get(SHEET_URL, {"service": directory["service"].pk}))
    assert root.find_all("p", **{"class": "app-sheet__practitioner"}) == []


def test_an_empty_sheet_has_no_practitioner_line(client, db):
    root = page(client.get("/ar/signposting/"))
    assert root.find_all("p", **{"class": "app-sheet__practitioner"}) == []


def test_an_unknown_sheet_language_is_named_and_the_page_keeps_its_own(client, directory):
    pk = directory["service"].pk
    response = client.get("/ar/signposting/", {"service": pk, "lang": "xx"})
    assert response.status_code == 200
    root = page(response)
    assert html_language(root) == ("ar", "rtl")
    with translation.override("ar"):
        notice = gettext(
            "We did not recognise the language “%(value)s”, so the sheet is in this "
            "page’s language."
        ) % {"value": "xx"}
    notices = root.find("ul", **{"class": "app-notice__list"}).find_all("li")
    assert [li.text() for li in notices] == [notice]
    assert len(root.find_all("h2", **{"class": "app-sheet__title"})) == 1


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("where", ["list", "detail"])
def test_the_forms_offer_every_sheet_language_with_the_pages_selected(
    client, directory, language, where
):
    require_routing(language)
    url = LIST_URL if where == "list" else directory["organisation"].get_absolute_url()
    form = page(client.get(prefixed(language, url))).find("form", **{"class": "app-pick"})
    assert form.attrs["action"] == prefixed(language, SHEET_URL)
    (select,) = form.find_all("select", name="lang")
    options = select.find_all("option")
    assert [option.attrs["value"] for option in options] == CODES
    assert [option.attrs["lang"] for option in options] == [HTML_LANGUAGE[c][0] for c in CODES]
    assert [option.attrs["value"] for option in options if "selected" in option.attrs] == [language]


# --- What organisations wrote ---------------------------------------------------------------------


def test_what_organisations_wrote_is_marked_english_on_other_pages(client, directory):
    for url in [LIST_URL, "/organisations/sakoon-test/"]:
        english = page(client.get(url))
        arabic = page(client.get(prefixed("ar", url)))
        marked = [
            element
            for element in arabic.iter()
            if element.text() == SUMMARY and element.tag != "#document"
        ]
        assert [(e.attrs.get("lang"), e.attrs.get("dir")) for e in marked][-1] == ("en-GB", "ltr")
        assert all("lang" not in e.attrs for e in english.iter() if e.text() == SUMMARY), url


# --- 8. Left to right in a right-to-left page -----------------------------------------------------

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
# Grouped digits ("020 7946 0000", "116 123"), an email address, a web address.
_LEFT_TO_RIGHT = re.compile(r"\+?\d+(?: \d+)+|\S+@\S+\.\w+|https?://\S+")
ISOLATED_SELECTORS = ['a[href^="tel:"]', 'a[href^="mailto:"]', ".app-break", ".app-ltr"]


def stylesheet_rules():
    """{selector: declarations} of site.css."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    rules = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {
            name.strip(): value.strip()
            for name, _colon, value in (part.partition(":") for part in body.split(";"))
            if value
        }
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def test_the_stylesheet_isolates_numbers_and_addresses_left_to_right():
    rules = stylesheet_rules()
    for selector in ISOLATED_SELECTORS:
        assert rules.get(selector, {}).get("direction") == "ltr", selector
        assert rules[selector].get("unicode-bidi") == "isolate", selector


def isolated(element, page_is_rtl):
    """Whether ``element`` or an element around it is shown left to right and isolated: by
    site.css (tel: and mailto: links, .app-break, .app-ltr, English in a right-to-left page) or by
    its own dir (the browser's stylesheet isolates every element with dir)."""
    for around in element.ancestors():
        href = around.attrs.get("href", "")
        if around.tag == "a" and href.startswith(("tel:", "mailto:")):
            return True
        if around.has_class("app-break") or around.has_class("app-ltr"):
            return True
        if around.attrs.get("dir") == "ltr":
            return True
        if page_is_rtl and around.attrs.get("lang", "").lower().split("-")[0] in ("en", "so"):
            return "dir" not in around.attrs or around.attrs["dir"] == "ltr"
    return False


def not_isolated(root):
    """The numbers and addresses on the page that are not isolated left to right."""
    page_is_rtl = html_language(root)[1] == "rtl"
    found = []
    for element in root.iter():
        if element.tag in ("script", "style", "head", "title"):
            continue
        for child in element.children:
            if isinstance(child, str):
                for match in _LEFT_TO_RIGHT.findall(child):
                    if not isolated(element, page_is_rtl):
                        found.append(f"<{element.tag} {element.attrs}> {match}")
    return found


@pytest.mark.parametrize("language", RTL)
@pytest.mark.parametrize("where", ["detail", "sheet", "/urgent-help/", "/", LIST_URL])
def test_numbers_and_addresses_are_left_to_right_on_a_right_to_left_page(
    client, directory, language, where
):
    url = {
        "detail": directory["organisation"].get_absolute_url(),
        "sheet": f"{SHEET_URL}?service={directory['service'].pk}",
    }.get(where, where)
    root = page(client.get(prefixed(language, url)))
    assert html_language(root)[1] == "rtl"
    assert not_isolated(root) == []


def test_the_detail_page_marks_up_each_number_and_address(client, directory):
    root = page(client.get("/ar/organisations/sakoon-test/"))
    links = {a.attrs.get("href"): a for a in root.find_all("a")}
    for href, text in [
        ("tel:02079460000", "020 7946 0000"),
        ("tel:02079460001", "020 7946 0001"),
        ("mailto:hello@example.org", "hello@example.org"),
        ("mailto:women@example.org", "women@example.org"),
        ("tel:999", "999"),
        ("tel:116123", "116 123"),
    ]:
        assert links[href].text() == text
    for href in ["https://example.org/sakoon", "https://example.org/sakoon/women"]:
        assert links[href].has_class("app-break") and links[href].text() == href


@pytest.mark.parametrize("language", TRANSLATED)
def test_what_a_service_has_not_stated_is_listed_with_the_languages_commas(
    client, directory, language
):
    require_catalogue(language)
    root = page(client.get(f"/{language}/organisations/sakoon-test/"))
    (unstated,) = root.find_all("dd", **{"class": "app-unstated"})  # the drop-in group's
    comma = translated(language, translation.pgettext, "list separator", ", ")
    with translation.override(language):
        names = [str(facet.unstated) for facet in FACETS]
        names.append(gettext("how to get referred"))
    assert unstated.text() == " ".join(comma.join(names).split())


def test_a_lookup_not_yet_named_in_a_language_shows_its_english_name_marked_english(
    client, directory
):
    """An editor adds a kind of support in English only: on the Urdu pages it falls back to its
    English name (django-modeltranslation), marked as English on the card, the detail page, the
    filter form and the chosen filters."""
    require_catalogue("ur")
    new = ServiceTypeFactory(slug="art-therapy", name="Art therapy")
    assert not new.name_ur
    directory["service"].service_types.add(new)
    marked = '<span lang="en-GB" dir="ltr">Art therapy</span>'
    for url in [
        "/ur/organisations/",
        "/ur/organisations/?type=art-therapy",
        "/ur/organisations/sakoon-test/",
    ]:
        content = client.get(url).content.decode()
        # The page's JSON-LD (structured_data.py) names it too, as data with no markup.
        content = re.sub(
            r'<script type="application/ld\+json">.*?</script>', "", content, flags=re.S
        )
        assert marked in content, url
        assert content.count("Art therapy") == content.count(marked), url
    # A name that is translated is not marked.
    urdu_name = directory["counselling"].name_ur
    content = client.get("/ur/organisations/sakoon-test/").content.decode()
    assert urdu_name and urdu_name in content
    assert f'dir="ltr">{urdu_name}' not in content


def test_not_isolated_finds_a_bare_number():
    root = Document(
        '<html lang="ar" dir="rtl"><body><p>اتصل 020 7946 0000</p>'
        '<p><a href="tel:999">116 123</a></p><p><span dir="ltr">0800 1111</span></p>'
        '<p><span lang="en-GB">jo@samaritans.org</span></p></body></html>'
    ).root
    assert [line.split("> ")[1] for line in not_isolated(root)] == ["020 7946 0000"]
