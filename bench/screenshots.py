"""Screenshots of the main phone pages for the README: `make screenshots`.

Starts the app on a scratch SQLite database with the demo data (and issuer details, so a
certificate can be issued), drives Chromium at 390 px through the real pages in Chinese,
and saves PNGs under docs/screenshots/:

- checkin-screen.png   the organizer's rotating QR screen (running demo activity)
- scan-sign-in.png     a volunteer's phone after scanning it, before signing in
- scan-result.png      right after signing in: checked in
- home-checked-in.png  the home page while serving
- records.png          my records
- certificate.png      my certificates, with the one-tap button
- poster.png           a unit's registration poster as the coordinator prints it (its PDF's
                       page drawn by pdftoppm, from poppler-utils)
- campaign.png         the three-year campaign over the banner (the office's view, as admin)
"""

import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from sqlalchemy import select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import Activity  # noqa: E402
from volunteer.services import accounts, certificates, demo  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 780}
RUNNING_TITLE = "文明城市创建志愿服务（今日）"
# Where a real deployment is reached (PUBLIC_BASE_URL), printed on the poster under its QR code.
POSTER_BASE_URL = "https://zyz.wushen.example.cn"
ISSUER = {
    "organization": "乌审旗新时代文明实践中心",
    "person_in_charge": "乌云",
    "handling_officer": "高娃",
    "contact": "0477-7561234",
    "remarks": "",
}


def scratch_app(folder: Path):
    """The app on an empty SQLite file, with the demo data and issuer details loaded."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'screens.sqlite3'}",
            "SECRET_KEY": "screenshots-only",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        demo.load_demo_data()
        admin = accounts.user_with_phone(demo.DEMO_LOGINS[0].phone)
        certificates.save_issuer_settings(ISSUER, admin)
        db.session.commit()
        running = db.session.scalar(select(Activity.id).where(Activity.title == RUNNING_TITLE))
    return app, running


def serve(app) -> tuple[str, object]:
    """Serve the app on a free local port in a thread; its base URL and server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def sign_in(page, phone: str) -> None:
    """Fill the sign-in form on the page and wait until it has left it."""
    page.get_by_label("手机号或证件号码").fill(phone)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def shoot(page, name: str) -> None:
    """Save the visible phone screen."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / name))
    print("saved", (OUT / name).relative_to(ROOT))


def new_phone(browser, base_url: str):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=base_url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def organizer_screen(browser, base_url: str, activity_id: int) -> str:
    """Open the check-in screen as the demo organizer; the scan URL its QR shows."""
    page = new_phone(browser, base_url)
    page.goto(f"/auth/login?next=/checkin/activities/{activity_id}/screen")
    sign_in(page, demo.DEMO_LOGINS[2].phone)
    from playwright.sync_api import expect

    # expect() polls without eval, which the site's Content-Security-Policy refuses.
    expect(page.locator("#screen-scan-link")).to_have_attribute("href", re.compile("/checkin/s/"))
    shoot(page, "checkin-screen.png")
    return page.locator("#screen-scan-link").get_attribute("href")


def volunteer_journey(browser, base_url: str, scan_url: str) -> None:
    """The demo volunteer scans, signs in, and opens home, records and certificates."""
    page = new_phone(browser, base_url)
    page.goto(scan_url)
    shoot(page, "scan-sign-in.png")
    sign_in(page, demo.DEMO_LOGINS[3].phone)
    shoot(page, "scan-result.png")
    for path, name in (("/", "home-checked-in.png"), ("/records/mine", "records.png")):
        page.goto(path)
        shoot(page, name)
    page.goto("/certificates/")
    shoot(page, "certificate.png")


def poster(browser, app, base_url: str) -> None:
    """The demo coordinator prints their unit's poster from the compliance page; page 1 as PNG."""
    page = new_phone(browser, base_url)
    page.goto("/compliance/")
    sign_in(page, demo.DEMO_LOGINS[1].phone)
    app.config["PUBLIC_BASE_URL"] = POSTER_BASE_URL
    pdf = page.request.get(page.get_by_test_id("poster").get_attribute("href")).body()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "poster.pdf"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-png", "-r", "72", "-singlefile", str(source)]
        subprocess.run([*command, str(OUT / "poster")], check=True)
    print("saved", (OUT / "poster.png").relative_to(ROOT))


def require_pdftoppm() -> None:
    """The poster is a PDF: pdftoppm draws it (poppler-data for its Chinese text)."""
    if shutil.which("pdftoppm") is None:
        sys.exit("No pdftoppm: apt-get install poppler-utils poppler-data")


def campaign_page(browser, base_url: str) -> None:
    """The campaign page over the whole banner, as the demo admin sees it."""
    page = new_phone(browser, base_url)
    page.goto("/auth/login?next=/campaign/")
    sign_in(page, demo.DEMO_LOGINS[0].phone)
    shoot(page, "campaign.png")


def require_chinese_font() -> None:
    """Without a CJK font Chromium draws boxes: say which package to install instead."""
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not found.strip():
        sys.exit("No Chinese font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)")


def main() -> None:
    from playwright.sync_api import sync_playwright

    require_chinese_font()
    require_pdftoppm()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app, running = scratch_app(Path(folder))
        base_url, server = serve(app)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless=new", "--no-sandbox"]
            )
            volunteer_journey(browser, base_url, organizer_screen(browser, base_url, running))
            poster(browser, app, base_url)
            campaign_page(browser, base_url)
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
