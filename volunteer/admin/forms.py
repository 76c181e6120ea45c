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
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from volunteer.i18n import lazy_gettext as _l
from volunteer.labels import ORGANIZATION_KIND_LABELS, ROLE_LABELS, UNIT_KIND_LABELS


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

    parent_id = SelectField(
        _l("New parent unit"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("Choose the new parent unit."))],
    )
    submit = SubmitField(_l("Move"))


class ConfirmForm(FlaskForm):
    """An empty form: a button that carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class OrganizationForm(FlaskForm):
    """Create or edit an organization."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    unit_id = SelectField(_l("Belongs to unit"), choices=[], validate_choice=False)
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


class GrantForm(FlaskForm):
    """Grant a role to a person found by search."""

    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    organization_id = SelectField(_l("Organization"), choices=[], validate_choice=False)
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Grant"))
