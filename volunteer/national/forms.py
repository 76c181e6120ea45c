"""The national-system export form."""

from wtforms import SelectField, SubmitField

from volunteer.forms import PeriodForm
from volunteer.i18n import lazy_gettext as _l


class NationalExportForm(PeriodForm):
    """Which organization's approved records, for which period."""

    organization_id = SelectField(_l("Organization"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Export .xlsx"))
