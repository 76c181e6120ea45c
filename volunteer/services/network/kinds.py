"""Organization kinds in the unit tree: what each unit kind is expected to have, and bindings.

The expectations are the setting NETWORK_EXPECTATIONS (unit kind -> organization kinds):
by default a town expects a practice institute (所), a village or community a practice
station (站), and every assessed unit kind (departments, schools...) its own volunteer team.
"""

from flask import current_app

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import OrganizationKind, Unit, UnitKind
from volunteer.services.errors import ServiceError

# Where an organization of a kind may be bound (None: any unit, or none at all).
BINDINGS: dict[OrganizationKind, frozenset[UnitKind]] = {
    OrganizationKind.PRACTICE_INSTITUTE: frozenset({UnitKind.TOWN}),
    OrganizationKind.PRACTICE_STATION: frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY}),
}
BINDING_MESSAGES = {
    OrganizationKind.PRACTICE_INSTITUTE: _l("A practice institute belongs to a town."),
    OrganizationKind.PRACTICE_STATION: _l("A practice station belongs to a village or community."),
    OrganizationKind.UNIT_TEAM: _l("A unit's volunteer team belongs to a unit."),
}


def expectations() -> dict[UnitKind, frozenset[OrganizationKind]]:
    """Organization kinds expected of each unit kind (unit kinds not listed expect none)."""
    configured = current_app.config["NETWORK_EXPECTATIONS"]
    return {
        UnitKind(unit_kind): frozenset(OrganizationKind(kind) for kind in kinds)
        for unit_kind, kinds in configured.items()
    }


def check_binding(kind: OrganizationKind, unit: Unit | None) -> None:
    """Refuse an institute outside a town, a station outside a village, a team without a unit."""
    allowed = BINDINGS.get(kind)
    needs_unit = allowed is not None or kind == OrganizationKind.UNIT_TEAM
    if (needs_unit and unit is None) or (allowed is not None and unit.kind not in allowed):
        raise ServiceError(BINDING_MESSAGES[kind], "unit")
