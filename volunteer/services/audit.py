"""Writing the audit log."""

from typing import Any

from volunteer.extensions import db
from volunteer.models import AuditEntry, User


def record_audit(
    actor: User | None,
    action: str,
    target: Any = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry for `action` by `actor` on `target` (any model with an id)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details={k: _jsonable(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    # Audit details are JSON; enums and dates become their text.
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
