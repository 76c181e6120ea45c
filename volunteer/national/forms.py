"""The national-system export form."""

from wtforms import SubmitField

from volunteer.forms import PeriodForm
from volunteer.i18n import lazy_gettext as _l
from volunteer.pickers import OrganizationField


class NationalExportForm(PeriodForm):
    """Which organization's approved records, for which period."""

    # Closed organizations too: their records may still be reported. Blank: all of the user's.
    organization_id = OrganizationField(_l("Organization"), active_only=False, blank="")
    submit = SubmitField(_l("Export .xlsx"))
