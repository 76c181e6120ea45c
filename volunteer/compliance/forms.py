"""Forms for roster uploads and compliance settings."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from volunteer.i18n import lazy_gettext as _l


class RosterUploadForm(FlaskForm):
    """A roster file (.xlsx or .csv)."""

    file = FileField(
        _l("Roster file (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose the roster file to upload."))],
    )
    submit = SubmitField(_l("Check the file"))


class RosterConfirmForm(FlaskForm):
    """Confirms the previewed rows (kept on the server under a random token)."""

    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Confirm and replace the roster"))


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
