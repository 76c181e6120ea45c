"""Forms for records: claims, manual entries, corrections and decisions."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from volunteer.forms import local_time_field
from volunteer.i18n import lazy_gettext as _l


def _times():
    return (
        local_time_field(_l("Check-in time"), _l("Enter the check-in time.")),
        local_time_field(_l("Check-out time"), _l("Enter the check-out time.")),
    )


class ClaimForm(FlaskForm):
    """A volunteer's claim for missing hours (补录申请)."""

    activity_id = SelectField(_l("Activity"), choices=[])
    check_in, check_out = _times()
    reason = TextAreaField(
        _l("Why was it not recorded?"),
        validators=[
            DataRequired(_l("Give a reason; it is kept with the record.")),
            Length(max=1000),
        ],
    )
    submit = SubmitField(_l("Submit claim"))


class ManualRecordForm(FlaskForm):
    """An organizer's entry from a paper sign-in sheet."""

    volunteer = StringField(
        _l("Volunteer number or mobile phone"),
        validators=[
            DataRequired(_l("Enter the volunteer number or mobile phone.")),
            Length(max=30),
        ],
    )
    name = StringField(
        _l("Volunteer's full name"),
        validators=[DataRequired(_l("Enter the volunteer's full name.")), Length(max=50)],
    )
    check_in, check_out = _times()
    reason = StringField(
        _l("Source (e.g. paper sign-in sheet)"),
        validators=[
            DataRequired(_l("Give a reason; it is kept with the record.")),
            Length(max=500),
        ],
    )
    submit = SubmitField(_l("Add record"))


class SetTimesForm(FlaskForm):
    """The organizer sets the real times of a record."""

    check_in, check_out = _times()
    reason = StringField(
        _l("Reason for the change"),
        validators=[
            DataRequired(_l("Give a reason; it is kept with the record.")),
            Length(max=500),
        ],
    )
    submit = SubmitField(_l("Save times"))


class DecisionForm(FlaskForm):
    """Approve or reject a claim."""

    reason = StringField(_l("Reason / note"), validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class ConfirmRecordForm(FlaskForm):
    """The volunteer confirms a manual entry; an admin approving it gives a reason."""

    reason = StringField(_l("Reason (administrators)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class CorrectionForm(FlaskForm):
    """A volunteer asks for a record's times to be corrected (申请更正)."""

    check_in, check_out = _times()
    reason = TextAreaField(
        _l("What is wrong with the record?"),
        validators=[
            DataRequired(_l("Give a reason; it is kept with the record.")),
            Length(max=1000),
        ],
    )
    submit = SubmitField(_l("Ask for a correction"))
