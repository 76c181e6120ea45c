"""Helpers for certificate tests: issuer details, a seal image, reading PDFs back."""

import io
from datetime import UTC, date, datetime, timedelta

import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from tests import factories
from volunteer.services import certificates
from volunteer.services.periods import local_midnight, local_today

ISSUER = {
    "organization": "乌审旗志愿服务联合会",
    "person_in_charge": "乌云",
    "handling_officer": "高娃",
    "contact": "0477-7512345",
    "remarks": "本证明仅证明志愿服务经历。",
}


def set_issuer(admin=None, **overrides):
    """Store issuer details as an admin would."""
    admin = admin or factories.make_admin("证书管理员")
    return certificates.save_issuer_settings({**ISSUER, **overrides}, admin)


def seal_png(size: int = 240, fmt: str = "PNG") -> bytes:
    """A red ring, like a round official seal."""
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", (size, size), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=(200, 20, 20), width=10)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


def qr_texts(data: bytes, page_number: int = 0) -> list[str]:
    """Every QR code found in the images placed on a page."""
    page = pdf_reader(data).pages[page_number]
    found = []
    for image in page.images:
        found += [code.text for code in zxingcpp.read_barcodes(image.image)]
    return found


def this_year_moment(days_ago: int = 1) -> datetime:
    """Noon in Beijing `days_ago` days back, inside the current local year (early January falls
    back to January 1st noon). Noon, not this minute `days_ago` days back: a record of a few
    hours from it must stay inside one Beijing day whatever time the suite runs, or the day
    split floors each part and a minute goes missing."""
    today = local_today()  # Beijing's: from 16:00 UTC on December 31st, already next year's
    day = max(today - timedelta(days=days_ago), date(today.year, 1, 1))
    return local_midnight(day) + timedelta(hours=12)


def noon_clock(monkeypatch, *modules: str, days_ago: int = 1, start: datetime | None = None):
    """A clock ticking from `start` (by default noon in Beijing, `this_year_moment(days_ago)`),
    installed as the `utcnow` the named modules call. For tests whose stays end at the server's
    own "now": from noon they stay inside one Beijing day, so none loses a minute to the day
    split near midnight."""
    started, anchor = datetime.now(UTC), start or this_year_moment(days_ago)

    def now() -> datetime:
        return anchor + (datetime.now(UTC) - started)

    for module in modules:
        monkeypatch.setattr(f"{module}.utcnow", now)
    return now
