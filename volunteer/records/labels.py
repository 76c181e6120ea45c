"""Display names of record statuses and sources, shared by every page showing records."""

from datetime import datetime

from volunteer.i18n import gettext
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Activity, CorrectionStatus, RecordSource, RecordStatus
from volunteer.models.base import LOCAL_ZONE

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

CORRECTION_STATUS_LABELS = {
    CorrectionStatus.PENDING: _l("Waiting for the organizer"),
    CorrectionStatus.APPROVED: _l("Corrected"),
    CorrectionStatus.REJECTED: _l("Refused"),
}

SOURCE_LABELS = {
    RecordSource.QR: _l("QR scan"),
    RecordSource.CODE: _l("Typed code"),
    RecordSource.KIOSK: _l("Kiosk"),
    RecordSource.MANUAL: _l("Manual entry"),
    RecordSource.CLAIM: _l("Claim"),
    RecordSource.OFFLINE_KIOSK: _l("Offline kiosk"),
}


def activity_when(activity: Activity) -> str:
    """An activity with its Beijing date and times, e.g. 文明交通劝导 · 11月20日 09:00–12:00."""
    start = activity.starts_at.astimezone(LOCAL_ZONE)
    end = activity.ends_at.astimezone(LOCAL_ZONE)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{_month_day(end)} {end:%H:%M}"
    return f"{activity.title} · {_month_day(start)} {start:%H:%M}–{end_text}"


def _month_day(moment: datetime) -> str:
    return gettext("%(month)s/%(day)s", month=moment.month, day=moment.day)
