"""Results as JSON and back, exactly: dataclasses by their type hints, dates, enums, Decimals.

A snapshot keeps a report, a pace or history points as JSON (services/compliance/snapshots):
`encode` turns any of them into JSON values and `decode(data, hint)` rebuilds an equal value
from the type hint of what was encoded (`Report`, `Pace`, `list[HistoryPoint]`). Decimals
travel as strings (never through a float), dates and datetimes in ISO form, enums by their
value, dicts as pairs (JSON keys are only strings), and a table row (a report's root unit)
by its id, loaded again from the session.
"""

import enum
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from volunteer.extensions import db
from volunteer.models import Base

SCALARS = (str, int, float, bool, type(None))
# Types rebuilt from their text form.
FROM_TEXT = {Decimal: Decimal, datetime: datetime.fromisoformat, date: date.fromisoformat}


def encode(value: Any) -> Any:
    """A JSON-ready form of `value` (dataclasses, lists, dicts, dates, enums, Decimals, rows)."""
    if isinstance(value, enum.Enum):  # before str: a StrEnum is a str
        return value.value
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, Decimal | date):  # a datetime is a date
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Base):
        return inspect(value).identity[0]
    return _encode_container(value)


def _encode_container(value: Any) -> Any:
    if is_dataclass(value):
        return {field.name: encode(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, dict):
        return [[encode(key), encode(item)] for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    raise TypeError(f"cannot keep a {type(value).__name__} in a snapshot")


def decode(data: Any, hint: Any) -> Any:
    """The value of type `hint` that `encode` turned into `data`."""
    return _decoder(hint)(data)


@functools.cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function rebuilding values of type `hint`, worked out once per type (a report has
    thousands of rows of the same few types)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(_not_none(args))
        return lambda data: None if data is None else inner(data)
    if origin is list:
        item = _decoder(args[0])
        return lambda data: [item(value) for value in data]
    if origin is dict:
        key, item = _decoder(args[0]), _decoder(args[1])
        return lambda data: {key(k): item(value) for k, value in data}
    return _plain_decoder(hint)


def _not_none(args: tuple) -> Any:
    """The one type of an optional (X | None); a wider union is not kept."""
    (inner,) = [arg for arg in args if arg is not type(None)]
    return inner


def _plain_decoder(hint: Any) -> Callable[[Any], Any]:
    if is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint in FROM_TEXT:
        return FROM_TEXT[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if isinstance(hint, type) and issubclass(hint, Base):
        return lambda data: db.session.get(hint, data)
    return lambda data: data


def _dataclass_decoder(cls: type) -> Callable[[dict], Any]:
    """Fields the constructor takes, each with its type's decoder."""
    hints = typing.get_type_hints(cls)
    parts = [(f.name, _decoder(hints[f.name])) for f in fields(cls) if f.init]
    return lambda data: cls(**{name: part(data[name]) for name, part in parts})
