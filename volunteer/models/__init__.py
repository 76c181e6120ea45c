"""All tables, importable from one place so metadata is complete for migrations."""

from volunteer.models.activities import (
    Activity,
    ActivityStatus,
    ServiceCategory,
    Signup,
    SignupStatus,
)
from volunteer.models.api_tokens import ApiScope, ApiToken, TokenKind
from volunteer.models.audit import AuditEntry
from volunteer.models.base import Base, UTCDateTime, utcnow
from volunteer.models.campaigns import Campaign, CampaignYear
from volunteer.models.certificates import Certificate
from volunteer.models.credits import (
    ActivityYearMinutes,
    CorrectionRequest,
    CorrectionStatus,
    CreditEntry,
    YearMinutes,
)
from volunteer.models.files import FileBlob, FileChunk, FileStorage
from volunteer.models.honours import (
    HonourCategory,
    HonourCertificate,
    Nomination,
    NominationStatus,
)
from volunteer.models.kiosk_sync import OfflineOutcome, OfflineScan, RefusedBatch
from volunteer.models.organizations import Organization, OrganizationKind
from volunteer.models.password_resets import PasswordReset
from volunteer.models.people import (
    Gender,
    IdType,
    PoliticalStatus,
    Role,
    RoleGrant,
    User,
    Volunteer,
)
from volunteer.models.projects import Project
from volunteer.models.records import Adjustment, RecordSource, RecordStatus, ServiceRecord
from volunteer.models.rosters import ComplianceSettings, RosterEntry, RosterUpload
from volunteer.models.settings import BackgroundJob, JobStatus, Setting, StoredFile
from volunteer.models.snapshots import ComplianceSnapshot
from volunteer.models.units import Unit, UnitKind

__all__ = [
    "Activity",
    "ActivityStatus",
    "ActivityYearMinutes",
    "Adjustment",
    "ApiScope",
    "ApiToken",
    "AuditEntry",
    "BackgroundJob",
    "Base",
    "Campaign",
    "CampaignYear",
    "Certificate",
    "ComplianceSettings",
    "ComplianceSnapshot",
    "CorrectionRequest",
    "CorrectionStatus",
    "CreditEntry",
    "FileBlob",
    "FileChunk",
    "FileStorage",
    "Gender",
    "HonourCategory",
    "HonourCertificate",
    "IdType",
    "JobStatus",
    "Nomination",
    "NominationStatus",
    "OfflineOutcome",
    "OfflineScan",
    "Organization",
    "OrganizationKind",
    "PasswordReset",
    "PoliticalStatus",
    "Project",
    "RecordSource",
    "RecordStatus",
    "RefusedBatch",
    "Role",
    "RoleGrant",
    "RosterEntry",
    "RosterUpload",
    "ServiceCategory",
    "ServiceRecord",
    "Setting",
    "Signup",
    "SignupStatus",
    "StoredFile",
    "TokenKind",
    "UTCDateTime",
    "Unit",
    "UnitKind",
    "User",
    "Volunteer",
    "YearMinutes",
    "utcnow",
]
