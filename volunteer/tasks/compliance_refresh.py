"""Refreshing one compliance snapshot as a background job (issue 15: report refreshes).

A slow report is served from its snapshot; when a change marked it stale, or a coordinator
asked, this job recomputes it and keeps the new result. It writes no file. Any coordinator
of the unit may queue it: the snapshot is the same for all of them and shows nobody more
than the page they may already open, so the job checks no scope of its own. A key never
computed (the worker's pre-warm, or a page asking for a key predicted slow) has no row yet:
its job carries the key itself (`key_refresh_params`) and keeps the row it computes.
"""

from typing import Any, BinaryIO

from volunteer.extensions import db
from volunteer.models import Unit
from volunteer.services.compliance import snapshots

JOB_KIND = "compliance.refresh"


def refresh_params(snapshot_id: int, unit: Unit) -> dict[str, Any]:
    """What a refresh job keeps: the snapshot, and its unit for the job's page."""
    return {"snapshot_id": snapshot_id, "unit_id": unit.id, "unit_name": unit.name}


def key_refresh_params(key: dict[str, Any], unit_id: int, unit_name: str) -> dict[str, Any]:
    """What the refresh job of a key never computed keeps: the key (snapshots.key_params)."""
    return {"key": key, "unit_id": unit_id, "unit_name": unit_name}


def refresh_title(params: dict[str, Any]) -> str:
    """The job page's title: the unit."""
    return params["unit_name"]


def write_refresh(params: dict[str, Any], actor_id: int | None, out: BinaryIO, progress) -> None:
    """Recompute the snapshot and commit it (the job keeps no file)."""
    progress(0, 1)
    if "snapshot_id" in params:
        snapshots.refresh_snapshot(params["snapshot_id"])
    else:
        unit = db.session.get(Unit, params["unit_id"])
        if unit is not None and unit.active:
            snapshots.compute_key(unit, params["key"])
    db.session.commit()
    progress(1, 1)
