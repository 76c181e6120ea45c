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
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from volunteer import rounding
from volunteer.i18n import lazy_gettext as _l
from volunteer.services.reminders import MESSAGE_MAX_LENGTH


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


class ReminderForm(FlaskForm):
    """One reminder list: the text to send (with {name}), full phones or not, and the file."""

    message = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(_l("Write the text of the message.")),
            Length(
                max=MESSAGE_MAX_LENGTH,
                message=_l("The message is longer than %(max)s characters."),
            ),
        ],
        description=_l("{name} becomes each person's name. Edit the text before exporting."),
    )
    full_numbers = BooleanField(_l("Full phone numbers (recorded in the audit log)"))
    subtree = BooleanField(
        _l("Also every unit below"),
        description=_l(
            "One file for this unit and all units below it; their people get their own "
            "unit's ready text (its figures and registration link)."
        ),
    )
    preview = SubmitField(_l("Preview"))
    export_xlsx = SubmitField(_l("Export Excel"))
    export_csv = SubmitField(_l("Export CSV"))

    def file_format(self) -> str | None:
        """The file asked for by the button pressed: "xlsx", "csv", or None for a preview."""
        if self.export_xlsx.data:
            return "xlsx"
        if self.export_csv.data:
            return "csv"
        return None
