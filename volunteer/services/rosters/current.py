"""The current roster as the template, full numbers included, to add people and upload back."""

from volunteer.documents.rosters import TemplateRow, roster_template_xlsx
from volunteer.models import RosterEntry, Unit, User
from volunteer.services import identity
from volunteer.services.audit import record_audit
from volunteer.services.rosters.checking import ID_TYPE_BY_CHINESE_NAME
from volunteer.services.rosters.listing import roster_entries

# The first Chinese name of each code is the one the template's drop-down lists offer.
ID_TYPE_NAMES = {kind: name for name, kind in reversed(ID_TYPE_BY_CHINESE_NAME.items())}
POLITICAL_NAMES = {
    status: name for name, status in reversed(identity.POLITICAL_STATUS_BY_CHINESE_NAME.items())
}


def current_roster_xlsx(unit: Unit, actor: User) -> bytes:
    """The unit's active roster, full numbers, as a template (entitled coordinators; audited)."""
    entries = roster_entries(unit)
    record_audit(actor, "roster.download_full", unit, people=len(entries))
    return roster_template_xlsx(rows=[template_row(entry) for entry in entries])


def template_row(entry: RosterEntry) -> TemplateRow:
    """One roster entry in the template's columns."""
    return TemplateRow(
        name=entry.name,
        id_type=ID_TYPE_NAMES[entry.id_type],
        id_number=entry.id_number,
        phone=entry.phone or "",
        political_status=POLITICAL_NAMES[entry.political_status],
        position=entry.position or "",
    )
