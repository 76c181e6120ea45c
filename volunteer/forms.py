"""Form pieces shared by several blueprints."""

from urllib.parse import urlsplit

from sqlalchemy import select
from wtforms import SelectChoice, ValidationError

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit
from volunteer.services import identity


def unit_choices(include_blank: bool = True, clause=None) -> list[SelectChoice]:
    """(id, indented name) pairs for a unit select, in tree order."""
    query = select(Unit.id, Unit.name, Unit.depth).where(Unit.active.is_(True))
    if clause is not None:
        query = query.where(clause)
    rows = db.session.execute(query.order_by(Unit.path)).all()
    choices = [SelectChoice("", str(_l("— none —")))] if include_blank else []
    return choices + [SelectChoice(str(row.id), "\u3000" * row.depth + row.name) for row in rows]


def mobile_phone(form, field) -> None:
    """WTForms validator: a mainland mobile number."""
    field.data = identity.normalize_phone(field.data)
    if error := identity.phone_error(field.data):
        raise ValidationError(error)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )
