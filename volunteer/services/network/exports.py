"""The network's files: the coverage workbook and the honour PDFs, from the services' figures."""

from flask import current_app

from volunteer.documents import honours as honour_documents
from volunteer.documents import network as documents
from volunteer.i18n import gettext as _
from volunteer.labels import ORGANIZATION_KIND_LABELS, UNIT_KIND_LABELS
from volunteer.models import HonourCategory, HonourCertificate, OrganizationKind
from volunteer.services.certificates.issuer import issuer_settings
from volunteer.services.network.coverage import IDLE, Coverage, CoverageRow, UnitFacts
from volunteer.services.network.honours import TITLES_ZH, RollEntry, honour_roll


def column_label(key: str) -> str:
    """The board's column heading of a count key."""
    if key == IDLE:
        return _("Idle organizations")
    return _("Without %(kind)s", kind=ORGANIZATION_KIND_LABELS[OrganizationKind(key)])


def coverage_xlsx(coverage: Coverage) -> bytes:
    """The board as a workbook: the root and its sub-units, every gap, every idle organization."""
    counted = [column_label(key) for key in coverage.counted]
    return documents.coverage_xlsx(
        documents.CoverageWorkbook(
            titles=(_("Summary"), _("Missing organizations"), _("Idle organizations")),
            summary_header=(_("Unit code"), _("Unit"), _("Kind"), *counted),
            summary=[
                _summary_row(row, coverage.counted) for row in [coverage.total, *coverage.children]
            ],
            gap_header=(_("Unit code"), _("Unit"), _("Kind"), _("Missing")),
            gaps=[_gap_row(gap) for gap in coverage.gaps],
            idle_header=(_("Organization"), _("Kind"), _("Unit"), _("Last activity")),
            idle=[_idle_row(item) for item in coverage.idle],
        )
    )


def _unit_cells(unit: UnitFacts) -> tuple[str, str, str]:
    """A unit's code, name and kind, as the sheets show them."""
    return unit.code, unit.name, str(UNIT_KIND_LABELS[unit.kind])


def _gap_row(gap) -> documents.GapRow:
    return documents.GapRow(*_unit_cells(gap.unit), str(ORGANIZATION_KIND_LABELS[gap.missing]))


def _summary_row(row: CoverageRow, keys: tuple[str, ...]) -> documents.CoverageSheetRow:
    counts = tuple(row.counts.get(key, 0) for key in keys)
    return documents.CoverageSheetRow(*_unit_cells(row.unit), counts)


def _idle_row(item) -> documents.IdleRow:
    last = item.last_activity_at.date().isoformat() if item.last_activity_at else "—"
    unit_name = item.unit.name if item.unit else "—"
    return documents.IdleRow(item.name, str(ORGANIZATION_KIND_LABELS[item.kind]), unit_name, last)


def honour_roll_pdf(year: int) -> bytes:
    """The year's honour roll as a printable PDF."""
    entries = honour_roll(year)
    sections = [
        honour_documents.RollSection(TITLES_ZH[category], lines)
        for category in HonourCategory
        if (lines := _roll_lines(entries, category))
    ]
    issuer = issuer_settings()["organization"]
    return honour_documents.render_honour_roll(year, sections, issuer, _font())


def _roll_lines(entries: list[RollEntry], category: HonourCategory) -> list:
    """The roll's lines of one category (none when nobody was honoured in it)."""
    return [
        honour_documents.RollLine(e.name, e.unit_name) for e in entries if e.category == category
    ]


def honour_certificate_pdf(certificate: HonourCertificate, verify_url: str) -> bytes:
    """An honour certificate's PDF from its frozen content."""
    return honour_documents.render_honour_certificate(certificate.content, verify_url, _font())


def _font() -> str | None:
    return current_app.config.get("CERTIFICATE_FONT_PATH")
