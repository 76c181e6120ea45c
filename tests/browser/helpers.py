"""Steps shared by the browser journeys."""

from pathlib import Path

from tests import factories

# axe-core, vendored as a test asset (version and licence: assets/README.md).
AXE = Path(__file__).parent / "assets" / "axe.min.js"
BLOCKING_IMPACTS = {"critical", "serious"}


def sign_in(page, phone: str, password: str = factories.PASSWORD) -> None:
    """Fill the sign-in form already on `page` and wait until it has left it.

    Without the wait, the next step can act on the sign-in page itself (its menu
    button looks the same) while the browser is still navigating away.
    """
    page.get_by_label("手机号或证件号码").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def axe_problems(page) -> list[str]:
    """Run axe on the page as it stands; one line per critical or serious violation."""
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline ones.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
