"""The audit log pages on the admin blueprint: filters, pages, readable entries, export."""

import io
from dataclasses import dataclass

from flask import flash, render_template, request, send_file, url_for

from volunteer.access import ADMIN, access, acting_user
from volunteer.actions import service_action
from volunteer.admin.audit_forms import AuditFilterForm
from volunteer.admin.audit_labels import (
    TARGET_LINKS,
    DetailLine,
    action_label,
    detail_lines,
    target_label,
)
from volunteer.admin.routes import bp
from volunteer.bounds import as_id, page_number
from volunteer.documents.audit_xlsx import AuditRow, audit_xlsx
from volunteer.i18n import gettext as _
from volunteer.models import AuditEntry
from volunteer.services import audit, audit_view
from volunteer.services.periods import aware_to_beijing_naive, local_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class EntryView:
    """An audit entry as the page shows it."""

    entry: AuditEntry
    action: str
    target_type: str
    target_name: str
    target_url: str | None
    details: list[DetailLine]


def _filter_form() -> AuditFilterForm:
    """The filter form read from the address, its lists filled; bad filters are dropped."""
    form = AuditFilterForm(request.args)
    form.offer(_actors(form), audit_view.actions_in_log(), audit_view.target_types_in_log())
    if request.args and not form.validate():
        flash(_("Some filters were not valid and were ignored."), "warning")
        form = AuditFilterForm(formdata=None)
        form.offer([], [], [])
    return form


def _actors(form: AuditFilterForm) -> list:
    """The people the "who" list offers: those the typed text finds (the first of them), and
    the one chosen when the text no longer finds them."""
    offered = audit_view.actors_in_log((form.who.data or "").strip())
    chosen = audit_view.actor_in_log(as_id(form.actor.data))
    return offered if chosen is None or chosen in offered else [chosen, *offered]


@bp.route("/audit")
@access(ADMIN)
def audit_log():
    """The audit log in the reader's language: filters, pages, readable details."""
    form = _filter_form()
    entries = audit_view.audit_page(form.filters(), page_number())
    args = {k: v for k, v in request.args.items() if k not in ("page", "submit", "who") and v}
    return render_template(
        "admin/audit.html",
        form=form,
        entries=entries,
        views=_views(entries.items),
        args=args,
        actor_choices=audit_view.ACTOR_CHOICES,
    )


@bp.route("/audit/export.xlsx")
@access(ADMIN)
def audit_export():
    """The filtered view as a workbook; the export is itself audited."""
    filters = _filter_form().filters()
    entries = audit_view.audit_entries(filters)
    data = audit_xlsx(_export_header(), map(_export_row, _views(entries)), _("Audit log"))
    with service_action():
        audit.record_audit(acting_user(), "audit.export", rows=len(entries), **_asked(filters))
    name = f"审计日志-{local_today()}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


def _asked(filters: audit_view.AuditFilters) -> dict:
    """The filters of an export, for its own audit entry."""
    return {key: value for key, value in vars(filters).items() if value is not None}


def _views(entries: list[AuditEntry]) -> list[EntryView]:
    names = audit_view.target_names(entries)
    return [_view(entry, names) for entry in entries]


def _view(entry: AuditEntry, names: dict[tuple[str, int], str]) -> EntryView:
    key = (entry.target_type or "", entry.target_id or 0)
    fallback = f"#{entry.target_id}" if entry.target_id is not None else ""
    return EntryView(
        entry=entry,
        action=action_label(entry.action),
        target_type=target_label(entry.target_type),
        target_name=names.get(key, fallback),
        target_url=_target_url(entry),
        details=detail_lines(entry.details),
    )


def _target_url(entry: AuditEntry) -> str | None:
    link = TARGET_LINKS.get(entry.target_type or "")
    if link is None or entry.target_id is None:
        return None
    endpoint, argument = link
    return url_for(endpoint, **{argument: entry.target_id})


def _export_header() -> list[str]:
    return [_("Time"), _("Who"), _("Action"), _("Object type"), _("Object"), _("Details")]


def _export_row(view: EntryView) -> AuditRow:
    entry = view.entry
    return AuditRow(
        at=aware_to_beijing_naive(entry.created_at),
        who=entry.actor.name if entry.actor else _("system"),
        action=view.action,
        target_type=view.target_type,
        target_name=view.target_name,
        details="；".join(_detail_text(line) for line in view.details),
    )


def _detail_text(line: DetailLine) -> str:
    if line.before is not None or line.after is not None:
        return f"{line.label}: {line.before} → {line.after}"
    return f"{line.label}: {line.value}"
