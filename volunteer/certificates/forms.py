"""Certificate forms: the period, revoking, re-issuing, batches, issuer settings, verification."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from volunteer.forms import PeriodForm, UnitCodeField
from volunteer.i18n import lazy_gettext as _l


class IssueForm(PeriodForm):
    """Issue a certificate for a period (and, for organizers, their organization's part)."""

    scope = SelectField(_l("Records covered"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Issue certificate"))


class ReasonForm(FlaskForm):
    """Revoke or re-issue: a reason is required."""

    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=500)]
    )
    submit = SubmitField(_l("Confirm"))


class UnitBatchForm(PeriodForm):
    """A coordinator's batch: everyone on a unit's roster (optionally with sub-units)."""

    # A code, not a select: a province coordinator may see 10,000 units (issue 15).
    unit_code = UnitCodeField(_l("Unit code"), required_message=_l("Enter a unit code."))
    include_subunits = BooleanField(_l("Include sub-units"), default=True)
    submit = SubmitField(_l("Print certificates"))


class ActivityBatchForm(FlaskForm):
    """An organizer's batch: everyone with approved service at an activity."""

    activity_id = SelectField(
        _l("Activity"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("Choose an activity."))],
    )
    submit = SubmitField(_l("Print certificates"))


class IssuerSettingsForm(FlaskForm):
    """The issuing organization's details printed on every new certificate, and the seal."""

    organization = StringField(
        _l("Issuing organization"),
        validators=[DataRequired(_l("Enter the issuing organization.")), Length(max=100)],
    )
    person_in_charge = StringField(
        _l("Person in charge"),
        validators=[DataRequired(_l("Enter the person in charge.")), Length(max=50)],
    )
    handling_officer = StringField(
        _l("Handling officer"),
        validators=[DataRequired(_l("Enter the handling officer.")), Length(max=50)],
    )
    contact = StringField(_l("Contact"), validators=[Length(max=100)])
    remarks = TextAreaField(_l("Remarks"), validators=[Length(max=300)])
    seal = FileField(
        _l("Seal image (PNG or JPEG)"),
        validators=[
            FileAllowed(["png", "jpg", "jpeg"], _l("The seal must be a PNG or JPEG image."))
        ],
    )
    remove_seal = BooleanField(_l("Print new certificates without a seal"))
    submit = SubmitField(_l("Save"))


class VerifyForm(FlaskForm):
    """Type a certificate's serial number to check it."""

    class Meta:
        csrf = False  # a public GET lookup changes nothing

    serial = StringField(
        _l("Serial number"),
        validators=[DataRequired(_l("Enter the serial number.")), Length(max=40)],
    )
    submit = SubmitField(_l("Check"))


class SearchForm(FlaskForm):
    """Find a person by name, phone or volunteer number."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, phone or volunteer number"), validators=[Optional(), Length(max=50)])
    submit = SubmitField(_l("Search"))
