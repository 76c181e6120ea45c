"""The compliance page's table: filters by kind of unit and status, and sorting by a column."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import UnitKind
from volunteer.services.compliance import Report, Status, UnitRow, tree_key

# Kinds of unit as the compliance page filters them.
KIND_GROUPS: dict[str, tuple[UnitKind, ...]] = {
    "departments": (
        UnitKind.PARTY_DEPARTMENT,
        UnitKind.GOVERNMENT_DEPARTMENT,
        UnitKind.PEOPLES_ORGANIZATION,
        UnitKind.JUDICIAL,
        UnitKind.FINANCIAL,
        UnitKind.SERVICE_CENTER,
    ),
    "towns": (UnitKind.TOWN,),
    "villages": (UnitKind.VILLAGE, UnitKind.COMMUNITY),
    "other": (UnitKind.BANNER, UnitKind.SCHOOL, UnitKind.ENTERPRISE, UnitKind.OTHER),
}
KIND_GROUP_LABELS = {
    "departments": _l("Departments"),
    "towns": _l("Towns"),
    "villages": _l("Villages and communities"),
    "other": _l("Other units"),
}

SORT_KEYS = {
    "tree": lambda row: tree_key(row.path),
    "name": lambda row: row.name,
    "staff": lambda row: row.figures.staff,
    "staff_rate": lambda row: (row.figures.staff_rate is None, row.figures.staff_rate or 0),
    "party_rate": lambda row: (row.figures.party_rate is None, row.figures.party_rate or 0),
    "staff_needs": lambda row: (row.staff_needs is None, row.staff_needs or 0),
    "party_needs": lambda row: (row.party_needs is None, row.party_needs or 0),
}


def kind_group(kind: UnitKind) -> str:
    """The filter group (departments, towns, villages, other) of a unit kind."""
    for group, kinds in KIND_GROUPS.items():
        if kind in kinds:
            return group
    return "other"


def filter_and_sort(
    rows: Iterable[UnitRow],
    kind: str | None = None,
    status: str | None = None,
    sort: str = "tree",
    descending: bool = False,
) -> list[UnitRow]:
    """The rows of one kind group and status, sorted by a column (no-roster rows last)."""
    chosen = [
        row
        for row in rows
        if (not kind or kind_group(row.kind) == kind) and (not status or row.status == status)
    ]
    key = SORT_KEYS.get(sort, SORT_KEYS["tree"])
    if sort in ("tree", "name"):
        return sorted(chosen, key=key, reverse=descending)
    with_value = [row for row in chosen if key(row)[0] is False]
    without = [row for row in chosen if key(row)[0] is not False]
    return sorted(with_value, key=key, reverse=descending) + without


@dataclass(frozen=True)
class TableFilters:
    """The table's filters as the query string gives them (unknown values: no filter)."""

    kind: str = ""
    status: str = ""
    sort: str = "tree"
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "TableFilters":
        """Read kind, status, sort and desc=1 from the query string."""
        return cls(
            kind=args.get("kind") if args.get("kind") in KIND_GROUPS else "",
            status=args.get("status") if args.get("status") in set(Status) else "",
            sort=args.get("sort", "tree"),
            descending=args.get("desc") == "1",
        )

    def apply(self, rows: Iterable[UnitRow]) -> list[UnitRow]:
        """The rows shown under these filters, in their order."""
        return filter_and_sort(rows, self.kind, self.status, self.sort, self.descending)

    def as_args(self) -> dict[str, str]:
        """The filters as the template's links and form fields use them."""
        desc = "1" if self.descending else ""
        return {"kind": self.kind, "status": self.status, "sort": self.sort, "desc": desc}


# Sub-units shown on one page: the page's size stays bounded whatever the fan-out.
PAGE_SIZE = 40


def own_and_children(report: Report) -> tuple[UnitRow | None, list[UnitRow]]:
    """An overview's own-roster row (None for an inactive unit) and its sub-units' rows."""
    rows = report.rows
    if rows and rows[0].unit_id == report.root.id:
        return rows[0], rows[1:]
    return None, rows
