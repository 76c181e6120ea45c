"""The certificate blueprints and the access rules their views share."""

from flask import Blueprint

from volunteer.access import Rule
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Certificate, Volunteer
from volunteer.services import certificates, permissions

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")


def _issues_for_others(user) -> bool:
    return permissions.is_admin(user) or bool(
        permissions.coordinated_units(user) or permissions.organizer_organization_ids(user)
    )


CERTIFICATE_VIEWER = Rule(
    "owner, admin, roster coordinator or organizer of a certificate",
    model=Certificate,
    id_arg="certificate_id",
    as_arg="certificate",
    scope_check=certificates.can_view_certificate,
)
PERSON_IN_SCOPE = Rule(
    "admin, roster coordinator or organizer of a person",
    allowed=_issues_for_others,
    model=Volunteer,
    id_arg="volunteer_id",
    as_arg="volunteer",
    scope_check=certificates.is_person_in_scope,
)
ISSUES_FOR_OTHERS = Rule("admin, coordinator or organizer", allowed=_issues_for_others)
PERIOD_NAMES = {
    "year": _l("Calendar year"),
    "range": _l("Chosen dates"),
    "all": _l("All time"),
    "activity": _l("Activity days"),
}
