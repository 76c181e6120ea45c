"""Profile and password forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from volunteer import forms as shared
from volunteer.i18n import lazy_gettext as _l
from volunteer.pickers import work_unit_field


class ProfileForm(FlaskForm):
    """The parts of a profile a volunteer may change; the ID number is fixed."""

    name = shared.real_name_field()
    phone = shared.mobile_field()
    political_status = shared.political_status_field()
    unit_id = work_unit_field()
    work_unit_name = shared.work_unit_name_field()
    skills = shared.skills_field()
    service_areas = shared.service_areas_field()
    submit = SubmitField(_l("Save"))


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = shared.new_password_field(_l("New password"))
    new_password_confirm = shared.password_repeat_field(_l("Repeat new password"), "new_password")
    submit = SubmitField(_l("Change password"))


class PersonalTokenForm(FlaskForm):
    """A personal access token for a server: a name and the scopes it carries."""

    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("Name the token after the system that will use it.")),
            Length(max=80),
        ],
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one scope."))],
    )
    submit = SubmitField(_l("Create token"))


class RevokeTokenForm(FlaskForm):
    """The button that revokes a token (a form, for its CSRF token)."""

    submit = SubmitField(_l("Revoke"))
