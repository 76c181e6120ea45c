"""Roster uploads as jobs: checking an uploaded file, and importing a checked preview.

A 50,000-row roster takes seconds to check and more to import (bench/bench_roster_upload.py),
too long for a request (issue 15). The upload request keeps the file (services/rosters/pending)
and queues `roster_check`, which reads and checks it and keeps the checked rows, or every
error, for the preview, with what importing them would change (the plan: comparing 50,000
rows with a kept roster of 50,000 takes seconds too); the confirm request queues
`roster_import`, which applies them.
Small files into small rosters run the same jobs inside their request (`inline_upload`; the
check job says whether its import may, `inline_import`).
Both jobs check again that their person still coordinates every unit the file names, and the
import writes no progress once it has started changing rows, so its changes, the deletion of
the preview and the job's end are one commit: all of it, or none.
"""

from functools import partial
from typing import Any, BinaryIO

from flask import current_app

from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.models import Unit, User
from volunteer.services import permissions, rosters
from volunteer.services.errors import PermissionDenied, ServiceError
from volunteer.tasks.compliance_export import coordinated_unit

CHECK_KIND = "roster_check"
IMPORT_KIND = "roster_import"


def check_params(unit: Unit | None, upload_token: str, filename: str, mode: str) -> dict[str, Any]:
    """What a check job keeps: the unit (None: a workbook for many units), the kept upload,
    its name, and the mode the person chose (shown again on the preview)."""
    return {
        "unit_id": unit.id if unit is not None else None,
        "upload": upload_token,
        "filename": filename,
        "mode": mode,
    }


def import_params(token: str, digest: str, replace: bool) -> dict[str, Any]:
    """What an import job keeps: the checked file, the hash this session previewed, the mode."""
    return {"token": token, "digest": digest, "replace": replace}


def inline_upload(size: int, unit: Unit | None) -> bool:
    """Whether an upload of `size` bytes is checked in its own request: a small file, and
    (on a unit's page) a unit with a small kept roster."""
    config = current_app.config
    if size > config["ROSTER_INLINE_UPLOAD_BYTES"]:
        return False
    return unit is None or rosters.kept_entries([unit.id]) <= config["ROSTER_INLINE_ROWS"]


def _inline_import(checked: rosters.CheckedRoster) -> bool:
    """Whether the confirm request may import these rows itself: few rows, small rosters."""
    limit = current_app.config["ROSTER_INLINE_ROWS"]
    return len(checked.rows) <= limit and rosters.kept_entries(checked.unit_ids) <= limit


def write_check(
    params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Any
) -> dict[str, Any]:
    """Read and check the kept upload; keep the checked rows (or the errors) for the preview."""
    actor = _actor(actor_id)
    unit = coordinated_unit(params, actor_id)[0] if params["unit_id"] is not None else None
    progress(0, 1)
    data = rosters.take_upload(params["upload"], actor)
    checked = rosters.check_roster(
        data,
        params["filename"],
        unit=unit,
        may_upload_for=partial(permissions.can_coordinate, actor),
    )
    replace = params["mode"] == "replace"
    preview = rosters.preview_of(rosters.plan_roster(checked, replace)) if checked.ok else []
    token, _digest = rosters.save_pending(checked, actor, preview=preview)
    return {
        "token": token,
        "rows": len(checked.rows),
        "errors": len(checked.errors),
        "inline_import": checked.ok and _inline_import(checked),
    }


def write_import(
    params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress: Any
) -> dict[str, Any]:
    """Apply a previewed roster in this job's one commit, if its person still may."""
    actor = _actor(actor_id)
    progress(0, 1)  # the last commit before the import's: progress commits
    checked = rosters.load_pending(params["token"], params["digest"], actor)
    units = rosters.units_in(checked)
    if not units or not all(permissions.can_coordinate(actor, unit) for unit in units):
        raise PermissionDenied(_("You no longer coordinate every unit in this roster."))
    # First, so that a second import of the same preview waits here, then finds it gone.
    if not rosters.discard_pending(params["token"]):
        raise ServiceError(_("This preview has expired or was already imported; upload again."))
    upload = rosters.apply_roster(checked, actor, replace=params["replace"])
    return {"upload_id": upload.id, "unit_ids": checked.unit_ids}


def _actor(actor_id: int | None) -> User:
    actor = db.session.get(User, actor_id) if actor_id else None
    if actor is None:
        raise PermissionDenied(_("You no longer coordinate every unit in this roster."))
    return actor


def check_title(params: dict[str, Any]) -> str:
    """The job page's title: the file's name."""
    return params["filename"]


def import_title(params: dict[str, Any]) -> str:
    """The import job page's title."""
    return _("Roster import")
