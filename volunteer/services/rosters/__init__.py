"""Roster uploads: read a spreadsheet, check it whole, preview the change, replace the roster.

The flow is read (`reading`) -> check every row; any error means nothing is
imported (`checking`) -> preview added / unchanged / changed / leaving per unit
(`applying.plan_roster`) -> the checked rows wait for the confirm step
(`pending`) -> confirm replaces the rosters (`applying.apply_roster`). Large files are
checked and imported by background jobs (`volunteer/tasks/roster_jobs.py`) on the same
functions; the uploaded file waits for its check job in `pending` too.
`listing` holds what the roster page shows. The column spec lives with the
template, in `volunteer.documents.rosters`.
"""

from volunteer.services.rosters.applying import (
    UnitPlan,
    UnitPreview,
    apply_roster,
    plan_roster,
    preview_of,
    units_in,
)
from volunteer.services.rosters.checking import CheckedRoster, RosterRow, RowError, check_roster
from volunteer.services.rosters.current import current_roster_xlsx
from volunteer.services.rosters.listing import (
    RosterPage,
    imported,
    kept_entries,
    recent_uploads,
    roster_entries,
    roster_page,
    unit_of,
)
from volunteer.services.rosters.pending import (
    PENDING_MAX_AGE_SECONDS,
    discard_pending,
    keep_upload,
    load_checked,
    load_pending,
    pending_file,
    save_pending,
    take_upload,
)
from volunteer.services.rosters.reading import RosterFileError, read_table

__all__ = [
    "PENDING_MAX_AGE_SECONDS",
    "CheckedRoster",
    "RosterFileError",
    "RosterPage",
    "RosterRow",
    "RowError",
    "UnitPlan",
    "UnitPreview",
    "apply_roster",
    "check_roster",
    "current_roster_xlsx",
    "discard_pending",
    "imported",
    "keep_upload",
    "kept_entries",
    "load_checked",
    "load_pending",
    "pending_file",
    "plan_roster",
    "preview_of",
    "read_table",
    "recent_uploads",
    "roster_entries",
    "roster_page",
    "save_pending",
    "take_upload",
    "unit_of",
    "units_in",
]
