"""Certificates: issue one's own for a period, list them, download the PDF, and the public
check by serial (valid or revoked, masked name, hours, issuer, date; nothing more)."""

from datetime import date

from flask import url_for
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from volunteer.access import PUBLIC, VOLUNTEER, Rule, acting_user
from volunteer.api.base import api_access, bp, committed
from volunteer.extensions import limiter
from volunteer.i18n import gettext as _
from volunteer.models import Certificate
from volunteer.printing.output import certificate_download
from volunteer.services import certificates, periods, privacy, roster_access

CERTIFICATE_VIEWER = Rule(
    "owner, admin, roster coordinator or organizer of a certificate",
    model=Certificate,
    id_arg="certificate_id",
    as_arg="certificate",
    scope_check=certificates.can_view_certificate,
)
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))
PERIOD_KINDS = ("year", "past_year", "range", "all")


class IssueSchema(Schema):
    period = fields.String(
        load_default="year",
        validate=validate.OneOf(PERIOD_KINDS),
        metadata={"description": "year: this year; past_year: `year`; range: `start`-`end`."},
    )
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    start = fields.Date(validate=DAYS)
    end = fields.Date(validate=DAYS)

    @validates_schema
    def period_fields(self, data: dict, **kwargs) -> None:
        if data["period"] == "past_year" and "year" not in data:
            raise ValidationError(_("Enter the year."), "year")
        if data["period"] == "range" and not ("start" in data and "end" in data):
            raise ValidationError(_("Enter both the first and the last day."), "start")


class CertificateSchema(Schema):
    id = fields.Integer(required=True)
    serial = fields.String(required=True)
    period_start = fields.Date(allow_none=True, required=True)
    period_end = fields.Date(required=True)
    total_minutes = fields.Integer(required=True)
    star_level = fields.Integer(required=True)
    issued_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)
    pdf_url = fields.String(required=True)
    verify_url = fields.String(required=True)


class CertificateListSchema(Schema):
    items = fields.List(fields.Nested(CertificateSchema), required=True)


class VerificationSchema(Schema):
    serial = fields.String(required=True)
    valid = fields.Boolean(required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)
    name = fields.String(required=True, metadata={"description": "Masked."})
    total_minutes = fields.Integer(required=True)
    period_start = fields.Date(allow_none=True, required=True)
    period_end = fields.Date(required=True)
    issuer = fields.String(required=True)
    issue_date = fields.Date(required=True)


PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _period(body: dict) -> periods.Period:
    return periods.chosen_period(
        body["period"], body.get("year"), body.get("start"), body.get("end")
    )


def _certificate_dict(certificate: Certificate) -> dict:
    return {
        "id": certificate.id,
        "serial": certificate.serial,
        "period_start": certificate.period_start,
        "period_end": certificate.period_end,
        "total_minutes": certificate.total_minutes,
        "star_level": certificate.star_level,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "pdf_url": url_for("api.certificate_pdf_file", certificate_id=certificate.id),
        "verify_url": url_for("api.verify_certificate", serial=certificate.serial),
    }


@bp.route("/certificates", methods=["GET"])
@api_access(VOLUNTEER)
@bp.response(200, CertificateListSchema)
def my_certificates():
    """My certificates, newest first."""
    own = certificates.certificates_of(acting_user().volunteer)
    return {"items": [_certificate_dict(c) for c in own]}


@bp.route("/certificates", methods=["POST"])
@api_access(VOLUNTEER)
@bp.arguments(IssueSchema)
@bp.response(201, CertificateSchema)
def issue_certificate(body: dict):
    """Issue my certificate for a period (or get back the identical current one)."""
    with committed():
        period = _period(body)
        certificate = certificates.issue_certificate(acting_user().volunteer, period, acting_user())
        result = _certificate_dict(certificate)
    return result


@bp.route("/certificates/<int:certificate_id>/pdf", methods=["GET"])
@api_access(CERTIFICATE_VIEWER)
@bp.doc(responses={"200": {"description": "The certificate as a PDF file.", "content": PDF}})
def certificate_pdf_file(certificate: Certificate):
    """The certificate's PDF (its owner, and those who may see it on the pages)."""
    with committed():
        roster_access.note_roster_access(
            acting_user(), certificate.volunteer, "certificate_pdf", certificate
        )
    return certificate_download(certificate)


@bp.route("/verify/<serial>", methods=["GET"])
@api_access(PUBLIC)
@limiter.limit("60 per minute")
@bp.response(200, VerificationSchema)
def verify_certificate(serial: str):
    """Public check of a serial: valid or revoked, masked name, hours, issuer, date."""
    certificate = certificates.find_by_serial(serial)
    if certificate is None:
        abort(404, code="unknown_certificate", message=_("No certificate has this serial number."))
    content = certificate.content
    return {
        "serial": certificate.serial,
        "valid": certificate.revoked_at is None,
        "revoked_at": certificate.revoked_at,
        "name": privacy.mask_name(content.get("name")),
        "total_minutes": content.get("total_minutes", certificate.total_minutes),
        "period_start": _day(content.get("period_start")),
        "period_end": _day(content.get("period_end")) or certificate.period_end,
        "issuer": (content.get("issuer") or {}).get("organization") or "",
        "issue_date": _day(content.get("issue_date")) or certificate.issued_at.date(),
    }


def _day(value: str | None) -> date | None:
    # The frozen content keeps dates as ISO text.
    return date.fromisoformat(value) if value else None
