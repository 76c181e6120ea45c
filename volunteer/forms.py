"""Form pieces shared by several blueprints."""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    Field,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import Input

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


# The longest unit name or code a volunteer may type into the picker (Unit.name is 100).
TYPED_UNIT_MAX = 100


@dataclass(frozen=True)
class ShownUnit:
    """What the picker's text box holds, and the unit chosen with its path (if any)."""

    text: str
    hit: units.UnitHit | None


class WorkUnitField(Field):
    """The work unit: a plain select of the active units while there are at most
    WORK_UNIT_SELECT_LIMIT of them (config.py says why), else a text box with a search-as-you-
    type picker (static/js/unit-picker.js) that fills the hidden id (issue 15: a province's
    10,000-option select made the register page 570 KB).

    Without JavaScript the typed text itself is read: a unit code or a unit's whole name
    names the unit; otherwise the page comes back with the matching units as radio buttons
    (`<name>-pick`), as it does when several units bear that name. After validation `unit`
    is the unit chosen (None: none). Drawn by templates/_work_unit_field.html."""

    widget = Input("hidden")  # not a HiddenInput: hidden_tag() must leave it to the template

    def __init__(self, label=None, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.query_name, self.pick_name = f"{self.name}-query", f"{self.name}-pick"
        self.query: str | None = None  # None: the form was not sent (show the current unit)
        self.pick = ""
        self.unit: Unit | None = None
        self.candidates: list[units.UnitHit] = []
        self._picker: bool | None = None

    @property
    def picker(self) -> bool:
        """Whether the tree is too large for a select (one count, once per form)."""
        if self._picker is None:
            limit = current_app.config["WORK_UNIT_SELECT_LIMIT"]
            self._picker = units.active_unit_count() > limit
        return self._picker

    @property
    def choices(self) -> list[SelectChoice]:
        """The select's options (only drawn on a small tree)."""
        return unit_choices()

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        """Read the id, and the picker's typed text and radio choice beside it."""
        super().process(formdata, data, extra_filters)
        self.data = "" if self.data is None else str(self.data)
        if formdata is not None:
            self.query = formdata.get(self.query_name, "")
            self.pick = formdata.get(self.pick_name, "")

    def pre_validate(self, form) -> None:
        """Find the unit chosen; say what is wrong in words the person can act on."""
        self.unit = self._picked() if self.picker else self._selected()

    def _selected(self) -> Unit | None:
        if not self.data:
            return None
        return self._active(self.data, _l("Choose your work unit from the list."))

    def _picked(self) -> Unit | None:
        if self.pick:
            return self._active(self.pick, _l("Choose one of the units listed."))
        text = (self.query or "").strip()
        if not text:
            return None
        if len(text) > TYPED_UNIT_MAX:
            raise ValidationError(_l("Type at most 100 characters."))
        chosen = db.session.get(Unit, row_id) if (row_id := as_id(self.data)) else None
        if chosen is not None and text in (chosen.name, units.unit_hit(chosen).label):
            if not chosen.active:
                raise ValidationError(_l("“%(name)s” is closed: choose another unit.", name=text))
            return chosen
        # No id, an odd one, or text changed after the pick (without JavaScript): the text rules.
        return self._typed(text)

    def _typed(self, text: str) -> Unit:
        found = units.find_typed_unit(text)
        if found.unit is not None:
            return found.unit
        self.candidates = found.hits
        if found.exact:
            raise ValidationError(
                _l("Several units are named “%(name)s”: choose yours.", name=text)
            )
        if not found.hits:
            raise ValidationError(
                _l(
                    "No unit is named like “%(name)s”. Check the name, or leave this empty and "
                    "type your unit in the next box.",
                    name=text,
                )
            )
        raise ValidationError(_l("Choose your unit below, or type more of its name."))

    @staticmethod
    def _active(raw: str, refusal) -> Unit:
        unit = units.active_unit(as_id(raw))
        if unit is None:
            raise ValidationError(refusal)
        return unit

    def shown(self) -> ShownUnit:
        """The text box's text and the chosen unit's path: the unit the form names (the
        profile's current one), or what was typed when the form comes back."""
        if self.unit is not None:
            return ShownUnit(self.query or self.unit.name, units.unit_hit(self.unit))
        if self.query is not None:
            return ShownUnit(self.query, None)
        current = db.session.get(Unit, row_id) if (row_id := as_id(self.data)) else None
        if current is None:
            return ShownUnit("", None)
        return ShownUnit(current.name, units.unit_hit(current))


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


def work_unit_field() -> "WorkUnitField":
    """The unit from the tree: a select on a small tree, a search picker on a large one."""
    return WorkUnitField(_l("Work unit"))


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
