"""Forms of the network pages: projects, recognition criteria, nominations, honours."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from volunteer.i18n import lazy_gettext as _l
from volunteer.pickers import OrganizationField


class ProjectForm(FlaskForm):
    """Create or edit a volunteer service project."""

    organization_id = OrganizationField(_l("Organization"))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class AttachActivityForm(FlaskForm):
    """Put one of the organization's activities into the project."""

    activity_id = SelectField(_l("Activity"), choices=[], coerce=int)
    people_served = IntegerField(
        _l("People served (optional)"), validators=[Optional(), NumberRange(min=0, max=10**6)]
    )
    submit = SubmitField(_l("Add to project"))


class CriteriaForm(FlaskForm):
    """The year's recognition criteria."""

    min_hours = IntegerField(
        _l("Minimum hours in the year"), validators=[InputRequired(), NumberRange(0, 10000)]
    )
    min_participations = IntegerField(
        _l("Minimum participations"), validators=[InputRequired(), NumberRange(0, 10000)]
    )
    min_star_level = IntegerField(
        _l("Minimum star level"), validators=[InputRequired(), NumberRange(0, 5)]
    )
    clean_record = BooleanField(_l("No revoked certificate or record in the year"))
    group_min_hours = IntegerField(
        _l("Minimum volunteer-hours drawn (leaders, organizations, projects)"),
        validators=[InputRequired(), NumberRange(0, 1000000)],
    )
    list_size = IntegerField(
        _l("Places per list"), validators=[InputRequired(), NumberRange(1, 500)]
    )
    submit = SubmitField(_l("Save criteria"))


class NominateForm(FlaskForm):
    """Nominate one candidate, with the reason."""

    category = HiddenField(validators=[DataRequired()])
    subject_id = HiddenField(validators=[DataRequired()])
    year = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason for the nomination"),
        validators=[DataRequired(_l("Give the reason for the nomination.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Nominate"))


class DecideForm(FlaskForm):
    """Approve or reject a nomination."""

    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""

    submit = SubmitField(_l("Issue honour certificate"))


class RevokeForm(FlaskForm):
    """Revoke an honour certificate, with the reason."""

    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for revoking.")), Length(max=500)],
    )
    submit = SubmitField(_l("Revoke"))
