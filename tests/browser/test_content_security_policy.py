"""The Content-Security-Policy holds on the main pages of every role: no inline script or
style is refused (each would break the page), and the vendored API reference still renders."""

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import _account, pages_by_role, site  # noqa: F401

pytestmark = pytest.mark.browser

# Collects the browser's own reports of refused scripts, styles and images.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')
    + ' at ' + event.sourceFile + ':' + event.lineNumber);
});
"""


def _phone_context(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server
    )
    context.add_init_script(RECORD_VIOLATIONS)
    return context


def _violations_on(page, path: str, console: list[str]) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__cspViolations")
    return [f"{path}: {text}" for text in found + console]


def _csp_messages(messages: list[str]):
    def listen(message) -> None:
        if "Content Security Policy" in message.text:
            messages.append(message.text)

    return listen


def test_no_page_of_any_role_breaks_the_content_security_policy(browser, live_server, site):  # noqa: F811
    problems, scanned = [], 0
    for role, paths in pages_by_role(site).items():
        context = _phone_context(browser, live_server)
        page = context.new_page()
        console: list[str] = []
        page.on("console", _csp_messages(console))
        try:
            if account := _account(site, role):
                page.goto("/auth/login")
                sign_in(page, account.phone)
            for path in paths:
                problems += _violations_on(page, path, console)
                console.clear()
                scanned += 1
        finally:
            context.close()
    assert scanned >= 50
    assert not problems, "\n".join(problems)


def test_the_api_reference_renders_under_its_policy(browser, live_server):
    context = _phone_context(browser, live_server)
    page = context.new_page()
    console: list[str] = []
    page.on("console", _csp_messages(console))
    try:
        assert _violations_on(page, "/api/v1/docs", console) == []
        page.wait_for_selector(".swagger-ui .info .title")
    finally:
        context.close()
