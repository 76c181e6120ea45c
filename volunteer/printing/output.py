"""Turning an issued certificate into its PDF: the verification URL, seal and font it needs."""

import io

from flask import Response, current_app, has_request_context, request, send_file, url_for

from volunteer.documents.certificate_pdf import render_certificate
from volunteer.models import Certificate
from volunteer.services.certificates import seal_bytes


def public_base_url() -> str:
    """Where this site is reached: config PUBLIC_BASE_URL, else the current request's host."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if not configured and has_request_context():
        configured = request.host_url
    return (configured or "http://localhost").rstrip("/")


def verify_url(serial: str, base_url: str | None = None) -> str:
    """The absolute address of a certificate's public verification page."""
    path = url_for("verify.show", serial=serial) if has_request_context() else f"/verify/{serial}"
    return (base_url or public_base_url()) + path


def certificate_pdf(certificate: Certificate, base_url: str | None = None) -> bytes:
    """The certificate's PDF: its frozen content, its seal, this site's verification link."""
    return render_certificate(
        certificate.content,
        verify_url(certificate.serial, base_url),
        seal_bytes(certificate),
        current_app.config.get("CERTIFICATE_FONT_PATH"),
    )


def download_name(certificate: Certificate) -> str:
    """File name offered for download."""
    return f"志愿服务记录证明-{certificate.serial}.pdf"


def certificate_download(certificate: Certificate, attachment: bool = True) -> Response:
    """The certificate's PDF as a file to save (or to show, `attachment` False), never cached."""
    response = send_file(
        io.BytesIO(certificate_pdf(certificate, public_base_url())),
        mimetype="application/pdf",
        as_attachment=attachment,
        download_name=download_name(certificate),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
