"""Display names for enum values shown on several pages."""

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import HonourCategory, OrganizationKind, Role, UnitKind

UNIT_KIND_LABELS = {
    UnitKind.BANNER: _l("Banner (root)"),
    UnitKind.PARTY_DEPARTMENT: _l("Party department"),
    UnitKind.GOVERNMENT_DEPARTMENT: _l("Government department"),
    UnitKind.PEOPLES_ORGANIZATION: _l("People's organization"),
    UnitKind.JUDICIAL: _l("Judicial body"),
    UnitKind.FINANCIAL: _l("Financial institution"),
    UnitKind.SERVICE_CENTER: _l("Public service centre"),
    UnitKind.ENTERPRISE: _l("Enterprise"),
    UnitKind.TOWN: _l("Town / sumu"),
    UnitKind.VILLAGE: _l("Village / gacha"),
    UnitKind.COMMUNITY: _l("Community"),
    UnitKind.SCHOOL: _l("School"),
    UnitKind.OTHER: _l("Other"),
}

ROLE_LABELS = {
    Role.ORGANIZER: _l("Organizer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.UNIT_TEAM: _l("Volunteer team of a unit"),
    OrganizationKind.PRACTICE_INSTITUTE: _l("Practice institute (town)"),
    OrganizationKind.PRACTICE_STATION: _l("Practice station (village or community)"),
    OrganizationKind.OTHER: _l("Other organization"),
}

HONOUR_CATEGORY_LABELS = {
    HonourCategory.VOLUNTEER: _l("Outstanding volunteers"),
    HonourCategory.LEADER: _l("Volunteer leaders"),
    HonourCategory.ORGANIZATION: _l("Outstanding organizations"),
    HonourCategory.PROJECT: _l("Outstanding projects"),
}
