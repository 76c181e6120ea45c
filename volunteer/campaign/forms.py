"""The campaign settings form: name, years, and each year's weight and milestone in percent."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DecimalField, FieldList, Form, FormField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from volunteer.i18n import lazy_gettext as _l
from volunteer.services.campaign import MAX_YEARS, PlanYear, default_plan

HUNDRED = Decimal(100)


def _percent_field(label) -> DecimalField:
    return DecimalField(
        label,
        places=2,
        validators=[
            InputRequired(_l("Enter a percentage.")),
            NumberRange(0, 100, _l("Enter a percentage from 0 to 100.")),
        ],
    )


class CampaignYearForm(Form):
    """One year of the plan (no CSRF of its own: it is part of CampaignForm)."""

    weight = _percent_field(_l("Weight in the total score (%)"))
    milestone = _percent_field(_l("Milestone: share of units meeting targets (%)"))


class CampaignForm(FlaskForm):
    """A campaign: the plan's weights 15/25/60% and milestones 80/100/100% by default."""

    name = StringField(
        _l("Campaign name"),
        validators=[DataRequired(_l("Enter the campaign's name.")), Length(max=100)],
    )
    first_year = IntegerField(
        _l("First year"),
        validators=[
            InputRequired(_l("Enter a year.")),
            NumberRange(2000, 2100, _l("Enter a year between 2000 and 2100.")),
        ],
    )
    years = IntegerField(
        _l("Number of years"),
        validators=[
            InputRequired(_l("Enter the number of years.")),
            NumberRange(1, MAX_YEARS, _l("A campaign lasts from %(min)s to %(max)s years.")),
        ],
    )
    plan = FieldList(FormField(CampaignYearForm), max_entries=MAX_YEARS)
    submit = SubmitField(_l("Save campaign"))

    @staticmethod
    def data_for(name: str, plan: list[PlanYear]) -> dict:
        """The form's values for a plan (shares shown as percent)."""
        return {
            "name": name,
            "first_year": plan[0].year,
            "years": len(plan),
            "plan": [_row_data(year.weight, year.milestone) for year in plan],
        }

    def fit_plan_to_years(self) -> bool:
        """Give the plan one row per year when the number changed: True if it did.

        The weights start again from the defaults for the new number (they add up to
        100%); milestones already typed stay.
        """
        wanted = self.years.data
        if wanted == len(self.plan.entries):
            return False
        defaults = default_plan(self.first_year.data, wanted)
        typed = [row.milestone.data for row in self.plan if row.milestone.data is not None]
        while self.plan.entries:
            self.plan.pop_entry()
        for index, year in enumerate(defaults):
            milestone = typed[index] / HUNDRED if index < len(typed) else year.milestone
            self.plan.append_entry(_row_data(year.weight, milestone))
        return True

    def submitted(self) -> dict:
        """The values as save_campaign takes them (shares, not percent)."""
        return {
            "name": self.name.data,
            "first_year": self.first_year.data,
            "weights": [row.weight.data / HUNDRED for row in self.plan],
            "milestones": [row.milestone.data / HUNDRED for row in self.plan],
        }


def _row_data(weight: Decimal, milestone: Decimal | None) -> dict:
    return {
        "weight": weight * HUNDRED,
        "milestone": None if milestone is None else milestone * HUNDRED,
    }
