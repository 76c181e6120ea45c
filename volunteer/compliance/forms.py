"""Forms for roster uploads and compliance settings."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SubmitField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from volunteer import rounding
from volunteer.i18n import lazy_gettext as _l


class RosterUploadForm(FlaskForm):
    """A roster file (.xlsx or .csv)."""

    file = FileField(
        _l("Roster file (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose the roster file to upload."))],
    )
    mode = RadioField(
        _l("What the file does"),
        choices=[
            SelectChoice("merge", _l("Add or update: people not in the file stay on the roster")),
            SelectChoice(
                "replace", _l("Replace the whole list: people not in the file are marked as left")
            ),
        ],
        default="merge",
    )
    submit = SubmitField(_l("Check the file"))


class FullNumbersForm(FlaskForm):
    """Asks for an export with full ID numbers and phones (entitled coordinators, audited)."""

    submit = SubmitField(_l("Export with full numbers"))


class RosterConfirmForm(FlaskForm):
    """Confirms the previewed rows (kept on the server under a random token)."""

    token = HiddenField(validators=[DataRequired()])
    mode = HiddenField(default="merge")
    submit = SubmitField(_l("Confirm and replace the roster"))

    def replaces(self) -> bool:
        """True when the whole list is to be replaced (people not listed leave)."""
        return self.mode.data == "replace"


class ComplianceSettingsForm(FlaskForm):
    """The targets of one assessment year, in percent and hours."""

    year = IntegerField(
        _l("Year"), validators=[DataRequired(), NumberRange(2000, 2100, _l("Enter a valid year."))]
    )
    staff_target = DecimalField(
        _l("Staff target (%)"),
        places=2,
        validators=[DataRequired(), NumberRange(0.01, 100, _l("Enter a percentage up to 100."))],
    )
    party_target = DecimalField(
        _l("Party member target (%)"),
        places=2,
        validators=[DataRequired(), NumberRange(0.01, 100, _l("Enter a percentage up to 100."))],
    )
    count_probationary = BooleanField(_l("Probationary party members count as party members"))
    min_hours = DecimalField(
        _l("Minimum approved hours in the period to count as completed"),
        places=2,
        validators=[
            DataRequired(),
            NumberRange(0.01, 1000, _l("Enter hours above zero.")),
        ],
        description=_l("0.01 means any approved time counts (one minute)."),
    )
    milestone = DecimalField(
        _l("Milestone: share of units meeting targets (%)"),
        places=2,
        validators=[Optional(), NumberRange(0, 100, _l("Enter a percentage up to 100."))],
    )
    submit = SubmitField(_l("Save targets"))

    @staticmethod
    def data_for(targets) -> dict:
        """The form's values for `targets` (shares shown as percent, minutes as hours)."""
        return {
            "year": targets.year,
            "staff_target": targets.staff_target * 100,
            "party_target": targets.party_target * 100,
            "count_probationary": targets.count_probationary,
            "min_hours": rounding.hours_value(targets.min_minutes, 2),
            "milestone": None if targets.milestone is None else targets.milestone * 100,
        }

    def submitted_targets(self) -> dict:
        """The submitted values as save_targets takes them (shares and whole minutes)."""
        milestone = self.milestone.data
        return {
            "staff_target": self.staff_target.data / 100,
            "party_target": self.party_target.data / 100,
            "count_probationary": self.count_probationary.data,
            "min_minutes": max(1, round(self.min_hours.data * 60)),
            "milestone": None if milestone is None else milestone / 100,
        }


class RevealForm(FlaskForm):
    """Show the full ID numbers and phones of a drill-down: a POST with CSRF, audited."""

    submit = SubmitField(_l("Show full numbers (recorded in the audit log)"))
