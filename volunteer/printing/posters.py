"""Registration posters: each unit's count and its signed registration link, as one PDF."""

from datetime import datetime

from flask import current_app, has_request_context, url_for

from volunteer.documents.unit_poster import PosterRow, render_posters
from volunteer.models import Unit
from volunteer.printing.output import public_base_url
from volunteer.services import periods, registration_drive, registration_links


def registration_url(unit_id: int, base_url: str | None = None) -> str:
    """The absolute registration address that files people under the unit."""
    token = registration_links.unit_token_for_id(unit_id)
    if has_request_context():
        path = url_for("auth.register", unit=token)
    else:
        path = f"/auth/register?unit={token}"
    return (base_url or public_base_url()) + path


def posters_pdf(
    root: Unit, subtree: bool, now: datetime | None = None, base_url: str | None = None
) -> bytes:
    """The root unit's poster, or one page for each active unit of its subtree."""
    today, base_url = periods.local_today(now), base_url or public_base_url()
    rows = [
        PosterRow(gap.name, registration_url(gap.unit_id, base_url), gap.unregistered, today)
        for gap in registration_drive.unregistered_by_unit(root, subtree, now)
    ]
    return render_posters(rows, current_app.config.get("CERTIFICATE_FONT_PATH"))


def download_name(root: Unit, subtree: bool) -> str:
    """File name offered for download."""
    return f"注册海报-{root.name}{'-全部下级' if subtree else ''}.pdf"
