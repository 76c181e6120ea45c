"""Fields that name one row of a list that may be too long for a select: the work unit (a
province has 10,000 units) and the organization an organizer acts for (an admin of a province
sees 2,000 teams). Issue 15: such selects made pages of 100 KB to 570 KB.

Up to a limit (config.py says why) the field is a plain select. Past it, a text box with a
search-as-you-type listbox (static/js/search-picker.js) fills a hidden id. Without JavaScript
the typed text itself is read: a whole name names the row; otherwise the page comes back with
the matching rows as radio buttons (`<name>-pick`). Drawn by templates/_search_pick_field.html.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app
from wtforms import Field, SelectChoice, ValidationError
from wtforms.utils import unset_value
from wtforms.widgets import Input

from volunteer.bounds import as_id
from volunteer.extensions import db
from volunteer.forms import unit_choices
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization, Unit, User
from volunteer.services import organizations, units

# The longest text a person may type into a picker (unit and organization names are 100),
# and the shortest a search answers (one Chinese character matches too much to list).
TYPED_MAX = 100
SEARCH_MIN = 2


class Hit(Protocol):
    """A row as a picker lists it: its id, its name, a line under the name telling it from its
    namesakes (`detail`), and the one line saying which it is once chosen (`label`)."""

    id: int
    name: str

    @property
    def label(self) -> str: ...

    @property
    def detail(self) -> str: ...


@dataclass(frozen=True)
class Typed:
    """What typed text names: one row, or the rows to choose from (`exact`: all bear that name)."""

    row: Any | None
    hits: list
    exact: bool = False


@dataclass(frozen=True)
class Shown:
    """What the picker's text box holds, and the row chosen with its label (if any)."""

    text: str
    hit: Hit | None


def searched_text(raw: str | None) -> str | None:
    """The text a picker's search asked for, or None when too short or long to search."""
    text = (raw or "").strip()
    return text if SEARCH_MIN <= len(text) <= TYPED_MAX else None


def search_answer(hits: list) -> dict:
    """A search's hits as static/js/search-picker.js reads them."""
    return {
        "hits": [
            {"id": hit.id, "name": hit.name, "detail": hit.detail, "label": hit.label}
            for hit in hits
        ]
    }


def _named(message, name: str) -> str:
    """A refusal naming what was typed, in the request's language."""
    return str(message) % {"name": name}


class SearchPickField(Field):
    """One row of a list, by select or by search (see the module's docstring). After
    validation `chosen` is the row chosen (None: none). Subclasses say how rows are counted,
    listed, found and told apart, and word the refusals."""

    widget = Input("hidden")  # not a HiddenInput: hidden_tag() must leave it to the template
    limit_setting = ""  # the config key: above this many rows, search instead of a select
    search_endpoint = ""  # the JSON search the picker's script asks (static/js/search-picker.js)
    # Refusals, worded for the row's kind by each subclass ("%(name)s": the text typed).
    not_in_list: Any
    not_among_listed: Any
    not_usable: Any
    several_named: Any
    none_named: Any
    choose_below: Any
    required: Any = None  # a refusal when nothing is chosen (None: may be left empty)

    def __init__(self, label=None, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.query_name, self.pick_name = f"{self.name}-query", f"{self.name}-pick"
        self.query: str | None = None  # None: the form was not sent (show the current row)
        self.pick = ""
        self.chosen: Any | None = None
        self.candidates: list = []
        self._picker: bool | None = None

    # What each kind of row supplies.
    def row_count(self) -> int:
        """How many rows a select would list."""
        raise NotImplementedError

    @property
    def choices(self) -> list[SelectChoice]:
        """The select's options (only drawn while there are few rows)."""
        raise NotImplementedError

    def row(self, row_id: int) -> Any | None:
        """The row with this id, usable here or not (None: no such row)."""
        raise NotImplementedError

    def usable(self, row: Any) -> bool:
        """Whether this row may be chosen here."""
        raise NotImplementedError

    def hit(self, row: Any) -> Hit:
        """The row as the picker lists it."""
        raise NotImplementedError

    def find_typed(self, text: str) -> Typed:
        """The row the typed text names, else the rows to choose from."""
        raise NotImplementedError

    def search_args(self) -> dict[str, str]:
        """Query arguments the search URL carries besides the typed text."""
        return {}

    # The shared behaviour.
    @property
    def picker(self) -> bool:
        """Whether there are too many rows for a select (one count, once per form)."""
        if self._picker is None:
            self._picker = self.row_count() > current_app.config[self.limit_setting]
        return self._picker

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        """Read the id, and the picker's typed text and radio choice beside it."""
        super().process(formdata, data, extra_filters)
        self.data = "" if self.data is None else str(self.data)
        if formdata is not None:
            self.query = formdata.get(self.query_name, "")
            self.pick = formdata.get(self.pick_name, "")

    def pre_validate(self, form) -> None:
        """Find the row chosen; say what is wrong in words the person can act on."""
        self.chosen = self._picked() if self.picker else self._selected()
        if self.chosen is None and self.required is not None:
            raise ValidationError(self.required)

    def _selected(self) -> Any | None:
        return self._usable_row(self.data, self.not_in_list) if self.data else None

    def _picked(self) -> Any | None:
        if self.pick:
            return self._usable_row(self.pick, self.not_among_listed)
        text = (self.query or "").strip()
        if not text:
            return None
        if len(text) > TYPED_MAX:
            raise ValidationError(_l("Type at most 100 characters."))
        chosen = self.row(row_id) if (row_id := as_id(self.data)) else None
        if chosen is not None and text in (chosen.name, self.hit(chosen).label):
            if not self.usable(chosen):
                raise ValidationError(_named(self.not_usable, text))
            return chosen
        # No id, an odd one, or text changed after the pick (without JavaScript): the text rules.
        return self._typed(text)

    def _typed(self, text: str) -> Any:
        found = self.find_typed(text)
        if found.row is not None:
            return found.row
        self.candidates = found.hits
        if found.exact:
            raise ValidationError(_named(self.several_named, text))
        if not found.hits:
            raise ValidationError(_named(self.none_named, text))
        raise ValidationError(self.choose_below)

    def _usable_row(self, raw: str, refusal) -> Any:
        row = self.row(row_id) if (row_id := as_id(raw)) else None
        if row is None or not self.usable(row):
            raise ValidationError(refusal)
        return row

    def shown(self) -> Shown:
        """The text box's text and the chosen row's label: the row the form names (the
        current one), or what was typed when the form comes back."""
        if self.chosen is not None:
            return Shown(self.query or self.chosen.name, self.hit(self.chosen))
        if self.query is not None:
            return Shown(self.query, None)
        current = self.row(row_id) if (row_id := as_id(self.data)) else None
        if current is None:
            return Shown("", None)
        return Shown(current.name, self.hit(current))


class WorkUnitField(SearchPickField):
    """The work unit: any active unit. A unit code typed names its unit too, and several
    villages may share a name (each is shown with the units above it). After validation `unit`
    is the unit chosen (None: none)."""

    limit_setting = "WORK_UNIT_SELECT_LIMIT"
    search_endpoint = "auth.work_units"
    not_in_list = _l("Choose your work unit from the list.")
    not_among_listed = _l("Choose one of the units listed.")
    not_usable = _l("“%(name)s” is closed: choose another unit.")
    several_named = _l("Several units are named “%(name)s”: choose yours.")
    none_named = _l(
        "No unit is named like “%(name)s”. Check the name, or leave this empty and "
        "type your unit in the next box."
    )
    choose_below = _l("Choose your unit below, or type more of its name.")

    @property
    def unit(self) -> Unit | None:
        """The unit chosen (None: none)."""
        return self.chosen

    def row_count(self) -> int:
        """How many units are active."""
        return units.active_unit_count()

    @property
    def choices(self) -> list[SelectChoice]:
        """Every active unit, indented in tree order, after a blank."""
        return unit_choices()

    def row(self, row_id: int) -> Unit | None:
        """The unit with this id."""
        return db.session.get(Unit, row_id)

    def usable(self, row: Unit) -> bool:
        """Any active unit may be one's work unit."""
        return row.active

    def hit(self, row: Unit) -> units.UnitHit:
        """The unit with the units above it."""
        return units.unit_hit(row)

    def find_typed(self, text: str) -> Typed:
        """The unit a code or whole name names, else the units to choose from."""
        found = units.find_typed_unit(text)
        return Typed(found.unit, found.hits, found.exact)


def work_unit_field() -> WorkUnitField:
    """The unit from the tree: a select on a small tree, a search picker on a large one."""
    return WorkUnitField(_l("Work unit"))


class OrganizationField(SearchPickField):
    """An organization the signed-in organizer runs (admins: any), active ones only unless
    `active_only` is False; the view sets `actor` before validating or drawing. `blank` is
    the select's first option (None: none, and the field is required)."""

    limit_setting = "ORGANIZATION_SELECT_LIMIT"
    search_endpoint = "activities.organization_search"
    not_in_list = _l("Choose an organization from the list.")
    not_among_listed = _l("Choose one of the organizations listed.")
    not_usable = _l("You cannot choose “%(name)s” here.")
    several_named = _l("Several organizations are named “%(name)s”: choose one.")
    none_named = _l("None of your organizations is named like “%(name)s”.")
    choose_below = _l("Choose the organization below, or type more of its name.")

    def __init__(self, label=None, active_only: bool = True, blank=None, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.active_only = active_only
        self.blank = blank
        self.actor: User | None = None

    @property
    def required(self):
        """Without a blank option an organization must be chosen."""
        return None if self.blank is not None else _l("Choose an organization.")

    def row_count(self) -> int:
        """How many organizations the actor runs."""
        return organizations.organized_count(self.actor, self.active_only)

    @property
    def choices(self) -> list[SelectChoice]:
        """The actor's organizations by name, after the blank if there is one."""
        blank = [SelectChoice("", str(self.blank))] if self.blank is not None else []
        rows = organizations.organized_by(self.actor, self.active_only)
        return blank + [SelectChoice(str(row.id), row.name) for row in rows]

    def row(self, row_id: int) -> Organization | None:
        """The organization with this id."""
        return db.session.get(Organization, row_id)

    def usable(self, row: Organization) -> bool:
        """Whether the actor runs it (and it is active, where only active ones count)."""
        found = organizations.organized_organization(self.actor, row.id, self.active_only)
        return found is not None

    def hit(self, row: Organization) -> organizations.OrganizationHit:
        """The organization with its unit's name."""
        return organizations.organization_hit(row)

    def find_typed(self, text: str) -> Typed:
        """The organization a whole name names, else those whose names contain the text."""
        found = organizations.find_typed_organization(self.actor, text, self.active_only)
        return Typed(found.organization, found.hits, found.exact)

    def search_args(self) -> dict[str, str]:
        """Closed organizations are searched too where they may be chosen."""
        return {} if self.active_only else {"closed": "1"}
