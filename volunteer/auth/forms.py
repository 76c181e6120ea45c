"""Registration and login forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from volunteer.forms import mobile_phone
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import IdType, PoliticalStatus
from volunteer.services import identity


class PasswordRules:
    """Shared password length rule."""

    MIN = 8
    MAX = 128


class RegistrationForm(FlaskForm):
    """Real-name volunteer registration (实名注册)."""

    name = StringField(
        _l("Real name"),
        validators=[DataRequired(_l("Enter your real name.")), Length(max=50)],
    )
    id_type = SelectField(
        _l("ID type"),
        choices=[SelectChoice(t.value, label) for t, label in identity.ID_TYPE_LABELS.items()],
        default=IdType.RESIDENT_ID.value,
    )
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Enter the ID number."))])
    phone = StringField(
        _l("Mobile phone"), validators=[DataRequired(_l("Enter your mobile number.")), mobile_phone]
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PasswordRules.MIN,
                max=PasswordRules.MAX,
                message=_l("The password needs at least 8 characters."),
            ),
        ],
    )
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )
    political_status = SelectField(
        _l("Political status"),
        choices=[
            SelectChoice(s.value, label) for s, label in identity.POLITICAL_STATUS_LABELS.items()
        ],
        default=PoliticalStatus.MASSES.value,
    )
    unit_id = SelectField(_l("Work unit"), choices=[], validate_choice=False)
    work_unit_name = StringField(_l("Work unit (if not listed)"), validators=[Length(max=100)])
    skills = TextAreaField(_l("Skills"), validators=[Optional(), Length(max=500)])
    service_areas = TextAreaField(
        _l("Service areas and available time"), validators=[Optional(), Length(max=500)]
    )
    guardian_name = StringField(_l("Guardian's name (under 14)"), validators=[Length(max=50)])
    guardian_phone = StringField(_l("Guardian's phone (under 14)"), validators=[Length(max=20)])
    guardian_consent = BooleanField(_l("My guardian agrees to my registration"))
    privacy_consent = BooleanField(
        _l("I have read and agree to the privacy notice"),
        validators=[DataRequired(_l("You must agree to the privacy notice to register."))],
    )
    submit = SubmitField(_l("Register"))

    def validate_id_number(self, field) -> None:
        field.data = identity.normalize_id_number(field.data)
        if error := identity.id_number_error(IdType(self.id_type.data), field.data):
            raise ValidationError(error)

    def validate_guardian_phone(self, field) -> None:
        if field.data:
            mobile_phone(self, field)


class LoginForm(FlaskForm):
    """Sign in with a phone number or an ID number."""

    login = StringField(
        _l("Phone or ID number"),
        validators=[DataRequired(_l("Enter your phone or ID number."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))
