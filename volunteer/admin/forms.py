"""Admin forms: units, organizations, role grants."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from volunteer.forms import UnitCodeField
from volunteer.i18n import lazy_gettext as _l
from volunteer.labels import ORGANIZATION_KIND_LABELS, ROLE_LABELS, UNIT_KIND_LABELS
from volunteer.models import Organization
from volunteer.services import organizations


def _kind_choices():
    return [SelectChoice(kind.value, label) for kind, label in UNIT_KIND_LABELS.items()]


class UnitCreateForm(FlaskForm):
    """A new unit under the unit opened on the tree page (none: a top unit)."""

    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Enter a unit code.")),
            Length(max=32),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use letters, digits and dashes only.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=_kind_choices())
    # The unit opened on the tree page: a select of every unit would be 10,000 options.
    parent_id = HiddenField()
    submit = SubmitField(_l("Create unit"))


class UnitEditForm(FlaskForm):
    """Rename a unit, change its kind, or whether it takes part in the assessment."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=_kind_choices())
    assessed = BooleanField(_l("Assessed (参与考核): counted in the milestone"))
    submit = SubmitField(_l("Save"))


class UnitMoveForm(FlaskForm):
    """Move a unit under another parent."""

    parent_code = UnitCodeField(
        _l("Code of the new parent unit"), required_message=_l("Enter the new parent unit's code.")
    )
    submit = SubmitField(_l("Move"))


class ConfirmForm(FlaskForm):
    """An empty form: a button that carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class OrganizationForm(FlaskForm):
    """Create or edit an organization."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    unit_code = UnitCodeField(_l("Code of the unit it belongs to"))
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(kind.value, label) for kind, label in ORGANIZATION_KIND_LABELS.items()
        ],
        default="other",
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=20)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class OrganizationNameField(StringField):
    """An active organization named exactly (names are unique); `organization` holds it."""

    def __init__(self, label=None, **kwargs) -> None:
        super().__init__(label, validators=[Optional(), Length(max=100)], **kwargs)
        self.organization: Organization | None = None

    def post_validate(self, form, validation_stopped: bool) -> None:
        """Find the organization once the field's own checks passed."""
        if validation_stopped or not self.data.strip():
            return
        self.organization = organizations.active_organization_named(self.data)
        if self.organization is None:
            raise ValidationError(_l("No active organization has this name."))


class GrantForm(FlaskForm):
    """Grant a role to a person found by search."""

    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    # Names and codes, not selects: a province has thousands of organizations and units.
    organization_name = OrganizationNameField(_l("Organization name"))
    unit_code = UnitCodeField(_l("Unit code"))
    submit = SubmitField(_l("Grant"))
