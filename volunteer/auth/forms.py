"""Registration and login forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from volunteer import forms as shared
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Gender, IdType, PoliticalStatus, Unit
from volunteer.pickers import work_unit_field
from volunteer.services import accounts, identity


class RegistrationForm(FlaskForm):
    """Real-name volunteer registration (实名注册)."""

    name = shared.real_name_field()
    id_type = SelectField(
        _l("ID type"),
        choices=[SelectChoice(t.value, label) for t, label in identity.ID_TYPE_LABELS.items()],
        default=IdType.RESIDENT_ID.value,
    )
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Enter the ID number."))])
    # A passport or travel permit number says nothing of age: the person states it.
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(
        _l("Gender"),
        choices=[
            SelectChoice("", _l("Please choose")),
            SelectChoice(Gender.MALE.value, _l("Male")),
            SelectChoice(Gender.FEMALE.value, _l("Female")),
        ],
        default="",
    )
    phone = shared.mobile_field()
    password = shared.new_password_field(_l("Password"))
    password_confirm = shared.password_repeat_field(_l("Repeat password"), "password")
    political_status = shared.political_status_field()
    unit_id = work_unit_field()
    work_unit_name = shared.work_unit_name_field()
    skills = shared.skills_field()
    service_areas = shared.service_areas_field()
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
        if self.chosen_id_type() is None:
            return  # the ID type field reports the unknown choice itself
        if error := identity.id_number_error(self.chosen_id_type(), field.data):
            raise ValidationError(error)

    def chosen_id_type(self) -> IdType | None:
        """The posted ID type, None when it is not one we know (a tampered form)."""
        try:
            return IdType(self.id_type.data)
        except ValueError:
            return None

    def validate_guardian_phone(self, field) -> None:
        if field.data:
            shared.mobile_phone(self, field)

    def to_registration(self, poster_unit: Unit | None = None) -> accounts.Registration:
        """The validated fields as the service's input; a poster's unit replaces the choice."""
        return accounts.Registration(
            name=self.name.data,
            id_type=IdType(self.id_type.data),
            id_number=self.id_number.data,
            phone=self.phone.data,
            password=self.password.data,
            political_status=PoliticalStatus(self.political_status.data),
            gender=Gender(self.gender.data) if self.gender.data else None,
            birth_date=self.birth_date.data,
            unit=poster_unit or self.unit_id.unit,
            work_unit_name=None if poster_unit else self.work_unit_name.data,
            skills=self.skills.data,
            service_areas=self.service_areas.data,
            guardian_name=self.guardian_name.data or None,
            guardian_phone=self.guardian_phone.data or None,
            guardian_consent=self.guardian_consent.data,
            privacy_consent=self.privacy_consent.data,
        )


class LoginForm(FlaskForm):
    """Sign in with a phone number or an ID number."""

    login = StringField(
        _l("Phone or ID number"),
        validators=[DataRequired(_l("Enter your phone or ID number."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class PasswordResetForm(FlaskForm):
    """Choose a new password with the one-time code a coordinator or admin gave."""

    code = StringField(
        _l("Reset code"),
        validators=[DataRequired(_l("Enter the reset code.")), Length(max=40)],
    )
    password = shared.new_password_field(_l("New password"))
    password_confirm = shared.password_repeat_field(_l("Repeat new password"), "password")
    submit = SubmitField(_l("Set the new password"))


class ResetSearchForm(FlaskForm):
    """Find a person (by mobile number or name) to issue a reset code for."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Mobile number or name"), validators=[Length(max=50)])


class IssueResetForm(FlaskForm):
    """The button that issues a reset code (CSRF-protected POST)."""

    submit = SubmitField(_l("Issue a reset code"))
