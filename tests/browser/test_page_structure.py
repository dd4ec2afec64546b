"""What axe cannot judge alone (DESIGN.md §7): the list's filters by keyboard alone, with a focus
you can see; every page at 320 px without sideways scrolling; headings in order; the language;
a title that names the page."""

from itertools import pairwise

import pytest

from .site import PAGE_NAMES, SITE_NAME, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
TITLE_SUFFIX = f" – {SITE_NAME}"
# Home's title states the site's purpose (WCAG 2.4.2 allows topic or purpose) rather than
# repeating its h1, "Mental-health support that understands your faith and culture".
TITLE_WITHOUT_H1 = {"home": "Find faith and culturally sensitive mental-health support"}
MOST_TABS = 120

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  const transparent = /rgba\\(.*,\\s*0\\)$|^transparent$/.test(style.outlineColor);
  return {
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), el),
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "")
      + " “" + (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "”",
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || "").trim(),
    inNav: Boolean(el.closest("nav")),
    inFilters: Boolean(el.closest("form.app-filters")),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && !transparent,
    boxShadow: style.boxShadow !== "none",
    // Within a pixel: layout is in fractions of one, and focus scrolls a control just into view.
    onScreen: rect.width > 0 && rect.height > 0 && rect.left >= -1 && rect.top >= -1
      && rect.right <= window.innerWidth + 1 && rect.bottom <= window.innerHeight + 1,
    covered: !hit || !(hit === el || el.contains(hit) || hit.contains(el)),
  };
}"""

WIDER_THAN_THE_SCREEN = """() => {
  const width = window.innerWidth;
  const wide = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase()
      + (typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "")
      + " “" + (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "”");
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide};
}"""

OUTLINE = """() => ({
  lang: document.documentElement.getAttribute("lang"),
  title: document.title,
  headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map(
    (h) => [Number(h.tagName[1]), h.textContent.trim().replace(/\\s+/g, " ")]
  ),
})"""


def test_the_filter_form_can_be_used_by_keyboard_with_a_visible_focus(page, site):
    page.goto("/organisations/")
    focused = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(FOCUSED))
        if focused[-1]["inFilters"] and focused[-1]["tag"] == "button":
            break
    else:
        pytest.fail(f"{MOST_TABS} presses of Tab never reached “Show results”")
    order = "\n".join(f"  {number}. {item['what']}" for number, item in enumerate(focused, 1))

    # Focus follows the page's reading order, from the top: nothing is skipped or jumped back.
    indexes = [item["index"] for item in focused]
    assert indexes == sorted(set(indexes)), f"Focus left document order:\n{order}"
    assert focused[0]["text"] == "Skip to main content", order
    assert focused[1]["text"] == "Leave this site", order

    def first(matches):
        return next(number for number, item in enumerate(focused) if matches(item))

    navigation = first(lambda item: item["inNav"] and item["text"] == "Find support")
    search = first(lambda item: item["id"] == "search-q")
    facet = first(lambda item: item["inFilters"] and item["tag"] == "summary")
    sort = first(lambda item: item["id"] == "sort")
    show = len(focused) - 1
    assert navigation < search < facet < sort < show, order
    assert focused[show]["text"] == "Show results", order

    # Each focused control shows it, on the screen, not hidden under the sticky quick exit.
    for item in focused:
        assert item["outline"] or item["boxShadow"], f"No visible focus on {item['what']}"
        assert item["onScreen"], f"Focused but off the screen: {item['what']}"
        assert not item["covered"], f"Focused but covered by something else: {item['what']}"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_sideways_scrolling_at_320px(new_context, site, name):
    page = new_context(viewport=PHONE).new_page()
    visit(page, site, name)

    measured = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert measured["scrollWidth"] <= measured["innerWidth"], (
        f"{page.url} is {measured['scrollWidth']} px wide on a {measured['innerWidth']} px "
        f"screen; wider than the screen: {measured['wide']}"
    )


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_headings_language_and_title(page, site, third_party_requests, name):
    visit(page, site, name)
    outline = page.evaluate(OUTLINE)
    headings = outline["headings"]
    levels = [level for level, _text in headings]
    listed = "\n".join(f"  {'  ' * (level - 1)}h{level} {text}" for level, text in headings)

    assert outline["lang"] == "en-GB"
    assert levels.count(1) == 1, f"Not exactly one h1:\n{listed}"
    assert levels[0] == 1, f"The first heading is not the h1:\n{listed}"
    for before, after in pairwise(levels):
        assert after <= before + 1, f"A heading level is skipped (h{before} to h{after}):\n{listed}"

    title = outline["title"]
    assert title.endswith(TITLE_SUFFIX), title
    page_name = title.removesuffix(TITLE_SUFFIX)
    h1 = headings[0][1]
    if name in TITLE_WITHOUT_H1:
        assert page_name == TITLE_WITHOUT_H1[name]
    else:
        assert page_name.startswith(h1) or h1 in page_name, f"“{title}” does not name “{h1}”"

    assert not third_party_requests, "The page asked another site for something"
