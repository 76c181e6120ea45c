"""How the audit log reads to a person: action and object labels, links, readable details."""

from dataclasses import dataclass
from typing import Any

from volunteer.i18n import lazy_gettext as _l

ACTION_LABELS = {
    "honour.issue": _l("Issued an honour certificate"),
    "honour.revoke": _l("Revoked an honour certificate"),
    "nomination.create": _l("Nominated for recognition"),
    "nomination.decide": _l("Decided a nomination"),
    "project.create": _l("Created a project"),
    "project.update": _l("Edited a project"),
    "project.attach": _l("Added an activity to a project"),
    "project.detach": _l("Removed an activity from a project"),
    "recognition.criteria": _l("Set the recognition criteria"),
    "account.password_change": _l("Changed password"),
    "activity.cancel": _l("Cancelled an activity"),
    "activity.create": _l("Created an activity"),
    "activity.publish": _l("Published an activity"),
    "activity.update": _l("Edited an activity"),
    "api_token.create": _l("Created an API token"),
    "api_token.revoke": _l("Revoked an API token"),
    "api_token.sign_in": _l("Signed in through the API"),
    "audit.export": _l("Exported the audit log"),
    "campaign.create": _l("Set up a campaign"),
    "campaign.update": _l("Changed a campaign"),
    "certificate.issue": _l("Issued a certificate"),
    "certificate.issuer_settings": _l("Changed the certificate issuer"),
    "certificate.reissue": _l("Re-issued a certificate"),
    "certificate.revoke": _l("Revoked a certificate"),
    "certificate.seal_remove": _l("Removed the seal"),
    "certificate.seal_upload": _l("Uploaded the seal"),
    "compliance.export": _l("Exported compliance"),
    "compliance.export_missing": _l("Exported who is missing"),
    "compliance.export_reminders": _l("Exported a reminder list"),
    "compliance.settings": _l("Changed compliance targets"),
    "organization.create": _l("Created an organization"),
    "organization.update": _l("Edited an organization"),
    "personal_data.reveal": _l("Showed full ID numbers and phones"),
    "record.approve": _l("Approved a record"),
    "record.manual": _l("Entered a record by hand"),
    "record.paper_sheet": _l("Entered a paper sign-in sheet"),
    "record.reject": _l("Rejected a record"),
    "record.set_times": _l("Set a record's times"),
    "records.national_export": _l("Exported for the national system"),
    "role.grant": _l("Granted a role"),
    "role.revoke": _l("Revoked a role"),
    "roster.download_full": _l("Downloaded a roster with full numbers"),
    "roster.upload": _l("Uploaded a roster"),
    "unit.activate": _l("Reactivated a unit"),
    "unit.create": _l("Created a unit"),
    "unit.deactivate": _l("Deactivated a unit"),
    "unit.move": _l("Moved a unit"),
    "unit.rename": _l("Edited a unit"),
}
TARGET_LABELS = {
    "activities": _l("Activity"),
    "api_tokens": _l("API token"),
    "campaigns": _l("Campaign"),
    "certificates": _l("Certificate"),
    "organizations": _l("Organization"),
    "role_grants": _l("Role grant"),
    "roster_uploads": _l("Roster upload"),
    "service_records": _l("Service record"),
    "units": _l("Unit"),
    "users": _l("Person"),
}
# The page an object opens on: (endpoint, the endpoint's id argument).
TARGET_LINKS = {
    "activities": ("activities.show", "activity_id"),
    "campaigns": ("campaign.edit", "campaign_id"),
    "certificates": ("certificates.show", "certificate_id"),
    "organizations": ("admin.organization_edit", "organization_id"),
    "service_records": ("records.show", "record_id"),
    "units": ("admin.unit_edit", "unit_id"),
}
DETAIL_LABELS = {
    "min_hours": _l("Minimum hours"),
    "min_participations": _l("Minimum participations"),
    "min_star_level": _l("Minimum star level"),
    "clean_record": _l("No revoked or rejected records"),
    "group_min_hours": _l("Minimum hours of an organization or project"),
    "list_size": _l("Length of the list"),
    "category": _l("Category"),
    "status": _l("Status"),
    "project_id": _l("Project"),
    "served": _l("People served"),
    "added": _l("Added"),
    "changed": _l("Changed"),
    "deactivated": _l("Marked as left"),
    "first_year": _l("First year"),
    "milestone": _l("Milestone"),
    "milestones": _l("Milestones"),
    "staff_target": _l("Staff target"),
    "party_target": _l("Party member target"),
    "count_probationary": _l("Probationary party members count as party members"),
    "min_minutes": _l("Minimum minutes"),
    "weights": _l("Year weights"),
    "years": _l("Number of years"),
    "filename": _l("File"),
    "format": _l("Format"),
    "from_parent": _l("From parent unit"),
    "full_numbers": _l("Full numbers"),
    "full_phones": _l("Full phone numbers"),
    "list": _l("List"),
    "minutes": _l("Minutes"),
    "mode": _l("Mode"),
    "name": _l("Name"),
    "people": _l("People"),
    "reason": _l("Reason"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "scopes": _l("Scopes"),
    "serial": _l("Serial number"),
    "to_parent": _l("To parent unit"),
    "unchanged": _l("Unchanged"),
    "units": _l("Units"),
    "year": _l("Year"),
}


@dataclass(frozen=True)
class DetailLine:
    """One readable line of an entry's details: a value, or a before -> after change."""

    label: str
    value: str = ""
    before: str | None = None
    after: str | None = None


def action_label(action: str) -> str:
    """The action in the reader's language (the code itself when unknown)."""
    return str(ACTION_LABELS.get(action, action))


def target_label(target_type: str | None) -> str:
    """The kind of object in the reader's language."""
    return str(TARGET_LABELS.get(target_type, target_type or "")) if target_type else ""


def detail_lines(details: dict[str, Any] | None) -> list[DetailLine]:
    """The details as readable lines; before/after pairs become one line per changed field."""
    details = dict(details or {})
    before, after = details.pop("before", None), details.pop("after", None)
    lines = [DetailLine(_label(key), readable(value)) for key, value in details.items()]
    if before is not None or after is not None:
        lines += _changes(before, after)
    return lines


def readable(value: Any) -> str:
    """A detail value as plain text: lists joined, yes/no for booleans, nothing escaped."""
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, (list, tuple)):
        return "、".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{_label(k)}: {readable(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _changes(before: Any, after: Any) -> list[DetailLine]:
    """One line per field that differs; whole values when they are not records of fields."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
        return [_change(key, before.get(key), after.get(key)) for key in keys]
    return [DetailLine(str(_l("Change")), before=readable(before), after=readable(after))]


def _change(key: str, before: Any, after: Any) -> DetailLine:
    return DetailLine(_label(key), before=readable(before), after=readable(after))


def _label(key: str) -> str:
    return str(DETAIL_LABELS.get(key, key))
