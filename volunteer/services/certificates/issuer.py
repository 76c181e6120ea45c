"""The issuing organization's details and seal image, set by an admin for new certificates.

A seal is a StoredFile that is never overwritten: a new upload adds a file, so
certificates already issued keep the seal they were issued with.
"""

import io

from flask import current_app
from PIL import Image, UnidentifiedImageError

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Certificate, StoredFile, User
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError, required_text
from volunteer.services.stored_settings import store_value, stored_value

ISSUER_SETTING_KEY = "certificate.issuer"
SEAL_SETTING_KEY = "certificate.seal_file_id"
SEAL_PURPOSE = "certificate_seal"
ISSUER_FIELDS = ("organization", "person_in_charge", "handling_officer", "contact", "remarks")
# 民发〔2015〕149号: a certificate names the issuing organization, its person in charge and the
# officer who handled it; all three must be known before anything is issued.
REQUIRED_ISSUER_FIELDS = {
    "organization": _l("Enter the issuing organization."),
    "person_in_charge": _l("Enter the person in charge."),
    "handling_officer": _l("Enter the handling officer."),
}
SEAL_MIN_PIXELS = 32


def issuer_settings() -> dict[str, str]:
    """The issuing organization's details an admin set (empty strings when unset)."""
    stored = stored_value(ISSUER_SETTING_KEY)
    stored = stored if isinstance(stored, dict) else {}
    return {field: str(stored.get(field) or "") for field in ISSUER_FIELDS}


def require_issuer() -> dict[str, str]:
    """The issuer details, or a ServiceError while any required detail is still missing."""
    issuer = issuer_settings()
    if not all(issuer[field] for field in REQUIRED_ISSUER_FIELDS):
        raise ServiceError(
            _l(
                "An administrator must first enter the issuing organization, its person in"
                " charge and the handling officer."
            )
        )
    return issuer


def save_issuer_settings(values: dict[str, str | None], actor: User) -> dict[str, str]:
    """Store issuer details (organization, person in charge, handling officer, contact, remarks)."""
    cleaned = {field: (values.get(field) or "").strip() for field in ISSUER_FIELDS}
    for field, message in REQUIRED_ISSUER_FIELDS.items():
        required_text(cleaned[field], message, field)
    before = issuer_settings()
    store_value(ISSUER_SETTING_KEY, cleaned, actor)
    record_audit(actor, "certificate.issuer_settings", None, before=before, after=cleaned)
    db.session.flush()
    return cleaned


def current_seal() -> StoredFile | None:
    """The seal image new certificates carry, or None."""
    file_id = stored_value(SEAL_SETTING_KEY)
    return db.session.get(StoredFile, int(file_id)) if file_id else None


def save_seal(filename: str, data: bytes, actor: User) -> StoredFile:
    """Validate and store a new seal image (PNG or JPEG); earlier ones stay for old certificates."""
    image_format = _checked_seal_format(data)
    stored = StoredFile(
        purpose=SEAL_PURPOSE,
        filename=(filename or "seal").rsplit("/", 1)[-1][:255],
        content_type="image/png" if image_format == "PNG" else "image/jpeg",
        data=data,
        uploaded_by_id=actor.id,
    )
    db.session.add(stored)
    db.session.flush()
    store_value(SEAL_SETTING_KEY, stored.id, actor)
    record_audit(actor, "certificate.seal_upload", stored, filename=stored.filename)
    db.session.flush()
    return stored


def remove_seal(actor: User) -> None:
    """New certificates carry no seal; certificates already issued keep theirs."""
    store_value(SEAL_SETTING_KEY, None, actor)
    record_audit(actor, "certificate.seal_remove", None)
    db.session.flush()


def seal_bytes(certificate: Certificate) -> bytes | None:
    """The seal image the certificate was issued with."""
    return certificate.seal_file.data if certificate.seal_file is not None else None


def _checked_seal_format(data: bytes) -> str:
    """The image format ("PNG" or "JPEG") of an acceptable seal, else a ServiceError."""
    limit = current_app.config["CERTIFICATE_SEAL_MAX_BYTES"]
    if not data:
        raise ServiceError(_l("The seal file is empty."), "seal")
    if len(data) > limit:
        raise ServiceError(_l("The seal image is larger than %(kb)s KB.", kb=limit // 1024), "seal")
    image_format, width, height = _read_image(data)
    if image_format not in ("PNG", "JPEG"):
        raise ServiceError(_l("The seal must be a PNG or JPEG image."), "seal")
    max_side = current_app.config["CERTIFICATE_SEAL_MAX_PIXELS"]
    if not all(SEAL_MIN_PIXELS <= side <= max_side for side in (width, height)):
        raise ServiceError(
            _l("The seal image must be between 32 and %(px)s pixels wide and high.", px=max_side),
            "seal",
        )
    return image_format


def _read_image(data: bytes) -> tuple[str | None, int, int]:
    """Format, width and height of a whole, readable image, else a ServiceError."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()  # reads the whole file: truncated or corrupt images fail here
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ServiceError(_l("The seal must be a PNG or JPEG image."), "seal") from error
    return image_format, width, height
