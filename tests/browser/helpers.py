"""Steps shared by the browser journeys."""

from tests import factories


def sign_in(page, phone: str, password: str = factories.PASSWORD) -> None:
    """Fill the sign-in form already on `page` and wait until it has left it.

    Without the wait, the next step can act on the sign-in page itself (its menu
    button looks the same) while the browser is still navigating away.
    """
    page.get_by_label("手机号或证件号码").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
