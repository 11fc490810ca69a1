"""Pages run under the Content-Security-Policy without a single violation: every script and
style they need comes from a file. A violation shows in the console and fires a
``securitypolicyviolation`` event; both are recorded, on the citizen's pages, an officer's
pages (htmx swaps included) and the API's documentation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

# Added to every page before its own scripts (outside the page's policy, like an extension).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base_url)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.violations: list[str] = []

    def visit(self, path: str) -> Any:
        response = self.page.goto(path)
        assert response is not None and "content-security-policy" in response.headers, path
        self.page.wait_for_load_state("networkidle")
        self.collect(path)
        return self.page

    def collect(self, where: str) -> None:
        found = self.page.evaluate("window.__violations.splice(0)")
        self.violations += [f"{where}: {violation}" for violation in found]

    def assert_clean(self) -> None:
        policy_messages = [text for text in self.console if "Content Security Policy" in text]
        assert not policy_messages, policy_messages
        assert not self.violations, self.violations


def test_citizen_pages_run_under_the_policy(browser, live_server, policy, places):
    citizen = Watched(browser, live_server.url)

    pages = ["/", "/accounts/login/", "/public/complaint/", "/public/complaint/?village=14030501", "/public/status/"]
    for path in pages:
        citizen.visit(path)
    citizen.page.get_by_role("button", name="English").click()  # the language switch posts a form
    citizen.page.wait_for_load_state("networkidle")
    citizen.collect("language switch")

    citizen.assert_clean()
    citizen.context.close()


def test_officer_pages_run_under_the_policy(browser, live_server, sokha, make_incident):
    record = make_incident(sokha)
    officer = Watched(browser, live_server.url)
    page = officer.visit("/accounts/login/")
    page.locator("#id_username").fill("sokha")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()
    expect(page.locator("a.signin")).to_have_count(0)

    for path in ["/", "/incidents/", f"/incidents/{record.reference}/", "/incidents/new/", "/reports/140305/2026/"]:
        officer.visit(path)
    # The place search answers as you type, through htmx: a swap must not need an inline style.
    page = officer.visit("/places/")
    page.locator("input[type=search]").fill("Kansoam")
    expect(page.locator("#results")).to_contain_text("Kansoam")
    officer.collect("place search")

    officer.assert_clean()
    officer.context.close()


def test_api_documentation_runs_under_the_policy(browser, live_server, national):
    reader = Watched(browser, live_server.url)
    page = reader.visit("/accounts/login/")
    page.locator("#id_username").fill("national")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()
    expect(page.locator("a.signin")).to_have_count(0)

    page = reader.visit("/api/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("SafeVillage API")
    reader.collect("/api/docs/ rendered")

    reader.assert_clean()
    reader.context.close()
