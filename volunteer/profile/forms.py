"""Profile and password forms."""

from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from volunteer.auth.forms import PasswordRules
from volunteer.forms import mobile_phone
from volunteer.i18n import lazy_gettext as _l
from volunteer.services import identity


class ProfileForm(FlaskForm):
    """The parts of a profile a volunteer may change; the ID number is fixed."""

    name = StringField(
        _l("Real name"), validators=[DataRequired(_l("Enter your real name.")), Length(max=50)]
    )
    phone = StringField(
        _l("Mobile phone"), validators=[DataRequired(_l("Enter your mobile number.")), mobile_phone]
    )
    political_status = SelectField(
        _l("Political status"),
        choices=[
            SelectChoice(s.value, label) for s, label in identity.POLITICAL_STATUS_LABELS.items()
        ],
    )
    unit_id = SelectField(_l("Work unit"), choices=[], validate_choice=False)
    work_unit_name = StringField(_l("Work unit (if not listed)"), validators=[Length(max=100)])
    skills = TextAreaField(_l("Skills"), validators=[Optional(), Length(max=500)])
    service_areas = TextAreaField(
        _l("Service areas and available time"), validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField(_l("Save"))


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PasswordRules.MIN,
                max=PasswordRules.MAX,
                message=_l("The password needs at least 8 characters."),
            ),
        ],
    )
    new_password_confirm = PasswordField(
        _l("Repeat new password"),
        validators=[EqualTo("new_password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
