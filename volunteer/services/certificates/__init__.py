"""Service-hour certificates (志愿服务记录证明): issuing, revoking, re-issuing, issuer settings.

A certificate freezes everything it prints in `Certificate.content` when it is issued,
so the PDF is a pure function of the certificate (plus its seal image, a StoredFile that
is never overwritten): later corrections, renamed activities or new issuer details never
change a certificate already handed out; they need a re-issue, which gets a new serial.

The modules:
- `issuer`: the issuing organization's details and seal image (admin settings);
- `content`: what a certificate prints, gathered from approved records and frozen;
- `stars`: the star level by cumulative hours;
- `scope`: who may issue and see whose certificates (the certificate-scope rules);
- `serials`: sequential serial numbers per year, safe against concurrent issuers;
- `issuing`: issuing (one or a batch), revoking and re-issuing;
- `listing`: finding certificates (a person's, by serial, the admin list) and whom for.
"""

from volunteer.services.certificates.content import (
    CONTENT_VERSION,
    ID_TYPE_NAMES_ZH,
    build_content,
    period_of,
    scope_organization_id,
)
from volunteer.services.certificates.issuer import (
    ISSUER_FIELDS,
    ISSUER_SETTING_KEY,
    SEAL_PURPOSE,
    SEAL_SETTING_KEY,
    current_seal,
    issuer_settings,
    remove_seal,
    require_issuer,
    save_issuer_settings,
    save_seal,
    seal_bytes,
)
from volunteer.services.certificates.issuing import (
    issue_certificate,
    issue_certificates,
    reissue_certificate,
    revoke_certificate,
)
from volunteer.services.certificates.listing import (
    all_certificates_statement,
    certificates_of,
    find_by_serial,
    find_volunteer,
)
from volunteer.services.certificates.scope import (
    can_view_certificate,
    find_people_in_scope,
    is_person_in_scope,
    may_issue_for_organization,
    may_issue_full,
    on_coordinated_roster,
    organizations_certifiable_by,
    people_in_scope_clause,
    roster_id_numbers,
    served_with,
    visible_certificates,
)
from volunteer.services.certificates.serials import SERIAL_ATTEMPTS
from volunteer.services.certificates.stars import star_level

__all__ = [
    "CONTENT_VERSION",
    "ID_TYPE_NAMES_ZH",
    "ISSUER_FIELDS",
    "ISSUER_SETTING_KEY",
    "SEAL_PURPOSE",
    "SEAL_SETTING_KEY",
    "SERIAL_ATTEMPTS",
    "all_certificates_statement",
    "build_content",
    "can_view_certificate",
    "certificates_of",
    "current_seal",
    "find_by_serial",
    "find_people_in_scope",
    "find_volunteer",
    "is_person_in_scope",
    "issue_certificate",
    "issue_certificates",
    "issuer_settings",
    "may_issue_for_organization",
    "may_issue_full",
    "on_coordinated_roster",
    "organizations_certifiable_by",
    "people_in_scope_clause",
    "period_of",
    "reissue_certificate",
    "remove_seal",
    "require_issuer",
    "revoke_certificate",
    "roster_id_numbers",
    "save_issuer_settings",
    "save_seal",
    "scope_organization_id",
    "seal_bytes",
    "served_with",
    "star_level",
    "visible_certificates",
]
