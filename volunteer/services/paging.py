"""Pages of a long list: one SQL count and one LIMIT/OFFSET query, whatever the data's size."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from volunteer.extensions import db
from volunteer.services.periods import local_midnight

# Items on one page of a staff list (issue 15: no page over 200 KB at province scale).
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list: its `items`, page `number` of `pages` (from 1), `total` items in all."""

    items: list[Any]
    number: int
    pages: int
    total: int


def _placed(asked: int | None, total: int, size: int) -> tuple[int, int]:
    """(page number, pages): pages outside the range give the nearest one."""
    pages = max(1, -(-total // size))
    return min(max(asked or 1, 1), pages), pages


def page_of_query(
    query: Select, asked: int | None, size: int | None = None, shape: Callable | None = None
) -> Page:
    """Page `asked` of an ordered query: counted in SQL, fetched with LIMIT/OFFSET; its
    first column's values, or each row made into `shape(*row)` when given."""
    size = size or PAGE_SIZE
    total = total_of(query)
    number, pages = _placed(asked, total, size)
    shown = query.offset((number - 1) * size).limit(size)
    if shape is None:
        return Page(list(db.session.scalars(shown).unique()), number, pages, total)
    return Page([shape(*row) for row in db.session.execute(shown)], number, pages, total)


def total_of(query: Select) -> int:
    """How many rows the query gives, counted in SQL."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def page_of_list(items: Sequence, asked: int | None, size: int | None = None) -> Page:
    """Page `asked` of a list already computed (a rolled-up board, not a table)."""
    size = size or PAGE_SIZE
    number, pages = _placed(asked, len(items), size)
    return Page(list(items[(number - 1) * size : number * size]), number, pages, len(items))


def within_days(column, since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Conditions keeping `column` (a moment) from the local day `since` through `until`."""
    conditions = []
    if since is not None:
        conditions.append(column >= local_midnight(since))
    if until is not None:
        conditions.append(column < local_midnight(until + timedelta(days=1)))
    return conditions
