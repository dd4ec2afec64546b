"""axe-core finds no WCAG 2.2 AA failure, nor any breach of its best practices, on any public page
type, on a desktop and on a 320 px phone (DESIGN.md §7), nor on the editors' sign-in page and the
page that says a sign-in is locked out."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from axes.models import AccessAttempt
from playwright.sync_api import expect

from .site import PAGE_NAMES, visit

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
WIDTHS = [1280, 320]
TARGETS_SHOWN = 5


@pytest.fixture(scope="module")
def axe():
    return Axe()


def violations_report(violations, url):
    """What a developer needs to fix each violation: its rule, impact, help and where it is."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        nodes = violation["nodes"]
        targets = [" >> ".join(map(str, node["target"])) for node in nodes[:TARGETS_SHOWN]]
        more = f" (and {len(nodes) - TARGETS_SHOWN} more)" if len(nodes) > TARGETS_SHOWN else ""
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        lines.append(f"    at {'; '.join(targets)}{more}")
        summary = (nodes[0].get("failureSummary") or "").replace("\n", " ") if nodes else ""
        if summary:
            lines.append(f"    first: {summary}")
    return "\n".join(lines)


def assert_no_violations(axe, page):
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, violations_report(violations, page.url)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_page_has_no_accessibility_violations(axe, new_context, site, name, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    visit(page, site, name)

    assert_no_violations(axe, page)


def test_the_editors_sign_in_page_has_no_accessibility_violations(axe, page, site):
    page.goto("/admin/login/")

    assert_no_violations(axe, page)


def test_the_locked_out_page_has_no_accessibility_violations(axe, page, site):
    # Five failed sign-ins for "amina" from this browser's address, as django-axes keeps them.
    AccessAttempt.objects.create(
        username="amina",
        ip_address="127.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
        failures_since_start=5,
    )
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("any-password-at-all")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    assert_no_violations(axe, page)
