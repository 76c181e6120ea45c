"""Settings an admin stores in the database (issuer details, the seal, recognition criteria)."""

from typing import Any

from volunteer.extensions import db
from volunteer.models import Setting, User


def stored_value(key: str) -> Any:
    """The value stored under `key`, or None when nothing is."""
    setting = db.session.get(Setting, key)
    return setting.value if setting is not None else None


def store_value(key: str, value: Any, actor: User | None) -> None:
    """Store `value` under `key` (the row is made the first time), noting who set it."""
    setting = db.session.get(Setting, key) or Setting(key=key)
    setting.value = value
    setting.updated_by_id = actor.id if actor is not None else None
    db.session.add(setting)
