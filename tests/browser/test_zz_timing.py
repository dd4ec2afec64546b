import pytest
pytestmark = pytest.mark.browser

JS = """() => { const el = document.activeElement; const r = el.getBoundingClientRect();
 return [el.tagName, (el.innerText||'').trim().slice(0,30), Math.round(r.left), Math.round(r.right), Math.round(r.top), Math.round(r.bottom), !!el.closest('header'), el.closest('nav') ? el.closest('nav').getAttribute('aria-label') : null]; }"""

@pytest.mark.parametrize("lang", ["", "/ar"])
def test_timing(new_context, site, lang):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(lang + "/organisations/")
    for _ in range(16):
        page.keyboard.press("Tab")
        print(page.evaluate(JS))
    print(page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]"))
    for sel in [".app-header__name", ".app-quick-exit", ".app-language-switcher__list", ".app-header__nav"]:
        print(sel, page.locator(sel).bounding_box())
