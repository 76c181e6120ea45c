"""Display names of record statuses and sources, shared by every page showing records."""

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import RecordSource, RecordStatus

STATUS_LABELS = {
    RecordStatus.OPEN: _l("Checked in"),
    RecordStatus.MISSING_CHECKOUT: _l("Missing check-out"),
    RecordStatus.PENDING: _l("Pending review"),
    RecordStatus.APPROVED: _l("Approved"),
    RecordStatus.REJECTED: _l("Rejected"),
}

STATUS_BADGES = {
    RecordStatus.OPEN: "text-bg-info",
    RecordStatus.MISSING_CHECKOUT: "text-bg-warning",
    RecordStatus.PENDING: "text-bg-secondary",
    RecordStatus.APPROVED: "text-bg-success",
    RecordStatus.REJECTED: "text-bg-danger",
}

SOURCE_LABELS = {
    RecordSource.QR: _l("QR scan"),
    RecordSource.CODE: _l("Typed code"),
    RecordSource.KIOSK: _l("Kiosk"),
    RecordSource.MANUAL: _l("Manual entry"),
    RecordSource.CLAIM: _l("Claim"),
    RecordSource.OFFLINE_KIOSK: _l("Offline kiosk"),
}
