"""Form pieces shared by several blueprints."""

import math
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask import abort
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, StopValidation

from volunteer.bounds import EARLIEST_DAY, LATEST_DAY, as_id
from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit
from volunteer.services import identity, periods, units

PASSWORD_MIN_LENGTH = 8
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def unit_choices(include_blank: bool = True, clause=None) -> list[SelectChoice]:
    """(id, indented name) choices for a unit select, in tree order."""
    rows = units.active_unit_rows(clause)
    choices = [SelectChoice("", str(_l("— none —")))] if include_blank else []
    return choices + [SelectChoice(str(row.id), "\u3000" * row.depth + row.name) for row in rows]


def unit_from_choice(raw: str | None) -> Unit | None:
    """The unit picked in a select built by `unit_choices`, or None (also for tampered input)."""
    return chosen_row(Unit, raw)


class UnitCodeField(StringField):
    """A unit named by its code: a select of every unit would be 10,000 options (issue 15).
    After validation `unit` is the active unit found; `clause` (set by the view) narrows
    where it may be, and `refusal` says why a unit outside it cannot be chosen."""

    def __init__(self, label=None, required_message=None, **kwargs) -> None:
        first = DataRequired(required_message) if required_message else Optional()
        super().__init__(label, validators=[first, Length(max=32)], **kwargs)
        self.unit: Unit | None = None
        self.clause = None
        self.refusal = _l("This unit cannot be chosen here.")

    def post_validate(self, form, validation_stopped: bool) -> None:
        """Resolve the code once the field's own checks passed."""
        if validation_stopped or not self.data or not self.data.strip():
            return
        unit = units.get_unit_by_code(self.data)
        if unit is None or not unit.active:
            raise ValidationError(_l("No active unit has the code %(code)s.", code=self.data))
        if self.clause is not None and not units.unit_matches(unit, self.clause):
            raise ValidationError(self.refusal)
        self.unit = unit


def chosen_row(model: type, raw: object):
    """The row a select's value names, or None for a missing, odd or out-of-range id."""
    row_id = as_id(raw)
    return db.session.get(model, row_id) if row_id is not None else None


def chosen_row_or_404(model: type, raw: object):
    """The row a select's value names; 404 when there is none (a tampered or stale form)."""
    if (row := chosen_row(model, raw)) is None:
        abort(404)
    return row


def finite_number(form, field) -> None:
    """WTForms validator: refuse `nan` and `inf`, which every range check lets through."""
    value = field.data
    if value is None:  # not a number at all: the field's own parse error says so
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        raise StopValidation(_l("Enter a number."))


def coordinate_validators(limit: int) -> list:
    """Optional latitude (limit 90) or longitude (limit 180): a finite number within ±limit."""
    return [Optional(), finite_number, NumberRange(-limit, limit)]


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


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a same-site path (see is_safe_next), else `default`."""
    return target if is_safe_next(target) else default


# Field factories: each call makes a new field, so forms share definitions and keep their order.


def real_name_field() -> StringField:
    """The person's real name (实名)."""
    return StringField(
        _l("Real name"), validators=[DataRequired(_l("Enter your real name.")), Length(max=50)]
    )


def mobile_field() -> StringField:
    """A required mainland mobile number."""
    return StringField(
        _l("Mobile phone"), validators=[DataRequired(_l("Enter your mobile number.")), mobile_phone]
    )


def political_status_field() -> SelectField:
    """GB/T 4762 political status, chosen on purpose: no default, so none by omission."""
    labels = identity.POLITICAL_STATUS_LABELS
    return SelectField(
        _l("Political status"),
        choices=[
            SelectChoice("", _l("Please choose")),
            *(SelectChoice(status.value, label) for status, label in labels.items()),
        ],
        default="",
        validators=[DataRequired(_l("Choose your political status."))],
    )


def work_unit_name_field() -> StringField:
    """A work unit typed by hand when it is not in the tree."""
    return StringField(_l("Work unit (if not listed)"), validators=[Length(max=100)])


def local_time_field(label, missing) -> DateTimeLocalField:
    """A required Beijing date and time (a datetime-local input); `missing` says it is empty."""
    return DateTimeLocalField(label, format=LOCAL_FORMAT, validators=[DataRequired(missing)])


def skills_field() -> TextAreaField:
    """Free-text skills."""
    return TextAreaField(_l("Skills"), validators=[Optional(), Length(max=500)])


def service_areas_field() -> TextAreaField:
    """Free-text service areas and available time."""
    return TextAreaField(
        _l("Service areas and available time"), validators=[Optional(), Length(max=500)]
    )


def new_password_field(label) -> PasswordField:
    """A new password of at least PASSWORD_MIN_LENGTH characters."""
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=128,
                message=_l("The password needs at least 8 characters."),
            ),
        ],
    )


def password_repeat_field(label, other: str) -> PasswordField:
    """The same password typed again."""
    return PasswordField(
        label, validators=[EqualTo(other, message=_l("The two passwords differ."))]
    )


PERIOD_CHOICES = [
    SelectChoice("year", _l("This year")),
    SelectChoice("past_year", _l("A whole year")),
    SelectChoice("range", _l("Chosen dates")),
    SelectChoice("all", _l("All time")),
]


class PeriodForm(FlaskForm):
    """Which period a certificate covers: this year, a given year, chosen dates or all time."""

    period = SelectField(_l("Period"), choices=PERIOD_CHOICES, default="year")
    year = IntegerField(
        _l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)], default=None
    )
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def to_period(self, today: date | None = None) -> periods.Period:
        """The chosen period, or a ServiceError naming the field to fix."""
        return periods.chosen_period(
            self.period.data, self.year.data, self.start.data, self.end.data, today
        )


def day_arg(raw: str | None) -> date | None:
    """A YYYY-MM-DD query argument as a date; None when missing, odd or outside the years a
    record can have (not filtered on: year 1 or 9999 would overflow Beijing's midnight)."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None
